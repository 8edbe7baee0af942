#!/bin/bash
# A locked image (boot.locked=true in its configuration): the command line can no longer
# change root=, init=, the failure action or the upper; rauc.slot= still picks the slot;
# a failure never opens a shell.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env

conf=$PAIOS_TEST_TMP/locked.conf
sed 's/^\[boot\]$/[boot]\nlocked = true/' "$PAIOS_ROOT/initramfs/paios-init.conf" >"$conf"
grep -qx 'locked = true' "$conf" || fail "could not write the locked configuration"
make_initramfs initrd --config "$conf"

log=$PAIOS_TEST_TMP/locked.log
boot "$log" "$PAIOS_BASE_DISK" "$initrd" \
	"rauc.slot=A root=/dev/vda2 init=/bin/sh paios.boot.failure-action=shell paios.overlay.upper=data" --snapshot
expect_booted "$log" A
expect_probe "$log" root-source /dev/vda1
expect_line "$log" 'paios-init: command line: root=/dev/vda2 ignored: the image is locked' "root= ignored"
expect_line "$log" 'paios-init: command line: init=/bin/sh ignored: the image is locked' "init= ignored"
expect_line "$log" 'paios-init: command line: paios.boot.failure-action ignored: the image is locked' "the shell refused"
expect_line "$log" 'paios-init: command line: paios.overlay.upper ignored: the image is locked' "the upper kept"
expect_record "$log" .overlay.upper tmpfs

# a failing boot of a locked image with failure-action=shell in its own file: no shell
sed -i 's/^failure-action = reboot$/failure-action = shell/' "$conf"
grep -qx 'failure-action = shell' "$conf" || fail "could not set failure-action = shell"
make_initramfs initrd --config "$conf"
log=$PAIOS_TEST_TMP/locked-fail.log
boot "$log" "$PAIOS_BASE_DISK" "$initrd" "rauc.slot=C paios.boot.failure-delay=0" --snapshot
expect_fatal "$log" 'configure: no slot in system.conf has bootname "C"'
expect_line "$log" 'paios-init: no rescue shell: the image is locked' "no shell"
expect_no_line "$log" 'starting a rescue shell' "a shell"
pass
