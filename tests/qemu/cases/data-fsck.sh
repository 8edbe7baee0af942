#!/bin/bash
# e2fsck -p before /data is mounted (data.check=true): a journal left dirty (a power cut
# while mounted) is replayed and /data used; damage e2fsck -p must not repair on its own
# (blocks claimed by two files) keeps /data unmounted, the boot falls back to tmpfs with
# e2fsck's verdict in the boot record.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
need_e2fsprogs

# a committed but not yet replayed transaction: one block of random data to a free block
make_disk disk
block=$(data_debugfs "$disk" 'ffb 1 20000' | awk '/^Free blocks found:/ { print $4 }')
[ -n "$block" ] || fail "no free block found on /data"
head -c 1024 /dev/urandom >"$PAIOS_TEST_TMP/block"
data_debugfs_w "$disk" <<EOF
jo
jw -b $block $PAIOS_TEST_TMP/block
jc
EOF
data_dumpe2fs "$disk" | grep -E '^Filesystem features:.* needs_recovery' >/dev/null || fail "the journal is not dirty"

log=$PAIOS_TEST_TMP/journal.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A"
expect_booted "$log" A
expect_line "$log" 'paios-init: e2fsck: data: recovering journal' "e2fsck replayed the journal"
expect_record "$log" .data.state mounted
expect_record_match "$log" .data.check '^(clean|errors corrected \(e2fsck exit [12]\))$'
expect_probe "$log" data-fstype ext4
img=$PAIOS_TEST_TMP/data.img
partition_extract "$disk" 3 "$img"
cmp <(dd if="$img" bs=1024 skip="$block" count=1 status=none) "$PAIOS_TEST_TMP/block" >/dev/null ||
	fail "the journalled block was not written to its place"

# two files claiming the same blocks, the filesystem marked as having errors
make_disk disk
head -c 4096 /dev/urandom >"$PAIOS_TEST_TMP/file"
data_debugfs_w "$disk" <<EOF
write $PAIOS_TEST_TMP/file f1
write $PAIOS_TEST_TMP/file f2
EOF
first=$(data_debugfs "$disk" 'bmap /f1 0')
[[ $first =~ ^[0-9]+$ ]] || fail "no block for f1"
# i_block[5]: the low 32 bits of the first extent's start (the inode's only extent)
data_debugfs_w "$disk" <<EOF
sif /f2 block[5] $first
ssv state 2
EOF

log=$PAIOS_TEST_TMP/damaged.log
boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A paios.overlay.upper=data"
expect_booted "$log" A
expect_line "$log" 'paios-init: e2fsck: .*UNEXPECTED INCONSISTENCY' "e2fsck's verdict logged"
expect_record "$log" .data.state fallback
expect_record "$log" .data.check "e2fsck exit 4: errors left uncorrected, needs manual repair"
expect_record "$log" '[.fallbacks[] | select(.what == "data") | .why]' \
	'["e2fsck exit 4: errors left uncorrected, needs manual repair"]'
expect_record "$log" .overlay.upper tmpfs
expect_probe "$log" data-fstype not-mounted
expect_no_line "$log" 'PAIOS-TEST mountinfo: .* - ext4 /dev/vda3 ' "a mount of the damaged /data"
partition_extract "$disk" 3 "$img"
e2fsck -fn "$img" >/dev/null 2>&1 && fail "the damage was repaired behind the operator's back"
[ "$(data_debugfs "$disk" 'bmap /f2 0')" = "$first" ] || fail "the damaged file was changed"
pass
