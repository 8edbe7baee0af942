# shellcheck shell=sh
# The guest half of the system test: run by the image's agent (paios-systest.service,
# scripts/image/systest/) as /bin/sh, from qemu's fw_cfg. tests/system/run.sh writes the
# file the guest gets: a few assignments (SYSTEST_RUN, SYSTEST_ID), then this script.
#
# Each boot runs one stage, chosen by the run, the booted slot and what earlier stages
# left in /data/paios-systest/:
#
#   run update    slot A  a-first         checks 1-4, writes the payload to /data, the
#                                         other-key bundle is rejected, installs the good
#                                         bundle into B, reboots
#                 slot B  b-updated       checks 1-4 on the updated slot, powers off
#   run rollback  slot B  b-install-bad   checks, paios_extra_args (short watchdog),
#                                         installs the bad bundle into A, reboots
#                         b-rolled-back   (after A's three watchdog resets) checks, A is
#                                         bad, powers off
#
# Every result is a console line (/dev/console = ttyAMA0, which the host records):
#
#   PAIOS-SYS stage NAME begin slot=X | PAIOS-SYS stage NAME end ok|failed
#   PAIOS-SYS ok CHECK: detail        | PAIOS-SYS FAIL CHECK: detail
#   PAIOS-SYS value KEY=VALUE         (compared by the host across boots)
#   PAIOS-SYS mark NAME               (host time stamps: phase timings)
#   PAIOS-SYS log LABEL: text         (diagnostics)
#   PAIOS-SYS action reboot|poweroff
#
# A stage with a FAIL powers off instead of going on, so a broken run ends at once.
# Uses only what the image has: dash, coreutils, util-linux, systemd, rauc, fw_printenv.
set -u
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C

state=/data/paios-systest
media=/run/paios-systest/media
failed=0
stage=none

out() {
	# one write() per line, the console opened anew each time (a getty's vhangup on the
	# tty must not cut the agent off); a copy for the journal
	echo "PAIOS-SYS $*" >/dev/console
	echo "PAIOS-SYS $*"
}
ok() { out "ok $1: $2"; }
bad() {
	out "FAIL $1: $2"
	failed=1
}
value() { out "value $1=$2"; }
mark() { out "mark $1"; }
# log LABEL FILE: FILE's lines as diagnostics (at most 60)
log() {
	head -n 60 "$2" | while IFS= read -r line; do out "log $1: $line"; done
}
# check NAME DETAIL CMD...: ok if CMD succeeds, else FAIL
check() {
	name=$1 detail=$2
	shift 2
	if "$@"; then ok "$name" "$detail"; else bad "$name" "$detail"; fi
}
# verdict NAME DETAIL STATUS: ok if STATUS (the $? of a condition just tested) is 0
verdict() { if [ "$3" = 0 ]; then ok "$1" "$2"; else bad "$1" "$2"; fi; }
now() { cut -d' ' -f1 /proc/uptime; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

finish() { # ACTION: end the stage, then reboot or power off (power off after a FAIL)
	action=$1
	if [ "$failed" = 0 ]; then
		out "stage $stage end ok"
	else
		out "stage $stage end failed"
		action=poweroff
	fi
	sync
	out "action $action"
	systemctl --no-block "$action"
	exit 0
}
fatal() { # CHECK DETAIL: a failure after which the stage cannot go on
	bad "$1" "$2"
	finish poweroff
}

env_get() { fw_printenv -n "$1" 2>/dev/null; }

# --- 1. systemd reached its default target; the early boot left nothing failed ----------
# Units whose failure would point at the early boot that paios-init prepared: the API
# file systems, /run, /dev, machine-id, the read-only slot under the overlay, the mounts.
early_units='^(-\.mount|run-.*|dev-.*|sys-.*|proc-.*|tmp\.mount|.*\.swap|local-fs(-pre)?\.target|sysinit\.target|systemd-(remount-fs|tmpfiles-setup(-dev)?|tmpfiles-clean|machine-id-commit|journald|journal-flush|journal-catalog-update|udevd|udev-trigger|udev-settle|sysusers|fsck-root|fsck@.*|random-seed|update-utmp|update-done|firstboot|modules-load|sysctl|binfmt|boot-system-token|pcrmachine|hwdb-update)\.service)$'
check_systemd() {
	t0=$(now)
	sys_state=$(timeout 300 systemctl is-system-running --wait 2>&1)
	mark default-target
	value systemd-state "$sys_state"
	value boot-uptime "$t0"
	systemd-analyze time 2>/dev/null | head -n 1 >/run/paios-systest/analyze
	log systemd-analyze /run/paios-systest/analyze
	systemctl --failed --plain --no-legend --no-pager 2>/dev/null | awk '{ print $1 }' >/run/paios-systest/failed
	failed_units=$(tr '\n' ' ' </run/paios-systest/failed)
	value failed-units "${failed_units:-none}"
	for u in $failed_units; do
		systemctl status --no-pager -n 15 "$u" >/run/paios-systest/unit 2>&1
		log "$u" /run/paios-systest/unit
	done
	case $sys_state in
	running) ok systemd-state "running, no failed unit" ;;
	degraded)
		early=$(grep -E "$early_units" /run/paios-systest/failed | tr '\n' ' ')
		if [ -n "$early" ]; then
			bad systemd-state "degraded, failed early-boot units: $early"
		else
			ok systemd-state "degraded, failed units (none from the early boot): $failed_units"
		fi
		;;
	*) bad systemd-state "systemctl is-system-running: $sys_state (failed units: ${failed_units:-none})" ;;
	esac
	journalctl -b -p err --no-pager -o short-monotonic -q >/run/paios-systest/errors 2>&1
	log journal-err /run/paios-systest/errors
	# generators run before any unit: one that fails leaves no failed unit, only this line
	gens=$(journalctl -b -o cat --no-pager -q 2>/dev/null | grep -v PAIOS-SYS | grep -E 'system-generators/[^ ]+ failed' | tr '\n' ';')
	gens=${gens%;}
	check generators "${gens:-no generator failed}" test -z "$gens"
	value volatile-root "$(readlink /run/systemd/volatile-root 2>/dev/null || echo none)"

	# the early boot's results, as systemd found them
	check root-overlay "/ is $(findmnt -n -o FSTYPE /)" test "$(findmnt -n -o FSTYPE /)" = overlay
	slot_src=$(findmnt -n -o SOURCE /run/paios/slot)
	slot_opts=$(findmnt -n -o OPTIONS /run/paios/slot)
	slot_dev=$(readlink -f "$(slot_device "$1")")
	[ -n "$slot_src" ] && [ "$slot_src" = "$slot_dev" ] && case ",$slot_opts," in *,ro,*) true ;; *) false ;; esac
	verdict slot-read-only "/run/paios/slot: $slot_src ($slot_opts), slot $1 is $slot_dev" $?
	! touch /run/paios/slot/.paios-systest 2>/dev/null
	verdict slot-not-writable "touch on the slot mount fails" $?
	echo x >/etc/.paios-systest && rm /etc/.paios-systest
	verdict root-writable "a file can be created in /etc (overlay upper)" $?
	check run-tmpfs "/run is $(findmnt -n -o FSTYPE /run)" test "$(findmnt -n -o FSTYPE /run)" = tmpfs
	check dev-devtmpfs "/dev is $(findmnt -n -o FSTYPE /dev)" test "$(findmnt -n -o FSTYPE /dev)" = devtmpfs
	data_src=$(findmnt -n -o SOURCE /data)
	data_dev=$(readlink -f /dev/disk/by-partlabel/data)
	if [ -n "$data_src" ] && [ "$data_src" = "$data_dev" ] && [ "$(findmnt -n -o FSTYPE /data)" = ext4 ] &&
		findmnt -n -O rw /data >/dev/null; then
		ok data-mounted "/data: $data_src $(findmnt -n -o FSTYPE,OPTIONS /data)"
	else
		# the stages keep their state on /data: without it they could loop
		fatal data-mounted "/data: '$data_src' $(findmnt -n -o FSTYPE,OPTIONS /data), not the data partition $data_dev read-write"
	fi
	mid=$(cat /etc/machine-id 2>/dev/null)
	value machine-id "$mid"
	echo "$mid" | grep -Eq '^[0-9a-f]{32}$' && findmnt -n /etc/machine-id >/dev/null
	verdict machine-id "/etc/machine-id $mid, bound from $(findmnt -n -o SOURCE /etc/machine-id)" $?
	if [ -r /run/paios/boot-record.json ]; then
		tr -d '\n' </run/paios/boot-record.json | cut -c1-3000 >/run/paios-systest/record
		echo >>/run/paios-systest/record
		log boot-record /run/paios-systest/record
	fi
}

# slot_conf BOOTNAME KEY: KEY of the slot with that bootname in RAUC's system.conf, or
# with KEY "name" the slot's name (rootfs.0)
slot_conf() {
	awk -F= -v b="$1" -v k="$2" '
		/^\[/ { sect = $0; gsub(/^\[slot\.|\]$/, "", sect); val = (k == "name") ? sect : "" }
		$1 == k { val = $2 }
		$1 == "bootname" && $2 == b { found = val }
		END { print found }' /etc/rauc/system.conf
}
slot_device() { slot_conf "$1" device; }

# --- 2. systemd took over the watchdog paios-init armed ---------------------------------
check_watchdog() {
	# logged before journald runs: through the kernel log, as systemd[1]
	wd_line=$(journalctl -b -o short-monotonic --no-pager -q SYSLOG_IDENTIFIER=systemd 2>/dev/null |
		grep -m 1 'systemd\[1\]: Watchdog running with a hardware timeout')
	check watchdog-journal "${wd_line:-no line 'systemd[1]: Watchdog running with a hardware timeout' in the journal}" test -n "$wd_line"
	wd_usec=$(systemctl show -p RuntimeWatchdogUSec --value)
	check watchdog-runtime "RuntimeWatchdogUSec=$wd_usec" test "$wd_usec" = 30s
	holders=''
	for fd in /proc/[0-9]*/fd/*; do
		case $(readlink "$fd" 2>/dev/null) in
		/dev/watchdog*) p=${fd#/proc/}; holders="$holders ${p%%/*}:$(readlink "$fd")" ;;
		esac
	done
	case ${holders# } in "1:/dev/watchdog0" | "1:/dev/watchdog") true ;; *) false ;; esac
	verdict watchdog-pid1 "held by (pid:device):${holders:- nobody}" $?
}

# --- 3. rauc status names the booted slot ------------------------------------------------
# rauc_var NAME: a variable of `rauc status --detailed --output-format=shell`
rauc_var() { sed -n "s/^$1='\{0,1\}\([^']*\)'\{0,1\}\$/\1/p" /run/paios-systest/rauc.sh; }
# slot_var BOOTNAME FIELD: RAUC_SLOT_<FIELD>_<n> of the slot with that bootname
slot_var() {
	for n in $(rauc_var RAUC_SLOTS); do
		if [ "$(rauc_var "RAUC_SLOT_BOOTNAME_$n")" = "$1" ]; then rauc_var "RAUC_SLOT_${2}_$n"; fi
	done
}
rauc_status() {
	timeout 120 rauc status --detailed --output-format=shell >/run/paios-systest/rauc.sh 2>&1 || true
	timeout 120 rauc status >/run/paios-systest/rauc.txt 2>&1 || true
}
check_rauc() {
	rauc_status
	log rauc-status /run/paios-systest/rauc.txt
	log rauc-status-shell /run/paios-systest/rauc.sh
	booted=$(rauc_var RAUC_SYSTEM_BOOTED_BOOTNAME)
	st=$(slot_var "$1" STATE)
	[ "$booted" = "$1" ] && [ "$st" = booted ]
	verdict rauc-booted "rauc: booted from $booted, slot state $st, cmdline $(grep -o 'rauc\.slot=[^ ]*' /proc/cmdline)" $?
}

# --- 4. the health check marked the slot good --------------------------------------------
check_health() {
	result=$(systemctl show -p Result --value paios-health.service)
	active=$(systemctl show -p ActiveState --value paios-health.service)
	journalctl -b -u paios-health.service -o cat --no-pager >/run/paios-systest/health 2>&1
	log paios-health /run/paios-systest/health
	[ "$active" = active ] && [ "$result" = success ]
	verdict health-service "paios-health.service $active ($result)" $?
	left=$(env_get "BOOT_${1}_LEFT")
	check health-counter "BOOT_${1}_LEFT=$left in uboot.env" test "$left" = 3
	rauc_status
	check health-rauc "rauc: slot $1 boot status $(slot_var "$1" BOOT_STATUS)" test "$(slot_var "$1" BOOT_STATUS)" = good
}

# --- /data payload: written once, checked at every boot ----------------------------------
check_payload() { # create|verify
	if [ "$1" = create ]; then
		dd if=/dev/urandom of="$state/payload" bs=1M count=4 status=none && sync
	fi
	sum=$(sha256sum "$state/payload" 2>/dev/null | cut -d' ' -f1)
	value payload-sha256 "${sum:-missing}"
	check payload "$state/payload: ${sum:-missing}" test -n "$sum"
}

mount_media() {
	mkdir -p "$media"
	i=0
	while [ ! -e /dev/disk/by-label/paios-systest ] && [ $i -lt 30 ]; do sleep 1; i=$((i + 1)); done
	mount -o ro /dev/disk/by-label/paios-systest "$media" 2>/run/paios-systest/mount.err ||
		{ log mount /run/paios-systest/mount.err; fatal bundles-disk "cannot mount the bundles disk (label paios-systest)"; }
}

# install NAME BUNDLE: rauc install, timed; status in $install_status
install() {
	mark "install-$1-begin"
	t0=$(now)
	install_status=0
	timeout 400 rauc install "$2" >/run/paios-systest/install.log 2>&1 || install_status=$?
	mark "install-$1-end"
	value "install-$1-seconds" "$(secs "$t0" "$(now)")"
	tail -n 12 /run/paios-systest/install.log >/run/paios-systest/install.tail
	log "rauc-install-$1" /run/paios-systest/install.tail
}

# --- the stages ------------------------------------------------------------------------------
begin() {
	stage=$1
	if [ -e "$state/$stage.done" ]; then
		out "stage $stage begin slot=$2"
		fatal stage-once "stage $stage already ran in this test (a boot loop?)"
	fi
	out "stage $stage begin slot=$2"
	value cmdline "$(cat /proc/cmdline)"
	value release "$(grep -E '^PAIOS_(VERSION|VARIANT)=' /etc/paios-release | tr '\n' ' ')"
}
done_stage() {
	[ "$failed" = 0 ] || return 0
	touch "$state/$stage.done" && sync
}

stage_a_first() {
	begin a-first A
	check_systemd A
	check_watchdog
	check_rauc A
	check_health A
	mkdir -p "$state"
	check_payload create
	mount_media
	order=$(env_get BOOT_ORDER)
	check boot-order-before "BOOT_ORDER=$order" test "$order" = "A B"
	[ "$failed" = 0 ] || finish poweroff

	# 6. signed by another CA: rejected, nothing changed
	install otherkey "$media/paios-otherkey.raucb"
	[ "$install_status" != 0 ] && grep -qiE 'signature verification failed|unable to get local issuer' /run/paios-systest/install.log
	verdict otherkey-rejected "rauc install exit $install_status: $(grep -m 1 -E 'LastError|signature verification failed' /run/paios-systest/install.log)" $?
	order=$(env_get BOOT_ORDER)
	check otherkey-no-change "BOOT_ORDER=$order after the rejected install" test "$order" = "A B"

	# 5. the good bundle into the other slot
	install good "$media/paios-good.raucb"
	check install-good "rauc install exit $install_status" test "$install_status" = 0
	order=$(env_get BOOT_ORDER)
	left=$(env_get BOOT_B_LEFT)
	[ "$order" = "B A" ] && [ "$left" = 3 ]
	verdict install-activates-b "BOOT_ORDER=$order BOOT_B_LEFT=$left" $?
	rauc_status
	check install-primary "rauc: primary $(rauc_var RAUC_BOOT_PRIMARY), slot B is $(slot_conf B name), bundle $(slot_var B STATUS_BUNDLE_VERSION)" \
		test "$(rauc_var RAUC_BOOT_PRIMARY)" = "$(slot_conf B name)"
	umount "$media"
	done_stage
	finish reboot
}

stage_b_updated() {
	begin b-updated B
	check_systemd B
	check_watchdog
	check_rauc B
	check_health B
	check_payload verify
	check other-slot-good "rauc: slot A boot status $(slot_var A BOOT_STATUS)" test "$(slot_var A BOOT_STATUS)" = good
	value slot-b-bundle "$(slot_var B STATUS_BUNDLE_VERSION)"
	done_stage
	finish poweroff
}

stage_b_install_bad() {
	begin b-install-bad B
	check_systemd B
	check_watchdog
	check_rauc B
	check_health B
	check_payload verify
	mount_media
	# a short watchdog for the bad slot's boots: paios-init's own timeout (systemd's
	# RuntimeWatchdogSec only counts once systemd runs, which the bad slot never does)
	fw_setenv paios_extra_args "paios.watchdog.timeout=15" 2>/run/paios-systest/setenv.err ||
		log fw_setenv /run/paios-systest/setenv.err
	extra=$(env_get paios_extra_args)
	check extra-args "paios_extra_args=$extra" test "$extra" = "paios.watchdog.timeout=15"
	[ "$failed" = 0 ] || finish poweroff

	# 7. the bundle whose rootfs hangs, into the other slot (A)
	install bad "$media/paios-bad.raucb"
	check install-bad "rauc install exit $install_status" test "$install_status" = 0
	order=$(env_get BOOT_ORDER)
	left=$(env_get BOOT_A_LEFT)
	[ "$order" = "A B" ] && [ "$left" = 3 ]
	verdict install-activates-a "BOOT_ORDER=$order BOOT_A_LEFT=$left" $?
	umount "$media"
	done_stage
	mark rollback-begin
	finish reboot
}

stage_b_rolled_back() {
	begin b-rolled-back B
	check_systemd B
	check_watchdog
	check_rauc B
	check_health B
	check_payload verify
	rauc_status
	st=$(slot_var A BOOT_STATUS)
	left=$(env_get BOOT_A_LEFT)
	[ "$st" = bad ] && [ "$left" = 0 ]
	verdict bad-slot-marked "rauc: slot A boot status $st, BOOT_A_LEFT=$left" $?
	done_stage
	finish poweroff
}

mkdir -p /run/paios-systest
slot=$(sed -n 's/.*rauc\.slot=\([^ ]*\).*/\1/p' /proc/cmdline)
out "agent run=$SYSTEST_RUN id=$SYSTEST_ID slot=${slot:-?} uptime=$(now)"
case $SYSTEST_RUN:$slot in
update:A) stage_a_first ;;
update:B) stage_b_updated ;;
rollback:B)
	if [ -e "$state/b-install-bad.done" ]; then stage_b_rolled_back; else stage_b_install_bad; fi
	;;
*)
	stage=unexpected
	out "stage unexpected begin slot=${slot:-?}"
	fatal unexpected-boot "run $SYSTEST_RUN booted slot ${slot:-?}: no stage for that"
	;;
esac
