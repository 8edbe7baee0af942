#!/bin/bash
# Turn the configured arm64 rootfs tree into the image's artefacts:
#
#   scripts/image/assemble.sh --rootdir DIR --inputs DIR --output DIR --version VER
#                             [--rootfs-size MIB|auto] [--final-dir DIR]
#
# Phases (each timed; "NAME SECONDS" lines go to OUTPUT/times.txt):
#   initramfs  scripts/mkinitramfs with the tree's own kernel modules, the staged
#              aarch64 /init and the static e2fsck/mke2fs (INPUTS/e2fsprogs/sbin: /data is
#              checked and a blank one formatted) -> ROOTDIR/boot/initrd.img; the kernel
#              as an uncompressed arm64 Image (U-Boot's booti) -> ROOTDIR/boot/Image;
#              both also to OUTPUT
#   ext4       mke2fs -d ROOTDIR -> OUTPUT/rootfs.ext4 (label "rootfs"); the "bad" variant is
#              a copy whose /sbin/init only hangs (debugfs edits the copy)
#   bundle     RAUC bundles (format verity, zstd squashfs) signed with the test signing key:
#              paios-good.raucb, paios-bad.raucb (version VER-bad); paios-otherkey.raucb is the good bundle
#              re-signed by another CA (rauc resign), which the image's keyring rejects
#   verify     rauc info --keyring: good and bad verify, otherkey does not
#
# OUTPUT/env.sh gets shell assignments naming the outputs, as paths below --final-dir
# (default: OUTPUT, or $PAIOS_IMAGE_FINAL_DIR), where the caller will move OUTPUT to.
set -euo pipefail
prog=assemble
die() { echo "$prog: error: $*" >&2; exit 1; }
say() { echo "$prog: $*" >&2; }

rootdir='' inputs='' output='' version='' rootfs_size=auto final=${PAIOS_IMAGE_FINAL_DIR:-}
while [ $# -gt 0 ]; do
  case $1 in
    --rootdir | --inputs | --output | --version | --rootfs-size | --final-dir)
      [ $# -ge 2 ] || die "$1 needs a value" ;;
    -h | --help) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
    *) die "unknown option $1" ;;
  esac
  case $1 in
    --rootdir) rootdir=$2 ;;
    --inputs) inputs=$2 ;;
    --output) output=$2 ;;
    --version) version=$2 ;;
    --rootfs-size) rootfs_size=$2 ;;
    --final-dir) final=$2 ;;
  esac
  shift 2
done
for v in rootdir inputs output version; do
  [ -n "${!v}" ] || die "--rootdir, --inputs, --output and --version are required"
done
[ -x "$rootdir/lib/systemd/systemd" ] || die "$rootdir: no systemd, not the image's tree"
mkdir -p "$output"
final=${final:-$output}
keys=$inputs/keys

now() { echo "$EPOCHREALTIME"; }
phase_end() { # NAME T0: record and report the phase's wall time
  local s
  s=$(awk -v s="$2" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }')
  echo "$1 $s" >>"$output/times.txt"
  say "phase $1: $s s"
}

# The bundles' compatible is system.conf's: one source for the image, the initramfs and
# the bundles.
compatible=$(awk -F= '/^\[/ { g = $0 } g == "[system]" && $1 == "compatible" { print $2 }' "$inputs/system.conf")
[ -n "$compatible" ] || die "$inputs/system.conf has no [system] compatible="

# --- initramfs and kernel ---------------------------------------------------------------
t0=$(now)
kvers=$(ls "$rootdir/lib/modules")
[ "$(echo "$kvers" | wc -l)" = 1 ] || die "$rootdir/lib/modules holds several kernels: $kvers"
kver=$kvers
# --e2fsprogs: the static e2fsck and mke2fs (staged by build-image.sh from
# scripts/build-static-deps.sh's aarch64 prefix), so that /init can check /data
# ([data] check=true) and format a blank one ([data] format-blank=true): without them
# a configured check makes /data fall back to a tmpfs.
for p in e2fsck mke2fs; do
  [ -x "$inputs/e2fsprogs/sbin/$p" ] || die "$inputs/e2fsprogs/sbin/$p missing (build-image.sh --stage-inputs)"
done
"$inputs/mkinitramfs" --init "$inputs/init" --modules "$rootdir" --kernel-version "$kver" \
  --system-conf "$inputs/system.conf" --config "$inputs/paios-init.conf" \
  --e2fsprogs "$inputs/e2fsprogs" --source "$inputs/src" --output "$rootdir/boot/initrd.img" >&2
vmlinuz=$rootdir/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || die "no $vmlinuz"
# Debian's arm64 vmlinuz is an uncompressed Image today; gunzip it should that change.
if gzip -t "$vmlinuz" 2>/dev/null; then
  gzip -dc "$vmlinuz" >"$rootdir/boot/Image"
else
  ln -f "$vmlinuz" "$rootdir/boot/Image" # the same file: mke2fs -d keeps the hard link
fi
file -b "$rootdir/boot/Image" | grep -q 'Linux kernel ARM64 boot executable Image' ||
  die "$rootdir/boot/Image is no arm64 Image: $(file -b "$rootdir/boot/Image")"
cp "$rootdir/boot/Image" "$rootdir/boot/initrd.img" "$output/"
phase_end initramfs "$t0"

# --- ext4 --------------------------------------------------------------------------------
t0=$(now)
cat >"$rootdir/etc/paios-release" <<EOF
PAIOS_VERSION=$version
PAIOS_VARIANT=good
PAIOS_COMPATIBLE=$compatible
PAIOS_KERNEL=$kver
PAIOS_SOURCE=$(cat "$inputs/source-revision" 2>/dev/null || echo unknown)
EOF
used_mib=$(du -s --block-size=1M "$rootdir" | cut -f1)
if [ "$rootfs_size" = auto ]; then
  # the tree, a fifth more for ext4's metadata and journal and a little room, in 64 MiB steps
  size_mib=$(((used_mib * 6 / 5 + 64 + 63) / 64 * 64))
else
  size_mib=$rootfs_size
fi
say "rootfs.ext4: tree $used_mib MiB, image $size_mib MiB"
rm -f "$output/rootfs.ext4"
truncate -s "${size_mib}M" "$output/rootfs.ext4"
mke2fs -q -F -t ext4 -L rootfs -d "$rootdir" "$output/rootfs.ext4" ||
  die "mke2fs -d failed (too small? --rootfs-size; tree $used_mib MiB)"
e2fsck -fn "$output/rootfs.ext4" >"$output/e2fsck.log" 2>&1 || { cat "$output/e2fsck.log" >&2; die "e2fsck found errors"; }
rm -f "$output/e2fsck.log"

# The bad variant: same image, but /sbin/init (systemd) replaced by a script that hangs
# before any service starts, so nothing pets the watchdog paios-init armed. /sbin is a
# link to usr/sbin (merged /usr): edit the real path.
bad=$(mktemp -d "$output/bad.XXXXXX")
cat >"$bad/init" <<'EOF'
#!/bin/sh
# paios "bad" rootfs: an init that hangs in early userspace (test image for fallback)
echo "paios-bad-init: hanging forever in early userspace" >/dev/console
while :; do sleep 3600; done
EOF
sed -e 's/^PAIOS_VARIANT=good$/PAIOS_VARIANT=bad/' -e "s/^PAIOS_VERSION=.*/PAIOS_VERSION=$version-bad/" \
  "$rootdir/etc/paios-release" >"$bad/paios-release"
cp --sparse=always "$output/rootfs.ext4" "$bad/rootfs.ext4"
debugfs -w -f - "$bad/rootfs.ext4" >"$bad/debugfs.log" 2>&1 <<EOF
rm /usr/sbin/init
write $bad/init /usr/sbin/init
sif /usr/sbin/init mode 0100755
sif /usr/sbin/init uid 0
sif /usr/sbin/init gid 0
rm /etc/paios-release
write $bad/paios-release /etc/paios-release
sif /etc/paios-release mode 0100644
sif /etc/paios-release uid 0
sif /etc/paios-release gid 0
EOF
debugfs -R 'cat /usr/sbin/init' "$bad/rootfs.ext4" 2>/dev/null | grep -q 'paios-bad-init' ||
  { cat "$bad/debugfs.log" >&2; die "could not replace /usr/sbin/init in the bad image"; }
e2fsck -fn "$bad/rootfs.ext4" >"$bad/e2fsck.log" 2>&1 || { cat "$bad/e2fsck.log" >&2; die "bad image: e2fsck found errors"; }
phase_end ext4 "$t0"

# --- bundles -----------------------------------------------------------------------------
# format=verity: the signature covers the manifest, which holds the root hash of a
# dm-verity tree over the bundle's squashfs. RAUC 1.8 checks the signature and then mounts
# the squashfs through dm-verity, so each block is verified as it is read: no time-of-check
# to time-of-use gap and no full read before the install (plain bundles are hashed whole,
# then mounted). The booted image has what it needs: Debian's kernel ships loop, squashfs
# and dm-verity as modules, loaded on demand.
# The payload's squashfs is compressed with zstd at level 3, not mksquashfs' default gzip:
# measured here on rootfs.ext4 (768 MiB, 536 MiB used), zstd -3 took 2.4 s of CPU for a
# 154 MiB squashfs, gzip 121 s for 153 MiB. The image's kernel has CONFIG_SQUASHFS_ZSTD=y.
squashfs_args="-comp zstd -Xcompression-level 3"
t0=$(now)
# make_bundle NAME IMAGE VERSION DESCRIPTION
make_bundle() {
  local name=$1 image=$2 bversion=$3 desc=$4 dir
  dir=$(mktemp -d "$output/$name.XXXXXX")
  cat >"$dir/manifest.raucm" <<EOF
[update]
compatible=$compatible
version=$bversion
description=$desc
build=$(date -u +%Y%m%d%H%M%S)

[bundle]
format=verity

[image.rootfs]
filename=rootfs.ext4
EOF
  ln "$image" "$dir/rootfs.ext4"
  rm -f "$output/$name.raucb"
  rauc bundle --cert "$keys/signing.cert.pem" --key "$keys/signing.key.pem" \
    --signing-keyring "$keys/ca.cert.pem" --mksquashfs-args="$squashfs_args" "$dir" "$output/$name.raucb" >"$dir/rauc.log" 2>&1 ||
    { cat "$dir/rauc.log" >&2; die "rauc bundle $name failed"; }
  rm -rf "$dir"
  say "bundle $name.raucb: $(($(stat -c %s "$output/$name.raucb") / 1048576)) MiB"
}
make_bundle paios-good "$output/rootfs.ext4" "$version" "paios demo rootfs"
make_bundle paios-bad "$bad/rootfs.ext4" "$version-bad" "paios demo rootfs, BAD: its init hangs"
rm -rf "$bad"
rm -f "$output/paios-otherkey.raucb"
rauc resign --keyring "$keys/ca.cert.pem" --cert "$keys/other-signing.cert.pem" \
  --key "$keys/other-signing.key.pem" --signing-keyring "$keys/other-ca.cert.pem" \
  "$output/paios-good.raucb" "$output/paios-otherkey.raucb" >"$output/resign.log" 2>&1 ||
  { cat "$output/resign.log" >&2; die "rauc resign (other key) failed"; }
rm -f "$output/resign.log"
cp "$keys/ca.cert.pem" "$output/keyring.pem"
cp "$keys/other-ca.cert.pem" "$output/other-keyring.pem"
phase_end bundle "$t0"

# --- verify ------------------------------------------------------------------------------
t0=$(now)
for b in paios-good paios-bad; do
  rauc info --keyring "$output/keyring.pem" "$output/$b.raucb" >"$output/$b.info" 2>&1 ||
    { cat "$output/$b.info" >&2; die "$b.raucb does not verify with the image's keyring"; }
done
if rauc info --keyring "$output/keyring.pem" "$output/paios-otherkey.raucb" >"$output/otherkey.info" 2>&1; then
  die "paios-otherkey.raucb verifies with the image's keyring: it must not"
fi
grep -q 'signature verification failed\|Verification failed\|failed to verify' "$output/otherkey.info" ||
  say "note: otherkey rejected with: $(tail -n 1 "$output/otherkey.info")"
rauc info --keyring "$output/other-keyring.pem" "$output/paios-otherkey.raucb" >/dev/null 2>&1 ||
  die "paios-otherkey.raucb does not verify with its own CA either"
rm -f "$output/otherkey.info"
phase_end verify "$t0"

{
  printf 'PAIOS_IMAGE_DIR=%q\n' "$final"
  printf 'PAIOS_IMAGE_VERSION=%q\n' "$version"
  printf 'PAIOS_IMAGE_COMPATIBLE=%q\n' "$compatible"
  printf 'PAIOS_IMAGE_KVER=%q\n' "$kver"
  printf 'PAIOS_IMAGE_KERNEL=%q\n' "$final/Image"
  printf 'PAIOS_IMAGE_INITRD=%q\n' "$final/initrd.img"
  printf 'PAIOS_IMAGE_ROOTFS=%q\n' "$final/rootfs.ext4"
  printf 'PAIOS_IMAGE_ROOTFS_MIB=%d\n' "$size_mib"
  printf 'PAIOS_IMAGE_KEYRING=%q\n' "$final/keyring.pem"
  printf 'PAIOS_IMAGE_OTHER_KEYRING=%q\n' "$final/other-keyring.pem"
  printf 'PAIOS_BUNDLE_GOOD=%q\n' "$final/paios-good.raucb"
  printf 'PAIOS_BUNDLE_BAD=%q\n' "$final/paios-bad.raucb"
  printf 'PAIOS_BUNDLE_OTHERKEY=%q\n' "$final/paios-otherkey.raucb"
} >"$output/env.sh"
say "done: $output"
