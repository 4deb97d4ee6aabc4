#!/bin/bash
# Set-up in one command, on a fresh Debian 12 machine, as root:
#   1. install the build and test dependencies from Debian's archive;
#   2. build, and install under /usr/local with the helper setuid root and
#      the default policy in /etc/qemu/bridge-auth.conf (an existing one is kept);
#   3. show the main job: in a throwaway mount + network namespace, the
#      unprivileged user "demo" runs QEMU with -netdev bridge,helper=<installed
#      helper>; the guest pings the host over the bridge.  Then the same user
#      asks for a bridge the policy denies, and is refused with a message that
#      names the bridge, the module and the rule's file:line; the system
#      log lines of both requests (a private sink on /dev/log) are shown.
# Nothing but the install changes on the host: the demo user, the bridges and
# the demo bridge.conf exist only inside the namespace.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
prefix=/usr/local
helper=$prefix/libexec/qemu-bridge-helper

if [ "$(id -u)" != 0 ]; then
	echo "install-and-demo.sh: run as root (apt-get, make install, namespaces)" >&2
	exit 1
fi
if [ -z "${BA_IN_DEMO_NS:-}" ]; then
	"$top/tests/deps.sh"
	cd "$top"
	[ -x configure ] || ./autogen.sh >/dev/null
	mkdir -p build-demo
	cd build-demo
	"$top/configure" --prefix="$prefix" --sysconfdir=/etc --enable-setuid-install >/dev/null
	make -j"$(nproc)" >/dev/null
	make install >/dev/null
	make tests/ba-syslogd >/dev/null # the demo's syslog sink (below)
	echo "== installed: $(ls -l "$helper")"
	echo "== policy:    /etc/qemu/bridge-auth.conf"
	"$helper" --version | sed 's/^/   /'
	guest=$("$top/tests/guest.sh")
	echo "== guest:     $guest"
	export BA_IN_DEMO_NS=1 BA_GUEST=$guest BA_SYSLOGD=$top/build-demo/tests/ba-syslogd
	exec unshare --mount --net --pid --fork --mount-proc -- bash "$top/tests/install-and-demo.sh"
fi

# ---- inside the throwaway namespaces --------------------------------------
mount --make-rprivate /
tmp=$(mktemp -d)
mount -t tmpfs tmpfs "$tmp"
mkdir -p "$tmp/etc-upper" "$tmp/etc-work"
mount -t overlay ov -o "lowerdir=/etc,upperdir=$tmp/etc-upper,workdir=$tmp/etc-work" /etc
echo "demo:x:4242:4242:demo user:/tmp:/bin/sh" >>/etc/passwd
echo "demo:x:4242:" >>/etc/group
# The helper serves no request it cannot log: a syslog sink of the demo's
# own on /dev/log (the host may have none), in an overlay of /dev, so the
# host's /dev and its log are untouched; its lines are shown at the end.
mkdir -p "$tmp/dev-upper" "$tmp/dev-work"
mount -t overlay ov -o "lowerdir=/dev,upperdir=$tmp/dev-upper,workdir=$tmp/dev-work" /dev
rm -f /dev/log
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts /dev/pts
mount --bind /dev/pts/ptmx /dev/ptmx
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /dev/shm
"$BA_SYSLOGD" /dev/log "$tmp/syslog" >"$tmp/syslogd.out" &
for _ in $(seq 50); do
	grep -q ready "$tmp/syslogd.out" 2>/dev/null && break
	sleep 0.1
done
grep -q ready "$tmp/syslogd.out" || { echo "== FAILED: the syslog sink did not start" >&2; exit 1; }
mkdir -p /etc/qemu
# Only inside the namespace: the host's own bridge.conf, if any, is untouched.
printf '# demo policy (QEMU bridge.conf syntax)\nallow br0\ndeny br1\n' >/etc/qemu/bridge.conf

ip link set lo up
ip link add br0 type bridge
ip addr add 10.0.2.1/24 dev br0
ip link set br0 up
ip link add br1 type bridge
ip link set br1 up

read -r kernel initrd <<<"$BA_GUEST"
qemu() { # qemu BRIDGE: boot the guest as the demo user on BRIDGE
	setpriv --reuid=demo --regid=demo --init-groups --inh-caps=-all -- \
		timeout 180 qemu-system-x86_64 -accel tcg -M pc -m 256 -smp 1 \
		-nographic -no-reboot -nodefaults -serial stdio \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 quiet ba.ip=10.0.2.15/24 ba.peer=10.0.2.1" \
		-netdev "bridge,id=n0,br=$1,helper=$helper" \
		-device virtio-net-pci,netdev=n0,romfile=
}

echo "== as user demo (uid 4242): qemu-system-x86_64 -netdev bridge,br=br0,helper=$helper"
out=$(qemu br0 2>&1) || true
printf '%s\n' "$out" | grep -aE 'BA-GUEST|qemu-bridge-helper|bytes from' |
	sed -e 's/\x1b\[[0-9;?]*[A-Za-z]//g' -e 's/.*BA-GUEST/BA-GUEST/' -e 's/^/   /'
if ! grep -q 'BA-GUEST: PING OK' <<<"$out"; then
	printf '%s\n' "$out" | tail -30
	echo "== FAILED: the guest did not reach the host over br0" >&2
	exit 1
fi
echo "== the guest reached 10.0.2.1 over br0 through a tap the helper gave QEMU"

echo "== as user demo: the same on br1, which bridge.conf denies"
out=$(qemu br1 2>&1) && { echo "== FAILED: QEMU started on br1" >&2; exit 1; }
printf '%s\n' "$out" | grep -E 'qemu-bridge-helper|bridge helper' | sed 's/^/   /'
grep -q 'access to bridge br1 denied for demo by module acl: denied by /etc/qemu/bridge.conf:3' <<<"$out" || {
	echo "== FAILED: the refusal did not name the bridge, module and rule" >&2
	exit 1
}
if [ -n "$(ip -o link show type tun)" ]; then
	echo "== FAILED: a tap was left behind" >&2
	exit 1
fi
echo "== refused as the policy says; no tap left behind."
echo "== the system log (LOG_AUTHPRIV), one line per request, written before QEMU got its answer:"
sed 's/^/   /' "$tmp/syslog"
[ "$(grep -c 'verdict=granted' "$tmp/syslog")" = 1 ] && [ "$(grep -c 'verdict=denied' "$tmp/syslog")" = 1 ] || {
	echo "== FAILED: expected one granted and one denied line in the log" >&2
	exit 1
}
echo "== Demo done."
