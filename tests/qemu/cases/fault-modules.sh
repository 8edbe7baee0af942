#!/bin/bash
# Fault matrix (tests/qemu/FAULTS.md), kernel modules: an initramfs without the overlay
# module (its configuration's [modules] load= lacks it, so mkinitramfs does not pack it,
# and the kernel's own request for fs-overlay finds nothing) fails at mount-root with one
# FATAL line naming overlay and the missing filesystem type, the slots untouched; a module
# that does not exist at all (paios.modules.load= on the command line, since mkinitramfs
# refuses unknown modules at build time) is a warning, and the boot completes. A load
# table that is garbage or names a file the initramfs lacks costs libkmod's time, never
# the boot; a modprobe.d in the initramfs sets the table aside, and libkmod applies it.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fault-lib.sh"
fixtures_env

conf=$PAIOS_TEST_TMP/no-overlay.conf
sed -E 's/^load = (.*) overlay(.*)$/load = \1\2/' "$PAIOS_ROOT/initramfs/paios-init.conf" >"$conf"
grep -E '^load = ' "$conf" | grep -vw overlay >/dev/null || fail "could not drop overlay from [modules] load="
make_initramfs initrd --config "$conf"
private_disk "$PAIOS_BASE_DISK" disk
before=$(slot_sums "$disk")
log=$PAIOS_TEST_TMP/no-overlay.log
boot "$log" "$disk" "$initrd" "paios.boot.failure-delay=0 rauc.slot=A"
expect_exact "$log" 'paios-init: mounted slot: /dev/vda1 on /run/paios/slot (ext4, ro)' "the slot mounted"
expect_fatal_exact "$log" 'mount-root: overlay: mount -t overlay -o lowerdir=/run/paios/slot,upperdir=/run/paios/overlay/upper,workdir=/run/paios/overlay/work /dev/vda1 /sysroot: No such device (filesystem type unknown to the kernel: module missing?)'
expect_no_line "$log" '^PAIOS-TEST' "a slot's init ran"
expect_slots_unchanged "$disk" "$before" "no overlay module"

# paios.modules.load= replaces the image's list (ext4 overlay vfat): the filesystems the
# boot needs then come on the kernel's own request (/sbin/modprobe is /init)
log=$PAIOS_TEST_TMP/no-such-module.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=A paios.modules.load=nosuchmod" --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" "paios-init: module nosuchmod: not in /lib/modules/$PAIOS_KVER" "the warning"
expect_exact "$log" "paios-init: modprobe fs-overlay: loaded on the kernel's request" "overlay on the kernel's request"

# The load table (lib/module-table.h) replaced by a second archive appended to the
# initramfs (the kernel unpacks concatenated archives in turn, the later file winning):
# garbage is refused whole, with one line, and libkmod loads everything; a table naming
# a file the tree lacks (stale) sends that module to libkmod. Both boot.
table=lib/modules/$PAIOS_KVER/paios-init.modules
with_file() { # VAR FILE TEXT: PAIOS_INITRD with FILE (relative to /) replaced by TEXT
	local dir=$PAIOS_TEST_TMP/extra-$1 out=$PAIOS_TEST_TMP/extra-$1.img
	mkdir -p "$dir/$(dirname "$2")"
	printf '%s' "$3" >"$dir/$2"
	cp "$PAIOS_INITRD" "$out"
	truncate -s %4 "$out"
	(cd "$dir" && find . -mindepth 1 | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) >>"$out"
	printf -v "$1" '%s' "$out"
}
with_file garbage_initrd "$table" $'this is no table\n'
log=$PAIOS_TEST_TMP/table-garbage.log
boot "$log" "$PAIOS_BASE_DISK" "$garbage_initrd" "rauc.slot=A" --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" "paios-init: module table /$table, line 1: not \"NAME: FILE.ko...\": loading every module through libkmod" \
	"the table refused, once"
expect_no_line "$log" 'paios-init: module [^ ]+: ' "a module warning"

with_file stale_initrd "$table" $'ext4: kernel/fs/ext4/gone.ko kernel/fs/ext4/ext4.ko\n'
log=$PAIOS_TEST_TMP/table-stale.log
boot "$log" "$PAIOS_BASE_DISK" "$stale_initrd" "rauc.slot=A paios.boot.debug" --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" "paios-init: module ext4 from the load table: No such file or directory; asking libkmod" \
	"the stale entry noticed"
expect_exact "$log" "paios-init: module ext4 loaded" "ext4 loaded by libkmod all the same"

# a modprobe.d in the initramfs (options, install commands, softdeps the table does not
# know) leaves every module to libkmod, which applies it
with_file modprobe_initrd etc/modprobe.d/paios-test.conf $'options overlay metacopy=Y\n'
log=$PAIOS_TEST_TMP/modprobe-d.log
boot "$log" "$PAIOS_BASE_DISK" "$modprobe_initrd" "rauc.slot=A paios.boot.debug" --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" "paios-init: modules: /etc/modprobe.d exists: loading every module through libkmod" \
	"the table set aside"
expect_probe "$log" overlay-metacopy Y "modprobe.d's option for overlay, passed by libkmod"
pass
