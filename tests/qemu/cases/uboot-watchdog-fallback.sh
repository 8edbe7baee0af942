#!/bin/bash
# A slot that hangs after the handover falls back through the watchdog: paios-init arms the
# i6300esb (paios.watchdog.timeout=10 from paios_extra_args in uboot.env) and leaves it
# running across switch_root; slot B's init hangs, so the watchdog resets the board,
# U-Boot runs again and boots B with one attempt less, three times, then slot A.
# Takes about a minute (three 10 s watchdog periods plus four boots).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
command -v fw_printenv >/dev/null || fail "fw_printenv not found: run scripts/install-deps.sh (libubootenv-tool)"

make_uboot_disk disk --slot-b-init hang --boot-env "BOOT_ORDER=B A" \
	--boot-env "paios_extra_args=paios.watchdog.timeout=10 panic=-1"
log=$PAIOS_TEST_TMP/hang.log
start=$EPOCHREALTIME
uboot_boot "$log" "$disk" --watchdog --timeout 480
end=$EPOCHREALTIME
expect_uboot_slots "$log" "B B B A"
[ "$(_paios_text "$log" | grep -c '^PAIOS-TEST hang: slot B')" = 3 ] || fail "expected slot B to hang 3 times"
[ "$(_paios_text "$log" | grep -cE 'paios-init: watchdog .*armed, timeout 10 s')" = 4 ] ||
	fail "expected paios-init to arm the watchdog (10 s) on each of the 4 boots"
# Nothing else restarted the board: no panic, no paios-init failure.
expect_no_line "$log" 'paios-init: FATAL' "a paios-init failure"
expect_booted "$log" A
expect_uboot_env "$disk" BOOT_B_LEFT 0
expect_uboot_env "$disk" BOOT_A_LEFT 2
awk -v s="$start" -v e="$end" 'BEGIN { printf "uboot-watchdog-fallback: B hung 3 times, A up after %.0f s\n", e - s }' >&2
pass
