#!/bin/bash
# Configure the paios image's root filesystem tree, after the packages are installed:
#
#   scripts/image/customize.sh ROOTDIR INPUTS
#
# ROOTDIR: the arm64 tree (mmdebstrap's, or debos' $ROOTDIR); INPUTS: the staged inputs
# (build-image.sh --stage-inputs: system.conf, hooks/, keys/). Runs on the host (no chroot,
# no qemu-user): every step is a file operation, or host tools with --root.
#
#   scripts/image/rootfs/  copied over the tree: hostname, hosts, fstab (boot partition at
#                          /boot/firmware, data at /data), fw_env.config, journald drop-in
#   /etc/rauc/system.conf  = initramfs/system.conf (the one source; mkinitramfs packs it too)
#   /etc/rauc/keyring.pem  the test CA (scripts/image/mkkeys.sh)
#   health check           hooks/: paios-health.service (enabled), its script and
#                          /etc/paios/health.conf, the systemd watchdog drop-in
#   serial console         serial-getty@ttyAMA0 enabled; root has an empty password (a
#                          test image: log in as root on the serial console, no network)
#   machine-id             systemd-machine-id-commit.service masked (paios-init binds a
#                          persistent id from /data: nothing to commit)
#   system test agent      systest/: paios-systest.service (enabled), runs the step script
#                          qemu passes through fw_cfg (tests/system/run.sh), else nothing
set -euo pipefail
die() { echo "customize: error: $*" >&2; exit 1; }
[ $# = 2 ] || die "usage: $0 ROOTDIR INPUTS"
rootdir=$1 inputs=$2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
[ -x "$rootdir/lib/systemd/systemd" ] || die "$rootdir has no systemd: not the image's tree"
for f in system.conf keys/ca.cert.pem hooks/paios-health hooks/paios-health.service \
  hooks/health.conf hooks/paios-watchdog.conf; do
  [ -f "$inputs/$f" ] || die "$inputs/$f missing (build-image.sh --stage-inputs)"
done

# Files of the repo's overlay tree, owned by root whoever checked them out; existing
# directories keep their owner and mode.
tar -C "$here/rootfs" --owner=0 --group=0 --numeric-owner -cf - . |
  tar -C "$rootdir" --no-overwrite-dir -xpf -

install -D -m 0644 "$inputs/system.conf" "$rootdir/etc/rauc/system.conf"
install -D -m 0644 "$inputs/keys/ca.cert.pem" "$rootdir/etc/rauc/keyring.pem"

install -D -m 0755 "$inputs/hooks/paios-health" "$rootdir/usr/libexec/paios/paios-health"
install -D -m 0644 "$inputs/hooks/paios-health.service" "$rootdir/usr/lib/systemd/system/paios-health.service"
install -D -m 0644 "$inputs/hooks/health.conf" "$rootdir/etc/paios/health.conf"
install -D -m 0644 "$inputs/hooks/paios-watchdog.conf" "$rootdir/etc/systemd/system.conf.d/paios-watchdog.conf"

# The system test's agent (tests/system/run.sh): runs only under qemu, and only the step
# script qemu passes through fw_cfg; inert on any other boot (see systest/).
install -D -m 0755 "$here/systest/paios-systest" "$rootdir/usr/libexec/paios/paios-systest"
install -D -m 0644 "$here/systest/paios-systest.service" "$rootdir/usr/lib/systemd/system/paios-systest.service"

# /etc/machine-id: paios-init binds a persistent id from /data over it ([data] binds), so
# it is a mount point, and systemd-machine-id-commit.service (ConditionPathIsMountPoint=
# /etc/machine-id) would try to "commit" it and fail ("/etc/machine-id is not on a
# temporary file system"), leaving the system degraded. There is never a transient id to
# commit here: with /data the id is persistent already, without it /etc is writable (the
# overlay) and systemd writes the id there directly.
systemctl --root="$rootdir" --quiet mask systemd-machine-id-commit.service

# the host's systemctl only makes the [Install] symlinks inside the tree
systemctl --root="$rootdir" --quiet enable paios-health.service paios-systest.service \
  serial-getty@ttyAMA0.service

# root: empty password (login on the serial console, Debian's pam_unix has nullok)
sed -i 's/^root:[^:]*:/root::/' "$rootdir/etc/shadow"
grep -q '^root::' "$rootdir/etc/shadow" || die "could not clear root's password"

# Mount points. /data: RAUC's data-directory lives below it (system.conf).
mkdir -p "$rootdir/boot/firmware" "$rootdir/data"

# Empty machine-id: systemd makes a transient one at each boot (the root is read-only
# below its overlay, and both slots carry the same image).
: >"$rootdir/etc/machine-id"
rm -f "$rootdir/var/lib/dbus/machine-id"
mkdir -p "$rootdir/var/lib/dbus"
ln -s /etc/machine-id "$rootdir/var/lib/dbus/machine-id"

# The kernel package's links name boot/initrd.img-VERSION, which no tool makes here: the
# initramfs is boot/initrd.img (assemble.sh), next to boot/Image.
rm -f "$rootdir/initrd.img.old" "$rootdir/vmlinuz.old"
ln -sfn boot/initrd.img "$rootdir/initrd.img"

# Nothing of the build host: no resolver configuration, no apt lists or caches, no logs.
rm -f "$rootdir/etc/resolv.conf"
rm -rf "$rootdir"/var/lib/apt/lists/* "$rootdir"/var/cache/apt/* "$rootdir"/var/cache/debconf/*-old \
  "$rootdir"/var/log/*.log "$rootdir"/var/log/apt/* "$rootdir"/tmp/* "$rootdir"/var/tmp/*
# Size: no manuals, info pages or translations; of /usr/share/doc only the copyrights.
rm -rf "$rootdir"/usr/share/man/* "$rootdir"/usr/share/info/* "$rootdir"/usr/share/locale/*
find "$rootdir/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$rootdir/usr/share/doc" -mindepth 1 -depth -type d -empty -delete

echo "customize: configured $rootdir" >&2
