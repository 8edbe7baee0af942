#!/bin/bash
# /data holding something paios-init does not recognise as its own is never formatted,
# whatever data.format-blank says: a foreign filesystem (vfat, with files) and an ext4
# whose superblock is zeroed (blkid finds nothing, but the rest of it is there) are left
# byte for byte as they were; the boot falls back to a tmpfs upper, the reason recorded.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env

check_left_alone() { # KIND WHY
	local kind=$1 why=$2 disk log before
	make_disk disk --data-fs "$kind"
	before=$(partition_sum "$disk" 3)
	log=$PAIOS_TEST_TMP/$kind.log
	boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A paios.overlay.upper=data $(data_args)"
	expect_booted "$log" A
	expect_probe "$log" data-fstype not-mounted
	expect_record "$log" .data.state fallback
	expect_record "$log" .overlay.upper tmpfs
	expect_record "$log" '[.fallbacks[] | select(.what == "data") | .why]' "$(jq -cn --arg why "$why" '[$why]')"
	expect_record "$log" '[.fallbacks[] | select(.what == "upper")] | length' 1
	expect_line "$log" "paios-init: data PARTLABEL=data: $why: booting without persistent data, upper on tmpfs" "the fallback logged"
	expect_no_line "$log" 'mke2fs|formatting' "an attempt to format"
	expect_probe "$log" log-marker-write ok # /var/log is the tmpfs upper's now
	expect_no_line "$log" 'PAIOS-TEST mountinfo: .* /var/log ' "a bind from /data"
	[ "$(partition_sum "$disk" 3)" = "$before" ] || fail "$kind /data changed during the boot"
}

check_left_alone vfat "holds vfat, not ext4: left alone"
check_left_alone zeroed "holds unrecognised non-zero data, not ext4: left alone"
pass
