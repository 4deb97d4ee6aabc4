#!/bin/bash
# tests/test-package.sh: the Debian packages, proved (root; run by
# tests/check.sh after the main suite).
#
#   1. dpkg-buildpackage -b -uc -us in a copy of the tracked tree (the work
#      tree stays clean; outputs in $BUILD_DIR/package, never in git);
#   2. the .debs: the helper 4755 root/root at QEMU's path, the reaper and
#      its unit (enabled and started by postinst), the conffiles;
#   3. lintian: no error, no warning; every override has its reason above it;
#   4. piuparts: install, remove, purge in a clean bookworm chroot that holds
#      qemu-system-common, so the diversion is exercised (the debootstrap base
#      is built once and cached in /var/cache/bridge-auth-test/piuparts);
#   5. the drop-in test, in a throwaway root (an overlay of / in private
#      mount, network and pid namespaces, then chroot): `apt-get install
#      ./bridge-auth_*.deb`; an unprivileged user's `qemu-system-x86_64
#      -netdev bridge,br=br0` with no helper= boots the test guest
#      (tests/guest.sh) and it pings the host; a bridge bridge.conf denies is
#      refused; Debian's libvirtd in session mode, run by that user with no
#      qemu.conf at all (tests/libvirt-lib.sh, the --libvirt part below),
#      starts a domain whose <interface type='bridge'> on br0 gets its tap,
#      owned by and marked for the user, from ours at libvirt's default
#      bridge_helper path, and the guest pings the host; `virsh start` of a
#      domain on br1 fails and virsh quotes our refusal; no tap and no
#      process of the user's is left; QEMU reinstalled keeps ours in place;
#      removal gives QEMU's own helper back (dpkg's md5, 0755), purge leaves
#      no diversion and no conffile; QEMU installed after us lands beside
#      ours; an administrator's dpkg-statoverride and setcap on QEMU's helper
#      are reported by postinst.
#
# Output: one "PASS: ..." or "FAIL: ..." line per check (tests/check.sh counts
# them), details before a FAIL.  Exit status: 0 when nothing failed, 77 when
# not root.  Environment: BUILD_DIR (default: build-check), BA_CACHE (default:
# /var/cache/bridge-auth-test), BA_MIRROR (default: the Debian archive of
# apt's sources), BA_QEMU_TIMEOUT (default 180 s); BA_PKG_REUSE=1 (development
# only) tests the packages of the previous run instead of building.

set -u
umask 022

top=$(cd "$(dirname "$0")/.." && pwd)
helper=/usr/lib/qemu/qemu-bridge-helper
diverted=$helper.qemu-system-common

passed=0
failed=0
pass() {
	echo "PASS: $*"
	passed=$((passed + 1))
}
fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
	return 1
}
# check TEXT CMD...: PASS or FAIL by CMD's exit status.
check() {
	local text=$1
	shift
	if "$@"; then pass "$text"; else fail "$text"; fi
}
summary=test-package
finish() {
	echo "$summary: $passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit
}
now() { date +%s; }

# ====================================================================== libvirt
# Run by the drop-in test in its root, with the package installed, as pid 1
# of a pid namespace of its own (libvirtd and virtlogd end with it): alice's
# session libvirtd, with no qemu.conf at all, runs the helper at its default
# bridge_helper, /usr/lib/qemu/qemu-bridge-helper, i.e. ours.  TAP through
# tests/lib.sh and tests/libvirt-lib.sh, which the drop-in test turns into
# PASS and FAIL lines.
if [ "${1:-}" = --libvirt ]; then
	. "$top/tests/lib.sh"
	. "$top/tests/libvirt-lib.sh"
	mkdir -m 0755 "$BA_TMP" || ba_fatal "cannot make $BA_TMP"
	lv_session alice none
	is "$(ls -A "$LV_HOME/.config/libvirt")" "" "libvirt: alice's ~/.config/libvirt holds no qemu.conf"
	lv_define vm br0
	lv_define vmdenied br1
	n=$(lv_log_lines)
	lv_boot_ping vm br0 "libvirt, no qemu.conf, br0"
	lv_logged "$n" "libvirt, no qemu.conf, br0: our helper logged the grant of $LV_IF" \
		"qemu-bridge-helper\\[[0-9]+\\]: user=- uid=4001 bridge=br0 tap=$LV_IF verdict=granted module=acl"
	n=$(lv_log_lines)
	lv_start_denied vmdenied br1 "$helper" /etc/qemu/bridge.conf:2 "libvirt, no qemu.conf, br1 denied"
	lv_logged "$n" "libvirt, no qemu.conf, br1 denied: our helper logged the refusal" \
		'user=alice uid=4001 bridge=br1 tap=- verdict=denied module=acl reason="denied by /etc/qemu/bridge\.conf:2 \(deny br1\)"'
	lv_stop
	is "$(pgrep -c -u alice)" 0 "libvirt: libvirtd stopped, no process of alice's is left"
	ba_no_taps "libvirt: libvirtd stopped, no tap is left"
	ba_done
fi

# ====================================================================== inside
# The drop-in test runs here: in private namespaces, chrooted into $R.
if [ "${1:-}" = --drop-in ]; then
	summary=drop-in
	R=$2 deb=$3 qemu_deb=$4 vmlinuz=$5 initrd=$6 syslogd=$7
	QEMU_TIMEOUT=${BA_QEMU_TIMEOUT:-180}
	in_root() { chroot "$R" "$@"; }
	apt_in() {
		in_root env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=60 \
			-o Dpkg::Options::=--force-confnew "$@"
	}
	md5_of() { in_root md5sum "$1" 2>/dev/null | cut -d' ' -f1; }
	dpkg_md5() { sed -n "s|^\([0-9a-f]*\)  ${helper#/}\$|\1|p" "$R/var/lib/dpkg/info/$1.md5sums"; }
	diversion() { in_root dpkg-divert --listpackage "$helper"; }

	mount --make-rprivate / || exit 1
	# The root: / overlaid, upper layer on a tmpfs; then the API file systems.
	mount -t tmpfs -o mode=0755 ba-pkg "$R" &&
		mkdir "$R/upper" "$R/work" "$R/root" "$R/s" &&
		mount -t overlay ba-pkg-root -o "lowerdir=/,upperdir=$R/upper,workdir=$R/work" "$R/root" ||
		{ fail "drop-in: cannot overlay /"; finish; }
	S=$R/s R=$R/root
	mount -t proc proc "$R/proc" && mount -t sysfs sysfs "$R/sys" &&
		mount -t tmpfs -o mode=1777 tmp "$R/tmp" && mount -t tmpfs -o mode=0755 run "$R/run" &&
		mount -t tmpfs -o mode=0755 dev "$R/dev" || { fail "drop-in: cannot mount proc, sys, tmp, run, dev"; finish; }
	# /dev: the usual nodes and /dev/net/tun 0666 as Debian ships it; no host
	# device beyond these, and /dev/log is our own sink.
	mkdir -m 0755 "$R/dev/net" "$R/dev/pts" "$R/dev/shm" &&
		mknod -m 0666 "$R/dev/null" c 1 3 && mknod -m 0666 "$R/dev/zero" c 1 5 &&
		mknod -m 0666 "$R/dev/full" c 1 7 && mknod -m 0666 "$R/dev/random" c 1 8 &&
		mknod -m 0666 "$R/dev/urandom" c 1 9 && mknod -m 0666 "$R/dev/tty" c 5 0 &&
		mknod -m 0666 "$R/dev/net/tun" c 10 200 && chmod 1777 "$R/dev/shm" ||
		{ fail "drop-in: cannot make /dev nodes"; finish; }
	mkdir -p "$R/tmp/in" && cp "$deb" "$qemu_deb" "$vmlinuz" "$initrd" "$syslogd" "$R/tmp/in/" ||
		{ fail "drop-in: cannot copy the inputs into the root"; finish; }
	deb=/tmp/in/${deb##*/} qemu_deb=/tmp/in/${qemu_deb##*/}
	vmlinuz=/tmp/in/${vmlinuz##*/} initrd=/tmp/in/${initrd##*/}
	in_root /tmp/in/ba-syslogd /dev/log /tmp/syslog >"$S/syslogd.out" 2>&1 &
	for _ in $(seq 50); do
		grep -q ready "$S/syslogd.out" 2>/dev/null && break
		sleep 0.1
	done
	[ -S "$R/dev/log" ] || { fail "drop-in: the syslog sink did not start"; finish; }

	# The host's state as the package would meet it on a system with QEMU:
	# no earlier bridge-auth, the test user, a bridge.conf of the admin's.
	for p in bridge-auth-dev bridge-auth; do
		in_root dpkg -s "$p" >/dev/null 2>&1 && in_root dpkg --purge "$p" >/dev/null
	done
	rm -f "$R/etc/qemu/bridge-auth.conf" "$R/etc/pam.d/qemu-bridge-helper"
	[ -f "$R$helper" ] && [ -z "$(diversion)" ] ||
		{ fail "drop-in: the root has no undiverted $helper (qemu-system-common)"; finish; }
	qemu_md5=$(dpkg_md5 qemu-system-common)
	echo 'alice:x:4001:4001:bridge-auth test user:/nonexistent:/usr/sbin/nologin' >>"$R/etc/passwd" &&
		echo 'alice:x:4001:' >>"$R/etc/group" || { fail "drop-in: cannot add alice"; finish; }
	mkdir -p "$R/etc/qemu" && printf 'allow br0\ndeny br1\n' >"$R/etc/qemu/bridge.conf" ||
		{ fail "drop-in: cannot write bridge.conf"; finish; }
	ip link set lo up && ip link add br0 type bridge && ip addr add 10.0.2.1/24 dev br0 &&
		ip link set br0 up && ip link add br1 type bridge && ip link set br1 up ||
		{ fail "drop-in: cannot make the bridges"; finish; }

	# --- install
	t0=$(now)
	out=$(apt_in install "$deb" 2>&1)
	rc=$?
	echo "$out" | grep -E "diversion|bridge-auth" | sed 's/^/  apt: /'
	check "drop-in: apt-get install ./${deb##*/} (exit $rc, $(($(now) - t0)) s)" [ "$rc" = 0 ]
	check "drop-in: QEMU's helper diverted by bridge-auth to $diverted" [ "$(diversion)" = bridge-auth ]
	check "drop-in: QEMU's helper unchanged at the divert target" [ "$(md5_of "$diverted")" = "$qemu_md5" ]
	check "drop-in: ours at $helper, 4755 root:root ($(stat -c '%a %U:%G' "$R$helper"))" \
		[ "$(stat -c '%a %U:%G' "$R$helper")" = "4755 root:root" ]
	check "drop-in: ours is the packaged file" [ "$(md5_of "$helper")" = "$(dpkg_md5 bridge-auth)" ]
	check "drop-in: bridge-auth-reaper.service is enabled" \
		[ -L "$R/etc/systemd/system/multi-user.target.wants/bridge-auth-reaper.service" ]
	unset out

	# --- QEMU with no helper=: the guest pings the host over br0
	boot() { # boot BRIDGE: sets QRC, CONSOLE, QERR, SEEN_TAP
		local pid
		CONSOLE=$S/$1.console QERR=$S/$1.stderr
		in_root setpriv --reuid=4001 --regid=4001 --init-groups --inh-caps=-all -- \
			env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ USER=alice LOGNAME=alice LANG=C \
			timeout -k 10 "$QEMU_TIMEOUT" qemu-system-x86_64 -M pc -accel tcg -m 256 -nodefaults \
			-nographic -no-reboot -serial stdio -monitor none -kernel "$vmlinuz" -initrd "$initrd" \
			-append "console=ttyS0 panic=-1 quiet ba.ip=10.0.2.15/24 ba.peer=10.0.2.1" \
			-netdev "bridge,id=n0,br=$1" -device virtio-net-pci,netdev=n0,romfile= \
			</dev/null >"$CONSOLE" 2>"$QERR" &
		pid=$!
		SEEN_TAP=
		while kill -0 "$pid" 2>/dev/null; do
			[ -n "$SEEN_TAP" ] || SEEN_TAP=$(ip -d -o link show type tun 2>/dev/null | head -n 1)
			sleep 0.2
		done
		wait "$pid"
		QRC=$?
	}
	t0=$(now)
	boot br0
	tr -d '\r' <"$CONSOLE" | grep -a 'BA-GUEST' | sed 's/^.*BA-GUEST/  guest: BA-GUEST/'
	[ ! -s "$QERR" ] || sed 's/^/  qemu stderr: /' "$QERR"
	check "drop-in: alice's QEMU -netdev bridge,br=br0 (no helper=) exits 0 ($(($(now) - t0)) s)" [ "$QRC" = 0 ]
	check "drop-in: the guest pinged the host (BA-GUEST: PING OK)" grep -aq 'BA-GUEST: PING OK' "$CONSOLE"
	echo "  tap seen: $SEEN_TAP"
	check "drop-in: the tap was on br0, owned by alice" \
		eval '[[ $SEEN_TAP =~ ^[0-9]+:\ tap[0-9]+: ]] && [[ $SEEN_TAP =~ \ master\ br0\  ]] && [[ $SEEN_TAP =~ \ user\ (alice|4001)\  ]]'
	check "drop-in: the helper's request reached the syslog sink" grep -q 'br0' "$R/tmp/syslog"
	check "drop-in: no tap left" [ -z "$(ip -o link show type tun)" ]

	boot br1
	sed 's/^/  qemu stderr: /' "$QERR"
	check "drop-in: bridge.conf's 'deny br1' still decides: QEMU fails" [ "$QRC" != 0 ]
	check "drop-in: QEMU's stderr carries our helper's refusal naming br1" \
		grep -Eq 'qemu-bridge-helper: .*br1' "$QERR"
	check "drop-in: the guest never ran, no tap ever appeared" \
		eval '! grep -aq BA-GUEST "$CONSOLE" && [ -z "$SEEN_TAP" ] && [ -z "$(ip -o link show type tun)" ]'

	# --- libvirt, no qemu.conf: the --libvirt part above, in the root
	mkdir -p "$R/tmp/in/tests" && cp "$0" "$top/tests/lib.sh" "$top/tests/libvirt-lib.sh" "$R/tmp/in/tests/" ||
		{ fail "drop-in: cannot copy the libvirt test into the root"; finish; }
	t0=$(now)
	in_root env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C BA_IN_NS=1 BA_TMP=/tmp/libvirt \
		BA_SYSLOG=/tmp/syslog BA_VMLINUZ="$vmlinuz" BA_INITRD="$initrd" \
		BA_CACHE="${BA_CACHE:-/var/cache/bridge-auth-test}" \
		unshare --mount --pid --fork --mount-proc --kill-child -- \
		bash /tmp/in/tests/test-package.sh --libvirt >"$S/libvirt.tap" 2>&1
	rc=$?
	while IFS= read -r l; do
		case $l in
		"ok "*) pass "drop-in: ${l#ok * - }" ;;
		"not ok "*) fail "drop-in: ${l#not ok * - }" ;;
		1..*) ;;
		*) echo "  ${l#\#   }" ;;
		esac
	done <"$S/libvirt.tap"
	check "drop-in: the libvirt test ran to its end (exit $rc, $(($(now) - t0)) s)" \
		grep -q '^1\.\.[1-9]' "$S/libvirt.tap"
	# The root's /proc is the drop-in's pid namespace; the outer one is the host's.
	check "drop-in: after libvirt no process of alice's, no tap" \
		eval '[ -z "$(in_root pgrep -u 4001)" ] && [ -z "$(ip -o link show type tun)" ]' ||
		{ in_root ps -o pid,ppid,stat,user,args -u 4001; ip -o link show type tun; } 2>&1 | sed 's/^/  seen: /'

	# --- QEMU reinstalled: it writes to the divert target only
	out=$(in_root dpkg -i "$qemu_deb" 2>&1)
	rc=$?
	check "drop-in: qemu-system-common reinstalled (dpkg -i, exit $rc)" [ "$rc" = 0 ] || echo "$out"
	check "drop-in: after QEMU's reinstall ours is still at $helper" [ "$(md5_of "$helper")" = "$(dpkg_md5 bridge-auth)" ]
	check "drop-in: after QEMU's reinstall QEMU's helper is at the divert target" [ "$(md5_of "$diverted")" = "$qemu_md5" ]

	# --- remove, purge
	out=$(apt_in remove bridge-auth 2>&1)
	rc=$?
	echo "$out" | grep -E "diversion" | sed 's/^/  apt: /'
	check "drop-in: apt-get remove bridge-auth (exit $rc)" [ "$rc" = 0 ]
	check "drop-in: after removal QEMU's helper is back, byte for byte (md5 $qemu_md5)" \
		[ "$(md5_of "$helper")" = "$qemu_md5" ]
	check "drop-in: after removal QEMU's helper is 0755 root:root ($(stat -c '%a %U:%G' "$R$helper"))" \
		[ "$(stat -c '%a %U:%G' "$R$helper")" = "755 root:root" ]
	check "drop-in: after removal no diversion and no divert target" \
		eval '[ -z "$(diversion)" ] && [ ! -e "$R$diverted" ]'
	check "drop-in: after removal the conffiles stay" [ -f "$R/etc/qemu/bridge-auth.conf" ]
	out=$(apt_in purge bridge-auth 2>&1)
	rc=$?
	check "drop-in: apt-get purge bridge-auth (exit $rc)" [ "$rc" = 0 ]
	check "drop-in: after purge no conffile" \
		eval '[ ! -e "$R/etc/qemu/bridge-auth.conf" ] && [ ! -e "$R/etc/pam.d/qemu-bridge-helper" ]'
	check "drop-in: after purge bridge-auth-reaper.service is no longer enabled" \
		[ ! -e "$R/etc/systemd/system/multi-user.target.wants/bridge-auth-reaper.service" ]
	check "drop-in: after purge bridge.conf is the admin's, untouched" \
		[ "$(cat "$R/etc/qemu/bridge.conf")" = "$(printf 'allow br0\ndeny br1')" ]

	# --- QEMU installed after us
	in_root dpkg --remove --force-depends qemu-system-common >/dev/null 2>&1
	[ ! -e "$R$helper" ] || fail "drop-in: QEMU's helper still there after removing qemu-system-common"
	out=$(in_root dpkg -i "$deb" 2>&1)
	rc=$?
	check "drop-in: installed without QEMU (dpkg -i: apt would fetch QEMU; exit $rc)" [ "$rc" = 0 ] || echo "$out"
	out=$(in_root dpkg -i "$qemu_deb" 2>&1)
	rc=$?
	check "drop-in: qemu-system-common installed after us (exit $rc)" [ "$rc" = 0 ] || echo "$out"
	check "drop-in: QEMU installed after us lands at the divert target; ours stays" \
		eval '[ "$(md5_of "$diverted")" = "$qemu_md5" ] && [ "$(md5_of "$helper")" = "$(dpkg_md5 bridge-auth)" ]'
	out=$(apt_in purge bridge-auth 2>&1)
	rc=$?
	check "drop-in: purged again: QEMU's helper back, no diversion" \
		eval '[ "$rc" = 0 ] && [ "$(md5_of "$helper")" = "$qemu_md5" ] && [ -z "$(diversion)" ]'

	# --- an administrator had made QEMU's helper privileged
	in_root dpkg-statoverride --update --add root root 4755 "$helper" &&
		in_root setcap cap_net_admin+ep "$helper" || fail "drop-in: cannot set a statoverride and a capability"
	out=$(apt_in install "$deb" 2>&1)
	rc=$?
	echo "$out" | grep '^bridge-auth: ' | sed 's/^/  postinst: /'
	check "drop-in: installed over a statoverride and a file capability (exit $rc)" [ "$rc" = 0 ]
	check "drop-in: postinst names the statoverride that applies to ours" \
		grep -q "^bridge-auth: dpkg-statoverride 'root root 4755 $helper' applies to bridge-auth's" <<<"$out"
	check "drop-in: postinst says QEMU's helper stays setuid" \
		grep -q "^bridge-auth: QEMU's own helper $diverted stays privileged: -rwsr-xr-x root:root" <<<"$out"
	check "drop-in: postinst names QEMU's helper's file capabilities" \
		grep -q "^bridge-auth: QEMU's own helper keeps file capabilities: $diverted cap_net_admin=ep" <<<"$out"
	finish
fi

# ====================================================================== outside
if [ "$(id -u)" != 0 ]; then
	echo "test-package.sh: needs root (dpkg-buildpackage, piuparts, namespaces)" >&2
	exit 77
fi
start=$(now)
build=${BUILD_DIR:-$top/build-check}
CACHE=${BA_CACHE:-/var/cache/bridge-auth-test}
out=$build/package
for t in git dpkg-buildpackage dpkg-parsechangelog lintian piuparts debootstrap unshare chroot setcap; do
	command -v "$t" >/dev/null 2>&1 || { fail "$t not found (tests/deps.sh installs it)"; finish; }
done

# --- 1. build, in a copy of the tracked tree
ver=$(cd "$top" && dpkg-parsechangelog -S Version) || { fail "cannot read debian/changelog"; finish; }
if [ "${BA_PKG_REUSE:-0}" = 1 ]; then
	# Development knob: test the packages of the previous run, unbuilt.
	echo "  BA_PKG_REUSE=1: reusing the packages in $out/src"
else
rm -rf "$out" && mkdir -p "$out/src/bridge-auth-$ver" || { fail "cannot make $out"; finish; }
before=$(git -C "$top" status --porcelain --ignored -- debian)
(cd "$top" && git ls-files -z | tar --null -T - -cf -) | tar -xf - -C "$out/src/bridge-auth-$ver" ||
	{ fail "cannot copy the tracked tree"; finish; }
t0=$(now)
(cd "$out/src/bridge-auth-$ver" && DEB_BUILD_OPTIONS="nocheck noautodbgsym ${DEB_BUILD_OPTIONS:-}" \
	dpkg-buildpackage -b -uc -us -J) >"$out/build.log" 2>&1
rc=$?
[ "$rc" = 0 ] || tail -n 40 "$out/build.log"
check "dpkg-buildpackage -b -uc -us (exit $rc, $(($(now) - t0)) s; log $out/build.log)" [ "$rc" = 0 ]
check "the work tree's debian/ is as it was (the build ran in a copy)" \
	[ "$(git -C "$top" status --porcelain --ignored -- debian)" = "$before" ]
fi
deb=$out/src/bridge-auth_${ver}_amd64.deb
devdeb=$out/src/bridge-auth-dev_${ver}_amd64.deb
changes=$out/src/bridge-auth_${ver}_amd64.changes
[ -f "$deb" ] && [ -f "$devdeb" ] || { fail "no packages built"; finish; }

# --- 2. what the packages hold
dpkg -c "$deb" >"$out/bridge-auth.contents" && dpkg -c "$devdeb" >"$out/bridge-auth-dev.contents"
check "bridge-auth: $helper is -rwsr-xr-x root/root in the .deb" \
	grep -Eq "^-rwsr-xr-x root/root +[0-9]+ .* \.$helper\$" "$out/bridge-auth.contents"
check "bridge-auth: modules in /usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/bridge-auth" \
	eval "[ \"\$(grep -Ec ' \\./usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/bridge-auth/(acl|group|pam|polkit)\\.so\$' \"$out/bridge-auth.contents\")\" = 4 ]"
check "bridge-auth: the polkit action where polkitd reads actions" \
	grep -q ' \./usr/share/polkit-1/actions/org\.qemu\.bridge-auth\.policy$' "$out/bridge-auth.contents"
check "bridge-auth: bridge-auth-reaper in /usr/sbin, its unit in /lib/systemd/system" \
	eval "grep -Eq '^-rwxr-xr-x root/root .* \./usr/sbin/bridge-auth-reaper\$' '$out/bridge-auth.contents' &&
		grep -q ' \./lib/systemd/system/bridge-auth-reaper\.service\$' '$out/bridge-auth.contents'"
check "bridge-auth: postinst enables and starts bridge-auth-reaper.service (dh_installsystemd)" \
	eval "dpkg-deb -I '$deb' postinst | grep -q \"deb-systemd-helper enable 'bridge-auth-reaper.service'\" &&
		dpkg-deb -I '$deb' postinst | grep -q \"deb-systemd-invoke .* 'bridge-auth-reaper.service'\""
check "bridge-auth: conffiles are /etc/qemu/bridge-auth.conf and /etc/pam.d/qemu-bridge-helper" \
	eval "[ \"\$(dpkg-deb -I '$deb' conffiles | sort | tr '\n' ' ')\" = '/etc/pam.d/qemu-bridge-helper /etc/qemu/bridge-auth.conf ' ]"
check "bridge-auth-dev: header, pkg-config file, bridge-auth-module(7), the example" \
	eval "grep -q ' \./usr/include/bridge-auth/module.h\$' '$out/bridge-auth-dev.contents' &&
		grep -q '/pkgconfig/bridge-auth.pc\$' '$out/bridge-auth-dev.contents' &&
		grep -q ' \./usr/share/man/man7/bridge-auth-module.7.gz\$' '$out/bridge-auth-dev.contents' &&
		grep -q '/examples/uidrange.c\$' '$out/bridge-auth-dev.contents'"

# --- 3. lintian
t0=$(now)
lintian --allow-root -EvIL +pedantic --show-overrides --fail-on error,warning "$changes" >"$out/lintian.log" 2>&1
rc=$?
grep -v '^N: ' "$out/lintian.log" | sed 's/^/  lintian: /'
# Exit 1 is lintian's own failure.  Exit 2 is --fail-on; lintian 2.116 also
# counts overridden warnings there when they are shown (--show-overrides), so
# the verdict is: no E: or W: line.
check "lintian: no error, no warning (exit $rc, $(($(now) - t0)) s)" \
	eval "[ $rc != 1 ] && [ -s '$out/lintian.log' ] && ! grep -Eq '^[EW]: ' '$out/lintian.log'"
unjustified=$(awk 'FNR == 1 { prev = "" } /^[a-z]/ && prev !~ /^#/ { print FILENAME ": " $0 } { prev = $0 }' \
	"$top"/debian/*lintian-overrides)
check "lintian: every override has its reason above it" [ -z "$unjustified" ] || echo "$unjustified"

# --- 4. piuparts, on a cached bookworm base that holds qemu-system-common
mirror=${BA_MIRROR:-$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
	sed -n 's|^URIs: *\(https\?://[^ ]*/debian\)/\?$|\1|p' | head -n 1)}
[ -n "$mirror" ] || mirror=$(sed -n 's|^deb \(https\?://[^ ]*/debian\)/\? bookworm .*|\1|p' /etc/apt/sources.list 2>/dev/null | head -n 1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
base=$CACHE/piuparts/bookworm-qemu-system-common.tgz
mkdir -p "$CACHE/piuparts" && chmod 0755 "$CACHE" "$CACHE/piuparts" || { fail "cannot make $CACHE/piuparts"; finish; }
t0=$(now)
if [ ! -s "$base" ]; then
	echo "  piuparts: building $base from $mirror (once)"
	chroot_dir=$(mktemp -d "$CACHE/piuparts/.base.XXXXXX") &&
		debootstrap --variant=minbase --include=qemu-system-common bookworm "$chroot_dir" "$mirror" \
			>"$out/debootstrap.log" 2>&1 &&
		tar -C "$chroot_dir" -czf "$base.tmp" . && mv "$base.tmp" "$base"
	rc=$?
	rm -rf "$chroot_dir" "$base.tmp"
	[ "$rc" = 0 ] || { tail -n 20 "$out/debootstrap.log"; fail "debootstrap of the piuparts base"; finish; }
fi
piuparts --basetgz="$base" --distribution=bookworm --mirror="$mirror" \
	--log-file="$out/piuparts.log" "$deb" "$devdeb" >/dev/null 2>&1
rc=$?
result=$(grep -oE '(PASS|FAIL): .*' "$out/piuparts.log" | tail -n 1)
[ "$rc" = 0 ] || grep -E 'FAIL|ERROR' "$out/piuparts.log" | tail -n 20
check "piuparts (install, remove, purge with qemu-system-common; exit $rc, $(($(now) - t0)) s): $result" [ "$rc" = 0 ]
check "piuparts: the diversion was exercised" grep -q "Adding 'diversion of $helper" "$out/piuparts.log"

# --- 5. the drop-in test
guest=$(bash "$top/tests/guest.sh")
rc=$?
read -r vmlinuz initrd <<<"$guest"
[ "$rc" = 0 ] && [ -r "$vmlinuz" ] && [ -r "$initrd" ] || { fail "no test guest (tests/guest.sh, status $rc)"; finish; }
# QEMU's own package, the installed version, to reinstall and to install after us.
qv=$(dpkg-query -W -f='${Version}' qemu-system-common 2>/dev/null) || { fail "qemu-system-common is not installed"; finish; }
qemu_deb=$(ls "$CACHE"/qemu-system-common_"${qv//:/%3a}"_*.deb 2>/dev/null | head -n 1)
if [ -z "$qemu_deb" ]; then
	(cd "$CACHE" && apt-get download "qemu-system-common=$qv" >/dev/null 2>&1) ||
		(apt-get update -q >/dev/null && cd "$CACHE" && apt-get download "qemu-system-common=$qv" >/dev/null 2>&1)
	qemu_deb=$(ls "$CACHE"/qemu-system-common_"${qv//:/%3a}"_*.deb 2>/dev/null | head -n 1)
fi
[ -n "$qemu_deb" ] || { fail "cannot get qemu-system-common $qv's .deb"; finish; }
syslogd=$build/tests/ba-syslogd
[ -x "$syslogd" ] || make -C "$build" tests/ba-syslogd >/dev/null || { fail "cannot build tests/ba-syslogd"; finish; }
root=$(mktemp -d) || { fail "mktemp"; finish; }
t0=$(now)
unshare --mount --net --pid --fork --kill-child -- \
	bash "$0" --drop-in "$root" "$deb" "$qemu_deb" "$vmlinuz" "$initrd" "$syslogd" >"$out/drop-in.log" 2>&1
rc=$?
rmdir "$root"
cat "$out/drop-in.log"
passed=$((passed + $(grep -c '^PASS: ' "$out/drop-in.log")))
failed=$((failed + $(grep -c '^FAIL: ' "$out/drop-in.log")))
grep -q '^drop-in: [0-9]* passed' "$out/drop-in.log" || fail "the drop-in test ended early (exit $rc)"
echo "  drop-in test: $(($(now) - t0)) s; the whole package step: $(($(now) - start)) s"
check "the host is as it was: no bridge-auth diversion" [ -z "$(dpkg-divert --listpackage "$helper")" ]
finish
