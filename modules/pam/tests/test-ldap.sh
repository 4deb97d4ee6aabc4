#!/bin/bash
# Directory integration: a real OpenLDAP server (slapd) on the loopback of
# a private network namespace, with a small dc=test directory, and nslcd
# serving it to NSS (libnss-ldapd) and PAM (libpam-ldapd) inside the
# private mount namespace: /etc/nsswitch.conf, /etc/nslcd.conf and /run
# are the test's own, the host's are untouched.  The setuid helper, run by
# LDAP-only users, is granted by the group module through an LDAP group
# and by the pam module through pam_ldap's account check, and refused at
# the next request once the account is locked (shadowExpire in the past)
# or removed from the group.
#
# Needs (Debian): slapd ldap-utils nslcd libnss-ldapd libpam-ldapd.
# Installed non-interactively with their services not started and the
# host's nsswitch.conf and PAM configuration left alone; see
# bridge-auth-pam(8) and the project's CI script.

. "${top_srcdir:-$(dirname "$0")/../../..}/tests/lib.sh"

ldap_missing() {
	local t
	for t in slapd slapadd ldapmodify nslcd; do
		command -v "$t" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin command -v "$t" >/dev/null 2>&1 || { echo "$t"; return; }
	done
	for t in /usr/lib/ldap/back_mdb.so /etc/ldap/schema/nis.schema; do
		[ -e "$t" ] || { echo "$t"; return; }
	done
	ls /lib/*/libnss_ldap.so.2 /usr/lib/*/libnss_ldap.so.2 >/dev/null 2>&1 || { echo libnss-ldapd; return; }
	ls /lib/*/security/pam_ldap.so /usr/lib/*/security/pam_ldap.so >/dev/null 2>&1 || { echo libpam-ldapd; return; }
}
if [ "${BA_IN_NS:-}" != 1 ]; then
	PATH=$PATH:/usr/sbin:/sbin
	missing=$(ldap_missing)
	[ -z "$missing" ] || ba_skip_all "$missing not installed (slapd ldap-utils nslcd libnss-ldapd libpam-ldapd)"
fi
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
PATH=$PATH:/usr/sbin:/sbin

# LDAP-only users (known to ba_as by their uids).
BA_UID[dave]=5101
BA_UID[erin]=5102

L=$BA_TMP/ldap
mkdir -m 0700 "$L" "$L/db" || ba_fatal "mkdir $L"

# ---------------------------------------------------------------- a private /run, nsswitch.conf, nslcd.conf
mount -t tmpfs -o mode=0755 bridge-auth-run /run || ba_fatal "cannot mount a private /run"
mkdir -m 0755 /run/nslcd || ba_fatal "mkdir /run/nslcd"
cat >/etc/nsswitch.conf <<'NSS' || ba_fatal "writing /etc/nsswitch.conf"
passwd:  files ldap
group:   files ldap
shadow:  files ldap
hosts:   files
NSS
cat >/etc/nslcd.conf <<'NSLCD' || ba_fatal "writing /etc/nslcd.conf"
uri ldap://127.0.0.1:389/
base dc=test
NSLCD
chmod 0600 /etc/nslcd.conf

# ---------------------------------------------------------------- slapd with dc=test
cat >"$L/slapd.conf" <<SLAPD || ba_fatal "writing slapd.conf"
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/nis.schema
include /etc/ldap/schema/inetorgperson.schema
pidfile $L/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
maxsize 16777216
suffix "dc=test"
rootdn "cn=admin,dc=test"
rootpw secret
directory $L/db
access to * by * read
SLAPD

# user NAME UID: a posixAccount with a shadowAccount part, and its own group.
user() {
	cat <<LDIF
dn: uid=$1,ou=people,dc=test
objectClass: account
objectClass: posixAccount
objectClass: shadowAccount
uid: $1
cn: $1
uidNumber: $2
gidNumber: $2
homeDirectory: /nonexistent
loginShell: /usr/sbin/nologin
shadowLastChange: 19000
shadowMax: 99999

dn: cn=$1,ou=groups,dc=test
objectClass: posixGroup
cn: $1
gidNumber: $2

LDIF
}
{
	cat <<'LDIF'
dn: dc=test
objectClass: dcObject
objectClass: organization
dc: test
o: bridge-auth test

dn: ou=people,dc=test
objectClass: organizationalUnit
ou: people

dn: ou=groups,dc=test
objectClass: organizationalUnit
ou: groups

LDIF
	user dave 5101
	user erin 5102
	cat <<'LDIF'
dn: cn=ldapvm,ou=groups,dc=test
objectClass: posixGroup
cn: ldapvm
gidNumber: 5200
memberUid: dave

LDIF
} >"$L/data.ldif"
slapadd -f "$L/slapd.conf" -l "$L/data.ldif" >"$L/slapadd.log" 2>&1 || ba_fatal "slapadd: $(cat "$L/slapadd.log")"
slapd -f "$L/slapd.conf" -h ldap://127.0.0.1:389/ >"$L/slapd.log" 2>&1 || ba_fatal "slapd did not start: $(cat "$L/slapd.log")"
for i in $(seq 100); do [ -s "$L/slapd.pid" ] && break; sleep 0.1; done
[ -s "$L/slapd.pid" ] || ba_fatal "slapd wrote no pid file: $(cat "$L/slapd.log")"
ba_bg "$(cat "$L/slapd.pid")"

# ldapmod LDIF: change the directory as its administrator.
ldapmod() {
	printf '%s\n' "$1" | ldapmodify -x -H ldap://127.0.0.1:389/ -D cn=admin,dc=test -w secret >"$L/ldapmodify.log" 2>&1 ||
		ba_fatal "ldapmodify: $(cat "$L/ldapmodify.log")"
}

nslcd -n >"$L/nslcd.log" 2>&1 &
ba_bg $!
for i in $(seq 100); do
	[ "$(getent passwd dave 2>/dev/null | cut -d: -f3)" = 5101 ] && break
	sleep 0.1
done

is "$(getent passwd dave | cut -d: -f1,3,4)" "dave:5101:5101" "LDAP user dave resolves through nslcd"
is "$(getent group ldapvm | cut -d: -f1,3,4)" "ldapvm:5200:dave" "LDAP group ldapvm resolves, dave is a member"
is "$(id -nG dave 2>&1)" "dave ldapvm" "dave's groups come from LDAP"
grep -q '^dave:' /etc/passwd
is $? 1 "dave is not in /etc/passwd: an LDAP-only user"
[ "$(getent passwd dave | cut -d: -f3)" = 5101 ] || ba_fatal "LDAP users do not resolve; nslcd: $(cat "$L/nslcd.log")"

ba_bridge br0
ba_bridge br1

# ---------------------------------------------------------------- group: an LDAP group
ba_bridge_conf "allow br1"
ba_policy_stack "stack = (
  { module = \"group\"; control = \"sufficient\"; args = [ \"map=br0:ldapvm\" ]; },
  { module = \"acl\"; control = \"required\"; args = [ \"file=$BA_BRIDGE_CONF\" ]; }
);"
ba_expect dave br0 granted "group sufficient + acl: LDAP user dave, member of LDAP group ldapvm, gets br0"
ba_expect erin br0 refused "group sufficient + acl: LDAP user erin, not a member, is refused br0" 'br0'
ba_expect erin br1 granted "group sufficient + acl: erin gets br1 from bridge.conf"
ba_expect alice br0 refused "group sufficient + acl: local user alice is refused br0" 'br0'

ba_policy_stack 'stack = ( { module = "group"; control = "required"; args = [ "map=br0:ldapvm" ]; } );'
ba_expect dave br0 granted "group required: dave (LDAP group) gets br0"
ba_expect erin br0 refused "group required: erin is refused, the LDAP group is named" \
	'erin is not in group ldapvm, which bridge br0 requires'
ldapmod "dn: cn=ldapvm,ou=groups,dc=test
changetype: modify
delete: memberUid
memberUid: dave"
ba_expect dave br0 refused "dave removed from the LDAP group: refused at the next request, nothing restarted" \
	'dave is not in group ldapvm, which bridge br0 requires'
ldapmod "dn: cn=ldapvm,ou=groups,dc=test
changetype: modify
add: memberUid
memberUid: erin
memberUid: dave"
ba_expect erin br0 granted "erin added to the LDAP group: granted at the next request"
ba_expect dave br0 granted "dave added back: granted"

# ---------------------------------------------------------------- pam: pam_ldap's account check
cat >/etc/pam.d/qemu-bridge-helper <<'PAM' || ba_fatal "writing the PAM service"
account  [success=1 default=ignore]  pam_localuser.so
account  [default=bad success=ok user_unknown=bad]  pam_ldap.so
account  required  pam_unix.so
PAM
ba_policy_stack 'stack = (
  { module = "group"; control = "required"; args = [ "map=br0:ldapvm" ]; },
  { module = "pam"; control = "required"; }
);'
ba_expect dave br0 granted "group + pam: dave, LDAP member with a valid LDAP account"
ba_expect alice br0 refused "group + pam: local alice is not in the LDAP group" 'alice is not in group ldapvm'

ba_policy_stack 'stack = ( { module = "pam"; control = "required"; } );'
ba_expect dave br1 granted "pam alone: dave's LDAP account is valid"
ba_expect alice br1 granted "pam alone: local alice passes pam_unix (pam_ldap skipped for local users)"
ldapmod "dn: uid=dave,ou=people,dc=test
changetype: modify
replace: shadowExpire
shadowExpire: 1"
ba_expect dave br1 refused "pam: dave's LDAP account locked (shadowExpire 1): refused at the next request" \
	'denied for dave by module pam: PAM account check \(service qemu-bridge-helper\): User account has expired'
ba_policy_stack 'stack = (
  { module = "group"; control = "required"; args = [ "map=br0:ldapvm" ]; },
  { module = "pam"; control = "required"; }
);'
ba_expect dave br0 refused "group + pam: dave still in ldapvm but locked: refused" 'User account has expired'
ldapmod "dn: uid=dave,ou=people,dc=test
changetype: modify
delete: shadowExpire"
ba_expect dave br0 granted "group + pam: dave unlocked: granted again"

# A directory that cannot be reached: dave has no name any more; the
# request is refused (run by uid, since setpriv cannot resolve dave either).
read -r slapd_pid <"$L/slapd.pid" || ba_fatal "no slapd pid"
kill "$slapd_pid" || ba_fatal "cannot stop slapd"
for i in $(seq 100); do kill -0 "$slapd_pid" 2>/dev/null || break; sleep 0.1; done
BA_OUT=$(cd / && env -i PATH=/usr/bin:/bin setpriv --reuid=5101 --regid=5101 --clear-groups --inh-caps=-all -- \
	timeout -k 5 60 "$BA_CLIENT_BIN" "$H" --use-vnet --fd=@FD@ --br=br0 2>"$BA_TMP/stderr")
BA_RC=$?
BA_ERR=$(cat "$BA_TMP/stderr")
_ba_parse_line
is "$(ba_decision)" refused "slapd stopped: uid 5101 (dave) is refused"
is "$BA_RC" 1 "slapd stopped: exit status 1 (denied), not a failure of the helper" || diag "$BA_ERR"
like "${BA_ERR%%$'\n'*}" '^qemu-bridge-helper: access to bridge br0 denied for uid 5101 by module pam: PAM account check \(service qemu-bridge-helper\): uid 5101 has no user name$' \
	"slapd stopped: the refusal says pam found no user name for uid 5101"
ba_no_taps "slapd stopped: no tap left behind"

ba_done
