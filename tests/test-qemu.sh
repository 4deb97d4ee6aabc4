#!/bin/bash
# The real thing: QEMU, run as the unprivileged user alice, gets its NIC on a
# bridge through our setuid helper and boots a tiny Linux guest (Debian's
# kernel, a busybox initramfs: tests/guest.sh) that pings the bridge's address.
#
#   1. -netdev bridge,br=br0,helper=<our helper>: QEMU's plain exec path;
#   2. the same with a policy denying br0: QEMU fails, its stderr carries our
#      helper's message, and the guest never runs;
#   3. libvirt's order: ba-client runs the helper as libvirt does
#      (--use-vnet --br=br0 --fd=N) and hands the tap to QEMU as
#      -netdev tap,fd=N;
#   4. QEMU's "helper string with a space" path (/bin/sh -c).
# Each asserts the guest's "BA-GUEST: PING OK", that a tap on br0 owned by
# alice existed while QEMU ran, and that no tap remains afterwards.
#
# QEMU runs under TCG (-accel tcg), as /dev/kvm is not the test user's; a
# boot takes about 10 s.  BA_QEMU_TIMEOUT (default 120 s) bounds each run.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

if ! ba_in_ns; then
	ba_require_root
	command -v qemu-system-x86_64 >/dev/null 2>&1 || ba_skip_all "qemu-system-x86_64 not found (qemu-system-x86)"
	ba_guest
fi
ba_enter_ns "$@"
ba_need_ours

QEMU_TIMEOUT=${BA_QEMU_TIMEOUT:-120}
QEMU=(qemu-system-x86_64 -M pc -accel tcg -m 256 -nodefaults -nographic -no-reboot
	-serial stdio -monitor none
	-kernel "$BA_VMLINUZ" -initrd "$BA_INITRD"
	-append "console=ttyS0 panic=-1 quiet ba.ip=10.0.2.15/24 ba.peer=10.0.2.1")
NIC=(-device virtio-net-pci,netdev=n0,romfile=)

ba_bridge br0
ip addr add 10.0.2.1/24 dev br0 || ba_fatal "cannot address br0"
ba_bridge br1
ba_bridge_conf 'allow br0'

# boot NAME CMD...: run CMD as alice in the background, console (stdout) in
# CONSOLE, stderr in QERR; while it runs, SEEN_TAP keeps the first
# `ip -d -o link` line of a tap on br0.  Sets QRC, its exit status.
boot() {
	local name=$1 pid
	shift
	CONSOLE=$BA_TMP/$name.console
	QERR=$BA_TMP/$name.stderr
	ba_as alice timeout -k 10 "$QEMU_TIMEOUT" "$@" </dev/null >"$CONSOLE" 2>"$QERR" &
	pid=$!
	ba_bg "$pid"
	SEEN_TAP=
	while kill -0 "$pid" 2>/dev/null; do
		[ -n "$SEEN_TAP" ] || SEEN_TAP=$(ip -d -o link show type tun 2>/dev/null | grep ' master br0 ' | head -n 1)
		sleep 0.2
	done
	wait "$pid"
	QRC=$?
	diag "$name: exit status $QRC; console: $(grep -a 'BA-GUEST\|^status=' "$CONSOLE" | tr -cd '[:print:]\n' | sed 's/.*BA-GUEST/BA-GUEST/')"
	[ ! -s "$QERR" ] || diag "$name: stderr: $(cat "$QERR")"
}

# check_boot NAME: the guest pinged the host through a tap of alice's on br0.
check_boot() {
	local name=$1
	is "$QRC" 0 "$name: QEMU exits 0 (the guest powered off)"
	like "$(tr -d '\r' <"$CONSOLE")" 'BA-GUEST: PING OK' "$name: the guest pinged 10.0.2.1 over br0" ||
		diag "$(tail -n 20 "$CONSOLE")"
	like "$SEEN_TAP" '^[0-9]+: tap[0-9]+: ' "$name: a tap existed while QEMU ran"
	like "$SEEN_TAP" ' master br0 ' "$name: the tap was on br0"
	like "$SEEN_TAP" ' user (alice|4001) ' "$name: the tap was owned by alice"
	like "$SEEN_TAP" ' vnet_hdr on ' "$name: the tap had a vnet header (--use-vnet)"
	unlike "$(cat "$QERR")" 'qemu-bridge-helper' "$name: no message from the helper"
	ba_no_taps "$name: no tap remains after QEMU exited"
}

# 1. QEMU's plain path: execv(helper, --use-vnet --fd=N --br=br0).
boot qemu "${QEMU[@]}" -netdev "bridge,id=n0,br=br0,helper=$BA_HELPER" "${NIC[@]}"
check_boot "QEMU -netdev bridge,helper=our helper"

# 2. Denied by policy: QEMU fails before the guest runs.
ba_bridge_conf 'allow br1
deny br0'
boot denied "${QEMU[@]}" -netdev "bridge,id=n0,br=br0,helper=$BA_HELPER" "${NIC[@]}"
isnt "$QRC" 0 "denied: QEMU fails"
like "$(cat "$QERR")" '(^|
)qemu-bridge-helper: .*denied' "denied: QEMU's stderr carries our helper's refusal"
like "$(cat "$QERR")" 'qemu-bridge-helper: [^
]*br0' "denied: the message names the bridge br0"
like "$(cat "$QERR")" "$(printf '%s' "$BA_BRIDGE_CONF" | sed 's/\./\\./g'):2([^0-9]|$)" "denied: the message names the deny rule's file:line"
unlike "$(cat "$CONSOLE")" 'BA-GUEST' "denied: the guest never ran"
is "$SEEN_TAP" "" "denied: no tap ever appeared on br0"
ba_no_taps "denied: no tap remains"
ba_bridge_conf 'allow br0'

# 3. libvirt's argv order, the tap handed to QEMU as an fd.
boot libvirt "$BA_CLIENT_BIN" "$BA_HELPER" --use-vnet --br=br0 --fd=@FD@ --- \
	"${QEMU[@]}" -netdev tap,id=n0,fd=@TAPFD@ "${NIC[@]}"
like "$(head -n 1 "$CONSOLE")" '^status=0 fd=yes .* iff=TAP,NO_PI,VNET_HDR$' "libvirt order: the helper sent one tap fd"
check_boot "libvirt order (--use-vnet --br=br0 --fd=N), QEMU -netdev tap,fd="

# 4. QEMU's helper string with a space: /bin/sh -c "<helper string> --use-vnet
# --fd=N"; with --br= in the string QEMU appends none (br=br1 is not used:
# it would be refused).
boot space "${QEMU[@]}" -netdev "bridge,id=n0,br=br1,helper=$BA_HELPER --br=br0" "${NIC[@]}"
check_boot "QEMU helper string with a space (/bin/sh -c)"

ba_done
