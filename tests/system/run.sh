#!/bin/bash
# The system test: the demo image (scripts/image/) booted through U-Boot, the kernel and
# paios-init under qemu-system-aarch64 with a hardware watchdog, checked with the real,
# unmodified systemd, RAUC and libubootenv.
#
#   tests/system/run.sh [--keep] [--out DIR]
#
#   --keep     keep the work directory (disk images, ~1 GiB) also when the test passes
#   --out DIR  where the logs and timings of the run go (default
#              ${PAIOS_CACHE:-/var/cache/paios-init}/system/last); replaced at each run
#
# Needs root (the image build) and what scripts/install-deps.sh installs. It builds the
# image with scripts/image/build-image.sh (cached outside the clone: a rerun with
# unchanged inputs takes a second), makes a GPT disk (slot A = rootfs.ext4, slot B
# empty, a blank data partition that paios-init formats at the first boot, the FAT boot
# partition with boot.scr) and a read-only disk with the bundles, and runs two VMs:
#
#   update    boot A: 1 systemd reaches its default target, no early-boot unit failed;
#             2 systemd holds the watchdog; 3 rauc status: booted A, overlay root; 4 the
#             health check marks A good (BOOT_A_LEFT=3); a payload file goes to /data;
#             6 the bundle signed by another CA is rejected; 5 the good bundle is
#             installed into B (BOOT_ORDER=B A), reboot -> U-Boot boots B: 1-4 again on
#             B, power off
#   rollback  boot B: a short paios-init watchdog in uboot.env (paios_extra_args); 7 the
#             bad bundle (its init hangs) into A, reboot -> A, A, A, each reset by the
#             watchdog (QMP WATCHDOG events), then U-Boot falls back to B: 1-4 on B, A is
#             bad, power off
#
# and checks between and after them, from the host: the boots U-Boot chose, uboot.env
# (fw_printenv), the slots' bytes against rootfs.ext4 (the slot stays read-only), the
# /data payload's checksum and /etc/machine-id, identical at every boot and on the data
# partition at the end. The guest side is tests/system/guest.sh, run by the image's agent
# (scripts/image/systest/) from qemu's fw_cfg; tests/system/vm-run.pl runs each VM and
# time-stamps its console. Ends with "PASS: system-rauc" or "FAIL: system-rauc: why";
# the phase timings go to stdout and OUT/timings.txt.
set -euo pipefail

name=system-rauc
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${PAIOS_CACHE:-/var/cache/paios-init}
out=$cache/system/last
keep=no
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=yes; shift ;;
	--out) [ $# -ge 2 ] || { echo "$name: --out needs a value" >&2; exit 2; }; out=$2; shift 2 ;;
	-h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
	*) echo "$name: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
done

say() { echo "$name: $*" >&2; }
work=''
fail() {
	echo "FAIL: $name: $*"
	if [ -n "$work" ]; then
		save_logs
		say "logs in $out; work directory kept: $work"
	fi
	exit 1
}
[ "$(id -u)" = 0 ] || fail "run as root (the image build needs it)"
uboot_bin=${PAIOS_UBOOT_BIN:-/usr/lib/u-boot/qemu_arm64/u-boot.bin}
for t in qemu-system-aarch64 perl sfdisk mkfs.vfat mcopy mke2fs debugfs e2fsck fw_printenv mkimage cmp; do
	command -v "$t" >/dev/null || fail "'$t' not found: run scripts/install-deps.sh"
done
[ -f "$uboot_bin" ] || fail "$uboot_bin missing: run scripts/install-deps.sh (u-boot-qemu)"

# --- timings ---------------------------------------------------------------------------
timings=()
# timing NAME SECONDS [NOTE]
timing() {
	timings+=("$(printf '%-52s %6s s  %s' "$1" "$2" "${3:-}")")
	say "time: $1: $2 s ${3:-}"
}
secs_since() { awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }'; }
t_test=$EPOCHREALTIME

save_logs() {
	mkdir -p "$out"
	rm -f "$out"/*.console "$out"/*.lines "$out"/*.events "$out"/*.log "$out/timings.txt"
	cp "$work"/*.console "$work"/*.lines "$work"/*.events "$work"/*.log "$out/" 2>/dev/null || true
	{
		echo "# tests/system/run.sh phase timings, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) CPUs, $(uname -n)"
		printf '%s\n' "${timings[@]}"
	} >"$out/timings.txt"
}

# --- the image -------------------------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/var/tmp}/paios-system.XXXXXX")
t0=$EPOCHREALTIME
say "building the image (scripts/image/build-image.sh; log: $work/build-image.log)"
env_sh=$("$root/scripts/image/build-image.sh" 2>"$work/build-image.log") ||
	{ tail -n 30 "$work/build-image.log" >&2; fail "scripts/image/build-image.sh failed"; }
eval "$env_sh"
if grep -q 'inputs unchanged' "$work/build-image.log"; then how="cached"; else how="built"; fi
timing "image: build-image.sh" "$(secs_since "$t0")" "($how: $PAIOS_IMAGE_DIR)"
for f in "$PAIOS_IMAGE_ROOTFS" "$PAIOS_BUNDLE_GOOD" "$PAIOS_BUNDLE_BAD" "$PAIOS_BUNDLE_OTHERKEY"; do
	[ -f "$f" ] || fail "the image build did not produce $f"
done
agent_unit=$(debugfs -R 'cat /usr/lib/systemd/system/paios-systest.service' "$PAIOS_IMAGE_ROOTFS" 2>/dev/null)
[[ $agent_unit == *ConditionVirtualization* ]] || fail "the image has no paios-systest.service (scripts/image/customize.sh)"

# --- disks -------------------------------------------------------------------------------
t0=$EPOCHREALTIME
# The bundles disk: an ext4 (label paios-systest) holding the three bundles, attached
# read-only; it depends on the image only, so it is cached beside the other test data.
bundles_dir=$cache/system
bundles=$bundles_dir/bundles-$(basename "$PAIOS_IMAGE_DIR").ext4
mkdir -p "$bundles_dir"
if [ ! -f "$bundles" ]; then
	stage=$work/bundles
	mkdir -p "$stage"
	ln "$PAIOS_BUNDLE_GOOD" "$PAIOS_BUNDLE_BAD" "$PAIOS_BUNDLE_OTHERKEY" "$stage/" 2>/dev/null ||
		cp "$PAIOS_BUNDLE_GOOD" "$PAIOS_BUNDLE_BAD" "$PAIOS_BUNDLE_OTHERKEY" "$stage/"
	mib=$(($(du -smL "$stage" | cut -f1) * 11 / 10 + 16))
	truncate -s "${mib}M" "$bundles.tmp.$$"
	mke2fs -q -F -t ext4 -L paios-systest -E root_owner=0:0 -d "$stage" "$bundles.tmp.$$" ||
		{ rm -f "$bundles.tmp.$$"; fail "mke2fs -d of the bundles disk failed"; }
	mv "$bundles.tmp.$$" "$bundles"
	rm -rf "$stage"
fi
# the bundles disks of images that build-image.sh has pruned go too
for f in "$bundles_dir"/bundles-*.ext4; do
	k=${f##*/bundles-} k=${k%.ext4}
	[ -d "$(dirname "$PAIOS_IMAGE_DIR")/$k" ] || rm -f "$f"
done

# The system disk, GPT, the layout of initramfs/system.conf and scripts/uboot/:
#   1 rootfs-a  rootfs.ext4         2 rootfs-b  empty (RAUC writes it)
#   3 data      blank: paios-init formats it at the first boot ([data] format-blank)
#   4 boot      FAT16, boot.scr, no uboot.env yet (boot.scr starts from its defaults)
disk=$work/disk.img
slot_mib=$PAIOS_IMAGE_ROOTFS_MIB data_mib=256 boot_mib=16
a_start=1 b_start=$((1 + slot_mib)) d_start=$((1 + 2 * slot_mib)) f_start=$((1 + 2 * slot_mib + data_mib))
truncate -s $((f_start + boot_mib + 1))M "$disk"
sfdisk --quiet --no-reread --no-tell-kernel "$disk" <<EOF || fail "sfdisk failed"
label: gpt
unit: sectors
first-lba: 2048
start=$((a_start * 2048)), size=$((slot_mib * 2048)), type=L, name="rootfs-a"
start=$((b_start * 2048)), size=$((slot_mib * 2048)), type=L, name="rootfs-b"
start=$((d_start * 2048)), size=$((data_mib * 2048)), type=L, name="data"
start=$((f_start * 2048)), size=$((boot_mib * 2048)), type=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7, name="boot", attrs="LegacyBIOSBootable"
EOF
dd if="$PAIOS_IMAGE_ROOTFS" of="$disk" bs=1M seek=$a_start conv=notrunc,sparse status=none ||
	fail "cannot write rootfs.ext4 into slot A"
"$root/scripts/uboot/mkbootscr" --out "$work/boot.scr"
truncate -s ${boot_mib}M "$work/boot.img"
# (mkfs.fat warns that a lowercase label may not work everywhere: fstab and paios-init
# use the partition label, and Linux and U-Boot read this one fine)
mkfs.vfat -F 16 -n boot "$work/boot.img" >"$work/mkfs.log" 2>&1 || fail "mkfs.vfat failed: $(cat "$work/mkfs.log")"
mcopy -i "$work/boot.img" -p -Q "$work/boot.scr" ::/ || fail "mcopy boot.scr failed"
dd if="$work/boot.img" of="$disk" bs=1M seek=$f_start conv=notrunc status=none
rm -f "$work/boot.img" "$work/boot.scr"
timing "disks: system disk + bundles disk" "$(secs_since "$t0")"

# --- host-side views of the disk -----------------------------------------------------------
# uboot_env VAR: VAR from uboot.env on the boot partition, read with fw_printenv as RAUC
# reads it on the device (libubootenv); empty if unset
uboot_env() {
	rm -f "$work/uboot.env"
	mcopy -n -i "$disk@@$((f_start * 1048576))" ::uboot.env "$work/uboot.env" 2>/dev/null ||
		fail "no uboot.env on the boot partition"
	printf '%s 0x0 0x4000\n' "$work/uboot.env" >"$work/fw_env.config"
	fw_printenv -c "$work/fw_env.config" >"$work/uboot.env.txt" 2>&1 || fail "fw_printenv: $(cat "$work/uboot.env.txt")"
	awk -v p="$1=" 'index($0, p) == 1 { print substr($0, length(p) + 1) }' "$work/uboot.env.txt"
}
expect_env() { # VAR VALUE
	local got
	got=$(uboot_env "$1")
	[ "$got" = "$2" ] || fail "uboot.env: $1='$got', expected '$2' (all: $(tr '\n' ' ' <"$work/uboot.env.txt"))"
	say "ok: uboot.env $1=$2"
}
# slot_is_image START_MIB WHAT: the slot's bytes equal rootfs.ext4 (nothing wrote to it)
slot_is_image() {
	cmp --quiet --ignore-initial=$(($1 * 1048576)):0 --bytes="$(stat -c %s "$PAIOS_IMAGE_ROOTFS")" \
		"$disk" "$PAIOS_IMAGE_ROOTFS" || fail "$2 differs from rootfs.ext4"
	say "ok: $2 is rootfs.ext4, byte for byte"
}

# --- one VM run and what it reported -----------------------------------------------------------
# shellcheck disable=SC2054 # the commas are qemu's option syntax
qemu_args=(
	qemu-system-aarch64 -M virt -cpu cortex-a57 -smp 2 -m 1024 -nographic -nic none
	-bios "$uboot_bin"
	# the system disk first: U-Boot's distro boot scans virtio 0, and boot.scr takes
	# the slots from the device it runs from
	-drive "file=$disk,format=raw,if=none,id=sys" -device virtio-blk-pci,drive=sys
	-drive "file=$bundles,format=raw,if=none,id=bundles,readonly=on" -device virtio-blk-pci,drive=bundles
	-device i6300esb -watchdog-action reset
)

# vm RUN TIMEOUT BOOT-TIMEOUT: one VM, the guest's step script for RUN handed over by fw_cfg
vm() {
	local run=$1 status=0
	{
		printf 'SYSTEST_RUN=%s\nSYSTEST_ID=%s\n' "$run" "$(basename "$work")"
		cat "$here/guest.sh"
	} >"$work/step-$run.sh"
	say "VM '$run' (timeout $2 s, $3 s per boot; console: $work/$run.console)"
	local t0=$EPOCHREALTIME
	perl "$here/vm-run.pl" --dir "$work" --name "$run" --timeout "$2" --boot-timeout "$3" -- \
		"${qemu_args[@]}" -fw_cfg "name=opt/paios-systest/step.sh,file=$work/step-$run.sh" \
		2> >(tee "$work/$run.log" >&2) || status=$?
	timing "$run: whole VM run" "$(secs_since "$t0")"
	if [ "$status" != 0 ]; then
		tail -n 40 "$work/$run.lines" | cut -f2- >&2
		[ "$status" = 124 ] && fail "VM '$run' did not power off in time (see above and $out/$run.console)"
		fail "VM '$run': qemu failed with status $status"
	fi
}

# sys_file RUN: RUN.sys, the guest's PAIOS-SYS lines of the run without the time and the
# prefix (read from a file, as grep -q on a pipe would break the pipe under pipefail)
sys_file() {
	awk -F'\t' '{ i = index($2, "PAIOS-SYS "); if (i) print substr($2, i + 10) }' "$work/$1.lines" >"$work/$1.sys"
	echo "$work/$1.sys"
}
# values RUN KEY: the values the guest reported for KEY, one per line
values() { sed -n "s/^value $2=//p" "$(sys_file "$1")"; }
# at RUN REGEX [N]: time of the Nth (default 1st) console line matching REGEX
at() {
	awk -F'\t' -v re="$2" -v n="${3:-1}" '$2 ~ re && ++k == n { print $1; exit }' "$work/$1.lines"
}
# banner_before RUN TIME: the last U-Boot banner before TIME (the start of that boot)
banner_before() {
	awk -F'\t' -v t="$2" '$2 ~ /^U-Boot 20/ && $1 + 0 <= t + 0 { b = $1 } END { print b }' "$work/$1.lines"
}
diff_t() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# expect_stages RUN STAGE:CHECK,CHECK... : each stage began and ended ok with these checks ok,
# and no check anywhere failed
expect_stages() {
	local run=$1 spec st checks c fails f
	shift
	f=$(sys_file "$run")
	fails=$(grep '^FAIL ' "$f" || true)
	[ -z "$fails" ] || fail "VM '$run': the guest reported: $(echo "$fails" | tr '\n' ';')"
	for spec in "$@"; do
		st=${spec%%:*} checks=${spec#*:}
		# the stage's own lines: from its begin line to its end line
		awk -v s="$st" '$0 ~ "^stage " s " begin" { on = 1 } on { print } $0 ~ "^stage " s " end" { on = 0 }' "$f" >"$f.$st"
		grep -q "^stage $st begin slot=" "$f.$st" || fail "VM '$run': stage $st never began"
		grep -qx "stage $st end ok" "$f.$st" || fail "VM '$run': stage $st did not end ok"
		for c in ${checks//,/ }; do
			grep -q "^ok $c: " "$f.$st" || fail "VM '$run': stage $st did not report check $c"
		done
		say "ok: VM '$run' stage $st: ${checks//,/ }"
	done
}
# expect_boots RUN SLOTS: the slots boot.scr chose, in order
expect_boots() {
	local got
	got=$(awk -F'\t' '$2 ~ /^paios-boot: booting slot / { split($2, w, " "); printf "%s%s", s, w[4]; s = " " }' "$work/$1.lines")
	[ "$got" = "$2" ] || fail "VM '$1': U-Boot booted '$got', expected '$2'"
	say "ok: VM '$1': U-Boot booted $2"
}
# boot_timing RUN LABEL N: time from the U-Boot banner to the Nth default-target mark
boot_timing() {
	local t b
	t=$(at "$1" 'PAIOS-SYS mark default-target$' "$3")
	b=$(banner_before "$1" "$t")
	timing "$2" "$(diff_t "$b" "$t")" "(U-Boot start to systemctl is-system-running)"
}
install_timing() { # RUN WHAT
	timing "$1: rauc install $2" "$(diff_t "$(at "$1" "PAIOS-SYS mark install-$2-begin$")" "$(at "$1" "PAIOS-SYS mark install-$2-end$")")"
}

common_checks=systemd-state,generators,root-overlay,slot-read-only,slot-not-writable,run-tmpfs,dev-devtmpfs,data-mounted,machine-id,watchdog-journal,watchdog-runtime,watchdog-pid1,rauc-booted,health-service,health-counter,health-rauc,payload

# --- run 1: first boot of A, updates, boot of B ------------------------------------------------
vm update 900 420
expect_stages update \
	"a-first:$common_checks,boot-order-before,otherkey-rejected,otherkey-no-change,install-good,install-activates-b,install-primary" \
	"b-updated:$common_checks,other-slot-good"
expect_boots update "A B"
[ "$(awk -F'\t' '$2 == "WATCHDOG"' "$work/update.events" | wc -l)" = 0 ] || fail "VM 'update': the watchdog fired"
# the blank data partition was formatted by paios-init (static mke2fs) at the first boot
# and checked (static e2fsck) at the second: the boot records the guest logged
data1=$(sed -n 's/^log boot-record: .*\("data":{[^}]*}\).*/\1/p' "$(sys_file update)" | sed -n 1p)
data2=$(sed -n 's/^log boot-record: .*\("data":{[^}]*}\).*/\1/p' "$(sys_file update)" | sed -n 2p)
[[ $data1 == '"data":{'*'"state":"formatted"'* ]] ||
	fail "the first boot's record does not say /data was formatted: ${data1:-no record}"
[[ $data2 == '"data":{'*'"state":"mounted","check":"'[!\"]* ]] ||
	fail "the second boot's record does not show an e2fsck of /data: ${data2:-no record}"
say "ok: /data formatted at the first boot, e2fsck'd at the second: $data2"
expect_env BOOT_ORDER "B A"
expect_env BOOT_A_LEFT 3
expect_env BOOT_B_LEFT 3
slot_is_image $a_start "slot A (booted, read-only)"
slot_is_image $b_start "slot B (written by rauc install, then booted)"
boot_timing update "update: boot A to default target (first boot)" 1
install_timing update otherkey
install_timing update good
boot_timing update "update: boot B to default target" 2

# --- run 2: the bad bundle into A, the watchdog resets, fallback to B --------------------------
vm rollback 1000 420
expect_stages rollback \
	"b-install-bad:$common_checks,extra-args,install-bad,install-activates-a" \
	"b-rolled-back:$common_checks,bad-slot-marked"
expect_boots rollback "B A A A B"
hangs=$(grep -c 'paios-bad-init: hanging forever' "$work/rollback.lines" || true)
[ "$hangs" = 3 ] || fail "VM 'rollback': the bad slot's init ran $hangs times, expected 3"
# each of the three bad boots ended by the watchdog: a WATCHDOG event after the hang
# line and before the next U-Boot banner
for n in 1 2 3; do
	th=$(at rollback 'paios-bad-init: hanging forever' $n)
	tb=$(at rollback '^U-Boot 20' $((n + 2))) # banners: B, A1, A2, A3, B
	tw=$(awk -F'\t' -v a="$th" -v b="$tb" '$2 == "WATCHDOG" && $1 + 0 >= a + 0 && $1 + 0 <= b + 0 { print $1; exit }' "$work/rollback.events")
	[ -n "$tw" ] || fail "VM 'rollback': bad boot $n (hang at ${th}s, next boot at ${tb}s) was not reset by the watchdog"
	timing "rollback: bad boot $n, init hang to watchdog reset" "$(diff_t "$th" "$tw")"
done
nwd=$(awk -F'\t' '$2 == "WATCHDOG"' "$work/rollback.events" | wc -l)
[ "$nwd" = 3 ] || fail "VM 'rollback': $nwd watchdog resets, expected 3"
say "ok: VM 'rollback': three bad boots, each reset by the watchdog"
expect_env BOOT_ORDER "A B"
expect_env BOOT_A_LEFT 0
expect_env BOOT_B_LEFT 3
slot_is_image $b_start "slot B (booted again after the fallback)"
boot_timing rollback "rollback: boot B to default target" 1
install_timing rollback bad
t_rb=$(at rollback 'PAIOS-SYS mark rollback-begin$')
t_back=$(at rollback 'PAIOS-SYS mark default-target$' 2)
timing "rollback: reboot into bad A to B at default target" "$(diff_t "$t_rb" "$t_back")" "(3 watchdog resets, fallback)"

# --- /data and machine-id, across all boots and on the disk ------------------------------------
mid=$( (values update machine-id; values rollback machine-id) | sort -u)
if [ -z "$mid" ] || [ "$(echo "$mid" | wc -l)" != 1 ]; then
	fail "/etc/machine-id changed between boots: $(echo "$mid" | tr '\n' ' ')"
fi
sum=$( (values update payload-sha256; values rollback payload-sha256) | sort -u)
if [ -z "$sum" ] || [ "$(echo "$sum" | wc -l)" != 1 ]; then
	fail "the /data payload changed between boots: $(echo "$sum" | tr '\n' ' ')"
fi
[ "$( (values update payload-sha256; values rollback payload-sha256) | wc -l)" = 4 ] ||
	fail "the payload was not checked at each of the 4 full boots"
dd if="$disk" of="$work/data.img" bs=1M skip=$d_start count=$data_mib status=none
e2fsck -fn "$work/data.img" >"$work/data-fsck.log" 2>&1 || fail "the data partition is not clean: $(tail -n 5 "$work/data-fsck.log")"
disk_sum=$(debugfs -R 'cat /paios-systest/payload' "$work/data.img" 2>/dev/null | sha256sum | cut -d' ' -f1)
[ "$disk_sum" = "$sum" ] || fail "the payload on the data partition has sha256 $disk_sum, the guest wrote $sum"
disk_mid=$(debugfs -R 'cat /paios/state/etc/machine-id' "$work/data.img" 2>/dev/null)
[ "$disk_mid" = "$mid" ] || fail "/data/paios/state/etc/machine-id is '$disk_mid', the guest saw '$mid'"
rm -f "$work/data.img"
# slot A holds the bad rootfs that RAUC wrote
dd if="$disk" of="$work/a.img" bs=1M skip=$a_start count="$slot_mib" conv=sparse status=none
a_init=$(debugfs -R 'cat /usr/sbin/init' "$work/a.img" 2>/dev/null)
[[ $a_init == *paios-bad-init* ]] ||
	fail "slot A does not hold the bad rootfs (/usr/sbin/init is not paios-bad-init)"
rm -f "$work/a.img"
say "ok: slot A holds the bad rootfs"
say "ok: /data payload sha256 $sum and machine-id $mid the same at all 4 boots and on the disk; data fs clean"

timing "total" "$(secs_since "$t_test")"
save_logs
echo "--- phase timings (also in $out/timings.txt):"
printf '%s\n' "${timings[@]}"
if [ "$keep" = yes ]; then say "work directory kept: $work"; else rm -rf "$work"; fi
echo "PASS: $name"
