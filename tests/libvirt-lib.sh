# shellcheck shell=bash
# shellcheck disable=SC2034 # LV_* results are read by the tests that source this
#
# tests/libvirt-lib.sh: libvirt's session daemon (qemu:///session), run by an
# unprivileged user, starting domains whose <interface type='bridge'> gets its
# tap from a bridge helper: ours through bridge_helper in the user's qemu.conf,
# or, with no qemu.conf, whatever sits at libvirt's compiled-in default
# (/usr/lib/qemu/qemu-bridge-helper on Debian).
#
# Contract.  Source it after tests/lib.sh and call it after ba_enter_ns, i.e.
# as root, pid 1 of the test's private pid, mount and network namespaces:
# virsh autostarts `libvirtd --timeout=120` and `virtlogd --timeout=120` as
# the user, which daemonize to pid 1; the namespace ending ends them, and
# lv_stop ends them sooner.  It needs the guest of tests/guest.sh (BA_VMLINUZ,
# BA_INITRD: call ba_guest before ba_enter_ns), libvirt-daemon,
# libvirt-clients, libvirt-daemon-driver-qemu and qemu-system-x86.  No D-Bus,
# no systemd, no /dev/kvm: domains are <domain type='qemu'> (TCG) with a
# direct kernel boot.  Setup failures end the test (ba_fatal); lv_boot_ping
# asserts with lib.sh's TAP functions.
#
#   lv_session USER HELPER|none
#       Stops any session daemon of USER's, then gives USER a fresh home
#       ($BA_TMP/libvirt-USER, 0700; XDG_RUNTIME_DIR inside) where every
#       virsh call of this library runs.  HELPER, an absolute path, becomes
#       `bridge_helper = "HELPER"` in ~/.config/libvirt/qemu.conf; "none"
#       writes no qemu.conf at all (libvirt's default helper path).  The
#       daemon reads qemu.conf when it starts: the next virsh call starts it.
#       Sets LV_USER, LV_UID, LV_HOME.
#   lv_virsh ARG...
#       virsh -c qemu:///session ARG... as the user (clean environment,
#       bounded by $LV_TIMEOUT, default 60 s).  Sets LV_RC, LV_OUT, LV_ERR.
#   lv_define NAME BRIDGE [MODEL]
#       Defines domain NAME: 256 MiB, one vCPU, the test guest booted with
#       ba.ip=10.0.2.15/24 ba.peer=$LV_PEER (default 10.0.2.1: give BRIDGE
#       that address for lv_boot_ping), one <interface type='bridge'> on
#       BRIDGE of MODEL (default virtio; rtl8139 makes libvirt call the
#       helper without --use-vnet), its serial console in LV_CONSOLE[NAME].
#   lv_start NAME          virsh start NAME (the console file emptied first).
#   lv_iface NAME          The domain's interface from `virsh domiflist`:
#                          LV_IF_LINE (its row), LV_IF (the tap's name).
#   lv_link IFNAME         The `ip -d -o link` line of IFNAME, or nothing.
#   lv_state NAME          Prints `virsh domstate NAME`.
#   lv_wait_off NAME SECS  Waits until NAME is shut off; status 0 if it is.
#   lv_destroy NAME        virsh destroy NAME.
#   lv_boot_ping NAME BRIDGE TEXT
#       Test points: start succeeds, the domain runs, domiflist and the link
#       show a tap on BRIDGE owned by the user (with a vnet header for
#       virtio) and marked by our helper for the user and BRIDGE (its alias),
#       the guest prints "BA-GUEST: PING OK" and powers off, no tap remains.
#   lv_start_denied NAME BRIDGE HELPER RULE TEXT
#       Test points for a start our helper refuses: virsh start exits 1 and
#       says so, quoting HELPER's argv as libvirt ran it (--use-vnet
#       --br=BRIDGE --fd=N), our refusal naming BRIDGE and RULE (the deny
#       rule's file:line); the domain is shut off; no tap remains.
#   lv_log_lines           Prints how many lines $BA_SYSLOG has.
#   lv_logged N TEXT ERE   Test point: a line of qemu-bridge-helper's after
#                          the first N lines of $BA_SYSLOG matches ERE.
#   lv_stop
#       Ends every process of the user (libvirtd, virtlogd, QEMU), by pid:
#       TERM, then KILL after 5 s; fatal if one survives.  Then keeps
#       libvirtd's QEMU capabilities cache in $LV_CAPS_CACHE (default
#       ${BA_CACHE:-/var/cache/bridge-auth-test}/libvirt-qemu-capabilities),
#       which lv_session seeds the next home from: a first connection then
#       takes 1-2 s instead of 4-5 s.

LV_TIMEOUT=${LV_TIMEOUT:-60}
LV_CAPS_CACHE=${LV_CAPS_CACHE:-${BA_CACHE:-/var/cache/bridge-auth-test}/libvirt-qemu-capabilities}
LV_PEER=${LV_PEER:-10.0.2.1}
LV_GUEST_IP=${LV_GUEST_IP:-10.0.2.15/24}
declare -A LV_CONSOLE=()

lv_session() {
	local user=$1 helper=$2 conf
	[ -n "${BA_TMP:-}" ] && ba_in_ns || ba_fatal "lv_session: call it inside the test's namespaces"
	lv_stop # the previous session, if any (its cache is saved)
	LV_HOME=
	LV_UID=$(id -u "$user") || ba_fatal "lv_session: no user $user"
	[ "$LV_UID" != 0 ] || ba_fatal "lv_session: $user is root; session mode is for unprivileged users"
	LV_USER=$user
	lv_stop # any other process of USER's
	LV_HOME=$BA_TMP/libvirt-$user
	rm -rf -- "$LV_HOME" &&
		mkdir -m 0700 "$LV_HOME" &&
		mkdir -m 0700 "$LV_HOME/.config" "$LV_HOME/.config/libvirt" "$LV_HOME/run" || ba_fatal "lv_session: cannot make $LV_HOME"
	_lv_caps_seed
	conf=$LV_HOME/.config/libvirt/qemu.conf
	case $helper in
	none) ;;
	/*[\"\\]* | *[[:space:]]*) ba_fatal "lv_session: helper path '$helper' cannot be quoted in qemu.conf" ;;
	/*) printf 'bridge_helper = "%s"\n' "$helper" >"$conf" || ba_fatal "lv_session: cannot write $conf" ;;
	*) ba_fatal "lv_session: helper must be an absolute path or none, not '$helper'" ;;
	esac
	chown -R "$LV_UID:$(id -g "$user")" "$LV_HOME" || ba_fatal "lv_session: chown $LV_HOME"
}

# libvirtd's cache of what QEMU can do (the probe is most of the first
# connection's 4.5 s), kept across tests in LV_CAPS_CACHE; libvirtd itself
# discards an entry that no longer matches its QEMU or itself, and probes.
_lv_caps() { printf '%s\n' "$LV_HOME/.cache/libvirt/qemu/cache/capabilities"; }

_lv_caps_seed() {
	local f
	for f in "$LV_CAPS_CACHE"/*.xml; do
		[ -f "$f" ] || continue
		mkdir -p "$(_lv_caps)" && cp -- "$f" "$(_lv_caps)/" || ba_fatal "cannot seed $(_lv_caps) from $LV_CAPS_CACHE"
	done
}

_lv_caps_save() {
	local f name tmp
	for f in "$(_lv_caps)"/*.xml; do
		[ -f "$f" ] && [ ! -L "$f" ] || continue
		name=${f##*/}
		! cmp -s -- "$f" "$LV_CAPS_CACHE/$name" || continue
		# Tests run in parallel, each pid 1 of its namespace: mktemp, not $$.
		mkdir -p "$LV_CAPS_CACHE" && chmod 0755 "$LV_CAPS_CACHE" &&
			tmp=$(mktemp "$LV_CAPS_CACHE/.new.XXXXXX") &&
			cp -- "$f" "$tmp" && chmod 0644 "$tmp" && mv -f -- "$tmp" "$LV_CAPS_CACHE/$name" ||
			ba_fatal "cannot save libvirt's capabilities cache in $LV_CAPS_CACHE"
	done
}

lv_virsh() {
	local err=$BA_TMP/libvirt-$LV_USER.virsh-stderr
	LV_OUT=$(cd "$LV_HOME" && env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME="$LV_HOME" \
		USER="$LV_USER" LOGNAME="$LV_USER" LANG=C XDG_RUNTIME_DIR="$LV_HOME/run" \
		setpriv --reuid="$LV_USER" --regid="$LV_USER" --init-groups --inh-caps=-all -- \
		timeout -k 5 "$LV_TIMEOUT" virsh -c qemu:///session "$@" </dev/null 2>"$err")
	LV_RC=$?
	LV_ERR=$(cat "$err")
}

lv_define() {
	local name=$1 br=$2 model=${3:-virtio} xml=$LV_HOME/$1.xml
	case $name$br$model in *[!A-Za-z0-9_.-]*) ba_fatal "lv_define: unsafe name '$name', '$br' or '$model'" ;; esac
	LV_CONSOLE[$name]=$LV_HOME/$name.console
	cat >"$xml" <<-EOF || ba_fatal "lv_define: cannot write $xml"
	<domain type='qemu'>
	  <name>$name</name>
	  <memory unit='MiB'>256</memory>
	  <vcpu>1</vcpu>
	  <os>
	    <type arch='x86_64' machine='pc'>hvm</type>
	    <kernel>$BA_VMLINUZ</kernel>
	    <initrd>$BA_INITRD</initrd>
	    <cmdline>console=ttyS0 panic=-1 quiet ba.ip=$LV_GUEST_IP ba.peer=$LV_PEER</cmdline>
	  </os>
	  <features><acpi/></features>
	  <on_poweroff>destroy</on_poweroff>
	  <on_reboot>destroy</on_reboot>
	  <on_crash>destroy</on_crash>
	  <devices>
	    <emulator>/usr/bin/qemu-system-x86_64</emulator>
	    <interface type='bridge'>
	      <source bridge='$br'/>
	      <model type='$model'/>
	      <rom enabled='no'/>
	    </interface>
	    <serial type='file'>
	      <source path='${LV_CONSOLE[$name]}'/>
	      <target port='0'/>
	    </serial>
	    <controller type='usb' model='none'/>
	    <memballoon model='none'/>
	  </devices>
	</domain>
	EOF
	lv_virsh define "$xml"
	[ "$LV_RC" = 0 ] || ba_fatal "virsh define $name failed ($LV_RC): $LV_ERR"
}

lv_start() {
	: >"${LV_CONSOLE[$1]}" || ba_fatal "lv_start: cannot empty the console of $1"
	lv_virsh start "$1"
}

lv_state() {
	lv_virsh domstate "$1"
	printf '%s\n' "$LV_OUT"
}

lv_iface() {
	lv_virsh domiflist "$1"
	LV_IF_LINE=$(printf '%s\n' "$LV_OUT" | awk 'NR > 2 && NF { $1 = $1; print; exit }')
	LV_IF=${LV_IF_LINE%% *}
}

lv_link() {
	[ -n "$1" ] || return 0
	ip -d -o link show dev "$1" 2>/dev/null
}

lv_wait_off() {
	local name=$1 end=$((SECONDS + $2))
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(lv_state "$name")" = "shut off" ] && return 0
		sleep 0.5
	done
	[ "$(lv_state "$name")" = "shut off" ]
}

lv_destroy() { lv_virsh destroy "$1"; }

lv_boot_ping() {
	local name=$1 br=$2 text=$3 link t0=$SECONDS
	lv_start "$name"
	is "$LV_RC" 0 "$text: virsh start exits 0" || diag "$LV_ERR"
	is "$LV_OUT" "Domain '$name' started" "$text: virsh says the domain started"
	is "$(lv_state "$name")" running "$text: the domain is running"
	lv_iface "$name"
	like "$LV_IF_LINE" "^tap[0-9]+ bridge $br virtio 52:54:00:" "$text: domiflist shows a tap on $br"
	link=$(lv_link "$LV_IF")
	like "$link" " master $br " "$text: the kernel has the tap on $br"
	like "$link" " user ($LV_USER|$LV_UID) " "$text: the tap is owned by $LV_USER"
	like "$link" " vnet_hdr on " "$text: the tap has a vnet header (--use-vnet)"
	like "$link" " alias bridge-auth uid=$LV_UID bridge=$br since=[0-9]+" \
		"$text: the tap carries our helper's mark for $LV_USER and $br"
	lv_wait_off "$name" "${LV_BOOT_TIMEOUT:-120}"
	ok $? "$text: the guest powered off" ||
		diag "state: $(lv_state "$name"); log: $(tail -n 3 "$LV_HOME/.cache/libvirt/qemu/log/$name.log")"
	diag "$text: start to power-off in $((SECONDS - t0)) s"
	like "$(tr -d '\r' <"${LV_CONSOLE[$name]}")" 'BA-GUEST: PING OK' "$text: the guest pinged $LV_PEER over $br" ||
		diag "$(tail -n 20 "${LV_CONSOLE[$name]}")"
	ba_no_taps "$text: no tap remains after the guest powered off"
}

lv_start_denied() {
	local name=$1 br=$2 helper=$3 rule=$4 text=$5
	lv_start "$name"
	is "$LV_RC" 1 "$text: virsh start exits 1"
	diag "virsh start $name: $(printf '%s\n' "$LV_ERR" | LC_ALL=C tr -cd '[:print:]\n')"
	like "$LV_ERR" "^error: Failed to start domain '$name'" "$text: virsh says the start failed"
	like "$LV_ERR" "error: $helper --use-vnet --br=$br --fd=[0-9]+: failed to communicate with bridge helper: " \
		"$text: libvirt ran $helper --use-vnet --br=$br --fd=N"
	like "$LV_ERR" "stderr=qemu-bridge-helper: [^
]*denied[^
]*$br" "$text: virsh quotes our refusal, naming $br"
	like "$LV_ERR" "$rule([^0-9]|\$)" "$text: virsh quotes the deny rule, $rule"
	is "$(lv_state "$name")" "shut off" "$text: the domain is shut off"
	ba_no_taps "$text: no tap remains"
}

lv_log_lines() { wc -l <"$BA_SYSLOG"; }

lv_logged() {
	like "$(tail -n +"$(($1 + 1))" "$BA_SYSLOG" | grep 'qemu-bridge-helper')" "$3" "$2"
}

lv_stop() {
	local p i
	[ -n "${LV_UID:-}" ] || return 0
	for p in $(pgrep -u "$LV_UID"); do kill -TERM "$p" 2>/dev/null; done
	for i in $(seq 50); do
		pgrep -u "$LV_UID" >/dev/null || break
		sleep 0.1
	done
	for p in $(pgrep -u "$LV_UID"); do kill -KILL "$p" 2>/dev/null; done
	for i in $(seq 20); do
		pgrep -u "$LV_UID" >/dev/null || break
		sleep 0.1
	done
	! pgrep -u "$LV_UID" >/dev/null || ba_fatal "lv_stop: processes of $LV_USER survive: $(pgrep -a -u "$LV_UID")"
	[ -z "${LV_HOME:-}" ] || _lv_caps_save
}
