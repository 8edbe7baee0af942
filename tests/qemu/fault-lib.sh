# shellcheck shell=bash
# Helpers for the fault matrix cases (tests/qemu/cases/fault-*.sh, tests/qemu/FAULTS.md),
# sourced after lib.sh:
#
#   . "$(dirname "$0")/../lib.sh"
#   . "$(dirname "$0")/../fault-lib.sh"
#
# Every row of the matrix asserts its one line of cause exactly (the whole line after the
# kernel's timestamp, not a pattern inside it), the failure action or the completed boot,
# and that no kernel panic happened; boot() already fails a case on a hang (the timeout).

# _fault_lines LOG: the console lines without CRs and without the kernel's "[    1.234] ".
_fault_lines() {
	_paios_text "$1" | sed -E 's/^\[ *[0-9]+\.[0-9]+\] //'
}

# expect_exact LOG TEXT WHAT: fail unless a console line reads exactly TEXT.
expect_exact() {
	local log=$1 text=$2 what=$3
	_paios_need_log "$log"
	if ! _fault_lines "$log" | grep -Fx -- "$text" >/dev/null; then
		_paios_show_tail "$log"
		fail "$what: no line reads exactly '$text'"
	fi
}

# expect_fatal_exact LOG TEXT: the boot ended in exactly one FATAL line, which reads
# "paios-init: FATAL: TEXT", then the failure action (reboot), never a panic.
expect_fatal_exact() {
	expect_fatal "$1" ''
	expect_exact "$1" "paios-init: FATAL: $2" "the failure line"
}

# expect_no_fatal LOG: no FATAL line at all (a boot that must complete).
expect_no_fatal() {
	expect_no_line "$1" 'paios-init: FATAL' "a failure line"
}

# disk_sum DISK: md5sum of the whole image (a boot that fails before any mount must not
# change a byte of it).
disk_sum() {
	md5sum <"$1" | cut -d' ' -f1
}

# slot_sums DISK: md5sums of the two slot partitions (1 and 2), to show that a failed boot
# never wrote to a slot; /data (partition 3) may be checked and mounted before the failure.
slot_sums() {
	echo "$(partition_sum "$1" 1) $(partition_sum "$1" 2)"
}

# expect_slots_unchanged DISK BEFORE WHAT: fail unless slot_sums DISK is still BEFORE.
expect_slots_unchanged() {
	[ "$(slot_sums "$1")" = "$2" ] || fail "$3: a slot partition changed (a write reached a slot)"
}

# boot_out: what boot.sh said about the case's boots (qemu's command line, hot-plugs).
boot_out() {
	cat "$PAIOS_TEST_TMP/boot.out"
}
