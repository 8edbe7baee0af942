#!/bin/bash
# The configured modules load on two loaders (lib/module-plan.h): the benchmark's job
# (tests/bench/paios-bench.conf: the reference's explicit module list, no coldplug) puts
# the ext4 chain in a child and the rest here, and boots; a file of the child's share that
# fails is loaded again by /init at the join, by libkmod, which says why. A watchdog driver that only the
# child loads is still there when the watchdog is armed (the stage joins the child), and
# the filesystems nobody listed come on the kernel's own request. Debug lines (each
# module loaded) appear only with paios.boot.debug. The configured modules come from the
# initramfs's load table without libkmod, unless the kernel command line sets an option
# of one (overlay.metacopy=Y), which libkmod passes, as it does on the kernel's request.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env

make_initramfs bench_initrd --config "$PAIOS_ROOT/tests/bench/paios-bench.conf"
log=$PAIOS_TEST_TMP/bench-job.log
boot "$log" "$PAIOS_BASE_DISK" "$bench_initrd" "rauc.slot=A" --snapshot --watchdog
expect_booted "$log" A
expect_line "$log" 'paios-init: modules: 1 of 5 configured loading in a second process' "the ext4 chain in the child"
expect_line "$log" 'paios-init: watchdog /dev/watchdog armed, timeout 60 s' "the watchdog armed"
expect_no_line "$log" 'paios-init: coldplug:' "a coldplug the configuration turned off"
expect_no_line "$log" 'paios-init: module .*: ' "a module warning"
expect_no_line "$log" 'paios-init: module .* loaded' "a debug line without boot.debug"
expect_record "$log" .watchdog.armed true
# peak memory: Linux 6.1 adds a task's RSS changes to the process's count every 64 page
# faults, and this job takes about 65, so ru_maxrss alone could read 4 KiB; the record
# holds the RSS at the switch too (init/stages.c, resident_kib())
expect_record_match "$log" .maxrss_kib '^[1-9][0-9]{2,}$'
expect_probe "$log" overlay-metacopy N "overlay's own default"

# every configured module from the initramfs's load table: libkmod is never opened
log=$PAIOS_TEST_TMP/bench-job-debug.log
boot "$log" "$PAIOS_BASE_DISK" "$bench_initrd" "rauc.slot=A paios.boot.debug" --snapshot --watchdog
expect_booted "$log" A
expect_line "$log" 'paios-init: module virtio_pci loaded' "the parent's debug line"
expect_line "$log" 'paios-init: module ext4 loaded' "the child's debug line"
# debug lines are printed by the kernel (its timestamp, the whole line), not written
# through the tty, where the kernel's own messages can cut them
expect_line "$log" '^\[ *[0-9]+\.[0-9]+\] paios-init: module ext4 loaded$' "the child's debug line, printed by the kernel"
expect_line "$log" '^\[ *[0-9]+\.[0-9]+\] paios-init: module virtio_pci loaded$' "the parent's debug line, printed by the kernel"
expect_no_line "$log" 'paios-init: modules: libkmod opened' "libkmod opened"
expect_line "$log" 'paios-init: modules: by the plan mkinitramfs compiled, 11 files$' "the compiled load plan"

# a module file of the compiled plan that the kernel refuses (an empty i6300esb.ko laid
# over the image's): that module goes the planned way, libkmod says why, the boot goes on
layer=$PAIOS_TEST_TMP/bad-module
kofile=$(gzip -dc "$bench_initrd" | cpio --quiet -t | grep '/i6300esb\.ko$')
mkdir -p "$layer/$(dirname "$kofile")"
: >"$layer/$kofile"
bad_initrd=$PAIOS_TEST_TMP/bad-module-initramfs.img
layer_initramfs "$bad_initrd" "$bench_initrd" "$layer"
log=$PAIOS_TEST_TMP/bad-module.log
boot "$log" "$PAIOS_BASE_DISK" "$bad_initrd" "rauc.slot=A paios.boot.debug" --snapshot --watchdog
expect_booted "$log" A
expect_line "$log" 'paios-init: module i6300esb by the compiled plan: .*; asking libkmod$' "the plan's failure"
expect_line "$log" 'paios-init: module i6300esb: ' "libkmod's verdict"
expect_line "$log" 'paios-init: watchdog /dev/watchdog: .*: booting without one' "the boot going on"
expect_line "$log" 'paios-init: module ext4 loaded' "the other modules by the plan"

# a file of the child's share that the kernel refuses (an empty ext4.ko): the second
# loader (a process in /init's memory, lib/sys/module-loader.c) stops that chain and says
# so through its results; /init, joining it, sends ext4 the planned way, libkmod says why,
# and the slot cannot be mounted: one FATAL line, no hang
kofile=$(gzip -dc "$bench_initrd" | cpio --quiet -t | grep '/ext4\.ko$')
layer=$PAIOS_TEST_TMP/bad-child-module
mkdir -p "$layer/$(dirname "$kofile")"
: >"$layer/$kofile"
bad_child_initrd=$PAIOS_TEST_TMP/bad-child-module-initramfs.img
layer_initramfs "$bad_child_initrd" "$bench_initrd" "$layer"
log=$PAIOS_TEST_TMP/bad-child-module.log
boot "$log" "$PAIOS_BASE_DISK" "$bad_child_initrd" "rauc.slot=A paios.boot.debug paios.boot.failure-delay=0" --snapshot --watchdog
expect_line "$log" 'paios-init: modules: 1 of 5 configured loading in a second process' "the ext4 chain in the child"
expect_line "$log" 'paios-init: module ext4 by the compiled plan: .*; asking libkmod$' "the child's failure, read at the join"
expect_line "$log" 'paios-init: module ext4: ' "libkmod's verdict"
expect_line "$log" 'paios-init: module virtio_pci loaded' "the parent's share by the plan"
expect_fatal "$log" 'mount-root: '
expect_no_line "$log" '^PAIOS-TEST' "a slot's init ran"

# a module option on the kernel command line is libkmod's to pass: that module (the
# configuration's last) goes to libkmod, the others still come from the table
log=$PAIOS_TEST_TMP/bench-job-option.log
boot "$log" "$PAIOS_BASE_DISK" "$bench_initrd" "rauc.slot=A paios.boot.debug overlay.metacopy=Y" --snapshot --watchdog
expect_booted "$log" A
expect_line "$log" 'paios-init: modules: libkmod opened for overlay$' "libkmod for overlay"
expect_line "$log" 'paios-init: modules: an option for overlay on the command line: planning them here$' \
	"the compiled plan set aside"
expect_probe "$log" overlay-metacopy Y "the kernel command line's module option"

conf=$PAIOS_TEST_TMP/watchdog-in-child.conf
cat >"$conf" <<'EOF'
[modules]
load = i6300esb
include = virtio_pci virtio_blk ext4 overlay
coldplug = true

[watchdog]
timeout = 30
EOF
make_initramfs child_initrd --config "$conf"
log=$PAIOS_TEST_TMP/watchdog-in-child.log
boot "$log" "$PAIOS_BASE_DISK" "$child_initrd" "rauc.slot=A" --snapshot --watchdog
expect_booted "$log" A
expect_line "$log" 'paios-init: modules: 1 of 1 configured loading in a second process' "the watchdog driver in the child"
expect_line "$log" 'paios-init: watchdog /dev/watchdog armed, timeout 30 s' "the watchdog armed all the same"
expect_line "$log" "paios-init: modprobe fs-ext4: loaded on the kernel's request" "ext4 on the kernel's request"
expect_line "$log" "paios-init: modprobe fs-overlay: loaded on the kernel's request" "overlay on the kernel's request"
expect_probe "$log" overlay-metacopy N "overlay's own default"

# the kernel's request (/init as modprobe) passes the command line's options too
log=$PAIOS_TEST_TMP/watchdog-in-child-option.log
boot "$log" "$PAIOS_BASE_DISK" "$child_initrd" "rauc.slot=A overlay.metacopy=Y" --snapshot --watchdog
expect_booted "$log" A
expect_line "$log" "paios-init: modprobe fs-overlay: loaded on the kernel's request" "overlay on the kernel's request"
expect_probe "$log" overlay-metacopy Y "the kernel command line's module option"
pass
