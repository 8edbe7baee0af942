#!/bin/bash
# Build the libFuzzer targets in tests/fuzz/ with clang (ASan + UBSan, no CMake needed) and
# run each one for a bounded time:
#
#   scripts/fuzz.sh                 # every target, 60 s each
#   scripts/fuzz.sh 300 plan config # these two, 5 minutes each
#   scripts/fuzz.sh 0               # build only, then run each seed corpus once
#
# Targets: tests/fuzz/fuzz-<name>.c, seeds in tests/fuzz/corpus/<name>/ (never written to),
# an optional libFuzzer dictionary in tests/fuzz/<name>.dict. Everything else goes to
# ${FUZZ_OUT:-build/fuzz}: bin/, corpus/<name>/ (what the runs found, kept for the next run)
# and artifacts/<name>/ (crash-*, leak-*, timeout-*, oom-* inputs).
#
# Per target it prints the executions, the time run, the corpus size and the crashes, and
# for a crash the command that reproduces it. Exit status: non-zero on any crash or build
# failure. CC (default clang) must support -fsanitize=fuzzer. FUZZ_FLAGS adds libFuzzer
# options (e.g. FUZZ_FLAGS=-jobs=2), FUZZ_CFLAGS compiler flags: with
# FUZZ_CFLAGS=-DFUZZ_SANITIZERS_ONLY the targets' property checks do not abort, so fuzzing
# for memory errors goes on while a known property violation waits for its fix.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

seconds=60
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
  seconds=$1
  shift
fi
all=()
for f in tests/fuzz/fuzz-*.c; do
  n=${f#tests/fuzz/fuzz-}
  all+=("${n%.c}")
done
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=("${all[@]}")
fi
for t in "${targets[@]}"; do
  if [ ! -f "tests/fuzz/fuzz-$t.c" ]; then
    echo "fuzz: no target \"$t\" (there are: ${all[*]})" >&2
    exit 2
  fi
done

cc=${CC:-clang}
out=${FUZZ_OUT:-$root/build/fuzz}
mkdir -p "$out/bin"

# shellcheck disable=SC2054 # the commas separate sanitizers, not array elements
flags=(-std=gnu11 -D_GNU_SOURCE -g -O1 -fno-omit-frame-pointer
       -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
       -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-unused-parameter
       -Ilib -Ilib/sys -Itests/fuzz)
# shellcheck disable=SC2206 # FUZZ_CFLAGS is a list of flags
flags+=(${FUZZ_CFLAGS:-})
core=(lib/*.c) # the pure modules; lib/sys/ is the effect layer

sources_for() {
  case $1 in
    uevent) echo lib/sys/uevent.c ;; # its pure part, built alone
    *) echo "${core[@]}" ;;
  esac
}

# libFuzzer's default input size limit is 4096 bytes (or the largest seed): the key-file
# parser needs more to reach its line length limit (KEYFILE_LINE_MAX).
max_len_for() {
  case $1 in
    keyfile) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

status=0
summary=()
for t in "${targets[@]}"; do
  bin="$out/bin/fuzz-$t"
  # shellcheck disable=SC2046 # the source list is words
  if ! "$cc" "${flags[@]}" "tests/fuzz/fuzz-$t.c" $(sources_for "$t") -o "$bin"; then
    echo "== $t: BUILD FAILED"
    summary+=("$(printf '%-10s BUILD FAILED' "$t")")
    status=1
    continue
  fi

  work="$out/corpus/$t"
  art="$out/artifacts/$t"
  log="$out/fuzz-$t.log"
  mkdir -p "$work" "$art"
  stamp="$out/.stamp-$t"
  : >"$stamp"
  opts=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -max_len="$(max_len_for "$t")"
        -artifact_prefix="$art/")
  [ -f "tests/fuzz/$t.dict" ] && opts+=(-dict="tests/fuzz/$t.dict")
  if [ "$seconds" -gt 0 ]; then
    opts+=(-max_total_time="$seconds")
  else
    opts+=(-runs=0) # only the corpus, once
  fi
  echo "== $t: $seconds s"
  start=$(date +%s.%N)
  rc=0
  # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of options
  "$bin" "${opts[@]}" ${FUZZ_FLAGS:-} "$work" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  end=$(date +%s.%N)

  # (a crash while the corpus loads leaves no status line: the values stay "?")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
  # the last status line's "corp: <inputs>/<size>"
  corp=$(grep -a -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$log" | tail -n 1 | sed 's/corp: //' || true)
  cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -n 1 | sed 's/cov: //' || true)
  mapfile -t found < <(find "$art" -type f -newer "$stamp" \( -name 'crash-*' -o -name 'leak-*' \
                         -o -name 'timeout-*' -o -name 'oom-*' -o -name 'slow-unit-*' \) | sort)
  crashes=0
  for f in "${found[@]}"; do
    [[ $(basename "$f") == slow-unit-* ]] || crashes=$((crashes + 1))
  done
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then
    crashes=1 # died without an artifact (e.g. a crash while loading the corpus)
  fi
  line=$(printf '%-10s execs %-10s time %6.1f s  exec/s %-7s corpus %-14s cov %-5s crashes %s' "$t" \
         "${execs:-?}" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')" "${rate:-?}" "${corp:-?}" "${cov:-?}" "$crashes")
  summary+=("$line")
  echo "   $line"
  if [ "$crashes" -gt 0 ]; then
    status=1
    # the sanitizer's or the harness's report: what went wrong and the frames in this
    # project's sources (the whole report is in the log)
    grep -a -E "^fuzz: |ERROR: |SUMMARY: |runtime error|(READ|WRITE) of size|is located|^ +#[0-9]+ .* $root/(lib|init|tests)/" "$log" \
      | head -n 30 | sed "s|$root/||; s/^/   | /" || true
    echo "   log: $log"
    for f in "${found[@]}"; do
      echo "   artifact: $f"
      echo "   reproduce: $bin $f"
    done
  fi
done

echo "== summary (${seconds} s per target)"
printf '   %s\n' "${summary[@]}"
exit $status
