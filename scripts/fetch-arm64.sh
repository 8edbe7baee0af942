#!/bin/bash
# Download and unpack the Debian arm64 kernel and busybox that the qemu tests boot, without
# installing them on the host (they would clash with host packages):
#
#   scripts/fetch-arm64.sh [--cache DIR]      # DIR defaults to ${PAIOS_CACHE:-/var/cache/paios-init}
#
#   DIR/arm64/kernel/boot/vmlinuz-KVER   the kernel linux-image-arm64:arm64 currently depends on
#   DIR/arm64/kernel/lib/modules/KVER/   its modules, with modules.dep etc. from depmod
#   DIR/arm64/busybox/bin/busybox        busybox-static:arm64
#   DIR/arm64/env.sh                     PAIOS_KERNEL, PAIOS_KDIR, PAIOS_KVER, PAIOS_BUSYBOX
#
# The assignments in env.sh are also the script's only standard output (progress goes to
# stderr), so `eval "$(scripts/fetch-arm64.sh)"` works. DIR/arm64/.stamp records the package
# versions; when apt still offers the same ones, the script only prints env.sh.
set -euo pipefail

prog=fetch-arm64
die() { echo "$prog: error: $*" >&2; exit 1; }
step() { echo "$prog: $*" >&2; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

cache=${PAIOS_CACHE:-/var/cache/paios-init}
while [ $# -gt 0 ]; do
  case $1 in
    --cache) [ $# -ge 2 ] || die "--cache needs a value"; cache=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
out=$(realpath -m "$cache/arm64")

for tool in apt-get apt-cache dpkg-deb depmod; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run scripts/install-deps.sh"
done

# One apt-cache query gives both versions and the kernel package: the metapackage depends on
# exactly one versioned image, e.g. "Depends: linux-image-6.1.0-56-arm64 (= 6.1.192-2)".
info=$(apt-cache show --no-all-versions linux-image-arm64:arm64 busybox-static:arm64 2>&1) ||
  die "apt knows no linux-image-arm64:arm64 or busybox-static:arm64; run scripts/install-deps.sh"
read -r kpkg kpkg_ver < <(sed -n 's/^Depends: \(linux-image-[^ ,]*\) (= \([^)]*\)).*/\1 \2/p' <<<"$info") ||
  die "cannot find the kernel package in linux-image-arm64's Depends"
bb_ver=$(awk '/^Package: busybox-static$/ {bb = 1} bb && /^Version:/ {print $2; exit}' <<<"$info")
kver=${kpkg#linux-image-} # Debian names the image package after the kernel release
stamp="$kpkg=$kpkg_ver busybox-static=$bb_ver"

if [ "$(cat "$out/.stamp" 2>/dev/null)" = "$stamp" ]; then
  cat "$out/env.sh"
  exit 0
fi

# The old tree is replaced wholesale, so never take over a directory this script did not make.
if [ -n "$(ls -A "$out" 2>/dev/null)" ] && [ ! -f "$out/.stamp" ]; then
  die "$out is not empty and was not made by this script; choose another --cache"
fi

# Unpack next to the result and swap it in at the end, so an interrupted run leaves either the
# old tree or none (no stamp), never a half-written one.
stage=$out.tmp
rm -rf "$stage"
mkdir -p "$stage/debs"
log=$stage/apt.log

step "downloading $kpkg $kpkg_ver and busybox-static $bb_ver (arm64)"
# Downloading as root keeps apt from switching to the _apt user, which cannot write here.
if ! (cd "$stage/debs" && apt-get download -o APT::Sandbox::User=root \
  "$kpkg:arm64=$kpkg_ver" "busybox-static:arm64=$bb_ver") >"$log" 2>&1; then
  tail -n 5 "$log" >&2
  die "apt-get download failed (log: $log)"
fi

step "unpacking"
dpkg-deb -x "$stage/debs/${kpkg}_"*_arm64.deb "$stage/kernel"
dpkg-deb -x "$stage/debs/busybox-static_"*_arm64.deb "$stage/busybox"
rm -rf "$stage/debs" "$log"
if [ ! -f "$stage/kernel/boot/vmlinuz-$kver" ] || [ ! -d "$stage/kernel/lib/modules/$kver" ]; then
  die "$kpkg has no boot/vmlinuz-$kver or lib/modules/$kver"
fi
[ -x "$stage/busybox/bin/busybox" ] || die "busybox-static has no bin/busybox"

# The package ships no modules.dep & co (postinst makes them), and module loading needs them.
step "running depmod for $kver"
depmod -b "$stage/kernel" "$kver"

{
  printf 'PAIOS_KERNEL=%q\n' "$out/kernel/boot/vmlinuz-$kver"
  printf 'PAIOS_KDIR=%q\n' "$out/kernel"
  printf 'PAIOS_KVER=%q\n' "$kver"
  printf 'PAIOS_BUSYBOX=%q\n' "$out/busybox/bin/busybox"
} >"$stage/env.sh"
echo "$stamp" >"$stage/.stamp"
rm -rf "$out"
mv "$stage" "$out"
step "unpacked into $out"
cat "$out/env.sh"
