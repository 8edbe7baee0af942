#!/bin/bash
# Build the paios demo image (Debian bookworm arm64, systemd, RAUC, paios-init's initramfs)
# on a Debian 12 x86-64 host, as root, with the tools the debos recipe paios.yaml calls:
#
#   mmdebstrap (arm64; maintainer scripts run under qemu-user through binfmt_misc)
#     -> customize.sh (configuration, keyring, health check)
#     -> assemble.sh: mkinitramfs, kernel Image, mke2fs -d rootfs.ext4, rauc bundle
#
#   scripts/image/build-image.sh [options]
#
# Options:
#   --cache DIR          default ${PAIOS_CACHE:-/var/cache/paios-init}/image
#   --version VER        bundle version (default: the project version + the inputs' hash)
#   --rootfs-size MIB    size of rootfs.ext4 (default auto: the tree plus headroom)
#   --refresh            rebuild the mmdebstrap base and the outputs even when the inputs
#                        are unchanged (to pick up new Debian packages)
#   --debos              build with debos --disable-fakemachine scripts/image/paios.yaml
#                        instead of mmdebstrap (debootstrap + apt; same customize/assemble)
#   --stage-inputs DIR   only stage what the recipe needs (the aarch64 /init, the static
#                        e2fsck/mke2fs, mkinitramfs, system.conf, hooks, test keys,
#                        provider package) into DIR, for a hand-run debos (see paios.yaml)
#   --build-dir DIR      the aarch64 cmake build tree (default: <clone>/build-aarch64)
#   -h, --help
#
# Outputs go to DIR/<hash of all inputs>/ (DIR/latest links to the last one): rootfs.ext4,
# paios-good.raucb, paios-bad.raucb (rootfs whose /sbin/init hangs), paios-otherkey.raucb
# (signed by another CA: must be rejected), Image, initrd.img, keyring.pem,
# other-keyring.pem, times.txt, env.sh. stdout gets env.sh (shell assignments, for eval);
# progress and the phase timings go to stderr. A rerun with unchanged inputs only prints.
# The mmdebstrap result is cached apart (DIR/base/<hash>.tar), keyed by the package list,
# sources.list and the provider package, so changing the hooks or /init redoes only the
# quick steps. The test PKI is made once in DIR/keys (scripts/image/mkkeys.sh).
set -euo pipefail

prog=build-image
die() { echo "$prog: error: $*" >&2; exit 1; }
say() { echo "$prog: $*" >&2; }
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cache=${PAIOS_CACHE:-/var/cache/paios-init}/image
version_opt='' rootfs_size=auto refresh=no builder=mmdebstrap stage_only='' build_dir=$root/build-aarch64
while [ $# -gt 0 ]; do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --refresh) refresh=yes; shift; continue ;;
    --debos) builder=debos; shift; continue ;;
    --cache | --version | --rootfs-size | --stage-inputs | --build-dir)
      [ $# -ge 2 ] || die "$1 needs a value" ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
  case $1 in
    --cache) cache=$2 ;;
    --version) version_opt=$2 ;;
    --rootfs-size) rootfs_size=$2 ;;
    --stage-inputs) stage_only=$2 ;;
    --build-dir) build_dir=$2 ;;
  esac
  shift 2
done
[ "$(id -u)" = 0 ] || die "run as root (mmdebstrap, chroot, device nodes in the rootfs)"
[[ $rootfs_size = auto || $rootfs_size =~ ^[1-9][0-9]*$ ]] || die "--rootfs-size: auto or MiB, not $rootfs_size"
cache=$(realpath -m "$cache")
keys=$cache/keys

need() {
  local t
  for t in "$@"; do command -v "$t" >/dev/null || die "'$t' not found: run scripts/install-deps.sh"; done
}
need cmake aarch64-linux-gnu-gcc openssl dpkg-deb sha256sum depmod modprobe cpio zstd file \
  mke2fs debugfs e2fsck rauc mksquashfs
[ "$builder" = mmdebstrap ] && need mmdebstrap
[ "$builder" = debos ] && need debos debootstrap

# now: seconds since the epoch, with fractions; secs_since T0: elapsed, one decimal
now() { echo "$EPOCHREALTIME"; }
secs_since() { awk -v s="$1" -v e="$EPOCHREALTIME" 'BEGIN { printf "%.1f", e - s }'; }

# arm64 maintainer scripts (and chroot calls) run through qemu-user: binfmt_misc must be
# mounted and qemu-aarch64 registered (qemu-user-static, binfmt-support; flag F, so the
# interpreter works inside the chroot too).
ensure_binfmt() {
  local bm=/proc/sys/fs/binfmt_misc
  if [ ! -e "$bm/status" ]; then
    mount -t binfmt_misc binfmt_misc "$bm" || die "cannot mount binfmt_misc"
  fi
  if [ ! -e "$bm/qemu-aarch64" ]; then
    need update-binfmts
    update-binfmts --enable qemu-aarch64 || die "update-binfmts --enable qemu-aarch64 failed"
  fi
  grep -qx enabled "$bm/qemu-aarch64" || die "$bm/qemu-aarch64 is registered but disabled"
}

# The package list lives once, in the debos recipe's apt action: one "- name" a line.
recipe_packages() {
  awk '/^  - action:/ { apt = ($3 == "apt") ; inpk = 0; next }
       apt && /^    packages:/ { inpk = 1; next }
       inpk && /^[ \t]*#/ { next }
       inpk && /^      - / { print $2; next }
       inpk { inpk = 0 }' "$here/paios.yaml"
}

# provider_deb OUT: an empty package that Provides linux-initramfs-tool, so installing
# linux-image-arm64 does not pull initramfs-tools (which would build an initramfs nobody
# uses, slowly, under qemu-user). Reproducible bytes: fixed mtime and owners.
provider_control() {
  cat <<'EOF'
Package: paios-initramfs
Version: 1.0
Architecture: all
Maintainer: paios-init <paios-init@localhost>
Provides: linux-initramfs-tool
Priority: optional
Section: admin
Description: initramfs provider of the paios image (paios-init's mkinitramfs)
 The image's initramfs is built outside the image by paios-init's scripts/mkinitramfs;
 this package only satisfies the kernel's dependency on an initramfs tool.
EOF
}
provider_deb() {
  local out=$1 d
  d=$(mktemp -d)
  mkdir -p "$d/DEBIAN"
  provider_control >"$d/DEBIAN/control"
  find "$d" -exec touch -h -d @1700000000 {} +
  SOURCE_DATE_EPOCH=1700000000 dpkg-deb --root-owner-group -Zxz --build "$d" "$out" >/dev/null
  rm -rf "$d"
}

# stage_inputs DIR: everything customize.sh and assemble.sh take from the clone.
stage_inputs() {
  local dir=$1 t0
  t0=$(now)
  rm -rf "$dir"
  mkdir -p "$dir/keys" "$dir/hooks"
  say "building the aarch64 /init in $build_dir"
  cmake -S "$root" -B "$build_dir" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/aarch64-linux-gnu.cmake" \
    -DBUILD_TESTING=OFF >"$dir/.cmake.log" 2>&1 || { tail -n 20 "$dir/.cmake.log" >&2; die "cmake configure failed"; }
  cmake --build "$build_dir" -j"$(nproc)" >>"$dir/.cmake.log" 2>&1 ||
    { tail -n 20 "$dir/.cmake.log" >&2; die "cmake build failed"; }
  rm -f "$dir/.cmake.log"
  file -b "$build_dir/init.stripped" | grep -q 'ARM aarch64.*statically linked' ||
    die "$build_dir/init.stripped is not a static aarch64 executable"
  install -m 0755 "$build_dir/init.stripped" "$dir/init"
  # The static e2fsck and mke2fs for the initramfs (check /data, format a blank one):
  # scripts/build-static-deps.sh builds them with the libraries, at the aarch64 configure
  # above, into the deps directory that configure used.
  local deps p
  deps=$(sed -n 's/^PAIOS_DEPS_DIR:[A-Z]*=//p' "$build_dir/CMakeCache.txt")
  [ -n "$deps" ] || die "$build_dir/CMakeCache.txt names no PAIOS_DEPS_DIR"
  for p in e2fsck mke2fs; do
    file -b "$deps/sbin/$p" 2>/dev/null | grep -q 'ARM aarch64.*statically linked' ||
      die "$deps/sbin/$p is missing or not a static aarch64 program (scripts/build-static-deps.sh --target aarch64)"
    install -D -m 0755 "$deps/sbin/$p" "$dir/e2fsprogs/sbin/$p"
  done
  install -m 0755 "$root/scripts/mkinitramfs" "$dir/mkinitramfs"
  # what mkinitramfs builds its configuration compiler from (mkinitramfs --source)
  install -D -m 0644 -t "$dir/src/lib" "$root"/lib/*.c "$root"/lib/*.h
  install -D -m 0644 -t "$dir/src/init" "$root/init/compile-config.c"
  install -D -m 0755 -t "$dir/src/scripts" "$root/scripts/config-abi.sh"
  install -m 0644 "$root/initramfs/system.conf" "$dir/system.conf"
  install -m 0644 "$root/initramfs/paios-init.conf" "$dir/paios-init.conf"
  cp -p "$root/hooks/"* "$dir/hooks/"
  "$here/mkkeys.sh" "$keys"
  cp -p "$keys"/*.pem "$dir/keys/"
  provider_deb "$dir/paios-initramfs.deb"
  (cd "$root" && git describe --always --dirty 2>/dev/null || echo unknown) >"$dir/source-revision"
  say "staged inputs in $dir ($(secs_since "$t0") s)"
}

# hash_files DIR...: one hash over the paths and contents of all files below the DIRs
hash_files() {
  local d
  for d in "$@"; do
    (cd "$d" && find . \( -type f -o -type l \) ! -name source-revision ! -name '*.md' -print0 | LC_ALL=C sort -z |
      xargs -0 sha256sum)
  done | sha256sum | cut -c1-64
}

mkdir -p "$cache"
if [ -n "$stage_only" ]; then
  stage_inputs "$(realpath -m "$stage_only")"
  exit 0
fi

exec 9>"$cache/.lock"
flock -n 9 || { say "another build holds $cache/.lock; waiting"; flock 9; }

work=$(mktemp -d "$cache/work.XXXXXX")
cleanup() {
  if [ -n "${base_pid:-}" ]; then
    say "stopping the background mmdebstrap"
    kill "$base_pid" 2>/dev/null || true
    wait "$base_pid" 2>/dev/null || true
  fi
  # a failed build leaves no half output (the logs are in $cache/base/ and $cache/last-*.log)
  if [ -n "${stage:-}" ] && [ -d "$stage" ] && [ ! -f "$stage/.complete" ]; then
    rm -rf "$stage"
  fi
  # a chroot left mounted by an interrupted debos run must not be deleted through
  if findmnt -rn -o TARGET | grep -q "^$work/"; then
    say "mounts left under $work: not removing it"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT
trap 'exit 143' TERM INT # so that cleanup runs

# --- the base: mmdebstrap, in the background while /init builds --------------------------
read -r -a packages <<<"$(recipe_packages | tr '\n' ' ')"
[ ${#packages[@]} -gt 0 ] || die "no packages found in $here/paios.yaml's apt action"
base_key=$( {
  echo "base-rev 2 arm64 minbase merged-usr eatmydata"
  echo "packages ${packages[*]}"
  grep -v '^#' "$here/sources.list"
  provider_control
} | sha256sum | cut -c1-16)
mkdir -p "$cache/base"
base=$cache/base/$base_key.tar
base_log=$cache/base/$base_key.log

# build_base: mmdebstrap into $base; "rootfs:mmdebstrap SECONDS" into $work/base.time
build_base() {
  local t0
  t0=$(now)
  # merged-usr hook: the merged /usr is laid out before dpkg runs (as debootstrap
  # --merged-usr does for debos), instead of the usrmerge package converting the tree
  # under qemu-user and pulling perl into the image.
  # eatmydata hook: dpkg inside the chroot skips its fsync()s (removed again at the end).
  # file-mirror-automount hook: the .deb given by path must be visible inside the chroot;
  # the hook copies it in and removes it afterwards. It comes first, so that apt sees
  # linux-initramfs-tool provided when it resolves the kernel's dependencies.
  if ! mmdebstrap --variant=minbase --architectures=arm64 --mode=root --format=tar \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --hook-dir=/usr/share/mmdebstrap/hooks/eatmydata \
    --hook-dir=/usr/share/mmdebstrap/hooks/file-mirror-automount \
    --include="$work/paios-initramfs.deb" --include="${packages[*]}" \
    bookworm "$base.tmp" - <"$here/sources.list" >"$base_log" 2>&1; then
    rm -f "$base.tmp"
    return 1
  fi
  mv -f "$base.tmp" "$base"
  echo "rootfs:mmdebstrap $(secs_since "$t0")" >"$work/base.time"
}

base_pid=''
if [ "$builder" = mmdebstrap ] && { [ ! -f "$base" ] || [ "$refresh" = yes ]; }; then
  ensure_binfmt
  provider_deb "$work/paios-initramfs.deb"
  say "mmdebstrap: bookworm arm64 minbase + ${packages[*]} (in the background; log: $base_log)"
  build_base &
  base_pid=$!
fi
# wait_base: wait for the background mmdebstrap, if any; fail if it failed
wait_base() {
  [ -n "$base_pid" ] || return 0
  local pid=$base_pid
  base_pid=''
  if ! wait "$pid"; then
    tail -n 30 "$base_log" >&2
    die "mmdebstrap failed (log: $base_log)"
  fi
  say "mmdebstrap done: $base"
}

# --- the inputs and their hash ---------------------------------------------------------
inputs=$work/inputs
stage_inputs "$inputs"
key=$( {
  echo "builder $builder base $base_key size $rootfs_size version ${version_opt:-default}"
  hash_files "$inputs" "$here"
} | sha256sum | cut -c1-16)
project_version=$(sed -n 's/^project(paios-init VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
version=${version_opt:-${project_version:-0}+$key}
out=$cache/$key
tag=$builder-$key

print_result() {
  say "phase timings of the build of $out:"
  awk '{ printf "  %-40s %7.1f s\n", $1, $2 }' "$out/times.txt" >&2
  say "rootfs.ext4: $(($(stat -c %s "$out/rootfs.ext4") / 1048576)) MiB (apparent), $(du -m "$out/rootfs.ext4" | cut -f1) MiB used;" \
    "bundles: $(cd "$out" && for b in *.raucb; do printf '%s %s MiB, ' "$b" "$(($(stat -c %s "$b") / 1048576))"; done)"
  ln -sfn "$key" "$cache/latest"
  cat "$out/env.sh"
}

if [ -f "$out/.complete" ] && [ "$refresh" = no ]; then
  wait_base
  say "inputs unchanged ($tag): $out is up to date"
  print_result
  exit 0
fi

# --- build -------------------------------------------------------------------------------
stage=$out.tmp
rm -rf "$stage"
mkdir -p "$stage"
rootdir=$work/rootfs

if [ "$builder" = mmdebstrap ]; then
  if [ -n "$base_pid" ]; then
    wait_base
    cat "$work/base.time" >>"$stage/times.txt" # its own wall time, from its start
  else
    say "mmdebstrap base $base_key cached: $base"
    echo "rootfs:mmdebstrap(cached) 0.0" >>"$stage/times.txt"
  fi
  t0=$(now)
  mkdir -p "$rootdir"
  tar --xattrs --xattrs-include='*' --numeric-owner -xpf "$base" -C "$rootdir"
  "$here/customize.sh" "$rootdir" "$inputs"
  echo "rootfs:extract+customize $(secs_since "$t0")" >>"$stage/times.txt"
  "$here/assemble.sh" --rootdir "$rootdir" --inputs "$inputs" --output "$stage" --final-dir "$out" \
    --version "$version" --rootfs-size "$rootfs_size"
else
  ensure_binfmt
  # debos reads its inputs from the artifact directory (see paios.yaml) and makes its
  # scratch directory .debos-* in the current directory: run it in $work.
  cp -a "$inputs" "$stage/inputs"
  say "debos --disable-fakemachine $here/paios.yaml (log: $cache/last-debos.log)"
  t0=$(now)
  status=0
  (cd "$work" && PAIOS_IMAGE_FINAL_DIR=$out debos --disable-fakemachine --artifactdir "$stage" \
    -t "version:$version" -t "rootfs_size:$rootfs_size" "$here/paios.yaml") >"$cache/last-debos.log" 2>&1 || status=$?
  rm -rf "$stage/inputs"
  [ $status = 0 ] || { tail -n 40 "$cache/last-debos.log" >&2; die "debos failed ($status), log: $cache/last-debos.log"; }
  # assemble.sh recorded its own phases; the rest of debos' time is the rootfs
  asm=$(awk '{ s += $2 } END { printf "%.1f", s }' "$stage/times.txt")
  echo "rootfs:debos(debootstrap+apt+customize) $(awk -v t="$(secs_since "$t0")" -v a="$asm" 'BEGIN { printf "%.1f", t - a }')" \
    >>"$stage/times.txt"
fi

touch "$stage/.complete"
rm -rf "$out"
mv "$stage" "$out"

# keep the cache bounded: the 2 newest outputs and the 2 newest bases (never the new one)
prune() {
  local dir=$1 regex=$2 keep=$3 f
  find "$dir" -mindepth 1 -maxdepth 1 -regextype posix-extended -regex ".*/$regex" -printf '%T@ %p\n' |
    sort -rn | tail -n +$((keep + 1)) | while read -r _ f; do
      [ "$f" = "$out" ] || [ "$f" = "${base:-}" ] || { say "pruning $f"; rm -rf "$f"; }
    done
}
prune "$cache" '[0-9a-f]{16}' 2
prune "$cache/base" '[0-9a-f]{16}\.tar' 2
prune "$cache/base" '[0-9a-f]{16}\.log' 4
print_result
