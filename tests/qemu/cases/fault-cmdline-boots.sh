#!/bin/bash
# Fault matrix (tests/qemu/FAULTS.md), kernel command line, the rows that must boot: a
# repeated rauc.slot= with the same value, a quote left open, unknown paios.* options and
# bad values of known ones. Each is at most a warning line, exactly as asserted, and the
# slot boots with the image's configuration in force.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fault-lib.sh"
fixtures_env

log=$PAIOS_TEST_TMP/same-slot.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=A rauc.slot=A" --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
expect_no_line "$log" 'paios-init: command line:' "a warning about the command line"
expect_exact "$log" 'paios-init: slot A (rootfs.0): device PARTLABEL=rootfs-a (from system.conf), fstype ext4, wait up to 30 s' \
	"the plan"

# The kernel takes an open quote to the end of the line; the word is not an option, so
# it goes to init as an argument, quote removed.
log=$PAIOS_TEST_TMP/open-quote.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" 'rauc.slot=A "foo' --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
expect_exact "$log" 'paios-init: command line: kernel command line has an unterminated quote: it runs to the end of the line' \
	"the unterminated quote warning"
expect_probe "$log" argc 1
expect_probe "$log" args foo

log=$PAIOS_TEST_TMP/unknown-options.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=A paios.boot.nosuch=1 paios.nogroup paios.foo.bar=2" --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
for key in paios.boot.nosuch paios.nogroup paios.foo.bar; do
	expect_exact "$log" "paios-init: command line: unknown option $key on the command line, ignored" "the warning for $key"
done

# Bad values: each a warning, each ignored (the image's value stays: 30 s device timeout,
# tmpfs upper of 50%, reboot on failure); a file-only option and a missing value too.
log=$PAIOS_TEST_TMP/bad-values.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "rauc.slot=A paios.boot.device-timeout=forever \
paios.overlay.tmpfs-size=1x paios.boot.failure-action=explode paios.watchdog.timeout=-1 paios.boot.debug=maybe \
paios.overlay.upper=disk paios.boot.locked=false paios.data.timeout" --snapshot
expect_booted "$log" A
expect_no_fatal "$log"
while IFS= read -r warning; do
	expect_exact "$log" "paios-init: command line: $warning" "the warning '$warning'"
done <<'EOF_WARNINGS'
paios.boot.device-timeout=forever is not a number of seconds (0..3600) on the command line, ignored
paios.overlay.tmpfs-size=1x is not a size (a number, optionally with k, m, g or %) on the command line, ignored
paios.boot.failure-action=explode is none of reboot, shell, halt on the command line, ignored
paios.watchdog.timeout=-1 is not a number of seconds (0..3600) on the command line, ignored
paios.boot.debug=maybe is not a boolean on the command line, ignored
paios.overlay.upper=disk is none of tmpfs, data on the command line, ignored
paios.boot.locked can only be set in the configuration file, ignored
paios.data.timeout needs a value, ignored
EOF_WARNINGS
expect_exact "$log" 'paios-init: slot A (rootfs.0): device PARTLABEL=rootfs-a (from system.conf), fstype ext4, wait up to 30 s' \
	"the image's device timeout"
expect_exact "$log" 'paios-init: mounted overlay upper tmpfs: paios-overlay on /run/paios/overlay (tmpfs, mode=0755,size=50%)' \
	"the image's tmpfs size"
expect_record "$log" .overlay.upper tmpfs
pass
