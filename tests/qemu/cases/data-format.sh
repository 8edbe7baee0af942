#!/bin/bash
# A blank data partition (no signature, zeroes) is formatted as ext4 on the first boot
# (data.format-blank=true in the test configuration), then used as is: what the first
# boot wrote is there at the second.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
need_e2fsprogs
make_disk disk --data-fs none
img=$PAIOS_TEST_TMP/data.img
partition_extract "$disk" 3 "$img"
[ "$(tr -d '\0' <"$img" | head -c 1 | wc -c)" = 0 ] || fail "the blank partition is not all zeroes"

log=$PAIOS_TEST_TMP/boot1.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A paios.overlay.upper=data"
expect_booted "$log" A
expect_line "$log" 'paios-init: data /dev/vda3: no signature at all: first boot, formatting as ext4' "the format logged"
expect_record "$log" .data.state formatted
expect_record "$log" .data.device /dev/vda3
expect_record "$log" .overlay.upper data
expect_record "$log" "[$DATA_FALLBACKS] | length" 0
expect_probe "$log" data-fstype ext4
expect_probe "$log" marker-write ok
expect_probe "$log" log-marker-write ok

partition_extract "$disk" 3 "$img"
[ "$(blkid -p -o value -s TYPE "$img")" = ext4 ] || fail "partition 3 is not ext4 after the boot: $(blkid -p "$img")"
[ "$(blkid -p -o value -s LABEL "$img")" = data ] || fail "partition 3 is not labelled data"
e2fsck -fn "$img" >"$PAIOS_TEST_TMP/fsck.log" 2>&1 || { cat "$PAIOS_TEST_TMP/fsck.log" >&2; fail "the new /data is not clean"; }

log=$PAIOS_TEST_TMP/boot2.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A paios.overlay.upper=data"
expect_booted "$log" A
expect_no_line "$log" 'formatting' "a second format"
expect_record "$log" .data.state mounted
expect_record "$log" .data.check clean
expect_probe "$log" marker present
expect_probe "$log" log-marker present
pass
