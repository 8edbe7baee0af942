#!/bin/bash
# Build the GPT test disk image that the qemu tests boot paios-init against.
#
# No loop devices and no mounts, so it needs no privileges: every partition is made as an
# ext4 image file with "mke2fs -d" (populated from a staging directory), sfdisk writes the
# GPT into the disk image file, and dd copies each partition image to its offset. All
# images are sparse, so a disk takes little real space.
#
# The ids are fixed so that tests can name partitions and filesystems directly; they are
# listed in usage() below and printed as shell assignments on stdout after a build, e.g.
#   eval "$(scripts/mkdisk.sh --busybox BB --out disk.img)"; echo "$PAIOS_PARTUUID_A"
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
probe="$script_dir/../tests/qemu/probe-init.sh"

# "5041494f" is "PAIO" in ASCII. PARTUUIDs and filesystem UUIDs differ in the second group
# (0001 vs 0002), so an init that mixes up root=PARTUUID= and root=UUID= finds nothing.
disk_guid=5041494f-0000-4000-8000-000000000000
partuuid_a=5041494f-0001-4000-8000-000000000001
partuuid_b=5041494f-0001-4000-8000-000000000002
partuuid_data=5041494f-0001-4000-8000-000000000003
fsuuid_a=5041494f-0002-4000-8000-000000000001
fsuuid_b=5041494f-0002-4000-8000-000000000002
fsuuid_data=5041494f-0002-4000-8000-000000000003
# FAT has a 32-bit volume id instead of a UUID; blkid shows this one as "5041-000A".
vfat_id_a=5041000A
# The GPT partition names double as filesystem labels.
name_a=rootfs-a
name_b=rootfs-b
name_data=data

usage() {
	cat <<EOF
Usage: $0 --busybox FILE --out FILE [options]

Build a GPT disk image for the qemu tests: two RAUC A/B slots and a data partition.

  --busybox FILE        static aarch64 busybox to install as /bin/busybox in each slot
  --out FILE            disk image to write (replaced if it exists)
  --size-slot MIB       size of each slot partition (default 32)
  --size-data MIB       size of the data partition (default 32)

Fault injection:
  --slot-b-init MODE    /sbin/init of slot B: normal (default), missing (absent),
                        noexec (present, mode 0644)
  --slot-a-fs KIND      filesystem of slot A: ext4 (default); vfat (same files, symlinks
                        become copies; volume id $vfat_id_a); zeroed (ext4 whose first
                        64 KiB, superblock and group descriptors, are zeroed)
  --no-data             leave out partition 3
  --data-fs KIND        filesystem of partition 3: ext4 (default) or none (zeroes)

Layout, 1 MiB aligned, fixed ids (disk GUID $disk_guid):
  part  name (= fs label)  PARTUUID                              fs UUID
  1     $name_a           $partuuid_a  $fsuuid_a
  2     $name_b           $partuuid_b  $fsuuid_b
  3     $name_data               $partuuid_data  $fsuuid_data

Each slot holds /bin/busybox, /bin/sh -> busybox, /etc/slot-id ("A" or "B"), the
directories dev proc sys run tmp var, and tests/qemu/probe-init.sh as /sbin/init.
The data filesystem is empty.

On success stdout gets shell assignments (PAIOS_DISK, PAIOS_DISK_GUID, and
PAIOS_PARTUUID_X PAIOS_PARTLABEL_X PAIOS_FSUUID_X PAIOS_LABEL_X for X in A B DATA;
DATA only if partition 3 exists, FSUUID and LABEL only if the partition has a
filesystem, slot A's FSUUID as blkid shows it); progress goes to stderr.
EOF
}

die() {
	echo "mkdisk: $*" >&2
	exit 1
}

busybox='' out='' size_slot=32 size_data=32
slot_b_init=normal slot_a_fs=ext4 data_part=yes data_fs=ext4
while [ $# -gt 0 ]; do
	case $1 in
	--help) usage; exit 0 ;;
	--no-data) data_part=no; shift; continue ;;
	--busybox | --out | --size-slot | --size-data | --slot-b-init | --slot-a-fs | --data-fs)
		[ $# -ge 2 ] || die "$1 needs a value" ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	case $1 in
	--busybox) busybox=$2 ;;
	--out) out=$2 ;;
	--size-slot) size_slot=$2 ;;
	--size-data) size_data=$2 ;;
	--slot-b-init) slot_b_init=$2 ;;
	--slot-a-fs) slot_a_fs=$2 ;;
	--data-fs) data_fs=$2 ;;
	esac
	shift 2
done

[ -n "$busybox" ] || die "--busybox is required (see --help)"
[ -n "$out" ] || die "--out is required (see --help)"
[ -f "$busybox" ] || die "busybox $busybox: no such file"
[ -f "$probe" ] || die "probe $probe: no such file"
[[ $size_slot =~ ^[1-9][0-9]*$ ]] || die "--size-slot: not a positive number of MiB: $size_slot"
[[ $size_data =~ ^[1-9][0-9]*$ ]] || die "--size-data: not a positive number of MiB: $size_data"
case $slot_b_init in normal | missing | noexec) ;; *) die "--slot-b-init: bad mode $slot_b_init" ;; esac
case $slot_a_fs in ext4 | vfat | zeroed) ;; *) die "--slot-a-fs: bad kind $slot_a_fs" ;; esac
case $data_fs in ext4 | none) ;; *) die "--data-fs: bad kind $data_fs" ;; esac

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# populate_slot DIR SLOT-ID INIT-MODE: the staging tree of one slot's root filesystem.
populate_slot() {
	local dir=$1 id=$2 init_mode=$3
	mkdir -p "$dir"/{bin,sbin,dev,proc,sys,run,tmp,etc,var}
	chmod 0755 "$dir" "$dir"/*
	chmod 1777 "$dir/tmp"
	install -m 0755 "$busybox" "$dir/bin/busybox"
	ln -s busybox "$dir/bin/sh"
	echo "$id" >"$dir/etc/slot-id"
	chmod 0644 "$dir/etc/slot-id"
	case $init_mode in
	normal) install -m 0755 "$probe" "$dir/sbin/init" ;;
	noexec) install -m 0644 "$probe" "$dir/sbin/init" ;;
	missing) ;;
	esac
}

# make_ext4 IMAGE MIB LABEL UUID [DIR]: a sparse ext4 image, populated from DIR if given.
make_ext4() {
	local img=$1 mib=$2 label=$3 uuid=$4 dir=${5:-}
	truncate -s "${mib}M" "$img"
	# mke2fs -d copies owners from the staging tree, which belongs to whoever runs this
	# script; root_owner only covers the root directory. Give everything to root, as on a
	# real rootfs, by rewriting the inodes with debugfs.
	mke2fs -q -F -t ext4 -L "$label" -U "$uuid" -E root_owner=0:0 ${dir:+-d "$dir"} "$img"
	if [ -n "$dir" ]; then
		(cd "$dir" && find . -mindepth 1 -printf '%P\n') |
			awk '{ printf "sif \"/%s\" uid 0\nsif \"/%s\" gid 0\n", $0, $0 }' |
			debugfs -w -f - "$img" >/dev/null 2>"$work/debugfs.log" ||
			{ cat "$work/debugfs.log" >&2; die "debugfs failed on $img"; }
	fi
}

# make_vfat IMAGE MIB LABEL VOLUME-ID DIR: a FAT image holding DIR's files (mtools
# follows symlinks, so they become copies).
make_vfat() {
	local img=$1 mib=$2 label=$3 id=$4 dir=$5
	truncate -s "${mib}M" "$img"
	# mkfs.fat warns that lowercase labels may not work everywhere; Linux handles them.
	mkfs.vfat -n "$label" -i "$id" "$img" >/dev/null 2>&1 || die "mkfs.vfat failed on $img"
	mcopy -i "$img" -s -p -Q "$dir"/* ::/
}

echo "mkdisk: building slot A ($slot_a_fs), slot B (init $slot_b_init)" >&2
populate_slot "$work/tree-a" A normal
populate_slot "$work/tree-b" B "$slot_b_init"
case $slot_a_fs in
ext4 | zeroed) make_ext4 "$work/a.img" "$size_slot" "$name_a" "$fsuuid_a" "$work/tree-a" ;;
vfat) make_vfat "$work/a.img" "$size_slot" "$name_a" "$vfat_id_a" "$work/tree-a" ;;
esac
if [ "$slot_a_fs" = zeroed ]; then
	# The primary superblock sits at byte 1024, the group descriptors right after it;
	# with them gone blkid and the kernel see no filesystem. The backup superblocks
	# stay, as after a real partial overwrite.
	dd if=/dev/zero of="$work/a.img" bs=64K count=1 conv=notrunc status=none
fi
make_ext4 "$work/b.img" "$size_slot" "$name_b" "$fsuuid_b" "$work/tree-b"

# The partitions in disk order: image, PARTUUID, name.
images=("$work/a.img" "$work/b.img")
partuuids=("$partuuid_a" "$partuuid_b")
names=("$name_a" "$name_b")
if [ "$data_part" = yes ]; then
	if [ "$data_fs" = ext4 ]; then
		make_ext4 "$work/data.img" "$size_data" "$name_data" "$fsuuid_data"
	else
		truncate -s "${size_data}M" "$work/data.img"
	fi
	images+=("$work/data.img")
	partuuids+=("$partuuid_data")
	names+=("$name_data")
fi

# Partitions are packed from 1 MiB on, 1 MiB aligned; 1 MiB is left at the end for the
# backup GPT. sfdisk counts 512-byte sectors in a regular file.
table=$(printf 'label: gpt\nlabel-id: %s\nunit: sectors\nfirst-lba: 2048\n' "$disk_guid")
starts=()
next_mib=1
for i in "${!images[@]}"; do
	mib=$(($(stat -c %s "${images[i]}") / 1048576))
	starts+=("$next_mib")
	table+=$(printf '\nstart=%d, size=%d, type=L, uuid=%s, name="%s"' \
		$((next_mib * 2048)) $((mib * 2048)) "${partuuids[i]}" "${names[i]}")
	next_mib=$((next_mib + mib))
done
total_mib=$((next_mib + 1))

# Build next to the output and rename at the end, so a failed run leaves no half disk.
# The file must start out all holes: dd conv=sparse skips zero blocks instead of writing
# them, which is only right when what is underneath is zero already.
tmp_out="$out.tmp"
rm -f "$tmp_out"
truncate -s "${total_mib}M" "$tmp_out"
sfdisk --quiet --no-reread --no-tell-kernel "$tmp_out" <<<"$table" ||
	die "sfdisk failed on $tmp_out"
for i in "${!images[@]}"; do
	dd if="${images[i]}" of="$tmp_out" bs=1M seek="${starts[i]}" conv=notrunc,sparse status=none
done
mv -f "$tmp_out" "$out"
echo "mkdisk: wrote $out ($total_mib MiB)" >&2

# The ids, as shell assignments for eval. A partition without a filesystem gets no
# PAIOS_FSUUID_X / PAIOS_LABEL_X, so a test that relies on one fails under "set -u".
print_part() {
	local x=$1 partuuid=$2 name=$3 fsuuid=$4
	printf 'PAIOS_PARTUUID_%s=%s\nPAIOS_PARTLABEL_%s=%s\n' "$x" "$partuuid" "$x" "$name"
	if [ -n "$fsuuid" ]; then
		printf 'PAIOS_FSUUID_%s=%s\nPAIOS_LABEL_%s=%s\n' "$x" "$fsuuid" "$x" "$name"
	fi
}
case $slot_a_fs in
ext4) fs_a=$fsuuid_a ;;
vfat) fs_a=${vfat_id_a:0:4}-${vfat_id_a:4} ;;
zeroed) fs_a= ;;
esac
printf 'PAIOS_DISK=%q\nPAIOS_DISK_GUID=%s\n' "$(realpath "$out")" "$disk_guid"
print_part A "$partuuid_a" "$name_a" "$fs_a"
print_part B "$partuuid_b" "$name_b" "$fsuuid_b"
if [ "$data_part" = yes ]; then
	print_part DATA "$partuuid_data" "$name_data" "$([ "$data_fs" = ext4 ] && echo "$fsuuid_data")"
fi
