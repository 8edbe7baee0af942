#!/bin/bash
# Fault matrix (tests/qemu/FAULTS.md), a slot device that is slow to appear: qemu starts
# without the disk and hot-plugs it into a PCIe root port (tests/qemu/boot.sh --disk-after)
# once paios-init says it waits for it. The wait is event-driven: the new device's
# uevents load virtio_pci and virtio_blk (coldplug found nothing to load), the partition
# appears, the boot completes without a FATAL line.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fault-lib.sh"
fixtures_env
config=$PAIOS_KDIR/boot/config-$PAIOS_KVER
[ -r "$config" ] || fail "$config missing: rerun scripts/fetch-arm64.sh"
grep -qx 'CONFIG_HOTPLUG_PCI_PCIE=y' "$config" || skip "the kernel $PAIOS_KVER has no built-in PCIe hotplug"
waiting='paios-init: waiting for PARTLABEL=rootfs-a'

# 2 s late, within the default limit (30 s)
log=$PAIOS_TEST_TMP/late.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=A" --snapshot --disk-after 2 --disk-after-line "$waiting"
boot_out | grep -E '^boot.sh: disk hot-plugged ' >/dev/null || fail "boot.sh did not hot-plug the disk"
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" 'paios-init: coldplug: 0 modules for present devices' "coldplug before the disk"
expect_exact "$log" "$waiting" "the wait"
expect_line "$log" 'pciehp: Slot\(1\): Card present' "the hot-plug"
expect_exact "$log" 'paios-init: root device PARTLABEL=rootfs-a is /dev/vda1' "the device found"
expect_probe "$log" root-source /dev/vda1
wait_ms=$(record_value "$log" '.stages_ms["wait-device"]') || fail "no wait-device time in the boot record"
[ "$wait_ms" -ge 2000 ] || fail "wait-device took $wait_ms ms: the disk was there before 2 s"

# rootwait: no limit, a line every 5 s while waiting; the disk comes after 7 s
log=$PAIOS_TEST_TMP/rootwait.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=A rootwait" --snapshot --disk-after 7 --disk-after-line "$waiting"
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" 'paios-init: slot A (rootfs.0): device PARTLABEL=rootfs-a (from system.conf), fstype ext4, wait without limit' \
	"the plan: no limit"
expect_exact "$log" "$waiting" "the wait"
expect_exact "$log" 'paios-init: still waiting for PARTLABEL=rootfs-a (5 s)' "the report after 5 s"
wait_ms=$(record_value "$log" '.stages_ms["wait-device"]') || fail "no wait-device time in the boot record"
[ "$wait_ms" -ge 7000 ] || fail "wait-device took $wait_ms ms: the disk was there before 7 s"
pass
