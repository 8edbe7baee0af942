#!/bin/bash
# Run every test of paios-init on a Debian 12 host, as root:
#   scripts/test.sh            install what is missing, build, run unit + qemu tests
# Unit tests run twice (plain, and under ASan+UBSan); the qemu tests boot Debian's arm64
# kernel under qemu-system-aarch64 with the aarch64 /init. Build trees go to build/.
# PAIOS_TEST_LABEL=unit limits the run to one ctest label.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/scripts/install-deps.sh"
"$root/scripts/fetch-arm64.sh" >/dev/null

label=${PAIOS_TEST_LABEL:-}
jobs=$(nproc)

cmake -S . -B build/test -DPAIOS_QEMU_TESTS=ON >/dev/null
cmake --build build/test -j"$jobs"
cmake -S . -B build/sanitize -DPAIOS_SANITIZE=ON >/dev/null
cmake --build build/sanitize -j"$jobs" --target all

status=0
echo "== unit tests under AddressSanitizer and UndefinedBehaviorSanitizer"
ctest --test-dir build/sanitize -L unit --output-on-failure -j"$jobs" || status=1
echo "== all tests${label:+ (label $label)}"
ctest --test-dir build/test ${label:+-L "$label"} --output-on-failure -j"$jobs" || status=1
exit $status
