#!/bin/bash
# Line and branch coverage of the pure modules (lib/*.c) by the unit tests:
#
#   scripts/coverage.sh                 # every unit test
#   scripts/coverage.sh config plan     # only these (tests/unit/test-config.c, test-plan.c)
#
# Builds the unit tests with gcc --coverage (no optimization, no sanitizers) in
# ${COVERAGE_OUT:-build/coverage}, runs them, and prints gcovr's summary and per-file
# tables (lines, then branches, with the lines not run); an HTML report with the source
# goes to build/coverage/html/index.html. Informational: exit status 0 even when a test
# fails or does not build (that is reported above the tables); non-zero only when there is
# nothing to report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

cc=${CC:-gcc}
out=${COVERAGE_OUT:-$root/build/coverage}
command -v gcovr >/dev/null || { echo "coverage: gcovr not found: run scripts/install-deps.sh" >&2; exit 2; }
gcov=gcov
[[ $cc == gcc* ]] && command -v "${cc/gcc/gcov}" >/dev/null && gcov=${cc/gcc/gcov} # gcc-12 -> gcov-12

if [ $# -gt 0 ]; then
  tests=("$@")
else
  tests=()
  for f in tests/unit/test-*.c; do
    n=${f#tests/unit/test-}
    tests+=("${n%.c}")
  done
fi

# a fresh tree: counters from an earlier run or a removed source would skew the numbers
rm -rf "$out"
mkdir -p "$out/obj" "$out/bin" "$out/html"
flags=(-std=gnu11 -D_GNU_SOURCE -O0 -g --coverage -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter
       -Ilib -Itests/unit)

# the modules once, so every test adds to the same counters
objs=()
for src in lib/*.c tests/unit/unit.c; do
  obj="$out/obj/$(basename "${src%.c}").o"
  "$cc" "${flags[@]}" -c "$src" -o "$obj"
  objs+=("$obj")
done

problems=()
for t in "${tests[@]}"; do
  bin="$out/bin/test-$t"
  if ! "$cc" "${flags[@]}" "tests/unit/test-$t.c" "${objs[@]}" -o "$bin" 2>"$out/build-$t.log"; then
    sed 's/^/   /' "$out/build-$t.log" | head -n 20
    problems+=("test-$t: BUILD FAILED (not counted)")
    continue
  fi
  # run from the tree's root, as ctest and tests/unit/run.sh do
  if summary=$("$bin" 2>"$out/test-$t.log" | tail -n 1); then
    echo "test-$t: $summary"
  else
    echo "test-$t: $summary  <-- FAILED (failures in $out/test-$t.log)"
    problems+=("test-$t: failed, its coverage is counted")
  fi
done

# gcovr: only lib/*.c (the pure modules; lib/sys/ is tested by the qemu boots)
report=(gcovr --root "$root" --object-directory "$out/obj" --gcov-executable "$gcov"
        --filter "$root/lib/[^/]+\\.c$" --exclude-unreachable-branches)
echo
echo "== line coverage of lib/*.c"
"${report[@]}" --sort-percentage
echo
echo "== branch coverage of lib/*.c"
"${report[@]}" --branches --sort-percentage
echo
echo "== summary"
"${report[@]}" --print-summary --html-details "$out/html/index.html" | tail -n 3 | sed 's/^/   /'
echo "   HTML with the source: $out/html/index.html"
if [ ${#problems[@]} -gt 0 ]; then
  echo "== not all tests ran clean:"
  printf '   %s\n' "${problems[@]}"
fi
exit 0
