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
mkbootscr="$script_dir/uboot/mkbootscr"

# "5041494f" is "PAIO" in ASCII. PARTUUIDs and filesystem UUIDs differ in the second group
# (0001 vs 0002), so an init that mixes up root=PARTUUID= and root=UUID= finds nothing.
disk_guid=5041494f-0000-4000-8000-000000000000
partuuid_a=5041494f-0001-4000-8000-000000000001
partuuid_b=5041494f-0001-4000-8000-000000000002
partuuid_data=5041494f-0001-4000-8000-000000000003
partuuid_boot=5041494f-0001-4000-8000-000000000004
fsuuid_a=5041494f-0002-4000-8000-000000000001
fsuuid_b=5041494f-0002-4000-8000-000000000002
fsuuid_data=5041494f-0002-4000-8000-000000000003
# FAT has a 32-bit volume id instead of a UUID; blkid shows this one as "5041-000A".
vfat_id_a=5041000A
vfat_id_boot=5041000B
vfat_id_data=5041000C
# The GPT partition names double as filesystem labels.
name_a=rootfs-a
name_b=rootfs-b
name_data=data
name_boot=boot
# GPT type of the boot partition: "Microsoft basic data", the usual one for a FAT
# partition that is not an EFI system partition.
type_boot=EBD0A0A2-B9E5-4433-87C0-68B6B72699C7

usage() {
	cat <<EOF
Usage: $0 --busybox FILE --out FILE [options]

Build a GPT disk image for the qemu tests: two RAUC A/B slots and a data partition.

  --busybox FILE        static aarch64 busybox to install as /bin/busybox in each slot
  --out FILE            disk image to write (replaced if it exists)
  --size-slot MIB       size of each slot partition (default 32; see --kernel)
  --size-data MIB       size of the data partition (default 32)
  --init-script FILE    install FILE as /sbin/init of the slots instead of
                        tests/qemu/probe-init.sh (scripts/bench uses tests/bench/bench-init.sh)

U-Boot (scripts/uboot/README.md):
  --boot                add partition 4, "$name_boot": FAT16, GPT attribute LegacyBIOSBootable
                        (U-Boot's distro boot scans only such partitions), holding
                        boot.scr compiled from scripts/uboot/boot.cmd
  --boot-cmd FILE       compile this U-Boot script instead of scripts/uboot/boot.cmd
  --boot-env VAR=VALUE  put VAR=VALUE into an initial uboot.env on the boot partition
                        (repeatable; made by mkenvimage -s 0x4000, the format of U-Boot's
                        "env export -c -s 0x4000"); without it there is no uboot.env and
                        boot.scr starts from its defaults; implies --boot
  --size-boot MIB       size of the boot partition (default 16, at least 9)
  --kernel FILE         arm64 kernel, installed in both slots as /boot/Image, or as
                        /boot/vmlinuz if FILE is gzip-compressed
  --initrd FILE         initramfs, installed as /boot/initrd.img in both slots
  --slot-boot DIR       copy DIR's files into /boot of both slots
  With --kernel, --initrd or --slot-boot, --size-slot defaults to 32 MiB plus their size.

Fault injection:
  --slot-b-init MODE    /sbin/init of slot B: normal (default), missing (absent),
                        noexec (present, mode 0644), hang (reports "PAIOS-TEST hang" and
                        sleeps forever: a hung system for the watchdog)
  --slot-a-fs KIND      filesystem of slot A: ext4 (default); vfat (same files, symlinks
                        become copies; volume id $vfat_id_a); zeroed (ext4 whose first
                        64 KiB, superblock and group descriptors, are zeroed); badjournal
                        (ext4 whose superblock names a journal inode that is none: U-Boot
                        still reads /boot from it, the kernel refuses to mount it)
  --no-data             leave out partition 3
  --data-fs KIND        filesystem of partition 3: ext4 (default); none (zeroes); vfat
                        (a foreign filesystem holding --data-dir's files, or one file
                        foreign.txt; volume id $vfat_id_data); zeroed (ext4 whose first
                        64 KiB, superblock and group descriptors, are zeroed)

Content (persistent /data, paios-init's [data]):
  --data-dir DIR        populate the data filesystem from DIR (mke2fs -d: files,
                        directories and symbolic links as they are, owned by root)
  --data-full           fill the ext4 data filesystem: no free inode, no free block
                        (reserved ones included), made with few inodes so it is quick
  --slot-extra DIR      copy DIR's tree into both slots (e.g. etc/rauc/keyring.pem)
  --slot-a-uuid UUID    filesystem UUID of slot A instead of the fixed one: the same
                        slot rewritten by an update

Layout, 1 MiB aligned, fixed ids (disk GUID $disk_guid):
  part  name (= fs label)  PARTUUID                              fs UUID
  1     $name_a           $partuuid_a  $fsuuid_a
  2     $name_b           $partuuid_b  $fsuuid_b
  3     $name_data               $partuuid_data  $fsuuid_data
  4     $name_boot               $partuuid_boot  ${vfat_id_boot:0:4}-${vfat_id_boot:4} (FAT volume id)
Partition 4 (--boot) keeps its number when --no-data leaves out partition 3.

Each slot holds /bin/busybox, /bin/sh -> busybox, /etc/slot-id ("A" or "B"), the
directories dev proc sys run tmp var, and tests/qemu/probe-init.sh (or the
--init-script FILE) as /sbin/init; with --kernel, --initrd or --slot-boot also /boot.
The data filesystem is empty unless --data-dir or --data-full fill it. The boot
partition (--boot) holds boot.scr and, with --boot-env, uboot.env.

On success stdout gets shell assignments (PAIOS_DISK, PAIOS_DISK_GUID, and
PAIOS_PARTUUID_X PAIOS_PARTLABEL_X PAIOS_FSUUID_X PAIOS_LABEL_X for X in A B DATA BOOT;
DATA only if partition 3 exists, BOOT only with --boot, FSUUID and LABEL only if the
partition has a filesystem, FAT volume ids as blkid shows them); progress goes to stderr.
EOF
}

die() {
	echo "mkdisk: $*" >&2
	exit 1
}

busybox='' out='' size_slot='' size_data=32
slot_b_init=normal slot_a_fs=ext4 data_part=yes data_fs=ext4
boot_part=no boot_cmd="$script_dir/uboot/boot.cmd" size_boot=16 kernel='' initrd='' slot_boot=''
boot_env=()
data_dir='' data_full=no slot_extra=''
while [ $# -gt 0 ]; do
	case $1 in
	--help) usage; exit 0 ;;
	--no-data) data_part=no; shift; continue ;;
	--boot) boot_part=yes; shift; continue ;;
	--data-full) data_full=yes; shift; continue ;;
	--data-dir | --slot-extra | --slot-a-uuid) [ $# -ge 2 ] || die "$1 needs a value" ;;
	--busybox | --out | --size-slot | --size-data | --slot-b-init | --slot-a-fs | --data-fs | --init-script | \
		--boot-cmd | --boot-env | --size-boot | --kernel | --initrd | --slot-boot)
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
	--init-script) probe=$2 ;;
	--boot-cmd) boot_cmd=$2 ;;
	--boot-env) boot_env+=("$2"); boot_part=yes ;;
	--size-boot) size_boot=$2 ;;
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--slot-boot) slot_boot=$2 ;;
	--data-dir) data_dir=$2 ;;
	--slot-extra) slot_extra=$2 ;;
	--slot-a-uuid) fsuuid_a=$2 ;;
	esac
	shift 2
done

[ -n "$busybox" ] || die "--busybox is required (see --help)"
[ -n "$out" ] || die "--out is required (see --help)"
[ -f "$busybox" ] || die "busybox $busybox: no such file"
[ -f "$probe" ] || die "init script $probe: no such file"
[ -z "$kernel" ] || [ -f "$kernel" ] || die "--kernel $kernel: no such file"
[ -z "$initrd" ] || [ -f "$initrd" ] || die "--initrd $initrd: no such file"
[ -z "$slot_boot" ] || [ -d "$slot_boot" ] || die "--slot-boot $slot_boot: no such directory"
if [ -z "$size_slot" ]; then
	size_slot=32
	if [ -n "$kernel$initrd$slot_boot" ]; then
		# Room for /boot: its files' size in MiB, rounded up, on top of the usual 32 MiB.
		payload=$(du -cbL ${kernel:+"$kernel"} ${initrd:+"$initrd"} ${slot_boot:+"$slot_boot"} | tail -n 1 | cut -f 1)
		size_slot=$((size_slot + (payload + 1048575) / 1048576))
	fi
fi
[[ $size_slot =~ ^[1-9][0-9]*$ ]] || die "--size-slot: not a positive number of MiB: $size_slot"
[[ $size_data =~ ^[1-9][0-9]*$ ]] || die "--size-data: not a positive number of MiB: $size_data"
[[ $size_boot =~ ^[1-9][0-9]*$ ]] || die "--size-boot: not a positive number of MiB: $size_boot"
if [ "$boot_part" = yes ]; then
	[ -f "$boot_cmd" ] || die "--boot-cmd $boot_cmd: no such file"
	for tool in mkfs.vfat mcopy mkimage mkenvimage; do
		command -v "$tool" >/dev/null || die "$tool not found: run scripts/install-deps.sh"
	done
	# FAT16 needs 4085 clusters or more; mkfs.vfat takes 2 KiB clusters at this size.
	[ "$size_boot" -ge 9 ] || die "--size-boot: FAT16 needs at least 9 MiB"
fi
for var in "${boot_env[@]}"; do
	[[ $var =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || die "--boot-env $var: not VAR=VALUE"
	[[ $var != *$'\n'* ]] || die "--boot-env: a value cannot hold a newline"
done
case $slot_b_init in normal | missing | noexec | hang) ;; *) die "--slot-b-init: bad mode $slot_b_init" ;; esac
case $slot_a_fs in ext4 | vfat | zeroed | badjournal) ;; *) die "--slot-a-fs: bad kind $slot_a_fs" ;; esac
case $data_fs in ext4 | none | vfat | zeroed) ;; *) die "--data-fs: bad kind $data_fs" ;; esac
[ -z "$data_dir" ] || [ -d "$data_dir" ] || die "--data-dir $data_dir: no such directory"
[ -z "$slot_extra" ] || [ -d "$slot_extra" ] || die "--slot-extra $slot_extra: no such directory"
[[ $fsuuid_a =~ ^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$ ]] ||
	die "--slot-a-uuid $fsuuid_a: not a UUID"
if [ "$data_full" = yes ]; then
	if [ "$data_part" = no ] || [ "$data_fs" != ext4 ]; then die "--data-full needs an ext4 data partition"; fi
fi

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
	hang)
		# Applets by path: the slot has no applet links. /proc/uptime dates the hang.
		cat >"$dir/sbin/init" <<'HANG'
#!/bin/busybox sh
echo "PAIOS-TEST hang: slot $(/bin/busybox cat /etc/slot-id), uptime $(/bin/busybox cat /proc/uptime)" >/dev/console
while :; do /bin/busybox sleep 1000; done
HANG
		chmod 0755 "$dir/sbin/init"
		;;
	missing) ;;
	esac
	# --slot-extra: symbolic links stay links (cp -R does not follow them)
	[ -z "$slot_extra" ] || cp -R --no-preserve=ownership "$slot_extra"/. "$dir/"
	if [ -n "$kernel$initrd$slot_boot" ]; then
		mkdir -m 0755 "$dir/boot"
		[ -z "$slot_boot" ] || cp -RL --no-preserve=ownership "$slot_boot"/. "$dir/boot/"
		if [ -n "$kernel" ]; then
			# booti takes an uncompressed Image as is and a gzip'd one through
			# kernel_comp_addr_r; boot.cmd looks for Image first, then vmlinuz.
			if gzip -t "$kernel" 2>/dev/null; then
				install -m 0644 "$kernel" "$dir/boot/vmlinuz"
			else
				install -m 0644 "$kernel" "$dir/boot/Image"
			fi
		fi
		[ -z "$initrd" ] || install -m 0644 "$initrd" "$dir/boot/initrd.img"
	fi
}

# make_ext4 IMAGE MIB LABEL UUID [DIR]: a sparse ext4 image, populated from DIR if given.
make_ext4() {
	local img=$1 mib=$2 label=$3 uuid=$4 dir=${5:-}
	truncate -s "${mib}M" "$img"
	# mke2fs -d copies owners from the staging tree, which belongs to whoever runs this
	# script; root_owner only covers the root directory. Give everything to root, as on a
	# real rootfs, by rewriting the inodes with debugfs.
	# shellcheck disable=SC2086 # MKE2FS_EXTRA: words (--data-full's -N)
	mke2fs -q -F -t ext4 -L "$label" -U "$uuid" -E root_owner=0:0 ${MKE2FS_EXTRA:-} ${dir:+-d "$dir"} "$img"
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

# fill_ext4 IMAGE: use up every free inode (empty files in /paios-fill) and then every
# free block, the reserved ones included (fallocate'd to one of them), with debugfs.
fill_ext4() {
	local img=$1 free_ino free_blk s step size start
	free_ino=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Free inodes:/ { print $2 + 0 }')
	{
		echo "mkdir paios-fill"
		for ((s = 1; s <= free_ino; s++)); do echo "write /dev/null paios-fill/i$s"; done
	} | debugfs -w -f - "$img" >/dev/null 2>&1
	# fallocate is all or nothing per range: ranges of 256 blocks, then of one block
	for step in 256 16 1; do
		free_blk=$(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Free blocks:/ { print $2 + 0 }')
		[ "$free_blk" -gt 0 ] || break
		size=$(debugfs -R "stat paios-fill/i1" "$img" 2>/dev/null | awk '/Blockcount:/ { print $NF }')
		start=$((size * 512 / $(dumpe2fs -h "$img" 2>/dev/null | awk -F: '/^Block size:/ { print $2 + 0 }') + 4096))
		for ((s = start; s < start + free_blk + step; s += step)); do
			echo "fallocate paios-fill/i1 $s $((s + step - 1))"
		done | debugfs -w -f - "$img" >/dev/null 2>&1
	done
	dumpe2fs -h "$img" 2>/dev/null | awk -F: '
		/^Free blocks:/ { b = $2 + 0 } /^Free inodes:/ { i = $2 + 0 }
		END { if (b || i) { print "mkdisk: --data-full left " b " blocks and " i " inodes free" > "/dev/stderr"; exit 1 } }' ||
		die "could not fill $img"
	e2fsck -fn "$img" >"$work/fill-fsck.log" 2>&1 || { cat "$work/fill-fsck.log" >&2; die "filled $img is not clean"; }
}

# make_boot IMAGE: the U-Boot boot partition, FAT16 (U-Boot's fatwrite rewrites uboot.env
# on it), holding boot.scr and, if --boot-env was given, an initial uboot.env.
make_boot() {
	local img=$1 dir=$work/tree-boot
	mkdir -p "$dir"
	"$mkbootscr" --cmd "$boot_cmd" --out "$dir/boot.scr"
	if [ ${#boot_env[@]} -gt 0 ]; then
		printf '%s\n' "${boot_env[@]}" | mkenvimage -s 0x4000 -o "$dir/uboot.env" - ||
			die "mkenvimage failed"
	fi
	truncate -s "${size_boot}M" "$img"
	mkfs.vfat -F 16 -n "$name_boot" -i "$vfat_id_boot" "$img" >/dev/null 2>&1 ||
		die "mkfs.vfat failed on $img"
	mcopy -i "$img" -p -Q "$dir"/* ::/
}

echo "mkdisk: building slot A ($slot_a_fs), slot B (init $slot_b_init)${kernel:+, kernel}${initrd:+, initrd}${slot_boot:+, /boot from $slot_boot}" >&2
populate_slot "$work/tree-a" A normal
populate_slot "$work/tree-b" B "$slot_b_init"
case $slot_a_fs in
ext4 | zeroed | badjournal) make_ext4 "$work/a.img" "$size_slot" "$name_a" "$fsuuid_a" "$work/tree-a" ;;
vfat) make_vfat "$work/a.img" "$size_slot" "$name_a" "$vfat_id_a" "$work/tree-a" ;;
esac
if [ "$slot_a_fs" = zeroed ]; then
	# The primary superblock sits at byte 1024, the group descriptors right after it;
	# with them gone blkid and the kernel see no filesystem. The backup superblocks
	# stay, as after a real partial overwrite.
	dd if=/dev/zero of="$work/a.img" bs=64K count=1 conv=notrunc status=none
fi
if [ "$slot_a_fs" = badjournal ]; then
	# inode 7 is the resize inode: ext4 refuses it as a journal ("no journal found" /
	# "journal inode is deleted"), read-only mounts included; U-Boot never looks at it
	debugfs -w -R "ssv journal_inum 7" "$work/a.img" >/dev/null 2>&1 || die "debugfs failed on slot A"
fi
make_ext4 "$work/b.img" "$size_slot" "$name_b" "$fsuuid_b" "$work/tree-b"

# The partitions in disk order: image, PARTUUID, name, and the sfdisk fields that differ
# for the boot partition (number prefix, type, attributes).
images=("$work/a.img" "$work/b.img")
partuuids=("$partuuid_a" "$partuuid_b")
names=("$name_a" "$name_b")
prefixes=("" "")
types=(L L)
attrs=("" "")
if [ "$data_part" = yes ]; then
	case $data_fs in
	ext4 | zeroed)
		# --data-full: few inodes (-N), so that using them all up is quick
		mke2fs_extra=()
		[ "$data_full" = no ] || mke2fs_extra=(-N 128)
		MKE2FS_EXTRA=${mke2fs_extra[*]} make_ext4 "$work/data.img" "$size_data" "$name_data" "$fsuuid_data" ${data_dir:+"$data_dir"}
		[ "$data_full" = no ] || fill_ext4 "$work/data.img"
		# as --slot-a-fs zeroed: superblock and group descriptors gone, the rest there
		[ "$data_fs" = ext4 ] ||
			dd if=/dev/zero of="$work/data.img" bs=64K count=1 conv=notrunc status=none
		;;
	vfat)
		if [ -z "$data_dir" ]; then
			data_dir=$work/tree-data
			mkdir -p "$data_dir"
			echo "someone else's data" >"$data_dir/foreign.txt"
		fi
		make_vfat "$work/data.img" "$size_data" "$name_data" "$vfat_id_data" "$data_dir"
		;;
	none) truncate -s "${size_data}M" "$work/data.img" ;;
	esac
	images+=("$work/data.img")
	partuuids+=("$partuuid_data")
	names+=("$name_data")
	prefixes+=("")
	types+=(L)
	attrs+=("")
fi
if [ "$boot_part" = yes ]; then
	make_boot "$work/boot.img"
	images+=("$work/boot.img")
	partuuids+=("$partuuid_boot")
	names+=("$name_boot")
	# "p4 :" makes the entry number 4 even without partition 3: sfdisk takes the number
	# at the end of the name.
	prefixes+=("p4 : ")
	types+=("$type_boot")
	attrs+=(', attrs="LegacyBIOSBootable"')
fi

# Partitions are packed from 1 MiB on, 1 MiB aligned; 1 MiB is left at the end for the
# backup GPT. sfdisk counts 512-byte sectors in a regular file.
table=$(printf 'label: gpt\nlabel-id: %s\nunit: sectors\nfirst-lba: 2048\n' "$disk_guid")
starts=()
next_mib=1
for i in "${!images[@]}"; do
	mib=$(($(stat -c %s "${images[i]}") / 1048576))
	starts+=("$next_mib")
	table+=$(printf '\n%sstart=%d, size=%d, type=%s, uuid=%s, name="%s"%s' "${prefixes[i]}" \
		$((next_mib * 2048)) $((mib * 2048)) "${types[i]}" "${partuuids[i]}" "${names[i]}" "${attrs[i]}")
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
ext4 | badjournal) fs_a=$fsuuid_a ;;
vfat) fs_a=${vfat_id_a:0:4}-${vfat_id_a:4} ;;
zeroed) fs_a= ;;
esac
printf 'PAIOS_DISK=%q\nPAIOS_DISK_GUID=%s\n' "$(realpath "$out")" "$disk_guid"
print_part A "$partuuid_a" "$name_a" "$fs_a"
print_part B "$partuuid_b" "$name_b" "$fsuuid_b"
if [ "$data_part" = yes ]; then
	case $data_fs in
	ext4) fs_data=$fsuuid_data ;;
	vfat) fs_data=${vfat_id_data:0:4}-${vfat_id_data:4} ;;
	*) fs_data= ;;
	esac
	print_part DATA "$partuuid_data" "$name_data" "$fs_data"
fi
if [ "$boot_part" = yes ]; then
	print_part BOOT "$partuuid_boot" "$name_boot" "${vfat_id_boot:0:4}-${vfat_id_boot:4}"
fi
