#!/bin/bash
# ctest fixture for the qemu tests: the arm64 kernel and busybox (cached), the aarch64
# /init built with the project's own toolchain file, the default initramfs and a test disk.
#   tests/qemu/setup.sh OUTDIR     writes OUTDIR/env.sh for tests/qemu/lib.sh
set -euo pipefail
out=${1:?usage: setup.sh OUTDIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$out"

"$root/scripts/fetch-arm64.sh" >/dev/null
# shellcheck source=/dev/null
. "${PAIOS_CACHE:-/var/cache/paios-init}/arm64/env.sh"

# the aarch64 build exactly as an image recipe runs it
cmake -S "$root" -B "$out/build-aarch64" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake" \
  -DBUILD_TESTING=OFF >"$out/build-aarch64.log"
cmake --build "$out/build-aarch64" -j2 >>"$out/build-aarch64.log" || { cat "$out/build-aarch64.log"; exit 1; }
file "$out/build-aarch64/init.stripped" | grep -q 'ARM aarch64.*statically linked' ||
  { echo "setup: init is not a static aarch64 executable" >&2; exit 1; }

"$root/scripts/mkinitramfs" --init "$out/build-aarch64/init.stripped" --modules "$PAIOS_KDIR" \
  --kernel-version "$PAIOS_KVER" --system-conf "$root/initramfs/system.conf" \
  --config "$root/initramfs/paios-init.conf" --busybox "$PAIOS_BUSYBOX" --output "$out/initramfs.img"
"$root/scripts/mkdisk.sh" --busybox "$PAIOS_BUSYBOX" --out "$out/disk.img" >"$out/disk-ids.sh"

cat >"$out/env.sh" <<ENV
PAIOS_INIT_AARCH64=$out/build-aarch64/init.stripped
PAIOS_INITRD=$out/initramfs.img
PAIOS_BASE_DISK=$out/disk.img
ENV
echo "setup: fixtures in $out"
