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
		--compress gzip --output "$out" "$@" >/dev/null || fail "mkinitramfs $* failed"
	printf -v "$var" '%s' "$out"
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
