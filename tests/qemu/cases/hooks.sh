#!/bin/bash
# Stage hooks: mkinitramfs --hooks packs them, /init runs each point's scripts in name order
# with busybox sh, logs their output line by line, kills one that overruns hooks.timeout,
# and goes on after a failing one unless hooks.fatal=true.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env

hooks=$PAIOS_TEST_TMP/hooks
mkdir -p "$hooks/pre-mount.d" "$hooks/pre-switch.d"
printf 'echo "hello from pre-mount, slot $PAIOS_SLOT on $PAIOS_ROOT_DEVICE"\n' >"$hooks/pre-mount.d/10-hello.sh"
printf 'echo failing on purpose; exit 3\n' >"$hooks/pre-mount.d/20-fail.sh"
printf 'echo "sysroot $PAIOS_SYSROOT has $(ls $PAIOS_SYSROOT/etc/slot-id)"\n' >"$hooks/pre-switch.d/10-look.sh"
printf 'echo sleeping; sleep 30\n' >"$hooks/pre-switch.d/20-slow.sh"
make_initramfs initrd --hooks "$hooks"

log=$PAIOS_TEST_TMP/hooks.log
boot "$log" "$PAIOS_BASE_DISK" "$initrd" "rauc.slot=A paios.hooks.timeout=2" --snapshot
expect_line "$log" 'paios-init: 10-hello.sh: hello from pre-mount, slot A on /dev/vda1' "the hook's output, logged"
expect_line "$log" 'paios-init: hook /lib/paios/hooks/pre-mount.d/10-hello.sh: ok' "the hook's success"
expect_line "$log" 'paios-init: hook /lib/paios/hooks/pre-mount.d/20-fail.sh failed: exit status 3; the boot goes on' \
	"a failing hook reported"
expect_line "$log" 'paios-init: 10-look.sh: sysroot /sysroot has /sysroot/etc/slot-id' "pre-switch sees the new root"
expect_line "$log" 'paios-init: 20-slow.sh: still running after 2 s: killed' "an overrunning hook killed"
expect_line "$log" 'paios-init: hook /lib/paios/hooks/pre-switch.d/20-slow.sh failed: timed out; the boot goes on' \
	"the timeout reported"
expect_booted "$log" A
expect_record_match "$log" '.fallbacks[] | select(.what == "hook") | .why' '20-fail.sh'

log=$PAIOS_TEST_TMP/fatal.log
boot "$log" "$PAIOS_BASE_DISK" "$initrd" "rauc.slot=A paios.hooks.fatal=1 paios.boot.failure-delay=0" --snapshot
expect_fatal "$log" 'pre-mount-hooks: hook /lib/paios/hooks/pre-mount.d/20-fail.sh failed: exit status 3 \(hooks.fatal=true\)'
pass
