#!/bin/bash
# Without rauc.slot= on the command line, /init takes the slot from U-Boot's environment
# the way the boot script does: the first slot in BOOT_ORDER with attempts left. It reads
# the env file on the FAT boot partition with libubootenv and records the counters.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env

make_disk disk --boot-env "BOOT_ORDER=B A" --boot-env BOOT_A_LEFT=3 --boot-env BOOT_B_LEFT=2
log=$PAIOS_TEST_TMP/derive.log
boot "$log" "$disk" "$PAIOS_INITRD" "paios.boot.failure-delay=0" --snapshot
expect_line "$log" 'paios-init: no rauc.slot= on the command line: the slot comes from the U-Boot environment' \
	"the deferred plan"
expect_line "$log" 'paios-init: slot B chosen from the U-Boot environment as the boot script does' "the choice"
expect_booted "$log" B
expect_record "$log" .bootenv.BOOT_ORDER "B A"
expect_record "$log" .bootenv.BOOT_B_LEFT 2
expect_record "$log" .bootenv.BOOT_A_LEFT 3

# B used up: A
make_disk disk --boot-env "BOOT_ORDER=B A" --boot-env BOOT_A_LEFT=1 --boot-env BOOT_B_LEFT=0
log=$PAIOS_TEST_TMP/fallback.log
boot "$log" "$disk" "$PAIOS_INITRD" "paios.boot.failure-delay=0" --snapshot
expect_booted "$log" A

# no slot has attempts left: one clear FATAL, the failure action, no guess
make_disk disk --boot-env "BOOT_ORDER=A B" --boot-env BOOT_A_LEFT=0 --boot-env BOOT_B_LEFT=0
log=$PAIOS_TEST_TMP/none.log
boot "$log" "$disk" "$PAIOS_INITRD" "paios.boot.failure-delay=0" --snapshot
expect_fatal "$log" 'bootenv: no rauc.slot= and no slot in BOOT_ORDER has attempts left'

# no environment at all (no boot partition): the same, naming the device
log=$PAIOS_TEST_TMP/no-env.log
boot "$log" "$PAIOS_BASE_DISK" "$PAIOS_INITRD" "paios.boot.failure-delay=0" --snapshot
expect_fatal "$log" 'bootenv: no rauc.slot= and no U-Boot environment: U-Boot environment device PARTLABEL=boot did not appear within 1 s'
pass
