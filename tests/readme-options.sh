#!/bin/bash
# The README's configuration table lists every option the parser knows, with its default:
# documentation cannot drift from lib/config.c's table.
#   tests/readme-options.sh INIT README
set -euo pipefail
init=${1:?usage: readme-options.sh INIT README} readme=${2:?}
missing=0 checked=0
while IFS= read -r line; do
  [[ $line =~ ^\[([a-z]+)\]\ ([a-z-]+)\ =\ ?(.*)$ ]] || continue
  group=${BASH_REMATCH[1]} key=${BASH_REMATCH[2]} def=${BASH_REMATCH[3]}
  want="| \`[$group] $key\` | "
  [ -n "$def" ] && want+="\`$def\`" || want+="(empty)"
  checked=$((checked + 1))
  if ! grep -qF -- "$want" "$readme"; then
    echo "README lacks: $want" >&2
    missing=$((missing + 1))
  fi
done < <("$init" --help-config)
echo "$((checked - missing)) passed, $missing failed"
[ "$checked" -gt 0 ] && [ "$missing" = 0 ]
