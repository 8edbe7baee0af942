#!/bin/bash
# data.protected (/etc/rauc): RAUC's keyring always comes from the read-only slot. A
# keyring planted in a slot's upper on /data is set aside to the attic, one planted in
# /data/paios/state is hidden even when someone binds /etc/rauc from /data, and the
# protected path is read-only in the booted system.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
args=$(data_args)
extra=$PAIOS_TEST_TMP/slot-extra
data=$PAIOS_TEST_TMP/data
mkdir -p "$extra/etc/rauc" "$data/paios/overlay/A/upper/etc/rauc" "$data/paios/state/etc/rauc" \
	"$data/paios/overlay/B/upper" "$data/elsewhere/rauc"
echo "slot keyring" >"$extra/etc/rauc/keyring.pem"
slot_sum=$(sha256sum <"$extra/etc/rauc/keyring.pem" | cut -d' ' -f1)
# A's upper as a boot of this very rootfs left it (the identity matches), plus the plant
printf 'uuid=%s\nbuild=\n' 5041494f-0002-4000-8000-000000000001 >"$data/paios/overlay/A/identity"
echo "planted in the upper" >"$data/paios/overlay/A/upper/etc/rauc/keyring.pem"
echo "planted in the state" >"$data/paios/state/etc/rauc/keyring.pem"
# B's upper: /etc itself a symbolic link to a directory with a planted keyring
printf 'uuid=%s\nbuild=\n' 5041494f-0002-4000-8000-000000000002 >"$data/paios/overlay/B/identity"
echo "planted elsewhere" >"$data/elsewhere/rauc/keyring.pem"
ln -s /data/elsewhere "$data/paios/overlay/B/upper/etc"
make_disk disk --slot-extra "$extra" --data-dir "$data"
[ "$PAIOS_FSUUID_A" = 5041494f-0002-4000-8000-000000000001 ] || fail "slot A's UUID is not the one planted"

# the upper on /data: the planted /etc/rauc moves to the attic, the slot's shows
log=$PAIOS_TEST_TMP/upper.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A paios.overlay.upper=data $args"
expect_booted "$log" A
expect_record "$log" .overlay.upper data
expect_record "$log" .overlay.decision "upper matches the rootfs"
expect_probe "$log" keyring "$slot_sum"
expect_probe "$log" keyring-text "slot keyring"
expect_line "$log" '^PAIOS-TEST etc-rauc-write=.*Read-only file system' "/etc/rauc is read-only"
expect_line "$log" 'paios-init: data: /etc/rauc in the upper would shadow the slot.s copy: moved to /data/paios/attic/000001-protected-A' \
	"the planted /etc/rauc set aside"
expect_line "$log" 'PAIOS-TEST mountinfo: [0-9]+ [0-9]+ [0-9:]+ /etc/rauc /etc/rauc ro,.* - ext4 /dev/vda1 ' \
	"/etc/rauc bound read-only from the slot"
data_has "$disk" /paios/attic/000001-protected-A/keyring.pem || fail "the planted keyring is not kept in the attic"
data_has "$disk" /paios/overlay/A/upper/etc/rauc && fail "the planted /etc/rauc is still in A's upper"

# /etc/rauc bound from /data/paios/state on purpose (the command line): protected wins
log=$PAIOS_TEST_TMP/bound.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A \"paios.data.binds=/var/log /etc/rauc\" $args"
expect_booted "$log" A
expect_record "$log" .overlay.upper tmpfs
expect_line "$log" 'paios-init: mounted persistent bind: /data/paios/state/etc/rauc on /sysroot/etc/rauc' "the bind from /data made"
expect_probe "$log" keyring "$slot_sum"
expect_probe "$log" keyring-text "slot keyring"
expect_line "$log" '^PAIOS-TEST etc-rauc-write=.*Read-only file system' "/etc/rauc is read-only"
# the state's copy is left where it was: hidden, not deleted
[ "$(data_debugfs "$disk" 'cat /paios/state/etc/rauc/keyring.pem')" = "planted in the state" ] ||
	fail "the keyring in /data/paios/state changed"

# B's upper has /etc as a symbolic link: the protected path cannot be reached without
# following it. Never the planted keyring: the boot refuses the link (today the whole
# boot fails on it, FATAL, a reported lib/init bug: it could set the upper aside or fall
# back to tmpfs instead) or shows the slot's keyring.
log=$PAIOS_TEST_TMP/parent-link.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=B paios.overlay.upper=data paios.boot.failure-delay=0 $args"
expect_no_panic "$log"
expect_no_line "$log" 'PAIOS-TEST keyring-text=planted' "a planted keyring in the booted system"
if _paios_text "$log" | grep -E '^PAIOS-TEST done' >/dev/null; then
	expect_probe "$log" keyring "$slot_sum"
else
	expect_fatal "$log" 'mount-root: /sysroot/etc/rauc: a symbolic link on the way in the new root: refused'
fi
pass
