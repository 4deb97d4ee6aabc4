#!/bin/bash
# The pam module with the real Linux-PAM and its real modules (pam_permit,
# pam_deny, pam_succeed_if, pam_listfile, pam_access, pam_unix, pam_echo),
# first through ba-modcheck with a test-owned PAM directory
# (confdir=, pam_start_confdir), then end to end through the setuid helper
# run by unprivileged test users, with /etc/pam.d/qemu-bridge-helper as
# shipped (etc/pam.d/qemu-bridge-helper) in the private /etc.
#
# Accounts (lib.sh's users, their /etc/shadow entries edited in the
# private /etc as chage(1) would): alice valid, carol expired (shadow field
# 8, "account expires", set to day 1), bob with a password that must be
# changed (field 3, "last change", 0).

. "${top_srcdir:-$(dirname "$0")/../../..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
MOD=$BA_MODULEDIR/pam.so
[ -f "$MOD" ] || ba_fatal "the stage has no $MOD"
MC=${top_builddir:-.}/modules/pam/tests/ba-modcheck
[ -x "$MC" ] || ba_fatal "no ba-modcheck at $MC (make check builds it)"
SHIPPED=${top_srcdir:-.}/etc/pam.d/qemu-bridge-helper
[ -f "$SHIPPED" ] || ba_fatal "no $SHIPPED"
PAMD=$BA_TMP/pam.d
mkdir -m 0755 "$PAMD" || ba_fatal "mkdir $PAMD"

# service NAME TEXT: a service file in the test's PAM directory.
service() { printf '%s\n' "$2" >"$PAMD/$1" || ba_fatal "writing $PAMD/$1"; }

# shadow USER FIELD VALUE: set a field of USER's /etc/shadow entry.
shadow() {
	awk -F: -v OFS=: -v u="$1" -v f="$2" -v v="$3" '$1 == u { $f = v } { print }' /etc/shadow \
		>"$BA_TMP/shadow.tmp" && cat "$BA_TMP/shadow.tmp" >/etc/shadow || ba_fatal "editing /etc/shadow"
}
shadow carol 8 1 # expired on 2 January 1970
shadow bob 3 0   # must change the password

# mc USER BRIDGE ARG...: ask the module directly; sets MC_V, MC_R, MC_LOG.
mc() {
	local u=$1 b=$2 out
	shift 2
	out=$("$MC" "$MOD" "$u" "$b" "$@" 2>"$BA_TMP/mc.err")
	MC_V=$(sed -n 's/^verdict=//p' <<<"$out")
	MC_R=$(sed -n 's/^reason=//p' <<<"$out")
	MC_LOG=$(cat "$BA_TMP/mc.err")
}
# check USER BRIDGE SERVICE VERDICT REASON TEXT: mc with the test's PAM dir.
check() {
	mc "$1" "$2" "service=$3" "confdir=$PAMD"
	is "$MC_V" "$4" "$6: $4" || diag "log: $MC_LOG"
	is "$MC_R" "PAM account check (service $3): $5" "$6: reason"
}

# ---------------------------------------------------------------- through pam_start_confdir
service permit "account required pam_permit.so"
service deny "account required pam_deny.so"
check alice br0 permit allow "Success" "pam_permit"
check alice br0 deny deny "Authentication failure" "pam_deny (its account function says PAM_AUTH_ERR)"

service ingroup "account required pam_succeed_if.so quiet user ingroup vmusers"
check alice br0 ingroup allow "Success" "pam_succeed_if user ingroup vmusers: alice is"
check carol br0 ingroup deny "Authentication failure" "pam_succeed_if user ingroup vmusers: carol is not"

service bytty "account required pam_succeed_if.so quiet tty = br0"
check alice br0 bytty allow "Success" "pam_succeed_if tty = br0: the bridge is PAM_TTY (br0)"
check alice br1 bytty deny "Authentication failure" "pam_succeed_if tty = br0: br1 is refused"

service ruser "account required pam_succeed_if.so quiet ruser = alice"
check alice br0 ruser allow "Success" "pam_succeed_if ruser = alice: PAM_RUSER is the user"
check bob br0 ruser deny "Authentication failure" "pam_succeed_if ruser = alice: not for bob"

# Per bridge: br-lab for vmusers only, every other bridge for everyone.
service perbridge "account [success=1 default=ignore] pam_succeed_if.so quiet tty notin br-lab
account required pam_succeed_if.so quiet user ingroup vmusers
account required pam_permit.so"
check carol br0 perbridge allow "Success" "per-bridge rule: carol may use br0"
check carol br-lab perbridge deny "Authentication failure" "per-bridge rule: carol may not use br-lab"
check bob br-lab perbridge allow "Success" "per-bridge rule: bob (vmusers) may use br-lab"

printf 'br0\nbr2\n' >"$PAMD/bridges.allow" && chmod 0644 "$PAMD/bridges.allow" || ba_fatal "bridges.allow"
service listfile "account required pam_listfile.so item=tty sense=allow file=$PAMD/bridges.allow onerr=fail"
check alice br0 listfile allow "Success" "pam_listfile item=tty: br0 is listed"
check alice br2 listfile allow "Success" "pam_listfile item=tty: br2 is listed"
check alice br1 listfile deny "Authentication failure" "pam_listfile item=tty: br1 is not"
printf 'bob\n' >"$PAMD/users.deny" && chmod 0644 "$PAMD/users.deny" || ba_fatal "users.deny"
service listuser "account required pam_listfile.so item=user sense=deny file=$PAMD/users.deny onerr=fail"
check alice br0 listuser allow "Success" "pam_listfile item=user sense=deny: alice is not listed"
check bob br0 listuser deny "Authentication failure" "pam_listfile item=user sense=deny: bob is"

printf '%s\n' '+ : alice : br0' '+ : (vmusers) : br1' '- : ALL : ALL' >"$PAMD/access.conf" ||
	ba_fatal "access.conf"
service access "account required pam_access.so accessfile=$PAMD/access.conf"
check alice br0 access allow "Success" "pam_access: alice from br0"
check bob br0 access deny "Permission denied" "pam_access: bob from br0"
check bob br1 access allow "Success" "pam_access: (vmusers) from br1, bob is a member"
check carol br1 access deny "Permission denied" "pam_access: carol from br1"

service unix "account required pam_unix.so"
check alice br0 unix allow "Success" "pam_unix: alice's account is valid"
check carol br0 unix deny \
	"User account has expired (Your account has expired; please contact your system administrator.)" \
	"pam_unix: carol's account has expired"
like "$MC_LOG" 'PAM says: Your account has expired' "pam_unix: its message is logged"
check bob br0 unix deny \
	"Authentication token is no longer valid; new one required (You are required to change your password immediately (administrator enforced).)" \
	"pam_unix: bob must change his password (PAM_NEW_AUTHTOK_REQD is DENY)"

service echo "account required pam_echo.so bridge %t for %u
account required pam_permit.so"
check alice br7 echo allow "Success" "pam_echo: informational messages do not fail the check"
like "$MC_LOG" 'log\[6\]: PAM says: bridge br7 for alice' "pam_echo: the message is logged, with the bridge as %t"

service stacked "account requisite pam_unix.so
account required pam_succeed_if.so quiet tty in br0:br1
account required pam_succeed_if.so quiet user notingroup vmusers"
check carol br0 stacked deny \
	"User account has expired (Your account has expired; please contact your system administrator.)" \
	"a longer stack stops at the expired account"

# No file for the service: PAM falls back to "other"; without one, no decision.
mc alice br0 service=nosuchservice "confdir=$PAMD"
is "$MC_V" error "service without a file and no 'other': error (no decision)"
like "$MC_R" '^PAM account check \(service nosuchservice\): ' "service without a file: the reason names the service"
diag "no service file: $MC_R"
service other "account required pam_deny.so"
check alice br0 nosuchservice deny "Authentication failure" "service without a file: 'other' decides"
rm -f "$PAMD/other"

mc uid:4009 br0 "service=permit" "confdir=$PAMD"
is "$MC_V" deny "a uid without a user name: deny"
is "$MC_R" "PAM account check (service permit): uid 4009 has no user name" "a uid without a user name: reason"

mc alice br0 "service=bad/name"
is "$MC_V" open-failed "service=bad/name: the module does not start"
like "$MC_R" 'not a PAM service name' "service=bad/name: message"
mc alice br0 "debug"
is "$MC_V" open-failed "an unknown argument: the module does not start"

# ---------------------------------------------------------------- end to end through the setuid helper
cp "$SHIPPED" /etc/pam.d/qemu-bridge-helper && chmod 0644 /etc/pam.d/qemu-bridge-helper ||
	ba_fatal "installing the shipped PAM service"
ba_bridge br0
ba_bridge br1
ba_bridge br-lab

# The shipped service file: pam_unix alone.
ba_policy_stack 'stack = ( { module = "pam"; control = "required"; } );'
ba_expect alice br0 granted "helper, shipped PAM service: alice's valid account is granted"
ba_expect carol br0 refused "helper, shipped PAM service: carol's expired account is refused with PAM's reason" \
	'denied for carol by module pam: PAM account check \(service qemu-bridge-helper\): User account has expired'
ba_expect bob br0 refused "helper, shipped PAM service: bob's password must be changed" \
	'Authentication token is no longer valid'
# The account is renewed: the next request is granted, nothing restarted.
shadow carol 8 ""
ba_expect carol br0 granted "helper: carol's account renewed, granted at once"
shadow carol 8 1
ba_expect carol br0 refused "helper: carol's account expired again, refused at once" 'User account has expired'

# Man page: acl as before, but only accounts that PAM says are valid.
ba_policy_stack "stack = (
  { module = \"acl\"; control = \"required\"; args = [ \"file=$BA_BRIDGE_CONF\" ]; },
  { module = \"pam\"; control = \"required\"; }
);"
ba_bridge_conf "allow br0
deny br1"
ba_expect alice br0 granted "man page, acl + pam: alice, allowed and valid"
ba_expect alice br1 refused "man page, acl + pam: alice, denied by the acl" 'bridge\.conf'
ba_expect carol br0 refused "man page, acl + pam: carol allowed by the acl but expired" 'User account has expired'
ba_expect bob br-lab refused "man page, acl + pam: no acl rule for br-lab" 'br-lab'

# Man page: per bridge through PAM_TTY, with a service of its own and confdir=.
ba_policy_stack "stack = ( { module = \"pam\"; control = \"required\"; args = [ \"service=perbridge\", \"confdir=$PAMD\" ]; } );"
ba_expect carol br0 granted "helper, confdir= and per-bridge rule: carol may use br0"
ba_expect carol br-lab refused "helper, per-bridge rule: carol may not use br-lab" \
	'PAM account check \(service perbridge\): Authentication failure'
ba_expect bob br-lab granted "helper, per-bridge rule: bob (vmusers) may use br-lab"
ba_expect alice br1 granted "helper, per-bridge rule: alice may use br1"

# The module's argument errors reach the caller.
ba_policy_stack 'stack = ( { module = "pam"; control = "required"; args = [ "service=../x" ]; } );'
ba_expect alice br0 refused "helper, service=../x: refused, the module cannot start" 'cannot start: service=\.\./x'

# ---------------------------------------------------------------- syslog
# The helper's request line and the module's "PAM says" lines, and the
# helper's own identity kept after PAM modules have logged.  Last: /dev
# stays overlaid until the end.
SYSLOGD=${top_builddir:-.}/tests/ba-syslogd
if [ -x "$SYSLOGD" ]; then
	ba_syslog_sink
	LOG=$BA_SYSLOG
	service logged "account required pam_echo.so checking %u on %t
account required pam_unix.so"
	ba_policy_stack "stack = ( { module = \"pam\"; control = \"required\"; args = [ \"service=logged\", \"confdir=$PAMD\" ]; } );"
	ba_expect carol br0 refused "syslog: carol (expired) refused" 'User account has expired'
	sleep 0.2
	log=$(cat "$LOG")
	diag "$log"
	like "$log" 'PAM says: checking carol on br0' "syslog: pam_echo's message is logged"
	like "$log" 'PAM says: Your account has expired' "syslog: pam_unix's message is logged"
	like "$log" '<85>[^
]*qemu-bridge-helper\[[0-9]+\]: user=carol uid=4003 bridge=br0 tap=- verdict=denied module=pam reason="PAM account check \(service logged\): User account has expired' \
		"syslog: the request line, with the helper's identity, after PAM's modules logged"
else
	skip "no tests/ba-syslogd: syslog lines not checked"
fi

ba_done
