#!/bin/bash
# rauc.slot=A boots slot A: read-only ext4 slot under an overlay root, API mounts moved in,
# no descriptor of /init leaked, the boot logged to /dev/kmsg.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
private_disk "$PAIOS_BASE_DISK" disk
log=$PAIOS_TEST_TMP/boot.log
# the slots: /data (partition 3) is mounted read-write by the default configuration
before="$(partition_sum "$disk" 1) $(partition_sum "$disk" 2)"
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A"
expect_booted "$log" A
expect_probe "$log" root-source /dev/vda1
expect_probe "$log" lower-ro yes
expect_probe "$log" lower-sb-ro yes
expect_line "$log" '^PAIOS-TEST write-lower=.*Read-only file system' "a write to the slot fails"
expect_probe "$log" volatile-root /dev/block/254:1 # /dev/vda1, in the form systemd parses
expect_probe "$log" self-mounted ""
expect_probe "$log" initramfs-left no
expect_line "$log" 'PAIOS-TEST mountinfo: .* / / rw,.* - overlay /dev/vda1 rw,lowerdir=/run/paios/slot,upperdir=/run/paios/overlay/upper,workdir=/run/paios/overlay/work' "the overlay root"
expect_line "$log" 'PAIOS-TEST mountinfo: .* /run/paios/slot ro,.* - ext4 /dev/vda1 ro' "the slot at /run/paios/slot, read-only"
expect_line "$log" 'PAIOS-TEST mountinfo: .* /run/paios/overlay rw,.* - tmpfs paios-overlay' "the upper tmpfs at /run/paios/overlay"
# fds of PID 1: the probe's own script (10) and the console, nothing from /init
fds=$(probe_value "$log" fds)
[ "$fds" = "0 1 2 10" ] || fail "PID 1 has descriptors '$fds', expected '0 1 2 10'"
expect_line "$log" 'paios-init: slot A \(rootfs.0\): device PARTLABEL=rootfs-a \(from system.conf\)' "the plan logged"
expect_line "$log" 'paios-init: switching to /sbin/init on /dev/vda1' "the handover logged"
expect_line "$log" 'paios-init: watchdog /dev/watchdog: .*booting without one' "no watchdog device is a warning"
[ "$(partition_sum "$disk" 1) $(partition_sum "$disk" 2)" = "$before" ] || fail "a slot changed during a boot"
pass
