#!/bin/bash
# Build and run the unit tests of the pure modules in lib/ directly with the compiler, without
# CMake or the static libraries (seconds, on any host with a C compiler):
#
#   tests/unit/run.sh                 # every test, under ASan + UBSan
#   tests/unit/run.sh config plan     # only these (test-config.c, test-plan.c)
#   CC=clang tests/unit/run.sh        # another compiler
#   SANITIZE=0 tests/unit/run.sh      # without the sanitizers
#
# Binaries go to ${OUT:-/tmp/paios-unit}. Exit status: non-zero if any test failed.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

cc=${CC:-gcc}
out=${OUT:-/tmp/paios-unit}
mkdir -p "$out"

flags=(-std=gnu11 -g -O1 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Ilib -Itests/unit)
if [ "${SANITIZE:-1}" != 0 ]; then
  flags+=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
fi
core=(lib/diag.c lib/parse-util.c lib/keyfile.c lib/cmdline.c lib/devspec.c lib/rauc-conf.c lib/config.c lib/plan.c lib/bootenv.c
  lib/data.c lib/record.c lib/module-plan.c lib/module-table.c lib/errno-text.c lib/format.c lib/compiled-config.c)

if [ $# -gt 0 ]; then
  tests=("$@")
else
  tests=(keyfile cmdline devspec rauc-conf config plan bootenv data record module-plan module-table errno-text pid1-malloc
    pid1-string format compiled-config)
fi

status=0
for t in "${tests[@]}"; do
  bin="$out/test-$t"
  if ! "$cc" "${flags[@]}" "${core[@]}" tests/unit/unit.c "tests/unit/test-$t.c" -o "$bin"; then
    echo "test-$t: BUILD FAILED"
    status=1
    continue
  fi
  # the closing line of the test is "N passed, N failed"; failures went to stderr above it
  if summary=$("$bin" | tail -n 1); then
    echo "test-$t: $summary"
  else
    echo "test-$t: $summary  <-- FAILED"
    status=1
  fi
done
exit $status
