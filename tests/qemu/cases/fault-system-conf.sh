#!/bin/bash
# Fault matrix (tests/qemu/FAULTS.md), RAUC's system.conf in the initramfs: missing, a
# directory, garbage, a NUL byte, the slot missing, two slots with one bootname, changed
# after mkinitramfs compiled it. Each
# failing boot logs why system.conf cannot be used (file and line where there is one),
# then exactly one FATAL line of stage configure, then reboots; not one byte of the disk
# changes. Without system.conf, root= still boots, with a warning.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fault-lib.sh"
fixtures_env
private_disk "$PAIOS_BASE_DISK" disk
sum=$(disk_sum "$disk")
conf=/etc/rauc/system.conf
missing='' garbage='' plain_initrd='' nul='' only_a='' same_bootname='' # set by make_initramfs

fatal_case() { # NAME INITRD APPEND REASON FATAL: REASON is the line before the FATAL one
	local log=$PAIOS_TEST_TMP/$1.log
	boot "$log" "$disk" "$2" "paios.boot.failure-delay=0 $3"
	expect_exact "$log" "paios-init: $4" "why system.conf is unusable"
	expect_fatal_exact "$log" "$5"
	expect_no_line "$log" '^PAIOS-TEST' "$1: a slot's init ran"
	[ "$(disk_sum "$disk")" = "$sum" ] || fail "$1: the disk changed"
}
# the FATAL line carries why system.conf could not be used
no_map() { echo "configure: $conf: $1: cannot map rauc.slot=A to a device"; }

# missing: mkinitramfs without --system-conf (it warns: only root= can name the device)
make_initramfs missing --system-conf ""
fatal_case missing "$missing" "rauc.slot=A" "cannot read $conf: No such file or directory" \
	"$(no_map 'No such file or directory')"

# a directory where the file should be: the same initramfs plus a second archive holding
# the directory; PID 1 is root, so a file cannot be made unreadable by its mode
mkdir -p "$PAIOS_TEST_TMP/dir-root$conf"
dir_initrd=$PAIOS_TEST_TMP/dir-initramfs.img
layer_initramfs "$dir_initrd" "$missing" "$PAIOS_TEST_TMP/dir-root"
fatal_case directory "$dir_initrd" "rauc.slot=A" "cannot read $conf: Is a directory" "$(no_map 'Is a directory')"

printf 'this is not a key file\n' >"$PAIOS_TEST_TMP/garbage.conf"
make_initramfs garbage --system-conf "$PAIOS_TEST_TMP/garbage.conf"
fatal_case garbage "$garbage" "rauc.slot=A" "$conf: line 1 is not a group, a key=value pair or a comment" \
	"$(no_map 'line 1 is not a group, a key=value pair or a comment')"

# a NUL byte in the middle of line 5 (the parser refuses the file as a whole)
printf '[system]\ncompatible=paios-qemu-arm64\nbootloader=uboot\n[slot.rootfs.0]\ndevice=/dev/vda1\000\nbootname=A\n' \
	>"$PAIOS_TEST_TMP/nul.conf"
make_initramfs nul --system-conf "$PAIOS_TEST_TMP/nul.conf"
fatal_case nul "$nul" "rauc.slot=A" "$conf: line 5 contains a NUL byte" \
	"$(no_map 'line 5 contains a NUL byte')"

# only slot A; the command line asks for B
awk '/^\[slot.rootfs.1\]/ { exit } { print }' "$PAIOS_ROOT/initramfs/system.conf" >"$PAIOS_TEST_TMP/only-a.conf"
if ! grep -qx 'bootname=A' "$PAIOS_TEST_TMP/only-a.conf" || grep -q 'bootname=B' "$PAIOS_TEST_TMP/only-a.conf"; then
	fail "could not write a system.conf with slot A alone"
fi
make_initramfs only_a --system-conf "$PAIOS_TEST_TMP/only-a.conf"
log=$PAIOS_TEST_TMP/slot-missing.log
boot "$log" "$disk" "$only_a" "paios.boot.failure-delay=0 rauc.slot=B"
expect_fatal_exact "$log" 'configure: no slot in system.conf has bootname "B" (bootnames: A)'
expect_no_line "$log" "paios-init: (cannot read )?$conf" "a complaint about system.conf itself"
[ "$(disk_sum "$disk")" = "$sum" ] || fail "slot-missing: the disk changed"

# two slots, one bootname
sed 's/^bootname=B$/bootname=A/' "$PAIOS_ROOT/initramfs/system.conf" >"$PAIOS_TEST_TMP/same-bootname.conf"
[ "$(grep -cx 'bootname=A' "$PAIOS_TEST_TMP/same-bootname.conf")" = 2 ] || fail "could not write two bootname=A"
make_initramfs same_bootname --system-conf "$PAIOS_TEST_TMP/same-bootname.conf"
fatal_case same-bootname "$same_bootname" "rauc.slot=A" "$conf: slots rootfs.0 and rootfs.1 share bootname A" \
	"$(no_map 'slots rootfs.0 and rootfs.1 share bootname A')"

# changed after mkinitramfs compiled it (a second archive laid over the image's, with the
# bootnames swapped): the text is what counts, so rauc.slot=A boots slot B's partition, and
# the log says the compiled copy was stale
swap_root=$PAIOS_TEST_TMP/swap-root
mkdir -p "$swap_root/etc/rauc"
sed 's/^bootname=A$/bootname=X/; s/^bootname=B$/bootname=A/; s/^bootname=X$/bootname=B/' \
	"$PAIOS_ROOT/initramfs/system.conf" >"$swap_root$conf"
grep -A3 -x '\[slot.rootfs.1\]' "$swap_root$conf" | grep -qx 'bootname=A' || fail "could not swap the bootnames"
# the demo's configuration, compiled as by default
make_initramfs plain_initrd
gzip -dc "$plain_initrd" | cpio --quiet -t | grep -qx 'etc/paios-init.compiled' || fail "no compiled configuration packed"
log=$PAIOS_TEST_TMP/compiled.log # as packed: the compiled copy is used, and nothing said
boot "$log" "$disk" "$plain_initrd" "rauc.slot=A" --snapshot
expect_booted "$log" A
expect_no_line "$log" 'paios-init: .*(differs from the copy|parsing the configuration instead)' "a stale compiled copy"
swap_initrd=$PAIOS_TEST_TMP/swap-initramfs.img
layer_initramfs "$swap_initrd" "$plain_initrd" "$swap_root"
log=$PAIOS_TEST_TMP/stale.log
boot "$log" "$disk" "$swap_initrd" "rauc.slot=A" --snapshot
expect_booted "$log" B
expect_no_fatal "$log"
expect_exact "$log" \
	"paios-init: $conf differs from the copy mkinitramfs compiled (/etc/paios-init.compiled): parsing it" \
	"the stale compiled copy"
expect_exact "$log" \
	'paios-init: slot A (rootfs.1): device PARTLABEL=rootfs-b (from system.conf), fstype ext4, wait up to 30 s' \
	"the plan from the text"

# missing, but root= names the device: the slot boots, with a warning
log=$PAIOS_TEST_TMP/missing-root.log
boot "$log" "$disk" "$missing" "rauc.slot=A root=/dev/vda1" --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" "paios-init: cannot read $conf: No such file or directory" "the missing system.conf"
expect_exact "$log" 'paios-init: plan: no system.conf: slot A is booted from root=/dev/vda1' "the warning"
expect_probe "$log" root-source /dev/vda1
pass
