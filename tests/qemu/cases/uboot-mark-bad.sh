#!/bin/bash
# Fail fast: slot A's rootfs is corrupt (its journal inode is invalid: U-Boot still loads the
# kernel from it, the kernel refuses to mount it). paios-init cannot mount it,
# marks A bad in U-Boot's environment (BOOT_A_LEFT=0, what `rauc status mark-bad` does)
# and reboots at once, so U-Boot boots slot B on the very next reset instead of after
# A's remaining attempts. Slot B's counter is only touched by U-Boot's own decrement.
# Also: a healthy boot records BOOT_ORDER and the counters in the boot record.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
command -v fw_printenv >/dev/null || fail "fw_printenv not found: run scripts/install-deps.sh (libubootenv-tool)"

make_uboot_disk disk --slot-a-fs badjournal --boot-env "BOOT_ORDER=A B" --boot-env BOOT_A_LEFT=3 \
	--boot-env BOOT_B_LEFT=3 --boot-env "paios_extra_args=panic=-1 paios.boot.failure-delay=0"
log=$PAIOS_TEST_TMP/mark-bad.log
uboot_boot "$log" "$disk" --timeout 300
expect_line "$log" 'paios-init: FATAL: mount-root: slot: .*/dev/vda1' "the failure line names the slot device"
expect_line "$log" 'paios-init: slot A marked bad: BOOT_A_LEFT=0 in the U-Boot environment' "the slot marked bad"
expect_line "$log" 'paios-init: failure action: reboot \(at once' "the reboot at once"
# exactly one attempt of A, then B at once
expect_uboot_slots "$log" "A B"
expect_booted "$log" B
expect_uboot_env "$disk" BOOT_A_LEFT 0
expect_uboot_env "$disk" BOOT_B_LEFT 2
expect_no_panic "$log"
record=$(probe_value "$log" record) || fail "no boot record reported"
case $record in
*'"bootenv":{"BOOT_ORDER":"A B","BOOT_A_LEFT":0,"BOOT_B_LEFT":2}'*) ;;
*) fail "boot record lacks the counters: $record" ;;
esac
pass
