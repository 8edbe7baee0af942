#!/bin/bash
# Fault matrix (tests/qemu/FAULTS.md), /run full: a pre-mount hook fills /run (tmpfs, 20%
# of memory) to the last block. The mounts still succeed (directories and short symbolic
# links take no tmpfs blocks; the upper is a tmpfs of its own), the boot record cannot be
# written, which is one warning line naming it, and the boot completes.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fault-lib.sh"
fixtures_env

hooks=$PAIOS_TEST_TMP/hooks
mkdir -p "$hooks/pre-mount.d"
cat >"$hooks/pre-mount.d/fill-run.sh" <<'HOOK'
# fill /run until ENOSPC, then show it
dd if=/dev/zero of=/run/fill bs=1M 2>/dev/null
df -k /run | tail -n 1
exit 0
HOOK
make_initramfs initrd --hooks "$hooks"
log=$PAIOS_TEST_TMP/run-full.log
boot "$log" "$PAIOS_BASE_DISK" "$initrd" "paios.boot.failure-delay=0 rauc.slot=A" --snapshot
expect_line "$log" 'paios-init: fill-run.sh: tmpfs +[0-9]+ +[0-9]+ +0 +100% /run$' "/run full"
expect_line "$log" 'paios-init: hook /lib/paios/hooks/pre-mount.d/fill-run.sh: ok \([0-9]+ ms\)$' "the hook"
expect_exact "$log" 'paios-init: boot record /run/paios/boot-record.json: No space left on device' "the record's warning"
expect_booted "$log" A
expect_no_fatal "$log"
# No half-written record may be left for the booted system to read: none at all, or a
# whole one.
record=$(probe_value "$log" record) || fail "the probe reported nothing about the record"
if [ "$record" != absent ] && { [ -z "$record" ] || ! jq -e 'type == "object"' <<<"$record" >/dev/null 2>&1; }; then
	fail "an unusable boot record was left in /run/paios/boot-record.json: '$record'"
fi
pass
