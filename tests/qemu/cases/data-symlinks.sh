#!/bin/bash
# Symbolic links planted in /data/paios/state are never followed: a bound path whose
# source is a link (/var/log -> /etc, /var/lib/rauc -> ../../..) or lies below one
# (/srv -> ../.. for /srv/app) is refused with one clear error line naming it, recorded in
# the boot record, and the boot goes on with the other binds (/etc/machine-id) mounted.
set -euo pipefail
. "$(dirname "$0")/../lib.sh"
fixtures_env
data=$PAIOS_TEST_TMP/data
mkdir -p "$data/paios/state/var/lib"
ln -s /etc "$data/paios/state/var/log"
ln -s ../../.. "$data/paios/state/var/lib/rauc"
ln -s ../.. "$data/paios/state/srv"
make_disk disk --data-dir "$data"
binds='"paios.data.binds=/etc/machine-id /var/log /var/lib/rauc /srv/app"'

for upper in tmpfs data; do
	log=$PAIOS_TEST_TMP/$upper.log
	boot "$log" "$disk" "$PAIOS_INITRD" "rauc.slot=A paios.overlay.upper=$upper $binds $(data_args)"
	expect_booted "$log" A
	expect_record "$log" .overlay.upper "$upper"
	# nothing bound where a link was: /var/log stays the slot's (absent: it has none)
	expect_probe "$log" var-log absent
	for path in /var/log /var/lib/rauc /srv/app; do
		expect_line "$log" "paios-init: persistent bind $path: /data/paios/state$path: a symbolic link or \"..\" on the way: refused" \
			"$path refused"
		[ "$(_paios_text "$log" | grep -c "paios-init: persistent bind $path:")" = 1 ] || fail "not one line for $path"
		expect_no_line "$log" "PAIOS-TEST mountinfo: [0-9]+ [0-9]+ [0-9:]+ [^ ]+ $path " "a mount on $path"
	done
	expect_record "$log" '[.fallbacks[] | select(.what == "bind")] | length' 3
	expect_record_match "$log" '.fallbacks[] | select(.what == "bind") | .why' '^/var/log: /data/paios/state/var/log: a symbolic link'
	expect_line "$log" 'PAIOS-TEST mountinfo: [0-9]+ [0-9]+ [0-9:]+ /paios/state/etc/machine-id /etc/machine-id .* - ext4 /dev/vda3 ' \
		"/etc/machine-id still bound from /data"
	expect_probe "$log" data-fstype ext4
done
# the links are left as they were
for link in var/log:/etc var/lib/rauc:../../.. srv:../..; do
	[ "$(data_debugfs "$disk" "stat /paios/state/${link%%:*}" | sed -n 's/^Fast link dest: "\(.*\)"$/\1/p')" = "${link#*:}" ] ||
		fail "/data/paios/state/${link%%:*} changed"
done
pass
