#!/bin/bash
# A power cut while /data is being written: qemu is killed (SIGKILL: whatever the guest
# had not written out is lost) in the middle of the probe's stream of fsync'ed files in
# the bound /var/log. The next boot checks (e2fsck -p replays the journal when it is
# there, the kernel otherwise), mounts /data, and every file reported fsync'ed before
# the cut is there with its content.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
make_disk disk

log=$PAIOS_TEST_TMP/cut.log
boot_until "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A paios_test.write=200 $(data_args)" \
	'^PAIOS-TEST fsynced=12$' --timeout 120
expect_probe "$log" data-fstype ext4
expect_no_line "$log" '^PAIOS-TEST (writes-done|fsync-failed)' "the writes ended before the cut"
synced=$(probe_value "$log" fsynced)
[ "$synced" -ge 12 ] || fail "only $synced files reported fsync'ed"
data_dumpe2fs "$disk" | grep -E '^Filesystem features:.* needs_recovery' >/dev/null ||
	fail "the journal of /data is clean after the cut: it was not cut while mounted"

log2=$PAIOS_TEST_TMP/after.log
boot "$log2" "$disk" "$PAIOS_INITRD" "rauc.slot=A $(data_args)"
expect_booted "$log2" A
expect_record "$log2" .data.state mounted
expect_probe "$log2" data-fstype ext4
expect_probe "$log2" log-marker present
if [ -n "${PAIOS_E2FSPROGS:-}" ]; then
	expect_line "$log2" 'paios-init: e2fsck: data: recovering journal' "e2fsck replayed the journal"
	expect_record_match "$log2" .data.check '^(clean|errors corrected \(e2fsck exit [12]\))$'
fi
for i in $(seq 1 "$synced"); do
	expect_probe "$log2" "sum-f$i" "$(probe_value "$log" "fsync-f$i")"
done
echo "$PAIOS_TEST_NAME: $synced fsync'ed files intact after the cut" >&2
pass
