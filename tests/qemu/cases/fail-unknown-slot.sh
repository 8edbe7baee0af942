#!/bin/bash
# A bootname system.conf does not know: one FATAL line naming it and the known ones,
# then the failure action (reboot), never a kernel panic.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
log=$PAIOS_TEST_TMP/boot.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=C paios.boot.failure-delay=0" --snapshot
expect_fatal "$log" 'configure: no slot in system.conf has bootname "C" \(bootnames: A, B\)'
expect_no_line "$log" '^PAIOS-TEST' "no slot was booted"
pass
