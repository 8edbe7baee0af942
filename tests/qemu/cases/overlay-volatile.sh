#!/bin/bash
# Writes to / land in the tmpfs upper and vanish on the next boot; the slot is untouched.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
private_disk "$PAIOS_BASE_DISK" disk
before=$(md5sum <"$disk")
for n in 1 2; do
	log=$PAIOS_TEST_TMP/boot$n.log
	boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A"
	expect_booted "$log" A
	expect_probe "$log" marker-write ok
	expect_probe "$log" marker absent
done
[ "$(md5sum <"$disk")" = "$before" ] || fail "the disk changed: a write reached the slot"
pass
