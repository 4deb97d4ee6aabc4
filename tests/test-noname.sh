#!/bin/bash
# No name service at all, as under libvirtd's AppArmor child profile for the
# helper: nsswitch.conf (of the private /etc) bound to a service that does
# not exist, so no user or group name resolves.  Requests come from uids and
# gids set by number (setpriv needs no name then), as QEMU's come from
# libvirtd.  The whole request path:
#   - the shipped stack (acl) grants, and refuses, exactly as with names;
#     the log line names the uid;
#   - group and pam, which need the name, fail closed with a message that
#     says the name service was unavailable, in stderr and in the log line;
#     no tap is left.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

ba_syslog_sink
ba_bridge br0
ba_bridge br1
ba_policy_default
ba_bridge_conf "allow br0
deny br1"

printf 'passwd: nosuchservice\ngroup: nosuchservice\nshadow: nosuchservice\n' >/etc/nsswitch.conf ||
	ba_fatal "cannot write the private /etc/nsswitch.conf"
if id -u alice >/dev/null 2>&1 || getent passwd 0 >/dev/null; then
	ba_fatal "names still resolve with passwd: nosuchservice"
fi

# By number: setpriv --init-groups would need the name service.
ba_as() {
	local u=$1 id=${BA_UID[$1]:-}
	shift
	[ -n "$id" ] || ba_fatal "ba_as: unknown test user '$u'"
	(cd / && exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/ LANG=C setpriv --reuid="$id" --regid="$id" --groups="$id" --inh-caps=-all -- "$@")
}

last_log() { sleep 0.2; tail -1 "$BA_SYSLOG"; }
# stack TEXT: rewrite the (root's, 0644) bridge-auth.conf in place: chown by name would fail now.
stack() { printf '%s\n' "$1" >"$BA_POLICYDIR/bridge-auth.conf" || ba_fatal "writing the stack"; }

# ---------------------------------------------------------------- the shipped stack: acl
ba_run alice "$BA_HELPER" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" granted "acl, no name service: alice (uid 4001) gets br0" || diag "$BA_ERR"
is "$BA_RC" 0 "acl, no name service: exit 0"
like "$BA_TAPNAME" '^tap[0-9]+$' "acl, no name service: the client got a tap"
ba_no_taps "the tap is gone with the client's fd"
like "$(last_log)" 'user=- uid=4001 bridge=br0 tap=tap[0-9]+ verdict=granted module=acl reason="allowed by /etc/qemu/bridge\.conf:1 \(allow br0\)"' \
	"the grant's log line names the uid"

ba_expect alice br1 refused "acl, no name service: br1 refused as bridge.conf says" \
	'^qemu-bridge-helper: access to bridge br1 denied for uid 4001 by module acl: denied by /etc/qemu/bridge\.conf:2 \(deny br1\)'
like "$(last_log)" 'user=\? uid=4001 bridge=br1 tap=- verdict=denied module=acl' "the refusal's log line"

# ---------------------------------------------------------------- modules that need the name
NS_MSG='the name service was unavailable: cannot look up uid 4001'

stack 'stack = ( { module = "group"; control = "required"; args = [ "map=br0:alice" ]; } );'
ba_expect alice br0 refused "group, no name service: refused (fail closed)" \
	"denied for uid 4001 by module group: $NS_MSG"
like "$(last_log)" "user=\\? uid=4001 bridge=br0 tap=- verdict=denied module=group reason=\"$NS_MSG" \
	"group: the log line says the name service was unavailable"

stack 'stack = ( { module = "pam"; control = "required"; } );'
ba_expect alice br0 refused "pam, no name service: refused (fail closed)" \
	"denied for uid 4001 by module pam: $NS_MSG"
like "$(last_log)" "verdict=denied module=pam reason=\"$NS_MSG" \
	"pam: the log line says the name service was unavailable"

# A module that needs the name is not even asked: acl sufficient first still grants.
stack 'stack = (
  { module = "acl"; control = "sufficient"; args = [ "file='"$BA_BRIDGE_CONF"'" ]; },
  { module = "group"; control = "required"; args = [ "map=br0:alice" ]; }
);'
ba_expect alice br0 granted "acl sufficient before group: granted without any name"

ba_no_taps "no tap remains"
ba_done
