#!/bin/bash
# The demo, on a Debian 12 host as root: install what is missing, build the aarch64
# /init, the initramfs and a GPT disk with two RAUC slots, and boot slot A (or SLOT) under
# qemu-system-aarch64 with a hardware watchdog. The console shows the kernel, paios-init's
# log lines and the slot's init (a probe that reports what it sees and powers off).
#   scripts/demo.sh [A|B] [extra kernel arguments...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
slot=${1:-A}
shift || true
out=$root/build/demo

"$root/scripts/install-deps.sh"
"$root/scripts/fetch-arm64.sh" >/dev/null
# shellcheck source=/dev/null
. "${PAIOS_CACHE:-/var/cache/paios-init}/arm64/env.sh"

cmake -S "$root" -B "$out/build-aarch64" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake" \
  -DBUILD_TESTING=OFF >/dev/null
cmake --build "$out/build-aarch64" -j"$(nproc)" >/dev/null
file "$out/build-aarch64/init.stripped"
"$root/scripts/mkinitramfs" --init "$out/build-aarch64/init.stripped" --modules "$PAIOS_KDIR" \
  --kernel-version "$PAIOS_KVER" --system-conf "$root/initramfs/system.conf" \
  --config "$root/initramfs/paios-init.conf" --busybox "$PAIOS_BUSYBOX" --output "$out/initramfs.img"
"$root/scripts/mkdisk.sh" --busybox "$PAIOS_BUSYBOX" --out "$out/disk.img" >/dev/null

echo "== booting slot $slot (qemu-system-aarch64 -M virt, TCG); the probe powers the VM off"
log=$out/console.log
"$root/tests/qemu/boot.sh" --kernel "$PAIOS_KERNEL" --initrd "$out/initramfs.img" --disk "$out/disk.img" \
  --append "rauc.slot=$slot $*" --log "$log" --watchdog --timeout 120 >/dev/null &
qemu=$!
# follow the console as it is written, then stop following once qemu is gone
tail -n +1 -F "$log" 2>/dev/null &
tailer=$!
wait $qemu || true
sleep 0.5
kill $tailer 2>/dev/null || true
echo "== console log: $log"
