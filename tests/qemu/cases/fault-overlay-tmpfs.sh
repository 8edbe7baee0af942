#!/bin/bash
# Fault matrix (tests/qemu/FAULTS.md), little memory for the tmpfs upper: a 4 KiB upper
# (paios.overlay.tmpfs-size=4k), and a 128 MiB guest with an upper of 400% of its memory.
# tmpfs takes both (its size is a limit, not a reservation, and directories and empty
# files take no blocks), so both boots complete; writes beyond the limit fail later, in
# the booted system (ENOSPC), not in the initramfs.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fault-lib.sh"
fixtures_env

log=$PAIOS_TEST_TMP/4k.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "paios.boot.failure-delay=0 rauc.slot=A paios.overlay.tmpfs-size=4k" --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" 'paios-init: mounted overlay upper tmpfs: paios-overlay on /run/paios/overlay (tmpfs, mode=0755,size=4k)' \
	"the 4 KiB upper"
expect_line "$log" 'PAIOS-TEST mountinfo: .* /run/paios/overlay rw,.* - tmpfs paios-overlay rw,size=4k,' "the upper's size"
expect_probe "$log" marker-write ok

log=$PAIOS_TEST_TMP/128m.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "paios.boot.failure-delay=0 rauc.slot=A paios.overlay.tmpfs-size=400%" \
	--snapshot --mem 128
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" 'paios-init: mounted overlay upper tmpfs: paios-overlay on /run/paios/overlay (tmpfs, mode=0755,size=400%)' \
	"the oversized upper"
expect_no_line "$log" 'Out of memory|oom-kill' "the OOM killer"
pass
