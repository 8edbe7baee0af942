#!/bin/bash
# data.binds on a volatile (tmpfs) upper: the bound paths (/var/log, /etc/machine-id) come
# from /data/paios/state and persist across reboots and slots, while everything else
# written to / vanishes.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
make_disk disk
args=$(data_args)

log=$PAIOS_TEST_TMP/boot1.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A $args"
expect_booted "$log" A
expect_probe "$log" marker absent
expect_probe "$log" log-marker absent
expect_probe "$log" log-marker-write ok
expect_record "$log" .overlay.upper tmpfs
expect_record "$log" .overlay.upper_dir /run/paios/overlay/upper
expect_record "$log" .data.state mounted
expect_record "$log" "[$DATA_FALLBACKS] | length" 0
for path in /var/log /var/lib/rauc /etc/machine-id; do
	expect_line "$log" "PAIOS-TEST mountinfo: [0-9]+ [0-9]+ [0-9:]+ /paios/state$path $path rw,nosuid,nodev[, ].* - ext4 /dev/vda3 " \
		"$path bound from /data/paios/state"
done
machine_id=$(probe_value "$log" machine-id)
[[ $machine_id =~ ^[0-9a-f]{32}$ ]] || fail "machine id '$machine_id' is not 32 hex digits"

# again: the tmpfs upper starts empty, the bound /var/log does not
log=$PAIOS_TEST_TMP/boot2.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A $args"
expect_booted "$log" A
expect_probe "$log" marker absent
expect_probe "$log" log-marker present
expect_probe "$log" machine-id "$machine_id"

# slot B shares the bound state
log=$PAIOS_TEST_TMP/boot3.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=B $args"
expect_booted "$log" B
expect_probe "$log" marker absent
expect_probe "$log" log-marker present
expect_probe "$log" machine-id "$machine_id"

data_has "$disk" /paios/state/var/log/paios-test/marker || fail "the marker is not in /data/paios/state/var/log"
[ -z "$(data_ls "$disk" /paios/overlay)" ] || fail "a tmpfs upper left something in /data/paios/overlay"
pass
