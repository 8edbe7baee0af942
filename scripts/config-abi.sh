#!/bin/bash
# config-abi.sh [DIR]: print PAIOS_CONFIG_ABI of the paios-init sources in DIR (default:
# this script's tree): the first 16 hex digits of the SHA-256 of lib/'s sources (*.c then
# *.h, each in byte order of name), which decide how the configuration is parsed and laid
# out. CMakeLists.txt builds /init with it, scripts/mkinitramfs the configuration compiler:
# /init uses a compiled configuration only from the same sources (lib/compiled-config.h).
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
LC_ALL=C
printf '%s\n' lib/*.c lib/*.h | sort | xargs cat | sha256sum | cut -c1-16
