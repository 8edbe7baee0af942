#!/bin/bash
# Fault matrix (tests/qemu/FAULTS.md), kernel command line, the rows that must fail: each
# boot ends in exactly one FATAL line of stage configure naming the option and what is
# wrong with it, then the reboot; no panic, no slot's init, and not one byte of the disk
# changes (the whole image is compared: nothing is mounted before configure).
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../fault-lib.sh"
fixtures_env
private_disk "$PAIOS_BASE_DISK" disk
sum=$(disk_sum "$disk")
long=$(head -c 2000 /dev/zero | tr '\0' A)

fatal_case() { # NAME APPEND TEXT: boot with APPEND, expect "paios-init: FATAL: TEXT"
	local log=$PAIOS_TEST_TMP/$1.log
	boot "$log" "$disk" "$PAIOS_INITRD" "paios.boot.failure-delay=0 $2"
	expect_fatal_exact "$log" "$3"
	expect_no_line "$log" '^PAIOS-TEST' "$1: a slot's init ran"
	[ "$(disk_sum "$disk")" = "$sum" ] || fail "$1: the disk changed"
}

fatal_case unknown-slot "rauc.slot=C" \
	'configure: no slot in system.conf has bootname "C" (bootnames: A, B)'
fatal_case empty-slot "rauc.slot=" \
	'configure: kernel command line: rauc.slot="" is not a valid bootname'
fatal_case bare-slot "rauc.slot" \
	'configure: kernel command line: rauc.slot given without a value'
fatal_case two-slots "rauc.slot=A rauc.slot=B" \
	'configure: kernel command line: rauc.slot= given twice with different values ("A", "B")'
# 2000 characters, last on the line: arm64's kernel keeps 2047 bytes of the command line
# (COMMAND_LINE_SIZE), so /init gets about 1985 of them; refused either way.
fatal_case long-slot "rauc.slot=$long" \
	"configure: kernel command line: rauc.slot=\"${long:0:64}...\" is not a valid bootname"
fatal_case long-root "rauc.slot=A root=/dev/${long:5}" \
	'configure: kernel command line: root= is longer than 1024 bytes'
fatal_case bad-rootdelay "rauc.slot=A rootdelay=soon" \
	'configure: kernel command line: rootdelay=soon is not a number of seconds (0..3600)'
pass
