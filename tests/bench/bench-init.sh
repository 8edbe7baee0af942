#!/bin/busybox sh
# shellcheck shell=sh
# Benchmark probe: scripts/bench builds its disk with this file as /sbin/init of both slots
# (scripts/mkdisk.sh --init-script). It is the "real init" every initramfs under test hands
# over to; it marks the moment it runs, reports just enough to check the boot went where
# it should, and powers the VM off, which makes qemu exit.
#
# The anchor comes first and costs no process: "echo >/dev/kmsg" is a shell builtin, and
# the kernel stamps the line with the same clock as its own "Run /init as init process",
# so scripts/bench subtracts two timestamps of one clock. Every initramfs measured moves
# its devtmpfs into the new root, so /dev/kmsg is there; none moves /proc, so the
# /proc/uptime reading (CLOCK_BOOTTIME, the clock of the reference images' "ANCHOR start"
# and "ANCHOR switch") comes second, after mounting /proc if needed.
#
# No "set -e": a failing step must still lead to "PAIOS-TEST done" and the poweroff,
# otherwise PID 1 would exit and the kernel would panic instead of reporting.
B=/bin/busybox

if [ -w /dev/kmsg ]; then
	echo "<5>bench-init: ANCHOR init-kmsg" >/dev/kmsg
fi

self_mounted=
if [ ! -e /proc/uptime ]; then
	$B mount -t proc -o nosuid,nodev,noexec proc /proc
	self_mounted="$self_mounted /proc"
fi
read -r up _ </proc/uptime
if [ ! -e /dev/console ]; then
	$B mount -t devtmpfs -o nosuid,mode=0755 devtmpfs /dev
	self_mounted="$self_mounted /dev"
fi
exec </dev/console >/dev/console 2>&1

echo "ANCHOR init $up"
read -r slot </etc/slot-id
echo "PAIOS-TEST slot=$slot"
echo "PAIOS-TEST pid=$$"
echo "PAIOS-TEST self-mounted=${self_mounted# }"
# shellcheck disable=SC2016 # awk's own $ fields
echo "PAIOS-TEST root-fstype=$($B awk '$5 == "/" { for (i = 7; i < NF && $i != "-"; i++) {} t = $(i + 1) } END { print t }' /proc/self/mountinfo)"
echo "PAIOS-TEST done"
$B poweroff -f
