#!/bin/bash
# system.conf may name a slot's device as a path, a /dev/disk/by-* link (translated, no
# udev), or LABEL= UUID= PARTLABEL= PARTUUID= (libblkid): each boots the right slot.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
for spec in /dev/vda2 /dev/disk/by-partlabel/rootfs-b PARTLABEL=rootfs-b \
	"PARTUUID=$PAIOS_PARTUUID_B" "/dev/disk/by-partuuid/$PAIOS_PARTUUID_B"; do
	conf=$PAIOS_TEST_TMP/system.conf
	sed "s|^device=/dev/disk/by-partlabel/rootfs-b\$|device=$spec|" "$PAIOS_ROOT/initramfs/system.conf" >"$conf"
	grep -qx "device=$spec" "$conf" || fail "could not write device=$spec"
	make_initramfs initrd --system-conf "$conf"
	log=$PAIOS_TEST_TMP/boot-${spec//\//_}.log
	boot "$log" "$PAIOS_BASE_DISK" "$initrd" "rauc.slot=B" --snapshot
	expect_booted "$log" B
	expect_probe "$log" root-source /dev/vda2
done
# LABEL= and UUID= on the command line (two slots written from one image would share
# these: PARTLABEL/PARTUUID are what system.conf should use)
for spec in LABEL=rootfs-b "UUID=$PAIOS_FSUUID_B"; do
	log=$PAIOS_TEST_TMP/boot-${spec%%=*}.log
	boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=A root=$spec" --snapshot
	expect_booted "$log" B
done
pass
