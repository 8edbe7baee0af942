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

# Static e2fsck and mke2fs for /data (initramfs/paios-init.conf: data.check, format-blank),
# built by scripts/build-static-deps.sh into the aarch64 deps directory, packed if both
# they and mkinitramfs --e2fsprogs exist; PAIOS_E2FSPROGS is empty otherwise, and the
# cases that need them skip (tests/qemu/lib.sh: need_e2fsprogs).
e2fsprogs=
deps=$(sed -n 's/^PAIOS_DEPS_DIR:[A-Z]*=//p' "$out/build-aarch64/CMakeCache.txt")
if [ -x "$deps/sbin/e2fsck" ] && [ -x "$deps/sbin/mke2fs" ] &&
  "$root/scripts/mkinitramfs" --help | grep -q -- --e2fsprogs; then
  e2fsprogs=$deps
else
  echo "setup: no static e2fsck/mke2fs in ${deps:-the deps directory}/sbin or no mkinitramfs --e2fsprogs:" \
    "/data is neither checked nor formatted in the test initramfs" >&2
fi

"$root/scripts/mkinitramfs" --init "$out/build-aarch64/init.stripped" --modules "$PAIOS_KDIR" \
  --kernel-version "$PAIOS_KVER" --system-conf "$root/initramfs/system.conf" \
  --config "$root/initramfs/paios-init.conf" --busybox "$PAIOS_BUSYBOX" \
  ${e2fsprogs:+--e2fsprogs "$e2fsprogs"} --output "$out/initramfs.img"
"$root/scripts/mkdisk.sh" --busybox "$PAIOS_BUSYBOX" --out "$out/disk.img" >"$out/disk-ids.sh"

cat >"$out/env.sh" <<ENV
PAIOS_INIT_AARCH64=$out/build-aarch64/init.stripped
PAIOS_INITRD=$out/initramfs.img
PAIOS_BASE_DISK=$out/disk.img
PAIOS_E2FSPROGS=$e2fsprogs
ENV
echo "setup: fixtures in $out"
