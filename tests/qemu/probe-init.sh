#!/bin/busybox sh
# shellcheck shell=sh
# Test probe: scripts/mkdisk.sh installs this file as /sbin/init of every test slot, so it
# is the "real init" that paios-init's /init hands over to. It reports what it finds as
# "PAIOS-TEST key=value" lines on the serial console (tests/qemu/lib.sh parses them) and
# powers the VM off, which makes qemu exit.
#
# The interpreter is /bin/busybox itself: the slot has no applet symlinks (only /bin/sh),
# and Debian's busybox shell runs applets without them (FEATURE_SH_STANDALONE). For most
# applets, mount included, it does so by re-executing /proc/self/exe, which only works
# once /proc is mounted; that is why the /proc mount below names /bin/busybox explicitly.
#
# No "set -e": a failing check must still lead to "PAIOS-TEST done" and the poweroff,
# otherwise PID 1 would exit and the kernel would panic instead of reporting.

# The initramfs is expected to move /dev /proc /sys /run into the new root. Mount them
# only if missing, and record which ones we had to mount so a test can see that.
self_mounted=
if [ ! -e /proc/self/mountinfo ]; then
	/bin/busybox mount -t proc -o nosuid,nodev,noexec proc /proc
	self_mounted="$self_mounted /proc"
fi

# Print field NAME (fstype, source, super = superblock options, options = per-mount
# options) of the topmost mount at mount point $1. Mountinfo line format:
#   id parent maj:min root mountpoint options [optional...] - fstype source super
mount_field() {
	awk -v mp="$1" -v want="$2" '
		$5 == mp {
			for (i = 7; i < NF && $i != "-"; i++) {}
			if (want == "options") v = $6
			else if (want == "fstype") v = $(i + 1)
			else if (want == "source") v = $(i + 2)
			else if (want == "super") v = $(i + 3)
			found = 1
		}
		END { if (found) print v; exit !found }' /proc/self/mountinfo
}

is_mounted() {
	mount_field "$1" fstype >/dev/null
}

if ! is_mounted /dev; then
	mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
	self_mounted="$self_mounted /dev"
fi
if ! is_mounted /sys; then
	mount -t sysfs -o nosuid,nodev,noexec sysfs /sys
	self_mounted="$self_mounted /sys"
fi
if ! is_mounted /run; then
	mount -t tmpfs -o nosuid,nodev,mode=0755 tmpfs /run
	self_mounted="$self_mounted /run"
fi

report() {
	echo "PAIOS-TEST $1=$2"
}

# List PID 1's open descriptors before redirecting our output, so what the initramfs left
# on fds 0-2, and any descriptor it leaked, shows. Expected besides 0 1 2: the shell's own
# handle on this script (fd 10 or above). The listing runs in a subshell because anything
# PID 1 itself opened for it (a command substitution pipe, a redirection) would be listed.
(
	# shellcheck disable=SC2012 # the names are numbers
	fds=$(ls /proc/1/fd | sort -n | tr '\n' ' ')
	fds=${fds% }
	targets=
	for fd in $fds; do
		targets="$targets $fd:$(readlink "/proc/1/fd/$fd")"
	done
	report fds "$fds"
	report fd-targets "${targets# }"
) >/dev/console 2>&1

# Write to the console device itself: the initramfs may have left fds 0-2 elsewhere.
exec </dev/console >/dev/console 2>&1

# The overlay's read-only lower layer, where paios-init mounts the slot.
lower=/run/paios/slot

report slot "$(cat /etc/slot-id)"
report pid "$$"
report argc "$#"
report args "$*"
report cmdline "$(cat /proc/cmdline)"
report self-mounted "${self_mounted# }"
report root-fstype "$(mount_field / fstype)"
report root-source "$(mount_field / source)"
report root-options "$(mount_field / super)"
# A module parameter given on the kernel command line (overlay.metacopy=Y) reaches the
# module only through whoever loaded it: the kernel leaves those to modprobe.
report overlay-metacopy "$(cat /sys/module/overlay/parameters/metacopy 2>/dev/null || echo absent)"

if [ -e /var/paios-marker ]; then
	report marker present
else
	report marker absent
fi
# Creating the marker shows whether the root is writable; the next boot shows whether
# what was written persisted.
if err=$(touch /var/paios-marker 2>&1); then
	report marker-write ok
else
	report marker-write "$err"
fi

if is_mounted "$lower"; then
	case ",$(mount_field "$lower" options)," in
	*,ro,*) report lower-ro yes ;;
	*) report lower-ro no ;;
	esac
	case ",$(mount_field "$lower" super)," in
	*,ro,*) report lower-sb-ro yes ;;
	*) report lower-sb-ro no ;;
	esac
	if err=$(touch "$lower/.paios-write-test" 2>&1); then
		rm -f "$lower/.paios-write-test"
		report write-lower ok
	else
		report write-lower "$err"
	fi
else
	report lower-ro not-mounted
	report lower-sb-ro not-mounted
	report write-lower not-mounted
fi

report run-mounts "$(awk '$5 == "/run" || index($5, "/run/") == 1 { printf "%s%s", sep, $5; sep = " " }' /proc/self/mountinfo)"
if [ -L /run/systemd/volatile-root ]; then
	report volatile-root "$(readlink /run/systemd/volatile-root)"
else
	report volatile-root absent
fi
# The old initramfs root is unreachable after switch_root; an /init in the new root would
# mean the initramfs was not switched away from (slots carry no /init of their own).
if [ -e /init ]; then
	report initramfs-left yes
else
	report initramfs-left no
fi

# --- persistent /data (paios-init's [data]) ---
# The boot record paios-init wrote, one line of JSON (tests/qemu/lib.sh: record_value).
if [ -r /run/paios/boot-record.json ]; then
	report record "$(cat /run/paios/boot-record.json)"
else
	report record absent
fi
report data-fstype "$(mount_field /data fstype || echo not-mounted)"
# RAUC's keyring: it must always be the slot's own (data.protected), never one from /data.
if [ -e /etc/rauc/keyring.pem ]; then
	report keyring "$(sha256sum </etc/rauc/keyring.pem | cut -d' ' -f1)"
	report keyring-text "$(head -n 1 /etc/rauc/keyring.pem)"
else
	report keyring absent
fi
if [ -d /etc/rauc ]; then
	if err=$(touch /etc/rauc/.paios-write-test 2>&1); then
		rm -f /etc/rauc/.paios-write-test
		report etc-rauc-write ok
	else
		report etc-rauc-write "$err"
	fi
fi
if [ -e /etc/machine-id ]; then
	report machine-id "$(cat /etc/machine-id)"
else
	report machine-id absent
fi
# /var/log is bound from /data (data.binds): a marker there persists even on a tmpfs upper.
if [ -L /var/log ]; then
	report var-log "link to $(readlink /var/log)"
elif [ -d /var/log ]; then
	report var-log directory
elif [ -e /var/log ]; then
	report var-log other
else
	report var-log absent
fi
if [ -e /var/log/paios-test/marker ]; then
	report log-marker present
else
	report log-marker absent
fi
if err=$( (mkdir -p /var/log/paios-test && touch /var/log/paios-test/marker) 2>&1); then
	report log-marker-write ok
else
	report log-marker-write "$err"
fi
# What an earlier boot's paios_test.write= left (the power-cut test compares the sums).
for f in /var/log/paios-test/f*; do
	[ -f "$f" ] || continue
	report "sum-${f##*/}" "$(sha256sum <"$f" | cut -d' ' -f1)"
done

echo "PAIOS-TEST mounts-begin"
while IFS= read -r line; do
	echo "PAIOS-TEST mountinfo: $line"
done </proc/self/mountinfo
echo "PAIOS-TEST mounts-end"

echo "PAIOS-TEST done"

# Actions asked for on the kernel command line (paios_test.*= words).
write_n=
for word in $(cat /proc/cmdline); do
	case $word in
	paios_test.write=*) write_n=${word#*=} ;;
	esac
done
# paios_test.write=N: N files of 64 KiB of random data in /var/log/paios-test/, each
# written with fsync (dd conv=fsync) and reported as "fsync-f<i>=<sha256>" then
# "fsynced=<i>" once durable; an unsynced file in between keeps more writes in flight.
# Then it sleeps, for the host to cut the power (kill qemu) at a moment of its choosing.
if [ -n "$write_n" ]; then
	mkdir -p /var/log/paios-test
	for i in $(seq 1 "$write_n"); do
		dd if=/dev/urandom of="/var/log/paios-test/u$i" bs=64k count=1 2>/dev/null
		if dd if=/dev/urandom of="/var/log/paios-test/f$i" bs=64k count=1 conv=fsync 2>/dev/null; then
			report "fsync-f$i" "$(sha256sum <"/var/log/paios-test/f$i" | cut -d' ' -f1)"
			report fsynced "$i"
		else
			report fsync-failed "$i"
		fi
	done
	report writes-done "$write_n"
	while :; do sleep 1000; done
fi
poweroff -f
