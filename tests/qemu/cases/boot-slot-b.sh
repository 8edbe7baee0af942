#!/bin/bash
# rauc.slot=B boots slot B (device from system.conf's second slot).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
log=$PAIOS_TEST_TMP/boot.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=B" --snapshot
expect_booted "$log" B
expect_probe "$log" root-source /dev/vda2
expect_probe "$log" volatile-root /dev/block/254:2 # /dev/vda2
expect_line "$log" 'paios-init: slot B \(rootfs.1\): device PARTLABEL=rootfs-b' "the plan logged"
pass
