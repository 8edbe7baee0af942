#!/bin/bash
# overlay.upper=data: each slot's upper persists on /data across reboots, apart from the
# other slot's (booting B does not show what A wrote); the boot record tells which upper
# and why; /etc/machine-id is made once on /data and shared by both slots.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
make_disk disk
args="paios.overlay.upper=data $(data_args)"

# 1: slot A, no upper yet
log=$PAIOS_TEST_TMP/boot1.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A $args"
expect_booted "$log" A
expect_probe "$log" data-fstype ext4
expect_probe "$log" marker absent
expect_probe "$log" marker-write ok
expect_record "$log" .data.state mounted
expect_record "$log" .overlay.upper data
expect_record "$log" .overlay.upper_dir /data/paios/overlay/A
expect_record "$log" .overlay.decision "no upper yet"
expect_record "$log" "[$DATA_FALLBACKS] | length" 0
expect_line "$log" 'PAIOS-TEST mountinfo: .* / / rw,.* - overlay /dev/vda1 rw,lowerdir=/run/paios/slot,upperdir=/data/paios/overlay/A/upper,workdir=/data/paios/overlay/A/work' \
	"the overlay's upper on /data"
expect_line "$log" 'PAIOS-TEST mountinfo: .* /data rw,nosuid,nodev.* - ext4 /dev/vda3 ' "/data moved into the new root, nodev,nosuid"
machine_id=$(probe_value "$log" machine-id)
[[ $machine_id =~ ^[0-9a-f]{32}$ ]] || fail "machine id '$machine_id' is not 32 hex digits"
expect_line "$log" 'paios-init: machine id created on /data' "the machine id made once"

# 2: slot A again: its upper, and the marker written into it, are still there
log=$PAIOS_TEST_TMP/boot2.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A $args"
expect_booted "$log" A
expect_probe "$log" marker present
expect_record "$log" .overlay.decision "upper matches the rootfs"
expect_probe "$log" machine-id "$machine_id"
expect_no_line "$log" 'machine id created' "no second machine id"

# 3: slot B: an upper of its own, A's marker is not in it; the machine id is shared
log=$PAIOS_TEST_TMP/boot3.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=B $args"
expect_booted "$log" B
expect_probe "$log" marker absent
expect_record "$log" .overlay.upper_dir /data/paios/overlay/B
expect_record "$log" .overlay.decision "no upper yet"
expect_probe "$log" machine-id "$machine_id"

# 4: slot A once more: B's boot did not touch A's upper
log=$PAIOS_TEST_TMP/boot4.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A $args"
expect_booted "$log" A
expect_probe "$log" marker present
expect_record "$log" .overlay.decision "upper matches the rootfs"

# on the host: both uppers with their identity (slot filesystem UUIDs), the markers apart
[ "$(data_ls "$disk" /paios/overlay | sort | tr '\n' ' ')" = "A B " ] ||
	fail "/data/paios/overlay holds '$(data_ls "$disk" /paios/overlay | tr '\n' ' ')', expected A and B"
identity=$(data_debugfs "$disk" 'cat /paios/overlay/A/identity')
[ "$identity" = "$(printf 'uuid=%s\nbuild=' "$PAIOS_FSUUID_A")" ] || fail "identity of A's upper: '$identity'"
data_has "$disk" /paios/overlay/A/upper/var/paios-marker || fail "A's marker is not in A's upper on /data"
data_has "$disk" /paios/overlay/B/upper/var/paios-marker || fail "B's marker is not in B's upper on /data"
pass
