#!/bin/bash
# Fault matrix (tests/qemu/FAULTS.md), the slot's device holds no usable filesystem: vfat
# where system.conf says ext4, an ext4 whose superblock and group descriptors are zeroed,
# each also with root= and no type (blkid decides). Each boot ends in exactly one FATAL
# line of stage mount-root naming the device and the error, the kernel says why, and the
# slots are never written (the disk is not a snapshot: their checksums are compared).
# A device that never appears: fail-missing-device.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fault-lib.sh"
fixtures_env
vfat='' zeroed='' # set by make_disk

slot_fault() { # NAME DISK APPEND FATAL KERNEL-REGEX
	local log=$PAIOS_TEST_TMP/$1.log before
	before=$(slot_sums "$2")
	boot "$log" "$2" "$PAIOS_INITRD" "paios.boot.failure-delay=0 $3"
	expect_fatal_exact "$log" "$4"
	[ -z "$5" ] || expect_line "$log" "$5" "the kernel's reason"
	expect_no_line "$log" '^PAIOS-TEST' "$1: a slot's init ran"
	expect_slots_unchanged "$2" "$before" "$1"
}

make_disk vfat --slot-a-fs vfat
slot_fault vfat "$vfat" "rauc.slot=A" \
	'mount-root: slot: mount -t ext4 -o ro /dev/vda1 /run/paios/slot: Invalid argument' \
	"EXT4-fs \(vda1\): VFS: Can't find ext4 filesystem"
# blkid says vfat, the slot mounts (read-only), but overlayfs refuses vfat as its lower layer
slot_fault vfat-auto "$vfat" "root=/dev/vda1" \
	'mount-root: overlay: mount -t overlay -o lowerdir=/run/paios/slot,upperdir=/run/paios/overlay/upper,workdir=/run/paios/overlay/work /dev/vda1 /sysroot: Invalid argument' \
	"overlayfs: filesystem on '/run/paios/slot' not supported"

make_disk zeroed --slot-a-fs zeroed
slot_fault zeroed "$zeroed" "rauc.slot=A" \
	'mount-root: slot: mount -t ext4 -o ro /dev/vda1 /run/paios/slot: Invalid argument' \
	"EXT4-fs \(vda1\): VFS: Can't find ext4 filesystem"
slot_fault zeroed-auto "$zeroed" "root=/dev/vda1" \
	'mount-root: slot: no filesystem found on /dev/vda1 (blkid): no known superblock' ''
pass
