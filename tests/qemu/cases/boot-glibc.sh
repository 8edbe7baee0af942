#!/bin/bash
# The /init built with -DPAIOS_LIBC=glibc (the default links musl) boots slot A like the
# musl one, with the same log lines: the error texts are the project's own (lib/errno-text.c).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
[ -x "${PAIOS_INIT_GLIBC:-}" ] || fail "PAIOS_INIT_GLIBC='${PAIOS_INIT_GLIBC:-}' is no program: run through ctest"
file "$PAIOS_INIT_GLIBC" | grep -q 'statically linked' || fail "$PAIOS_INIT_GLIBC is not static"
# the two builds differ in their C library, visible in glibc's own messages
grep -aq 'Fatal glibc error' "$PAIOS_INIT_GLIBC" || fail "$PAIOS_INIT_GLIBC does not hold glibc"
! grep -aq 'Fatal glibc error' "$PAIOS_INIT_AARCH64" || fail "the default /init holds glibc, not musl"
make_initramfs initrd --init "$PAIOS_INIT_GLIBC"
private_disk "$PAIOS_BASE_DISK" disk
log=$PAIOS_TEST_TMP/boot.log
boot "$log" "$disk" "$initrd" "rauc.slot=A"
expect_booted "$log" A
expect_probe "$log" root-source /dev/vda1
expect_probe "$log" lower-ro yes
expect_line "$log" 'paios-init: slot A \(rootfs.0\): device PARTLABEL=rootfs-a \(from system.conf\)' "the plan logged"
expect_line "$log" 'paios-init: switching to /sbin/init on /dev/vda1' "the handover logged"
# and fails as it does (tests/qemu/cases/fail-missing-device.sh)
log=$PAIOS_TEST_TMP/missing.log
boot "$log" "$disk" "$initrd" "rauc.slot=A root=PARTLABEL=rootfs-x rootdelay=1 paios.boot.failure-delay=0"
expect_fatal "$log" 'wait-device: root device PARTLABEL=rootfs-x did not appear within 1 s'
pass
