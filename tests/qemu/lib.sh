# shellcheck shell=bash
# Helpers for the qemu test cases, sourced by each case script:
#
#   #!/bin/bash
#   set -euo pipefail
#   . "$(dirname "$0")/lib.sh"
#   qemu_env
#   make_disk disk --slot-b-init missing
#   status=0
#   "$PAIOS_ROOT/tests/qemu/boot.sh" --kernel "$PAIOS_KERNEL" --initrd ... \
#       --disk "$disk" --log "$PAIOS_TEST_TMP/boot.log" || status=$?
#   [ "$status" = 0 ] || fail "boot.sh status $status"
#   expect_no_panic "$PAIOS_TEST_TMP/boot.log"
#   expect_probe "$PAIOS_TEST_TMP/boot.log" slot A
#   pass
#
# A case reports exactly one "PASS: name" or "FAIL: name: reason" line on stdout and exits
# 0 or 1 accordingly; the expect_* functions end the case with FAIL on a mismatch (so call
# them from the case's main shell, not inside $(...)).
#
# Sourcing creates $PAIOS_TEST_TMP, a private scratch directory removed on exit (kept if
# PAIOS_KEEP_TMP is non-empty, to look at logs). It installs an EXIT trap for that, so a
# case must not set its own.
#
# Serial console logs end lines with CR LF (the tty's onlcr); every reader below drops
# the CRs first so that regexes and values do not see them.

PAIOS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PAIOS_TEST_NAME=${PAIOS_TEST_NAME:-$(basename "$0" .sh)}
# Where scripts/fetch-arm64.sh unpacks the arm64 kernel and busybox.
PAIOS_ARM64_CACHE=${PAIOS_ARM64_CACHE:-${PAIOS_CACHE:-/var/cache/paios-init}/arm64}

PAIOS_TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/paios-test-$PAIOS_TEST_NAME.XXXXXX")
_paios_cleanup() {
	if [ -n "${PAIOS_KEEP_TMP:-}" ]; then
		echo "$PAIOS_TEST_NAME: kept $PAIOS_TEST_TMP" >&2
	else
		rm -rf "$PAIOS_TEST_TMP"
	fi
}
trap _paios_cleanup EXIT

pass() {
	echo "PASS: $PAIOS_TEST_NAME"
	exit 0
}

fail() {
	echo "FAIL: $PAIOS_TEST_NAME: $*"
	exit 1
}

# qemu_env: load the arm64 kernel and busybox locations (PAIOS_KERNEL PAIOS_KDIR
# PAIOS_KVER PAIOS_BUSYBOX) and check that everything a boot needs is there.
qemu_env() {
	local env="$PAIOS_ARM64_CACHE/env.sh" var
	[ -r "$env" ] || fail "$env missing: run scripts/fetch-arm64.sh first"
	# shellcheck source=/dev/null # written by scripts/fetch-arm64.sh
	. "$env"
	for var in PAIOS_KERNEL PAIOS_KDIR PAIOS_KVER PAIOS_BUSYBOX; do
		[ -n "${!var:-}" ] || fail "$env does not set $var: rerun scripts/fetch-arm64.sh"
	done
	[ -f "$PAIOS_KERNEL" ] || fail "kernel $PAIOS_KERNEL missing: rerun scripts/fetch-arm64.sh"
	[ -d "$PAIOS_KDIR" ] || fail "kernel directory $PAIOS_KDIR missing: rerun scripts/fetch-arm64.sh"
	[ -f "$PAIOS_BUSYBOX" ] || fail "busybox $PAIOS_BUSYBOX missing: rerun scripts/fetch-arm64.sh"
	command -v qemu-system-aarch64 >/dev/null ||
		fail "qemu-system-aarch64 not found: run scripts/install-deps.sh"
}

# make_disk VAR [mkdisk options...]: build a disk image in $PAIOS_TEST_TMP with
# scripts/mkdisk.sh (busybox from qemu_env), store its path in VAR and import the ids it
# prints (PAIOS_PARTUUID_A, PAIOS_FSUUID_B, ...; see scripts/mkdisk.sh --help).
make_disk() {
	local var=$1 out ids
	shift
	out=$(mktemp -p "$PAIOS_TEST_TMP" disk.XXXXXX.img)
	ids=$("$PAIOS_ROOT/scripts/mkdisk.sh" --busybox "$PAIOS_BUSYBOX" --out "$out" "$@") ||
		fail "scripts/mkdisk.sh $* failed"
	# Drop the ids of an earlier disk: this one may lack a partition or filesystem.
	unset "${!PAIOS_PARTUUID_@}" "${!PAIOS_PARTLABEL_@}" "${!PAIOS_FSUUID_@}" "${!PAIOS_LABEL_@}"
	eval "$ids"
	printf -v "$var" '%s' "$out"
}

# private_disk SRC VAR: copy disk image SRC into $PAIOS_TEST_TMP, keeping it sparse, and
# store the copy's path in VAR; for cases that write to a disk others share.
private_disk() {
	local src=$1 var=$2 copy
	copy=$(mktemp -p "$PAIOS_TEST_TMP" disk.XXXXXX.img)
	cp --sparse=always "$src" "$copy" || fail "cannot copy disk image $src"
	printf -v "$var" '%s' "$copy"
}

# _paios_text LOG: the log without CRs. Callers let grep/awk read all of it rather than
# stop early (grep -q), which would kill tr with SIGPIPE and fail the pipe (pipefail).
_paios_text() {
	tr -d '\r' <"$1"
}

# _paios_need_log LOG: fail unless LOG exists; called by the expect_* functions first.
_paios_need_log() {
	[ -f "$1" ] || fail "log $1 missing (did the boot run?)"
}

_paios_show_tail() {
	echo "--- last 30 lines of $1:" >&2
	_paios_text "$1" | tail -n 30 >&2
	echo "---" >&2
}

# expect_line LOG REGEX WHAT: fail unless a line of LOG matches extended regex REGEX.
expect_line() {
	local log=$1 re=$2 what=$3
	_paios_need_log "$log"
	if ! _paios_text "$log" | grep -E -- "$re" >/dev/null; then
		_paios_show_tail "$log"
		fail "$what: no line matches /$re/"
	fi
}

# expect_no_line LOG REGEX WHAT: fail if a line of LOG matches extended regex REGEX.
expect_no_line() {
	local log=$1 re=$2 what=$3 hits
	_paios_need_log "$log"
	hits=$(_paios_text "$log" | grep -E -- "$re") || return 0
	printf '%s\n' "--- lines of $log matching /$re/:" "$hits" "---" >&2
	fail "$what: unexpected line matches /$re/"
}

# probe_value LOG KEY: print the value of the last "PAIOS-TEST KEY=value" line of LOG
# (written by tests/qemu/probe-init.sh); status 1 if there is none.
probe_value() {
	_paios_text "$1" | awk -v prefix="PAIOS-TEST $2=" '
		(i = index($0, prefix)) { value = substr($0, i + length(prefix)); found = 1 }
		END { if (found) print value; exit !found }'
}

# expect_probe LOG KEY VALUE: fail unless the probe reported exactly KEY=VALUE.
expect_probe() {
	local log=$1 key=$2 want=$3 got
	_paios_need_log "$log"
	if ! got=$(probe_value "$log" "$key"); then
		_paios_show_tail "$log"
		fail "the probe reported no $key (did the slot's /sbin/init run?)"
	fi
	if [ "$got" != "$want" ]; then
		echo "--- probe report in $log:" >&2
		_paios_text "$log" | grep -E 'PAIOS-TEST [a-z-]+=' >&2
		echo "---" >&2
		fail "probe $key: expected '$want', got '$got'"
	fi
}

# expect_no_panic LOG: fail if the kernel panicked, including because PID 1 exited.
expect_no_panic() {
	expect_no_line "$1" 'Kernel panic|Attempted to kill init' "kernel panic"
}

# --- paios-init fixtures (tests/qemu/setup.sh, run by ctest as the qemu-setup fixture) ---

# fixtures_env: qemu_env plus the built /init, the default initramfs and the base disk.
fixtures_env() {
	qemu_env
	[ -n "${PAIOS_FIXTURES:-}" ] || fail "PAIOS_FIXTURES is not set: run the qemu tests through ctest"
	[ -r "$PAIOS_FIXTURES/env.sh" ] || fail "$PAIOS_FIXTURES/env.sh missing: the qemu-setup fixture did not run"
	# shellcheck source=/dev/null
	. "$PAIOS_FIXTURES/env.sh"
	# the base disk's ids (PAIOS_PARTUUID_A, PAIOS_FSUUID_B, ...), as scripts/mkdisk.sh printed them
	# shellcheck source=/dev/null
	. "$PAIOS_FIXTURES/disk-ids.sh"
}

# make_initramfs VAR [mkinitramfs options...]: an initramfs like the default one, with the
# given options added or overriding (--system-conf FILE, --config FILE, ...).
make_initramfs() {
	local var=$1 out
	shift
	out=$(mktemp -p "$PAIOS_TEST_TMP" initramfs.XXXXXX.img)
	"$PAIOS_ROOT/scripts/mkinitramfs" --init "$PAIOS_INIT_AARCH64" --modules "$PAIOS_KDIR" \
		--kernel-version "$PAIOS_KVER" --system-conf "$PAIOS_ROOT/initramfs/system.conf" \
		--config "$PAIOS_ROOT/initramfs/paios-init.conf" --busybox "$PAIOS_BUSYBOX" \
		${PAIOS_E2FSPROGS:+--e2fsprogs "$PAIOS_E2FSPROGS"} \
		--compress gzip --output "$out" "$@" >/dev/null || fail "mkinitramfs $* failed"
	printf -v "$var" '%s' "$out"
}

# layer_initramfs OUT BASE DIR: BASE with a second archive of what is below DIR appended
# (the kernel unpacks concatenated archives, each starting on a 4-byte boundary, the later
# file winning): the image's files replaced after mkinitramfs made it.
layer_initramfs() {
	cp "$2" "$1"
	truncate -s %4 "$1"
	(cd "$3" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >>"$1"
}

# boot LOG DISK INITRD APPEND [boot.sh options...]: one boot; fails the case if qemu had to
# be killed (a hang) unless --may-hang is the first option.
boot() {
	local log=$1 disk=$2 initrd=$3 append=$4 status=0 may_hang=no
	shift 4
	if [ "${1:-}" = --may-hang ]; then may_hang=yes; shift; fi
	"$PAIOS_ROOT/tests/qemu/boot.sh" --kernel "$PAIOS_KERNEL" --initrd "$initrd" --disk "$disk" \
		--append "$append" --log "$log" "$@" >>"$PAIOS_TEST_TMP/boot.out" 2>&1 || status=$?
	if [ "$status" = 124 ] && [ "$may_hang" = no ]; then
		_paios_show_tail "$log"
		fail "the boot hung (qemu killed by the timeout)"
	fi
	[ "$status" = 0 ] || [ "$status" = 124 ] || { cat "$PAIOS_TEST_TMP/boot.out" >&2; fail "boot.sh failed ($status)"; }
}

# expect_fatal LOG REGEX: the boot ended in one clear FATAL line matching REGEX, then in the
# failure action (a reboot, which ends qemu under -no-reboot), never a kernel panic.
expect_fatal() {
	expect_line "$1" "paios-init: FATAL: .*$2" "the failure line"
	expect_line "$1" 'paios-init: rebooting now|reboot: Restarting system' "the reboot after the failure"
	expect_no_panic "$1"
	[ "$(_paios_text "$1" | grep -c 'paios-init: FATAL')" = 1 ] || fail "more than one FATAL line"
}

# expect_booted LOG SLOT: the slot's own init ran as PID 1 on an overlay root.
expect_booted() {
	expect_no_panic "$1"
	expect_line "$1" "^PAIOS-TEST done" "the probe ran to its end"
	expect_probe "$1" pid 1
	expect_probe "$1" slot "$2"
	expect_probe "$1" root-fstype overlay
}

# --- U-Boot (scripts/uboot/, boot.sh --uboot) ---------------------------------------------

# make_uboot_disk VAR [mkdisk options...]: make_disk with the U-Boot boot partition
# (partition 4, boot.scr) and the kernel and the given initramfs ($PAIOS_INITRD unless
# --initrd is among the options) in /boot of both slots.
make_uboot_disk() {
	local var=$1 arg initrd=$PAIOS_INITRD
	shift
	for arg in "$@"; do
		[ "$arg" != --initrd ] || initrd=
	done
	make_disk "$var" --boot --kernel "$PAIOS_KERNEL" ${initrd:+--initrd "$initrd"} "$@"
}

# uboot_boot LOG DISK [--may-hang] [boot.sh options...]: one qemu run under U-Boot, which
# may boot several times (each guest reboot restarts U-Boot) until the guest powers off;
# fails the case if the timeout (120 s unless a --timeout option says otherwise) ends it,
# unless --may-hang is the first option.
uboot_boot() {
	local log=$1 disk=$2 status=0 may_hang=no
	shift 2
	if [ "${1:-}" = --may-hang ]; then may_hang=yes; shift; fi
	"$PAIOS_ROOT/tests/qemu/boot.sh" --uboot --disk "$disk" --log "$log" --timeout 120 "$@" \
		>>"$PAIOS_TEST_TMP/boot.out" 2>&1 || status=$?
	if [ "$status" = 124 ] && [ "$may_hang" = no ]; then
		_paios_show_tail "$log"
		fail "the run did not end (qemu killed by the timeout)"
	fi
	[ "$status" = 0 ] || [ "$status" = 124 ] || { cat "$PAIOS_TEST_TMP/boot.out" >&2; fail "boot.sh --uboot failed ($status)"; }
}

# uboot_env DISK VAR: print VAR's value from uboot.env on DISK's boot partition (read with
# libubootenv's fw_printenv, as RAUC on the device reads it); status 1 if the file, the
# variable or a valid CRC is missing. Call it in $(...) and check the status.
uboot_env() {
	local disk=$1 var=$2 start dir
	# the boot partition's first sector, from the dump line that names it
	start=$(sfdisk -d "$disk" | awk '/name="boot"/ { sub(/.* : start= */, ""); sub(/,.*/, ""); print }')
	[ -n "$start" ] || { echo "uboot_env: $disk has no partition named boot" >&2; return 1; }
	dir=$(mktemp -d -p "$PAIOS_TEST_TMP" uboot-env.XXXXXX)
	# mtools reads the FAT inside the disk image at that offset: no partition copy needed
	mcopy -n -i "$disk@@$((start * 512))" ::uboot.env "$dir/uboot.env" 2>/dev/null ||
		{ echo "uboot_env: no uboot.env on $disk's boot partition" >&2; return 1; }
	# fw_env.config line: the env file, its offset and size (boot.cmd: env export -s 0x4000)
	printf '%s 0x0 0x4000\n' "$dir/uboot.env" >"$dir/fw_env.config"
	fw_printenv -c "$dir/fw_env.config" >"$dir/all" 2>"$dir/err" ||
		{ echo "uboot_env: fw_printenv failed: $(cat "$dir/err")" >&2; return 1; }
	awk -v prefix="$var=" '
		index($0, prefix) == 1 { print substr($0, length(prefix) + 1); found = 1 }
		END { exit !found }' "$dir/all"
}

# expect_uboot_env DISK VAR VALUE: fail unless uboot.env on DISK holds VAR=VALUE.
expect_uboot_env() {
	local disk=$1 var=$2 want=$3 got
	got=$(uboot_env "$disk" "$var") || fail "uboot.env: cannot read $var"
	[ "$got" = "$want" ] || fail "uboot.env: expected $var=$want, got $var=$got"
}

# uboot_slots LOG: the slots boot.scr chose during the run, in order, e.g. "B B B A".
uboot_slots() {
	_paios_text "$1" | awk '/^paios-boot: booting slot / { printf "%s%s", sep, $4; sep = " " } END { print "" }'
}

# expect_uboot_slots LOG SLOTS: fail unless boot.scr chose exactly SLOTS ("A", "B B A" ...).
expect_uboot_slots() {
	local log=$1 want=$2 got
	_paios_need_log "$log"
	got=$(uboot_slots "$log")
	if [ "$got" != "$want" ]; then
		echo "--- boot.scr lines in $log:" >&2
		_paios_text "$log" | grep -E '^(U-Boot 20|paios-boot:)' >&2
		echo "---" >&2
		fail "U-Boot booted slots '$got', expected '$want'"
	fi
}

# --- persistent /data (tests/qemu/cases/data-*.sh) ----------------------------------------

# skip REASON: end the case as skipped (ctest: SKIP_RETURN_CODE 77), e.g. for a tool the
# test initramfs lacks.
skip() {
	echo "SKIP: $PAIOS_TEST_NAME: $*"
	exit 77
}

# need_e2fsprogs: skip unless the test initramfs holds e2fsck and mke2fs (setup.sh packs
# them when scripts/build-static-deps.sh built them and mkinitramfs has --e2fsprogs).
need_e2fsprogs() {
	[ -n "${PAIOS_E2FSPROGS:-}" ] ||
		skip "no static e2fsck/mke2fs in the test initramfs (PAIOS_E2FSPROGS empty: see tests/qemu/setup.sh)"
}

# data_args: kernel arguments for a boot that should use /data: paios.data.check=0 when
# the test initramfs has no e2fsck (without it, data.check=true falls back to tmpfs).
data_args() {
	[ -n "${PAIOS_E2FSPROGS:-}" ] || echo "paios.data.check=0"
}

# record_value LOG FILTER: apply jq FILTER to the boot record the probe printed
# ("PAIOS-TEST record=<json>", /run/paios/boot-record.json), strings raw, anything else
# as compact JSON; status 1 if there is none.
record_value() {
	local json
	json=$(probe_value "$1" record) && [ "$json" != absent ] || return 1
	jq -rc "$2" <<<"$json"
}

# The boot record's fallbacks that concern /data (the data device, the upper, the binds),
# for jq: expect_record LOG "[$DATA_FALLBACKS] | length" 0. Others (bootenv, ...) may be there.
# shellcheck disable=SC2034 # used by the cases
DATA_FALLBACKS='.fallbacks[] | select(.what == "data" or .what == "upper" or .what == "bind")'


# expect_record LOG FILTER VALUE: fail unless jq FILTER on the boot record gives VALUE.
expect_record() {
	local log=$1 filter=$2 want=$3 got
	_paios_need_log "$log"
	got=$(record_value "$log" "$filter") || { _paios_show_tail "$log"; fail "no boot record in $log"; }
	if [ "$got" != "$want" ]; then
		echo "--- boot record in $log:" >&2
		probe_value "$log" record | jq . >&2 || true
		echo "---" >&2
		fail "boot record $filter: expected '$want', got '$got'"
	fi
}

# expect_record_match LOG FILTER REGEX: fail unless jq FILTER on the record matches REGEX.
expect_record_match() {
	local log=$1 filter=$2 re=$3 got
	_paios_need_log "$log"
	got=$(record_value "$log" "$filter") || { _paios_show_tail "$log"; fail "no boot record in $log"; }
	if ! grep -E -- "$re" >/dev/null <<<"$got"; then
		echo "--- boot record in $log:" >&2
		probe_value "$log" record | jq . >&2 || true
		echo "---" >&2
		fail "boot record $filter: '$got' does not match /$re/"
	fi
}

# partition_range DISK N: "START SIZE" of partition N in 512-byte sectors (sfdisk -J).
partition_range() {
	sfdisk -J "$1" | jq -r --arg n "$2" \
		'.partitiontable.partitions[] | select(.node | test("[^0-9]" + $n + "$")) | "\(.start) \(.size)"'
}

# partition_extract DISK N OUT: copy partition N of DISK into the file OUT.
partition_extract() {
	local start size
	read -r start size < <(partition_range "$1" "$2") || fail "$1 has no partition $2"
	dd if="$1" of="$3" bs=512 skip="$start" count="$size" conv=sparse status=none ||
		fail "cannot read partition $2 of $1"
}

# partition_copy SRC DST N: partition N of disk SRC into partition N of disk DST (same size).
partition_copy() {
	local src=$1 dst=$2 n=$3 a b start size
	a=$(partition_range "$src" "$n")
	b=$(partition_range "$dst" "$n")
	if [ -z "$a" ] || [ "$a" != "$b" ]; then
		fail "partition $n differs between $src ($a) and $dst ($b)"
	fi
	read -r start size <<<"$a"
	dd if="$src" of="$dst" bs=512 skip="$start" seek="$start" count="$size" conv=notrunc status=none ||
		fail "cannot copy partition $n"
}

# partition_write DISK N IN: write the file IN (as partition_extract made it) back into
# partition N of DISK.
partition_write() {
	local start size
	read -r start size < <(partition_range "$1" "$2") || fail "$1 has no partition $2"
	[ "$(stat -c %s "$3")" = "$((size * 512))" ] || fail "$3 is not the size of partition $2"
	dd if="$3" of="$1" bs=512 seek="$start" conv=notrunc status=none || fail "cannot write partition $2 of $1"
}

# partition_sum DISK N: md5sum of partition N (to show that a boot left it unchanged).
partition_sum() {
	local start size
	read -r start size < <(partition_range "$1" "$2") || fail "$1 has no partition $2"
	dd if="$1" bs=512 skip="$start" count="$size" status=none | md5sum | cut -d' ' -f1
}

# data_debugfs DISK COMMAND: run debugfs COMMAND (read-only) on DISK's data partition
# (partition 3), e.g. data_debugfs "$disk" 'ls -l /paios/attic'.
data_debugfs() {
	local img
	img=$(mktemp -p "$PAIOS_TEST_TMP" data.XXXXXX.img)
	partition_extract "$1" 3 "$img"
	debugfs -R "$2" "$img" 2>/dev/null
	rm -f "$img"
}

# data_debugfs_w DISK: run the debugfs commands on stdin read-write on DISK's data
# partition (extracted, changed, written back); fails the case if debugfs fails.
data_debugfs_w() {
	local img
	img=$(mktemp -p "$PAIOS_TEST_TMP" data.XXXXXX.img)
	partition_extract "$1" 3 "$img"
	debugfs -w -f - "$img" >"$img.log" 2>&1 || { cat "$img.log" >&2; fail "debugfs -w failed"; }
	partition_write "$1" 3 "$img"
	rm -f "$img" "$img.log"
}

# data_ls DISK DIR: the names in DIR of DISK's data filesystem, one a line, without . and ..
data_ls() {
	data_debugfs "$1" "ls -p $2" | awk -F/ 'NF >= 7 && $6 != "." && $6 != ".." { print $6 }'
}

# data_has DISK PATH: status 0 if PATH exists on DISK's data filesystem (a link is not followed).
data_has() {
	data_debugfs "$1" "stat $2" | grep '^Inode:' >/dev/null
}

# data_dumpe2fs DISK: dumpe2fs -h of DISK's data partition.
data_dumpe2fs() {
	local img
	img=$(mktemp -p "$PAIOS_TEST_TMP" data.XXXXXX.img)
	partition_extract "$1" 3 "$img"
	dumpe2fs -h "$img" 2>/dev/null
	rm -f "$img"
}

# boot_until LOG DISK INITRD APPEND REGEX [boot.sh options...]: boot, and SIGKILL qemu (a
# power cut: nothing the guest has not written yet reaches the disk) as soon as a line of
# the console log matches extended regex REGEX; fails the case if the boot ends or times
# out before that.
boot_until() {
	local log=$1 disk=$2 initrd=$3 append=$4 re=$5 pid qemu='' status=0 tpid
	shift 5
	: >"$log"
	"$PAIOS_ROOT/tests/qemu/boot.sh" --kernel "$PAIOS_KERNEL" --initrd "$initrd" --disk "$disk" \
		--append "$append" --log "$log" "$@" >>"$PAIOS_TEST_TMP/boot.out" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		if _paios_text "$log" | grep -E -- "$re" >/dev/null; then
			# boot.sh -> timeout -> qemu-system-aarch64: all started by this case
			for tpid in $(pgrep -P "$pid" -x timeout); do
				qemu=$(pgrep -P "$tpid") || true
			done
			[ -z "$qemu" ] || kill -KILL "$qemu" 2>/dev/null || true
			break
		fi
		sleep 0.2
	done
	wait "$pid" || status=$?
	[ -n "$qemu" ] || { _paios_show_tail "$log"; fail "the boot ended ($status) before /$re/ (no power cut)"; }
}
