#!/bin/bash
# Writes to / land in the tmpfs upper and vanish on the next boot; the slot is untouched.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
private_disk "$PAIOS_BASE_DISK" disk
# the slots: /data (partition 3) is mounted read-write by the default configuration
before="$(partition_sum "$disk" 1) $(partition_sum "$disk" 2)"
for n in 1 2; do
	log=$PAIOS_TEST_TMP/boot$n.log
	boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A"
	expect_booted "$log" A
	expect_probe "$log" marker-write ok
	expect_probe "$log" marker absent
done
[ "$(partition_sum "$disk" 1) $(partition_sum "$disk" 2)" = "$before" ] || fail "a slot changed: a write reached it"
pass
