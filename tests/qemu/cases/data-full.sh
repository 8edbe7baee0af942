#!/bin/bash
# A /data filled to the last block and inode still boots: the upper cannot be made there,
# so it falls back to tmpfs with the reason in the boot record, as do the binds.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
make_disk disk --data-full
dumpe2fs_out=$(data_dumpe2fs "$disk")
grep -E '^Free blocks: +0$' >/dev/null <<<"$dumpe2fs_out" || fail "mkdisk --data-full left free blocks"
grep -E '^Free inodes: +0$' >/dev/null <<<"$dumpe2fs_out" || fail "mkdisk --data-full left free inodes"

log=$PAIOS_TEST_TMP/boot.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A paios.overlay.upper=data $(data_args)"
expect_booted "$log" A
expect_probe "$log" marker-write ok
expect_probe "$log" data-fstype ext4
expect_record "$log" .data.state mounted
expect_record "$log" .overlay.upper tmpfs
expect_record "$log" .overlay.upper_dir /run/paios/overlay/upper
expect_record_match "$log" '.fallbacks[] | select(.what == "upper") | .why' 'No space left on device'
expect_line "$log" 'paios-init: data: upper on /data: .*No space left on device: upper on tmpfs' "the upper's fallback logged"
# the binds cannot be made either (no room for /data/paios/state): each one recorded
expect_record "$log" '[.fallbacks[] | select(.what == "bind")] | length' 3
expect_line "$log" 'PAIOS-TEST mountinfo: .* / / rw,.* - overlay /dev/vda1 rw,lowerdir=/run/paios/slot,upperdir=/run/paios/overlay/upper,' \
	"the overlay on tmpfs"

# full, with A's upper already there (and matching): it is kept as it is, not used
data=$PAIOS_TEST_TMP/data
mkdir -p "$data/paios/overlay/A/upper/var" "$data/paios/overlay/A/work"
printf 'uuid=%s\nbuild=\n' "$PAIOS_FSUUID_A" >"$data/paios/overlay/A/identity"
echo earlier >"$data/paios/overlay/A/upper/var/paios-marker"
make_disk disk --data-full --data-dir "$data"
log=$PAIOS_TEST_TMP/existing.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A paios.overlay.upper=data $(data_args)"
expect_booted "$log" A
expect_probe "$log" marker absent
expect_record "$log" .overlay.upper tmpfs
# the upper is there and matches, so nothing is written to it; the overlay then cannot make
# its work directory and comes up read-only, which is refused: the same tmpfs fallback
expect_record_match "$log" '.fallbacks[] | select(.what == "upper") | .why' 'came up read-only'
expect_line "$log" 'paios-init: overlay with its upper on /data: .*came up read-only.*: upper on tmpfs' \
	"the overlay's fallback logged"
[ "$(data_debugfs "$disk" 'cat /paios/overlay/A/upper/var/paios-marker')" = earlier ] || fail "A's upper changed"
[ -z "$(data_ls "$disk" /paios/attic 2>/dev/null)" ] || fail "something was set aside on a full /data"
pass
