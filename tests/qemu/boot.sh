#!/bin/bash
# Boot one arm64 VM under qemu-system-aarch64 (TCG) and capture its serial console.
#
#   tests/qemu/boot.sh --kernel K --initrd I --disk D --append "ARGS" --log FILE
#                      [--timeout SECONDS] [--watchdog] [--smp N] [--mem MIB]
#                      [--snapshot] [--no-disk] [--disk-after SECONDS [--disk-after-line REGEX]]
#   tests/qemu/boot.sh --uboot --disk D --log FILE [--timeout SECONDS] [--watchdog] ...
#
# Direct kernel boot (the default): the kernel command line always starts with
# "console=ttyAMA0 panic=-1": together with qemu's -no-reboot, a kernel panic (immediate
# reboot) or any guest reboot makes qemu exit instead of booting again, so every run ends
# by itself or by the timeout.
#
# --uboot: the firmware is Debian's U-Boot for qemu (u-boot-qemu); its distro boot runs
# boot.scr from the disk's bootable FAT partition (scripts/mkdisk.sh --boot), which picks
# the slot and loads kernel and initramfs from it. There is no -no-reboot: a reboot, a
# panic with panic=N, a watchdog reset all start U-Boot again, as on a board, which is
# how the A/B fallback happens. Such a run ends when the guest powers off, or by the
# timeout; the console log holds every boot of the run, one U-Boot banner each.
#
# --disk-after: the disk is not there at power-on; qemu starts with a free PCIe root port
# and the disk is hot-plugged into it (drive_add + device_add on the qemu monitor, a unix
# socket) SECONDS later, as a slow or late storage device would appear. The guest sees a
# PCIe hotplug (pciehp) and then the uevents of the new virtio disk.
#
# Exit status: 0 if qemu exited by itself (poweroff, reboot, panic: read the log to tell
# which), 124 if the timeout stopped it, qemu's own status if it failed (e.g. bad options).
set -euo pipefail

usage() {
	cat <<'EOF'
Usage: tests/qemu/boot.sh --kernel K --initrd I --disk D --append "ARGS" --log FILE [options]
       tests/qemu/boot.sh --uboot --disk D --log FILE [options]

  --kernel FILE      arm64 kernel Image
  --initrd FILE      initramfs
  --disk FILE        raw disk image, attached as virtio-blk-pci (/dev/vda)
  --no-disk          attach no disk (then --disk is not needed)
  --uboot            boot U-Boot (-bios /usr/lib/u-boot/qemu_arm64/u-boot.bin, or
                     $PAIOS_UBOOT_BIN) instead of --kernel/--initrd/--append, and let
                     guest reboots restart it rather than end the run
  --snapshot         discard the guest's writes to the disk (qemu snapshot=on)
  --disk-after SECONDS
                     power on without the disk and hot-plug it SECONDS later into a
                     free PCIe root port (pciehp in the guest), through the qemu monitor
  --disk-after-line REGEX
                     with --disk-after: start those SECONDS when a console line matches
                     extended REGEX (e.g. the init saying it waits), not at power-on; if
                     no line matches, the disk never comes
  --append "ARGS"    kernel arguments after "console=ttyAMA0 panic=-1"
  --log FILE         serial console output (overwritten)
  --timeout SECONDS  stop qemu after this long (default 60); exit status 124
  --watchdog         add an i6300esb watchdog whose expiry resets the VM (which ends
                     the run, except under --uboot)
  --smp N            CPUs (default 2)
  --mem MIB          memory (default 512)
EOF
}

die() {
	echo "boot.sh: $*" >&2
	exit 2
}

uboot_bin=${PAIOS_UBOOT_BIN:-/usr/lib/u-boot/qemu_arm64/u-boot.bin}
kernel='' initrd='' disk='' append='' append_set=no log=''
timeout=60 smp=2 mem=512 watchdog=no snapshot=no use_disk=yes uboot=no
disk_after='' disk_after_line=''
while [ $# -gt 0 ]; do
	case $1 in
	--help) usage; exit 0 ;;
	--uboot) uboot=yes; shift; continue ;;
	--watchdog) watchdog=yes; shift; continue ;;
	--snapshot) snapshot=yes; shift; continue ;;
	--no-disk) use_disk=no; shift; continue ;;
	--kernel | --initrd | --disk | --append | --log | --timeout | --smp | --mem | --disk-after | --disk-after-line)
		[ $# -ge 2 ] || die "$1 needs a value" ;;
	*) die "unknown option $1 (see --help)" ;;
	esac
	case $1 in
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--disk) disk=$2 ;;
	--append) append=$2 append_set=yes ;;
	--log) log=$2 ;;
	--timeout) timeout=$2 ;;
	--smp) smp=$2 ;;
	--mem) mem=$2 ;;
	--disk-after) disk_after=$2 ;;
	--disk-after-line) disk_after_line=$2 ;;
	esac
	shift 2
done

if [ "$uboot" = yes ]; then
	# boot.scr on the disk chooses kernel, initramfs and command line.
	if [ -n "$kernel$initrd" ] || [ "$append_set" = yes ]; then
		die "--uboot takes no --kernel, --initrd or --append (boot.scr sets them; see scripts/uboot/README.md)"
	fi
	[ "$use_disk" = yes ] || die "--uboot needs a --disk to boot from"
	[ -f "$uboot_bin" ] || die "U-Boot $uboot_bin missing: run scripts/install-deps.sh (u-boot-qemu)"
else
	[ -f "$kernel" ] || die "--kernel: no such file: '$kernel'"
	[ -f "$initrd" ] || die "--initrd: no such file: '$initrd'"
fi
[ -n "$log" ] || die "--log is required"
if [ "$use_disk" = yes ]; then
	[ -f "$disk" ] || die "--disk: no such file: '$disk' (or use --no-disk)"
fi
[[ $timeout =~ ^[1-9][0-9]*$ ]] || die "--timeout: not a positive number of seconds: $timeout"
if [ -n "$disk_after" ]; then
	[[ $disk_after =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--disk-after: not a number of seconds: $disk_after"
	[ "$use_disk" = yes ] || die "--disk-after needs a --disk to hot-plug"
	[ "$uboot" = no ] || die "--disk-after and --uboot: U-Boot boots from the disk, it must be there"
elif [ -n "$disk_after_line" ]; then
	die "--disk-after-line needs --disk-after"
fi

# qemu splits option values at commas; a literal comma in a path is written as ",,".
qemu_path() {
	printf '%s' "${1//,/,,}"
}

args=(
	-M virt -cpu cortex-a57 -smp "$smp" -m "$mem"
	# No display; serial and monitor are set explicitly below, so nothing uses stdio.
	-nographic
	# No network: the tests need none, and qemu's default NIC wants a boot ROM file
	# (efi-virtio.rom, package ipxe-qemu) that a minimal install lacks.
	-nic none
	-chardev "file,id=serial0,path=$(qemu_path "$log")" -serial chardev:serial0
)
if [ "$uboot" = yes ]; then
	# U-Boot in the boot flash; it boots what its distro boot finds on the disk, and a
	# guest reset restarts it (no -no-reboot).
	args+=(-bios "$uboot_bin")
else
	args+=(
		-no-reboot
		-kernel "$kernel" -initrd "$initrd"
		-append "console=ttyAMA0 panic=-1${append:+ $append}"
	)
fi
monitor_dir=''
if [ "$use_disk" = yes ]; then
	drive="file=$(qemu_path "$disk"),format=raw,if=none,id=hd0"
	[ "$snapshot" = no ] || drive+=",snapshot=on"
	if [ -z "$disk_after" ]; then
		# virtio-blk over PCI rather than MMIO, as on the targets: the initramfs must load
		# virtio_pci before the disk appears.
		args+=(-drive "$drive" -device "virtio-blk-pci,drive=hd0")
	else
		# A PCIe root port with an empty, hotplug-capable slot (the kernel reserves bus
		# space behind it for what may come) and the monitor the disk is plugged in by.
		monitor_dir=$(mktemp -d "${TMPDIR:-/tmp}/paios-boot.XXXXXX")
		args+=(-device "pcie-root-port,id=hp,bus=pcie.0,chassis=1,slot=1"
			-monitor "unix:$(qemu_path "$monitor_dir/monitor"),server=on,wait=off")
	fi
fi
[ -n "$monitor_dir" ] || args+=(-monitor none)
if [ "$watchdog" = yes ]; then
	# "reset" plus -no-reboot: an expired watchdog ends the run like a panic does; under
	# --uboot it restarts U-Boot, as the board's watchdog would.
	args+=(-device i6300esb -watchdog-action reset)
fi

# monitor SOCKET COMMAND...: run HMP commands on qemu's monitor socket (perl is Essential on
# Debian, socat and nc are not), their output to stderr; status 1 if one reports an error.
monitor() {
	perl -MIO::Socket::UNIX -e '
		my ($path, @cmds) = @ARGV;
		alarm 20;
		my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM(), Peer => $path) or die "connect $path: $!\n";
		sub prompt { my $buf = ""; while ($buf !~ /\(qemu\) $/) {
			sysread($s, my $chunk, 4096) or die "monitor closed\n"; $buf .= $chunk } $buf }
		prompt();
		my $bad = 0;
		for my $c (@cmds) {
			print $s "$c\n";
			my $out = prompt();
			$out =~ s/\e\[[0-9;]*[A-Za-z]//g; $out =~ s/\r//g; $out =~ s/\(qemu\) $//;
			$out =~ s/^.*\n// if index($out, "\n") >= 0; # the echo of the command
			$out =~ s/\s+$//;
			print STDERR "boot.sh: monitor: $c", ($out eq "" ? "" : " -> $out"), "\n";
			$bad = 1 if $out =~ /error|could not|failed|duplicate|not found/i;
		}
		exit $bad;' "$@"
}

# hotplug_disk: in the background while qemu runs: wait for the start line (if any), then
# --disk-after seconds, then plug the disk into the root port.
hotplug_disk() {
	local since=$start what="power-on"
	if [ -n "$disk_after_line" ]; then
		until [ -f "$log" ] && tr -d '\r' <"$log" | grep -E -- "$disk_after_line" >/dev/null; do
			sleep 0.1
		done
		since=$EPOCHREALTIME what="the line /$disk_after_line/"
	fi
	sleep "$disk_after"
	until [ -S "$monitor_dir/monitor" ]; do sleep 0.1; done
	if monitor "$monitor_dir/monitor" "drive_add 0 $drive" "device_add virtio-blk-pci,drive=hd0,bus=hp,id=hotdisk"; then
		awk -v s="$since" -v e="$EPOCHREALTIME" -v w="$what" \
			'BEGIN { printf "boot.sh: disk hot-plugged %.1fs after %s\n", e - s, w }' >&2
	else
		echo "boot.sh: hot-plugging the disk failed" >&2
	fi
}

echo "boot.sh: qemu-system-aarch64 ${args[*]}" >&2
start=$EPOCHREALTIME
status=0
plugger=''
if [ -n "$disk_after" ]; then
	: >"$log" # the console log of an earlier run must not start the clock
	hotplug_disk &
	plugger=$!
fi
# --kill-after: qemu normally exits promptly on SIGTERM, but never let a hung one linger.
timeout --kill-after=10 "$timeout" qemu-system-aarch64 "${args[@]}" </dev/null || status=$?
end=$EPOCHREALTIME
if [ -n "$plugger" ]; then
	# qemu ended before the disk was due (or the line never came): stop waiting for it
	kill "$plugger" 2>/dev/null || true
	wait "$plugger" 2>/dev/null || true
	rm -rf "$monitor_dir"
fi
wall=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')

case $status in
0) echo "boot.sh: qemu exited by itself after ${wall}s" >&2 ;;
124 | 137)
	# 137 (SIGKILL): qemu ignored the timeout's SIGTERM and --kill-after struck.
	status=124
	echo "boot.sh: timeout: stopped qemu after ${wall}s" >&2
	;;
*) echo "boot.sh: qemu failed with status $status after ${wall}s" >&2 ;;
esac
exit "$status"
