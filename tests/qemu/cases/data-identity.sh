#!/bin/bash
# An upper made over another rootfs is not applied: after an update rewrote slot A (here:
# a new filesystem UUID, the identity stored beside the upper), the old upper is set aside
# to /data/paios/attic, kept there, and A boots on a fresh one.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
args="paios.overlay.upper=data $(data_args)"
make_disk old
old_uuid=$PAIOS_FSUUID_A

log=$PAIOS_TEST_TMP/boot1.log
boot "$log" "$old" "$PAIOS_INITRD" "rauc.slot=A $args"
expect_booted "$log" A
expect_probe "$log" marker-write ok
expect_record "$log" .overlay.decision "no upper yet"

# "the update": the same disk with slot A rewritten, /data carried over
new_uuid=6e657700-0002-4000-8000-000000000001
make_disk new --slot-a-uuid "$new_uuid"
[ "$PAIOS_FSUUID_A" = "$new_uuid" ] || fail "mkdisk --slot-a-uuid: got $PAIOS_FSUUID_A"
partition_copy "$old" "$new" 3

log=$PAIOS_TEST_TMP/boot2.log
boot "$log" "$new" "$PAIOS_INITRD" "rauc.slot=A $args"
expect_booted "$log" A
expect_probe "$log" marker absent
expect_record "$log" .overlay.upper data
expect_record "$log" .overlay.decision "upper belongs to another rootfs (the slot was rewritten)"
expect_line "$log" 'paios-init: data: upper of slot A set aside to /data/paios/attic/000001-overlay-A \(upper belongs to another rootfs' \
	"the set-aside logged"
# kept, not deleted: the old upper with what was written into it
[ "$(data_ls "$new" /paios/attic)" = 000001-overlay-A ] ||
	fail "/data/paios/attic holds '$(data_ls "$new" /paios/attic | tr '\n' ' ')'"
data_has "$new" /paios/attic/000001-overlay-A/upper/var/paios-marker || fail "the old upper's marker is gone"
[ "$(data_debugfs "$new" 'cat /paios/attic/000001-overlay-A/identity')" = "$(printf 'uuid=%s\nbuild=' "$old_uuid")" ] ||
	fail "the old upper's identity changed"
[ "$(data_debugfs "$new" 'cat /paios/overlay/A/identity')" = "$(printf 'uuid=%s\nbuild=' "$new_uuid")" ] ||
	fail "the new upper's identity is not the new rootfs's"

# the new upper is kept from now on, the attic stays
log=$PAIOS_TEST_TMP/boot3.log
boot "$log" "$new" "$PAIOS_INITRD" "rauc.slot=A $args"
expect_booted "$log" A
expect_probe "$log" marker present
expect_record "$log" .overlay.decision "upper matches the rootfs"
data_has "$new" /paios/attic/000001-overlay-A/upper/var/paios-marker || fail "the attic was emptied"
pass
