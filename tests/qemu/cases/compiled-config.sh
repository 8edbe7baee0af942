#!/bin/bash
# The configuration mkinitramfs compiles (/etc/paios-init.compiled, README "Configuration")
# and what /init does without it: a configuration with a warning is not compiled, and /init
# reports the warning at boot; --no-compile packs the texts alone; a compiled file /init
# cannot use (damaged, or from another build) is said in one line and the texts are parsed.
# Each boots slot A as the same configuration would without the compiled file.
# (A system.conf changed after compiling: qemu-fault-system-conf.)
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env

compiled=etc/paios-init.compiled
packed() { gzip -dc "$1" | cpio --quiet -t | grep -qx "$compiled"; }

# a key this /init does not know: left to /init, which warns and boots
conf=$PAIOS_TEST_TMP/unknown-key.conf
{ cat "$PAIOS_ROOT/initramfs/paios-init.conf"; printf '[watchdog]\nfrobnicate = yes\n'; } >"$conf"
out=$PAIOS_TEST_TMP/mkinitramfs.err
make_initramfs warned --config "$conf" 2>"$out"
grep -q 'unknown option \[watchdog\] frobnicate, ignored: left for /init to parse and report at boot' "$out" ||
	fail "mkinitramfs did not say why the configuration was not compiled: $(cat "$out")"
! packed "$warned" || fail "a configuration with a warning was compiled"
log=$PAIOS_TEST_TMP/warned.log
boot "$log" "$PAIOS_BASE_DISK" "$warned" "rauc.slot=A" --snapshot
expect_booted "$log" A
expect_line "$log" \
	'paios-init: /etc/paios-init.conf: configuration line [0-9]+: unknown option \[watchdog\] frobnicate, ignored$' \
	"the warning, from the boot's own parse"

# --no-compile: the texts alone
make_initramfs texts --no-compile
! packed "$texts" || fail "--no-compile packed $compiled"
log=$PAIOS_TEST_TMP/texts.log
boot "$log" "$PAIOS_BASE_DISK" "$texts" "rauc.slot=B" --snapshot
expect_booted "$log" B
expect_no_line "$log" 'paios-init: .*compiled' "a word about a compiled file"

# a compiled file damaged after mkinitramfs (one byte of its payload), laid over the
# image's by a second archive: refused as a whole, the texts parsed
make_initramfs plain
packed "$plain" || fail "no $compiled packed by default"
layer=$PAIOS_TEST_TMP/layer
mkdir -p "$layer/etc"
gzip -dc "$plain" | (cd "$layer" && cpio --quiet -i "$compiled")
size=$(stat -c %s "$layer/$compiled")
printf 'X' | dd of="$layer/$compiled" bs=1 seek=$((size - 100)) conv=notrunc status=none
damaged=$PAIOS_TEST_TMP/damaged-initramfs.img
layer_initramfs "$damaged" "$plain" "$layer"
log=$PAIOS_TEST_TMP/damaged.log
boot "$log" "$PAIOS_BASE_DISK" "$damaged" "rauc.slot=A" --snapshot
expect_booted "$log" A
expect_line "$log" \
	'paios-init: /etc/paios-init.compiled: not a compiled configuration of this build: parsing the configuration instead$' \
	"the damaged file refused"
pass
