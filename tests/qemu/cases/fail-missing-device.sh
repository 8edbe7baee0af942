#!/bin/bash
# A device that never appears: a bounded wait (rootdelay=), then one FATAL line naming it.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
log=$PAIOS_TEST_TMP/boot.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=A root=PARTLABEL=rootfs-x rootdelay=3 paios.boot.failure-delay=0" --snapshot
expect_line "$log" 'paios-init: waiting for PARTLABEL=rootfs-x' "the wait logged"
expect_fatal "$log" 'wait-device: root device PARTLABEL=rootfs-x did not appear within 3 s'
pass
