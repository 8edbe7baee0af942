#!/bin/bash
# Install every Debian package that building paios-init and running its tests need, on a
# Debian 12 (bookworm) x86-64 host, as root. Idempotent: a second run only checks.
#
#   scripts/install-deps.sh            # build + unit tests + qemu tests
#
# The arm64 kernel and busybox are not installed on the host (they would replace or clash
# with host files): scripts/fetch-arm64.sh downloads and unpacks them into a cache.
set -euo pipefail
[ "$(id -u)" = 0 ] || { echo "install-deps: run as root" >&2; exit 1; }
export DEBIAN_FRONTEND=noninteractive

stamp=/var/lib/paios-init-deps.stamp
rev=10 # bump when the list below changes
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$rev" ]; then exit 0; fi

dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64

# deb-src lines: the static libmount/libkmod are built from Debian's own sources.
src=/etc/apt/sources.list.d/paios-init-src.sources
if ! grep -rqs '^Types:.*deb-src' /etc/apt/sources.list.d/ && ! grep -qs '^deb-src' /etc/apt/sources.list; then
  cat >"$src" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi

apt-get update -q

host_pkgs=(
  build-essential cmake pkg-config ninja-build git ca-certificates
  # static libraries from source (scripts/build-static-deps.sh)
  autoconf automake autopoint libtool gettext bison flex gtk-doc-tools dpkg-dev
  # host build of /init and its libraries
  libblkid-dev libubootenv-dev zlib1g-dev
  # aarch64 cross build
  gcc-aarch64-linux-gnu libc6-dev-arm64-cross
  # the aarch64 /init links musl by default (cmake/aarch64-linux-gnu.cmake)
  musl-dev:arm64
  libblkid-dev:arm64 libubootenv-dev:arm64 zlib1g-dev:arm64
  # images and boots
  qemu-system-arm qemu-utils u-boot-qemu u-boot-tools e2fsprogs fdisk dosfstools mtools
  cpio zstd gzip kmod busybox-static file
  # test helpers: jq reads the boot record, python3 runs scripts/bench
  jq python3
  # fw_printenv/fw_setenv: the U-Boot test reads uboot.env as RAUC does (scripts/uboot/)
  libubootenv-tool
  # the system test's VM runner (tests/system/vm-run.pl): Time::HiRes is in perl, not perl-base
  perl
  # the demo image (scripts/image/build-image.sh): arm64 rootfs with mmdebstrap, maintainer
  # scripts through qemu-user + binfmt_misc, RAUC bundles; debootstrap for paios.yaml's debos
  mmdebstrap arch-test qemu-user-static binfmt-support debootstrap rauc squashfs-tools openssl
  # analysis; bpftool: scripts/tick-profile reads the kernel's structure offsets from its BTF
  clang clang-tidy cppcheck gcovr bpftool
)
apt-get install -y -q --no-install-recommends "${host_pkgs[@]}"
# debos (the documented recipe, scripts/image/paios.yaml): never with its Recommends, which
# pull systemd-resolved and with it a new /etc/resolv.conf that breaks name resolution here.
apt-get install -y -q --no-install-recommends debos
echo "$rev" >"$stamp"
