#!/bin/bash
# Build the static libraries that the static /init links against, from Debian's own source
# packages (so they carry Debian's patches and match what the hosts run):
#
#   scripts/build-static-deps.sh --target host|aarch64|aarch64-musl --prefix DIR
#
# aarch64 builds against glibc, aarch64-musl against musl (Debian's musl-dev:arm64, through
# cmake/aarch64-linux-musl/gcc): what cmake/aarch64-linux-gnu.cmake links by default.
#
#   util-linux -> DIR/lib/libblkid.a DIR/lib/libmount.a
#                 DIR/include/blkid/blkid.h DIR/include/libmount/libmount.h
#   kmod       -> DIR/lib/libkmod.a DIR/include/libkmod.h
#   e2fsprogs  -> DIR/sbin/e2fsck DIR/sbin/mke2fs (static, stripped programs for the
#                 initramfs: check /data with `e2fsck -p`, format a blank /data as ext4)
#   zlib       -> DIR/lib/libz.a DIR/include/zlib.h (aarch64-musl only: the other targets
#                 link Debian's own libz.a), and a copy of libubootenv-dev:arm64's libuboot.h
#
# Sources are downloaded with `apt-get source` (needs the deb-src lines and packages that
# scripts/install-deps.sh sets up) and prepared once in ${PAIOS_CACHE:-/var/cache/paios-init}/src/.
# Each build runs in a temporary directory and is installed into DIR.tmp, which then replaces
# DIR. DIR/.complete records source versions, target and a hash of this script: when it
# matches, the script exits at once. Either way the last lines name the programs in DIR/sbin.
set -euo pipefail

prog=build-static-deps
die() { echo "$prog: error: $*" >&2; exit 1; }
step() { echo "$prog: $*"; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

target="" prefix=""
while [ $# -gt 0 ]; do
  case $1 in
    --target) [ $# -ge 2 ] || die "--target needs a value"; target=$2; shift 2 ;;
    --prefix) [ $# -ge 2 ] || die "--prefix needs a value"; prefix=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
# triplet: the binutils (and, but for musl, the compiler) to use; config_host: configure's --host.
cc=""
case $target in
  host) triplet=$(gcc -dumpmachine 2>/dev/null) || die "gcc not found; run scripts/install-deps.sh" ;;
  aarch64) triplet=aarch64-linux-gnu config_host=$triplet ;;
  aarch64-musl)
    triplet=aarch64-linux-gnu config_host=aarch64-linux-musl
    cc=$(dirname "$(readlink -f "$0")")/../cmake/aarch64-linux-musl/gcc
    [ -f /usr/lib/aarch64-linux-musl/libc.a ] ||
      die "musl for arm64 is missing (musl-dev:arm64); run scripts/install-deps.sh" ;;
  *) die "--target must be host, aarch64 or aarch64-musl (see --help)" ;;
esac
[ -n "$prefix" ] || die "--prefix DIR is required (see --help)"
prefix=$(realpath -m "$prefix")
# DIR is replaced wholesale, so never take over a directory this script did not make.
if [ -n "$(ls -A "$prefix" 2>/dev/null)" ] && [ ! -f "$prefix/.complete" ]; then
  die "$prefix is not empty and was not made by this script; choose another --prefix"
fi
# ... nor one holding another target's libraries (a build tree that still names it).
held=$(sed -n 's/^target=\([^ ]*\) .*/\1/p' "$prefix/.complete" 2>/dev/null || true)
if [ -n "$held" ] && [ "$held" != "$target" ]; then
  die "$prefix holds the $held libraries, not $target's; choose another --prefix"
fi

for tool in apt-get apt-cache dpkg-source autoreconf autopoint gtkdocize libtoolize make \
  gcc awk "$triplet-gcc" "$triplet-ar" "$triplet-ranlib" "$triplet-strip" "$triplet-readelf"; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run scripts/install-deps.sh"
done

srcdir=${PAIOS_CACHE:-/var/cache/paios-init}/src
mkdir -p "$srcdir"

# The newest version of source package $1 in the deb-src indexes, i.e. what `apt-get source`
# fetches. (apt-cache is much quicker than `apt-get source --print-uris`, which matters for the
# no-op run.)
src_version() {
  local v best=""
  for v in $(apt-cache showsrc --only-source "$1" 2>/dev/null | sed -n 's/^Version: //p'); do
    if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then best=$v; fi
  done
  [ -n "$best" ] || die "source package '$1' unknown to apt (no deb-src lines?); run scripts/install-deps.sh"
  echo "$best"
}
ul_ver=$(src_version util-linux)
kmod_ver=$(src_version kmod)
e2fs_ver=$(src_version e2fsprogs)
zlib_ver=""
[ "$target" != aarch64-musl ] || zlib_ver=$(src_version zlib)

# The programs for the initramfs (scripts/mkinitramfs --e2fsprogs DIR packs them).
report_progs() {
  local p
  for p in e2fsck mke2fs; do
    step "static $p: $prefix/sbin/$p ($(stat -c %s "$prefix/sbin/$p") bytes)"
  done
}

stamp="target=$target util-linux=$ul_ver kmod=$kmod_ver e2fsprogs=$e2fs_ver"
[ -z "$zlib_ver" ] || stamp+=" zlib=$zlib_ver"
stamp+=" script=$(sha256sum <"$0" | cut -c1-16)"
up_to_date() {
  [ "$(cat "$prefix/.complete" 2>/dev/null)" = "$stamp" ] || return 1
  step "$prefix is up to date ($stamp)"
  report_progs
}
up_to_date && exit 0

# One run at a time per cache: runs for both targets share the prepared source trees.
exec 9>"$srcdir/.lock"
flock 9
# Another run (e.g. a second configure of the same build) may have built DIR meanwhile.
up_to_date && exit 0

work=$(mktemp -d "${TMPDIR:-/tmp}/$prog.XXXXXX")
trap 'rm -rf "$work"' EXIT

# run DIR LOG CMD...: run a noisy build command in DIR with its output in LOG; on failure show
# the end of LOG and keep the work directory for inspection.
run() {
  local dir=$1 log=$2
  shift 2
  if ! (cd "$dir" && "$@") >>"$log" 2>&1; then
    tail -n 25 "$log" >&2
    trap - EXIT
    die "${1##*/} failed in $dir (log: $log)"
  fi
}

# prepare PKG VERSION [CMD...]: make sure $srcdir/PKG_VERSION is the unpacked, patched source
# with its build system regenerated by CMD (run inside it), if given. Done once per version;
# the tree is only ever built out of tree, so both targets share it.
prepare() {
  local pkg=$1 ver=$2 tree=$srcdir/$1_$2 log=$work/$1-prepare.log
  shift 2
  [ -d "$tree" ] && return
  step "downloading and unpacking $pkg $ver"
  # Downloading as root keeps apt from switching to the _apt user, which cannot write here.
  run "$srcdir" "$log" apt-get source --download-only --only-source \
    -o APT::Sandbox::User=root "$pkg=$ver"
  # (An epoch, as in zlib's "1:1.2.13...", is not part of the file names.)
  run "$work" "$log" dpkg-source -x "$srcdir/${pkg}_${ver#*:}.dsc" "$pkg-src"
  if [ $# -gt 0 ]; then
    step "regenerating $pkg build system"
    run "$work/$pkg-src" "$log" "$@"
  fi
  mv "$work/$pkg-src" "$tree"
}
# Debian patches configure.ac, so configure is stale and make would try to regenerate it
# mid-build; regenerate it the way debian/rules does.
prepare util-linux "$ul_ver" ./autogen.sh
# kmod ships no configure at all; this is debian/rules' recipe.
prepare kmod "$kmod_ver" sh -c 'gtkdocize --docdir libkmod/docs && autoreconf -fi'
# e2fsprogs' configure is current (Debian's patch only touches mke2fs.conf.in, and its
# debian/rules skips autoreconf), so there is nothing to regenerate.
prepare e2fsprogs "$e2fs_ver"
[ -z "$zlib_ver" ] || prepare zlib "$zlib_ver"

# Small code; the per-function/-variable sections let the final link drop unused code with
# --gc-sections (the archives hold no debug info, since CFLAGS replaces autoconf's "-g -O2").
export CFLAGS="-Os -ffunction-sections -fdata-sections"
export CC=${cc:-$triplet-gcc} AR=$triplet-ar RANLIB=$triplet-ranlib
# Compiled-in paths (fstab, /run/mount, modprobe.d, ...) must be the system's, as in Debian.
common_cfg=(--prefix=/usr --sysconfdir=/etc --localstatedir=/var --runstatedir=/run)
[ "$target" = host ] || common_cfg+=(--host="$config_host")

stage=$prefix.tmp
rm -rf "$stage"
mkdir -p "$stage/lib" "$stage/include/blkid" "$stage/include/libmount" "$stage/sbin"

step "building util-linux $ul_ver for $target (libblkid, libmount)"
start=$SECONDS
b=$work/util-linux
mkdir "$b"
run "$b" "$b.log" "$srcdir/util-linux_$ul_ver/configure" "${common_cfg[@]}" \
  --disable-all-programs --enable-libblkid --enable-libmount \
  --disable-shared --enable-static --disable-nls \
  --without-selinux --without-udev --without-cryptsetup --without-systemd \
  --without-python --without-btrfs --without-econf
run "$b" "$b.log" make -j2 libblkid.la libmount.la
cp "$b/.libs/libblkid.a" "$b/.libs/libmount.a" "$stage/lib/"
cp "$b/libblkid/src/blkid.h" "$stage/include/blkid/"
cp "$b/libmount/src/libmount.h" "$stage/include/libmount/"
step "util-linux done in $((SECONDS - start))s"

step "building kmod $kmod_ver for $target (libkmod)"
start=$SECONDS
b=$work/kmod
mkdir "$b"
# kmod's configure refuses --enable-static, but its test suite links against the libtool
# convenience library libkmod-internal.la, built from the same sources as libkmod.so. Its
# archive is what we install: libtool already copied the objects of its dependency
# shared/libshared.la (hash, array, strbuf, util) into it, so it is complete on its own.
run "$b" "$b.log" "$srcdir/kmod_$kmod_ver/configure" "${common_cfg[@]}" \
  --disable-tools --disable-manpages --disable-test-modules \
  --without-zstd --without-xz --without-zlib --without-openssl
run "$b" "$b.log" make -j2 libkmod/libkmod-internal.la
cp "$b/libkmod/.libs/libkmod-internal.a" "$stage/lib/libkmod.a"
cp "$srcdir/kmod_$kmod_ver/libkmod/libkmod.h" "$stage/include/"
step "kmod done in $((SECONDS - start))s"

step "building e2fsprogs $e2fs_ver for $target (static e2fsck, mke2fs)"
start=$SECONDS
b=$work/e2fsprogs
mkdir "$b"
# Only the libraries and the two programs are built. The private libuuid/libblkid of
# e2fsprogs are used (--enable-*): self-contained, with no look-up of the build system's
# libraries through a pkg-config that might be the host's when cross compiling. They lack
# util-linux's topology probing, which only tunes mke2fs's alignment for RAID/DAX devices.
# libmagic (only used to describe a regular file that mke2fs is about to overwrite) is
# dlopen()ed, which a static program cannot do: ac_cv_lib_magic_magic_file=no keeps it out.
# These programs parse a possibly corrupt disk as root, so they get Debian's hardening
# (+1% size); --gc-sections drops the unused parts of libext2fs.
# mke2fs embeds misc/mke2fs.conf (Debian's patched one) as its default profile, used
# when /etc/mke2fs.conf is missing, as in the initramfs.
run "$b" "$b.log" "$srcdir/e2fsprogs_$e2fs_ver/configure" "${common_cfg[@]}" \
  CFLAGS="$CFLAGS -fstack-protector-strong" CPPFLAGS="-D_FORTIFY_SOURCE=2" \
  LDFLAGS="-Wl,--gc-sections" ac_cv_lib_magic_magic_file=no \
  --enable-libuuid --enable-libblkid --disable-nls --disable-backtrace \
  --disable-fuse2fs --disable-e2initrd-helper --disable-fsck --disable-uuidd \
  --disable-debugfs --disable-imager --disable-resizer --disable-defrag
run "$b" "$b.log" make -j2 libs
run "$b" "$b.log" make -j2 -C e2fsck e2fsck.static
run "$b" "$b.log" make -j2 -C misc mke2fs.static
for p in e2fsck/e2fsck misc/mke2fs; do
  "$triplet-strip" -o "$stage/sbin/${p#*/}" "$b/$p.static"
  # An initramfs has no dynamic loader or libraries. (No grep -q: under pipefail, readelf
  # killed by SIGPIPE after an early match would make the test pass.)
  if "$triplet-readelf" -l "$stage/sbin/${p#*/}" | grep INTERP >/dev/null; then
    die "$b/$p.static is not statically linked"
  fi
done
step "e2fsprogs done in $((SECONDS - start))s"

if [ -n "$zlib_ver" ]; then
  step "building zlib $zlib_ver for $target (libz, for Debian's libubootenv.a)"
  b=$work/zlib
  # zlib's own configure (not autoconf) builds in its source tree: build in a copy.
  cp -a "$srcdir/zlib_$zlib_ver" "$b"
  run "$b" "$b.log" ./configure --static --prefix=/usr
  run "$b" "$b.log" make -j2 libz.a
  cp "$b/libz.a" "$stage/lib/"
  cp "$b/zlib.h" "$b/zconf.h" "$stage/include/"
  # The musl compiler sees no /usr/include: the header of libubootenv-dev:arm64's libubootenv.a (a glibc
  # build, which the musl /init links; see lib/sys/glibc-fortify-compat.c) goes here too.
  cp /usr/include/aarch64-linux-gnu/libuboot.h "$stage/include/"
fi

echo "$stamp" >"$stage/.complete"
rm -rf "$prefix"
mv "$stage" "$prefix"
step "installed into $prefix: $(cd "$prefix/lib" && stat -c '%n %s bytes' -- *.a | paste -sd,)"
report_progs
