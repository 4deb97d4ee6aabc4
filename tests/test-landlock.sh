#!/bin/bash
# The helper under a faithful stand-in for libvirtd's AppArmor child profile
# "qemu_bridge_helper" (Debian 12: abstractions/base, /dev/net/tun rw,
# /etc/qemu/** r, owner /proc/*/status r; not /etc/passwd, /etc/group,
# nsswitch.conf or /etc/pam.d): tests/ba-landlock applies Landlock as root
# allowing only that (plus the test client's own directory), becomes the
# test user and runs the client, which execs the setuid helper; the helper
# keeps the Landlock domain.  The shipped stack grants; group and pam are
# refused with a message that says the name service was unavailable; no tap
# is left.  Skips (77) only when the kernel has no Landlock at all.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

LL=$top_builddir/tests/ba-landlock
[ -x "$LL" ] || ba_fatal "no $LL"
out=$("$LL" --abi 2>&1)
case $? in
0) ;;
77) ba_skip_all "$out" ;;
*) ba_fatal "ba-landlock does not work here: $out" ;;
esac
diag "$out"

ba_syslog_sink
ba_bridge br0
ba_policy_default
ba_bridge_conf "allow br0"

RULES=(--ro /etc/qemu --ro "$BA_POLICYDIR" --rw /dev/net/tun --rw /dev/null --rw /dev/log
	--rx /usr/lib --rx /lib --rx "$BA_MODULEDIR" --rx "$(dirname "$BA_HELPER")"
	--ro /etc/ld.so.cache --ro /proc/self
	--rx "$(dirname "$BA_CLIENT_BIN")")
[ -d /lib64 ] && RULES+=(--rx /lib64)
# A sanitized build (tests/check-hardening.sh): LeakSanitizer's tracer reads
# /proc/PID/task of the helper, which is not /proc/self for it.
[ -z "${LSAN_OPTIONS:-}" ] || RULES+=(--ro /proc)

# ba_as USER CMD...: CMD as USER inside the profile (ba_run's timeout stays outside).
ba_as() {
	local id=${BA_UID[$1]:-}
	shift
	[ -n "$id" ] || ba_fatal "ba_as: unknown test user"
	[ "$1" = timeout ] && shift 4
	(cd / && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/ LANG=C \
		timeout -k 5 60 "$LL" "$id" "$id" "${RULES[@]}" -- "$@")
}

# The stand-in denies what the profile denies.
ba_run alice /bin/cat /etc/passwd
isnt "$BA_RC" 0 "inside the stand-in, /etc/passwd cannot be read"

ba_expect alice br0 granted "shipped stack (acl) under the profile: granted"
like "$(sleep 0.2; tail -1 "$BA_SYSLOG")" 'user=- uid=4001 bridge=br0 tap=tap[0-9]+ verdict=granted module=acl' \
	"the grant is logged (/dev/log is allowed)"

NS_MSG='the name service was unavailable: cannot look up uid 4001'
ba_policy_stack 'stack = ( { module = "group"; control = "required"; args = [ "map=br0:alice" ]; } );'
ba_expect alice br0 refused "group under the profile: refused (fail closed)" \
	"denied for uid 4001 by module group: $NS_MSG"
like "$(sleep 0.2; tail -1 "$BA_SYSLOG")" "verdict=denied module=group reason=\"$NS_MSG" "group: logged why"

ba_policy_stack 'stack = ( { module = "pam"; control = "required"; } );'
ba_expect alice br0 refused "pam under the profile: refused (fail closed)" \
	"denied for uid 4001 by module pam: $NS_MSG"
like "$(sleep 0.2; tail -1 "$BA_SYSLOG")" "verdict=denied module=pam reason=\"$NS_MSG" "pam: logged why"

ba_no_taps "no tap remains"
ba_done
