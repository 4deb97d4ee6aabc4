# shellcheck shell=bash
# modules/polkit/tests/polkit-lib.sh: a real polkitd on a private system bus,
# inside lib.sh's namespaces (sourced after ba_enter_ns by test-polkit.sh and
# bench/run.sh).  The host's bus, rules and actions are never touched: tmpfs
# over /run/dbus, over both rules directories and over the actions
# directory, which gets the action file `make install` staged.
#
#   pk_world            the directories, the action, user polkitd; skips (77)
#                       without dbus-daemon or polkitd
#   pk_rules NAME       a rules file (text on stdin) in /etc/polkit-1/rules.d
#   start_bus           dbus-daemon --system; DBUS_PID
#   start_polkitd [ADDRESS [ARG]]  polkitd on the system bus (or ADDRESS),
#                       once it owns its name; PK_PID; its output (rules'
#                       polkit.log() lines) in $BA_TMP/polkitd.log
#   has_owner NAME [ADDRESS]; stop_pid PID

POLKITD=/usr/lib/polkit-1/polkitd
# shellcheck disable=SC2034 # read by the scripts that source this
ACTION=org.qemu.bridge-auth.use-bridge
BUS_SOCK=/run/dbus/system_bus_socket

pk_world() {
	local t policy_file
	for t in dbus-daemon dbus-send "$POLKITD" pkcheck; do
		command -v "$t" >/dev/null || ba_skip_all "$t not found (dbus-daemon, dbus-bin, polkitd)"
	done
	[ -f "$BA_MODULEDIR/polkit.so" ] || ba_fatal "the stage has no $BA_MODULEDIR/polkit.so"
	# The shipped action file, at its staged path.
	policy_file=$(find "$BA_STAGE" -path "*/polkit-1/actions/org.qemu.bridge-auth.policy" 2>/dev/null | head -1)
	[ -n "$policy_file" ] || ba_fatal "the stage has no polkit-1/actions/org.qemu.bridge-auth.policy"
	# polkitd switches to user polkitd: it must exist (only in this namespace if the host lacks it).
	if ! id polkitd >/dev/null 2>&1; then
		printf 'polkitd:x:4990:4990:polkit:/nonexistent:/usr/sbin/nologin\n' >>/etc/passwd &&
			printf 'polkitd:x:4990:\n' >>/etc/group || ba_fatal "adding user polkitd"
	fi
	[ -d /run/dbus ] || ba_skip_all "/run/dbus does not exist on this host (no D-Bus installed?)"
	mount -t tmpfs -o mode=0755 ba-dbus /run/dbus &&
		mount -t tmpfs -o mode=0700 ba-rules /etc/polkit-1/rules.d &&
		chown polkitd:root /etc/polkit-1/rules.d &&
		mount -t tmpfs -o mode=0700 ba-rules2 /usr/share/polkit-1/rules.d &&
		chown polkitd:root /usr/share/polkit-1/rules.d &&
		mount -t tmpfs -o mode=0755 ba-actions /usr/share/polkit-1/actions &&
		install -m 0644 "$policy_file" /usr/share/polkit-1/actions/ || ba_fatal "cannot set up polkit's directories"
}

pk_rules() {
	cat >"/etc/polkit-1/rules.d/$1" && chown polkitd:root "/etc/polkit-1/rules.d/$1" ||
		ba_fatal "writing the rules $1"
}

start_bus() {
	dbus-daemon --system --nofork --nopidfile --nosyslog >"$BA_TMP/dbus.log" 2>&1 &
	DBUS_PID=$!
	ba_bg "$DBUS_PID"
	for _ in $(seq 100); do [ -S "$BUS_SOCK" ] && return 0; sleep 0.02; done
	ba_fatal "the private system bus did not start: $(cat "$BA_TMP/dbus.log")"
}
# has_owner NAME [ADDRESS]: NAME is owned on the system bus (or on ADDRESS).
has_owner() {
	DBUS_SYSTEM_BUS_ADDRESS=${2:-unix:path=$BUS_SOCK} dbus-send --system --print-reply \
		--dest=org.freedesktop.DBus / org.freedesktop.DBus.NameHasOwner "string:$1" 2>/dev/null |
		grep -q 'boolean true'
}
# start_polkitd [ADDRESS [ARG]]: a polkitd (as root: it switches to polkitd) that
# logs rules' polkit.log() lines to $BA_TMP/polkitd.log.
start_polkitd() {
	DBUS_SYSTEM_BUS_ADDRESS=${1:-unix:path=$BUS_SOCK} "$POLKITD" ${2:+"$2"} >>"$BA_TMP/polkitd.log" 2>&1 &
	PK_PID=$!
	ba_bg "$PK_PID"
	for _ in $(seq 200); do has_owner org.freedesktop.PolicyKit1 "${1:-}" && return 0; sleep 0.02; done
	ba_fatal "polkitd did not take its name: $(tail -5 "$BA_TMP/polkitd.log")"
}
stop_pid() { kill "$1" 2>/dev/null; wait "$1" 2>/dev/null; }
