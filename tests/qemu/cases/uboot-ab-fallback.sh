#!/bin/bash
# The bootloader half of the A/B scheme: U-Boot (Debian's u-boot-qemu) runs
# scripts/uboot/boot.cmd from the disk's FAT boot partition, which keeps RAUC's
# BOOT_ORDER / BOOT_x_LEFT in uboot.env there, counts every attempt down before booting,
# falls back to the other slot when one's attempts are used up, and resets both counters
# when no slot has any left. Slots are the busybox test slots with the kernel and the
# current paios-init initramfs in /boot; the probe powers off, which ends a run. Nothing
# marks a slot good here (no RAUC in the slots), so every boot costs an attempt.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
command -v fw_printenv >/dev/null || fail "fw_printenv not found: run scripts/install-deps.sh (libubootenv-tool)"

# 1. A fresh disk has no uboot.env: defaults, slot A, one attempt counted.
make_uboot_disk disk
log=$PAIOS_TEST_TMP/fresh.log
uboot_boot "$log" "$disk"
expect_line "$log" '^paios-boot: no uboot.env yet: using the defaults' "boot.scr started from its defaults"
expect_uboot_slots "$log" A
expect_line "$log" '^paios-boot: bootargs console=ttyAMA0 rauc.slot=A$' "the command line U-Boot passed"
expect_booted "$log" A
expect_probe "$log" cmdline "console=ttyAMA0 rauc.slot=A"
expect_probe "$log" root-source /dev/vda1
expect_uboot_env "$disk" BOOT_ORDER "A B"
expect_uboot_env "$disk" BOOT_A_LEFT 2
expect_uboot_env "$disk" BOOT_B_LEFT 3
# A power cycle before anything marks the slot good costs one more attempt, no more.
log=$PAIOS_TEST_TMP/again.log
uboot_boot "$log" "$disk"
expect_line "$log" '^paios-boot: state from uboot.env' "boot.scr read uboot.env"
expect_uboot_slots "$log" A
expect_booted "$log" A
expect_uboot_env "$disk" BOOT_A_LEFT 1
expect_uboot_env "$disk" BOOT_B_LEFT 3

# 2. Slot A has no attempts left: slot B, whose counter alone goes down. B's count is
# above 9, which boot.scr takes as 9: setexpr counts in hex, "test" reads decimal, and
# 12 - 1 would become "f", which "test" reads as 0.
make_uboot_disk disk --boot-env "BOOT_ORDER=A B" --boot-env BOOT_A_LEFT=0 --boot-env BOOT_B_LEFT=12
log=$PAIOS_TEST_TMP/a-used-up.log
uboot_boot "$log" "$disk"
expect_line "$log" '^paios-boot: BOOT_B_LEFT=12 taken as 9' "the clamp logged"
expect_uboot_slots "$log" B
expect_booted "$log" B
expect_probe "$log" cmdline "console=ttyAMA0 rauc.slot=B"
expect_probe "$log" root-source /dev/vda2
expect_uboot_env "$disk" BOOT_A_LEFT 0
expect_uboot_env "$disk" BOOT_B_LEFT 8

# 3. The fallback itself: slot B is first in BOOT_ORDER but cannot boot (no init, so
# paios-init fails and reboots). Three attempts, then slot A. paios_extra_args from
# uboot.env reaches the kernel and survives boot.scr's rewrites of the file. This tests
# U-Boot's counting alone, so paios-init's shortcut (mark the slot bad at once through
# [bootenv]) stays off even if the configuration turns it on.
args="panic=-1 paios.boot.failure-delay=0 paios.bootenv.mark-bad=false"
make_uboot_disk disk --slot-b-init missing --boot-env "BOOT_ORDER=B A" --boot-env "paios_extra_args=$args"
log=$PAIOS_TEST_TMP/fallback.log
uboot_boot "$log" "$disk" --timeout 300
expect_uboot_slots "$log" "B B B A"
[ "$(_paios_text "$log" | grep -c 'paios-init: FATAL: .*check-new-root: no executable init')" = 3 ] ||
	fail "expected 3 failed boots of slot B"
expect_line "$log" "^paios-boot: bootargs console=ttyAMA0 rauc.slot=B $args\$" "paios_extra_args on the command line"
expect_booted "$log" A
expect_uboot_env "$disk" BOOT_ORDER "B A"
expect_uboot_env "$disk" BOOT_B_LEFT 0
expect_uboot_env "$disk" BOOT_A_LEFT 2
expect_uboot_env "$disk" paios_extra_args "$args"

# 4. No slot has attempts left: boot.scr says so, resets both counters to 3 and resets
# the board; the next U-Boot run boots the first slot of BOOT_ORDER.
make_uboot_disk disk --boot-env "BOOT_ORDER=A B" --boot-env BOOT_A_LEFT=0 --boot-env BOOT_B_LEFT=0
log=$PAIOS_TEST_TMP/none-left.log
uboot_boot "$log" "$disk"
expect_line "$log" '^paios-boot: #+ no slot has boot attempts left' "the no-slot message"
expect_line "$log" '^paios-boot: #+ resetting BOOT_A_LEFT and BOOT_B_LEFT to 3 and resetting the board' "the reset message"
[ "$(_paios_text "$log" | grep -c '^U-Boot 20')" = 2 ] || fail "expected two U-Boot runs (the reset)"
expect_uboot_slots "$log" A
expect_booted "$log" A
expect_uboot_env "$disk" BOOT_A_LEFT 2
expect_uboot_env "$disk" BOOT_B_LEFT 3

# 5. An order naming no slot is reset along with the counters, instead of resetting the
# board forever.
make_uboot_disk disk --boot-env "BOOT_ORDER=C"
log=$PAIOS_TEST_TMP/unknown-order.log
uboot_boot "$log" "$disk"
expect_line "$log" '^paios-boot: #+ BOOT_ORDER names neither A nor B: resetting it to the default \(A B\)' "the order reset"
expect_uboot_slots "$log" A
expect_booted "$log" A
expect_uboot_env "$disk" BOOT_ORDER "A B"
pass
