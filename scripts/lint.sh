#!/bin/bash
# Static analysis of lib/, lib/sys/ and init/ with clang-tidy (checks in .clang-tidy) and
# cppcheck; any finding fails:
#
#   scripts/lint.sh              # compile flags made here (build/lint/compile_commands.json)
#   scripts/lint.sh build/test   # a CMake build dir's compile_commands.json, if it has one
#                                # (configure with -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
#
# The ctest test "lint" (label lint) runs it. Headers of the static libraries come from
# ${PAIOS_CACHE:-/var/cache/paios-init}/deps/host/include (scripts/build-static-deps.sh), or
# LINT_DEPS_INCLUDE. CLANG_TIDY and CPPCHECK name other binaries; output and logs go to
# ${LINT_OUT:-build/lint}. Exit status: 0 when both tools are silent, 1 on findings, 2 when
# a tool or the headers are missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

tidy=${CLANG_TIDY:-$(command -v clang-tidy-14 || command -v clang-tidy || true)}
cppcheck=${CPPCHECK:-$(command -v cppcheck || true)}
[ -n "$tidy" ] || { echo "lint: clang-tidy not found: run scripts/install-deps.sh" >&2; exit 2; }
[ -n "$cppcheck" ] || { echo "lint: cppcheck not found: run scripts/install-deps.sh" >&2; exit 2; }
jobs=$(nproc)
out=${LINT_OUT:-$root/build/lint}
mkdir -p "$out"

mapfile -t files < <(ls lib/*.c lib/sys/*.c init/*.c)

# --- the compilation database --------------------------------------------------------
db=""
if [ $# -gt 0 ] && [ -f "$1/compile_commands.json" ]; then
  db=$(cd "$1" && pwd)
  echo "lint: compile commands from $db/compile_commands.json"
  for f in "${files[@]}"; do
    grep -q "\"file\": \"$root/$f\"" "$db/compile_commands.json" || {
      echo "lint: $f is not in $db/compile_commands.json (stale build dir?)" >&2
      exit 2
    }
  done
else
  deps=${LINT_DEPS_INCLUDE:-${PAIOS_CACHE:-/var/cache/paios-init}/deps/host/include}
  [ -d "$deps" ] || { echo "lint: no $deps: run scripts/build-static-deps.sh or configure a build" >&2; exit 2; }
  # the flags CMakeLists.txt builds with, for clang
  # (as JSON strings: PAIOS_VERSION's quotes escaped)
  flags=(clang -std=gnu11 -D_GNU_SOURCE '-DPAIOS_VERSION=\"lint\"' -Ilib -Ilib/sys -I"$deps" -I"$deps/blkid"
         -I"$deps/libmount" -Wall -Wextra -Wshadow -Wformat=2 -Wno-unused-parameter -c)
  db=$out
  {
    echo "["
    sep=""
    for f in "${files[@]}"; do
      args=$(printf '"%s", ' "${flags[@]}")
      printf '%s{"directory": "%s", "file": "%s/%s", "arguments": [%s"%s"]}\n' "$sep" "$root" "$root" "$f" "$args" "$f"
      sep=","
    done
    echo "]"
  } >"$db/compile_commands.json"
  echo "lint: compile commands made in $db/compile_commands.json"
fi

status=0

# --- false positives ------------------------------------------------------------------
# Both tools take __attribute__((cleanup)) (macro.h's _cleanup_free_, _cleanup_close_, ...)
# for nothing: clang-14's analyzer does not run the cleanup function and cppcheck does not
# know the attribute. So a finding that a _cleanup_ variable leaks, or that its
# initialization or its TAKE_FD()/TAKE_PTR() reset is never read, is dropped when that
# variable is declared with a _cleanup_ attribute in that file. Leaks of other variables,
# double frees and uses after free are still reported.
cleanup_ids='clang-analyzer-unix.Malloc|resourceLeak|memleak|unreadVariable|redundantInitialization'
# Other false positives, each matched by file, check and message (never by line number,
# which moves with every edit), with the reason:
suppressions=(
  # split_word(): 'word' points into 'w', which is _cleanup_free_ (an alias the cleanup rule
  # above cannot see)
  "lib/cmdline.c|clang-analyzer-unix.Malloc|pointed to by 'word'"
  # join_key_value(): the first memcpy() copies the key without its NUL; the value's
  # memcpy() of v + 1 bytes terminates the string
  "lib/cmdline.c|bugprone-not-null-terminated-result|result from calling 'memcpy'"
  # modprobe_main(): modules_open() sets *ret whenever it returns 0; the analyzer does not
  # see that negative_errno() is always negative, so it lets uname()'s failure return >= 0
  "lib/sys/modules.c|clang-analyzer-core.NullDereference|loaded from variable 'm'"
  # plan_build(): slot is NULL only when root= is given, and then root= is the device (the
  # checks above it make sure); cppcheck does not follow that
  "lib/plan.c|nullPointerRedundantCheck|'slot'"
  # boot_args_apply_lock(): cppcheck 2.10 parses "free(*fields[i]);" as the declaration of
  # a variable 'fields' (reproduced with a 9-line file); there is no second 'fields'
  "lib/cmdline.c|shadowVariable|'fields'"
  # lib/sys/pid1-malloc.c defines malloc(), free(), ... for the musl /init; the check holds
  # its parameter names against the host glibc's header's (__size, __ptr), reserved names
  "/usr/include/stdlib.h|readability-inconsistent-declaration-parameter-name|has a definition with different parameter names"
)

# report TOOL NOTE FINDING...: the findings and their count (the lint fails), or "no
# findings"; then how many false positives filter dropped into $out/TOOL.suppressed.
report() {
  local tool=$1 note=$2
  shift 2
  if [ $# -gt 0 ]; then
    printf '%s\n' "$@"
    echo "$tool: $# findings ($note)"
    status=1
  else
    echo "$tool: no findings"
  fi
  if [ -s "$out/$tool.suppressed" ]; then
    echo "$tool: $(wc -l <"$out/$tool.suppressed") false positives dropped ($out/$tool.suppressed)"
  fi
}

# The findings of one tool, file:line:col: severity: message [id], less the false
# positives; the dropped ones are listed on stderr-like "suppressed" lines.
filter() {
  local line file id msg var entry sfile sid smsg
  while IFS= read -r line; do
    [[ $line =~ ^([^:]+):[0-9]+:[0-9]+:\ [a-z]+:\ (.*)\ \[([^],]+)[^]]*\]$ ]] || { echo "$line"; continue; }
    file=${BASH_REMATCH[1]} msg=${BASH_REMATCH[2]} id=${BASH_REMATCH[3]}
    if [[ $id =~ ^($cleanup_ids)$ ]]; then
      var=""
      if [[ $msg =~ \'([A-Za-z_][A-Za-z0-9_]*)\' ]] || [[ $msg =~ :\ ([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
        var=${BASH_REMATCH[1]}
      fi
      # (of the analyzer's unix.Malloc findings, only the leaks)
      if [ "$id" != clang-analyzer-unix.Malloc ] || [[ $msg == "Potential leak of memory"* ]]; then
        if [ -n "$var" ] && grep -q -E "_cleanup_[a-z_]*(\([a-z_]+\))?[^;=]*[* ]$var *=" "$file"; then
          echo "suppressed (_cleanup_ variable): $line" >&3
          continue
        fi
      fi
    fi
    for entry in "${suppressions[@]}"; do
      IFS='|' read -r sfile sid smsg <<<"$entry"
      if [ "$file" = "$sfile" ] && [ "$id" = "$sid" ] && [[ $msg == *"$smsg"* ]]; then
        echo "suppressed (false positive, see scripts/lint.sh): $line" >&3
        continue 2
      fi
    done
    echo "$line"
  done
}

# --- house rules ----------------------------------------------------------------------
# open() costs /init a second system call per file with musl (fcntl after an O_CLOEXEC
# open, lib/sys/fileio.h): openat(AT_FDCWD, ...) instead.
echo "== house rules on init/ and lib/"
mapfile -t house_findings < <(cd "$root" && grep -n -E '(^|[^a-z_>.])open\(' init/*.c lib/*.c lib/sys/*.c \
                              | grep -v -E '^[^:]+:[0-9]+:\s*(/?\*|//)' \
                              | sed -E 's/^([^:]+:[0-9]+):.*/\1:1: error: open(): use openat(AT_FDCWD, ...) [house]/')
report house-rules "lib/sys/fileio.h says why" ${house_findings[@]+"${house_findings[@]}"}

# --- clang-tidy -----------------------------------------------------------------------
echo "== clang-tidy ($("$tidy" --version | sed -n 's/.*LLVM version //p'), checks from .clang-tidy) on ${#files[@]} files"
tidy_log=$out/clang-tidy.log
printf '%s\n' "${files[@]}" | xargs -P "$jobs" -n 1 "$tidy" -p "$db" --quiet >"$tidy_log" 2>&1 || true
# a finding is "file:line:col: warning|error: text [check]"; a finding in a header is
# reported once for each file including it
mapfile -t tidy_findings < <(grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): ' "$tidy_log" | sed "s|^$root/||" \
                             | sed 's/,-warnings-as-errors\]$/]/' | sort -u | filter 3>"$out/clang-tidy.suppressed")
if grep -q -E '^Error while processing' "$tidy_log"; then
  grep -E -B5 '^Error while processing' "$tidy_log"
  echo "clang-tidy: failed to process some files (full output: $tidy_log)"
  status=1
fi
report clang-tidy "full output with notes: $tidy_log" ${tidy_findings[@]+"${tidy_findings[@]}"}

# --- cppcheck -------------------------------------------------------------------------
# Checks left out, each fighting the code's conventions or giving wrong advice:
#   missingIncludeSystem: the libc headers are not given to cppcheck (its library
#     configurations std, posix and gnu describe them).
#   readdirCalled: advises readdir_r(), which glibc deprecates; readdir() is safe for one
#     directory stream per thread, and /init has one thread.
#   unusedFunction is not enabled (it needs the whole program at once).
echo "== cppcheck $("$cppcheck" --version | sed 's/Cppcheck //') on ${#files[@]} files"
cpp_log=$out/cppcheck.log
rc=0
"$cppcheck" --project="$db/compile_commands.json" --file-filter="$root/lib/*" --file-filter="$root/init/*" \
  --enable=warning,style,performance,portability --std=c11 --library=posix --library=gnu \
  --inline-suppr --suppress=missingIncludeSystem --suppress=readdirCalled --quiet -j "$jobs" \
  --cppcheck-build-dir="$out" \
  --template='{file}:{line}:{column}: {severity}: {message} [{id}]' >"$cpp_log" 2>&1 || rc=$?
mapfile -t cpp_findings < <(grep -E '^[^ ]+:[0-9]+:[0-9]+: [a-z]+: ' "$cpp_log" | sed "s|^$root/||" | sort -u \
                            | filter 3>"$out/cppcheck.suppressed")
if [ "$rc" -ne 0 ]; then
  cat "$cpp_log"
  echo "cppcheck: failed (exit status $rc)"
  status=1
fi
report cppcheck "full output: $cpp_log" ${cpp_findings[@]+"${cpp_findings[@]}"}

exit $status
