#!/bin/bash
# A slot without an executable init is refused before the initramfs is torn down: one
# FATAL line, then the failure action. Missing and not-executable inits both.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
make_disk missing --slot-b-init missing
log=$PAIOS_TEST_TMP/missing.log
boot "$log" "$missing" "$PAIOS_INITRD" "rauc.slot=B paios.boot.failure-delay=0"
expect_fatal "$log" 'check-new-root: no executable init in the new root'

make_disk noexec --slot-b-init noexec
log=$PAIOS_TEST_TMP/noexec.log
boot "$log" "$noexec" "$PAIOS_INITRD" "rauc.slot=B paios.boot.failure-delay=0"
expect_fatal "$log" 'check-new-root: no executable init in the new root'

log=$PAIOS_TEST_TMP/explicit.log
boot "$log" "$noexec" "$PAIOS_INITRD" "rauc.slot=B init=/sbin/init paios.boot.failure-delay=0"
expect_fatal "$log" 'check-new-root: init /sbin/init in the new root: not executable'
pass
