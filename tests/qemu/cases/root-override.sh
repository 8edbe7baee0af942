#!/bin/bash
# root= overrides the slot's device from system.conf, with a warning; rootfstype= and
# rootflags= are honoured, and rootflags=rw cannot make the slot writable.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
log=$PAIOS_TEST_TMP/boot.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=A root=/dev/vda2 rootfstype=ext4 rootflags=rw,noatime" --snapshot
expect_booted "$log" B
expect_line "$log" 'paios-init: plan: root=/dev/vda2 overrides slot A' "the override warning"
expect_line "$log" 'PAIOS-TEST mountinfo: .* /run/paios/slot ro,noatime - ext4 /dev/vda2 ro' "the slot read-only with noatime"
pass
