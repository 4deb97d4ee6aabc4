#!/bin/bash
# Per-bridge sections of bridge-auth.conf (bridge-auth.conf(5)), through the
# real setuid helper as the test users and through bridge-auth(8):
#
#   - the first section whose match fits decides: its own stack, or the
#     top-level one; mtu and tap_name shape the tap;
#   - an mtu above the bridge's is refused naming both, no tap left;
#   - a bridge that no section matches, with no top-level stack, is refused;
#   - every unknown key, wrong type and bad value fails closed with file:line
#     in the helper (exit 3, no tap) and in `bridge-auth check` (exit 1);
#   - explain shows the section; list asks rtnetlink (right inside a network
#     namespace whose /sys is another namespace's).

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
STACK=$BA_POLICYDIR/bridge-auth.conf
CONF=$BA_BRIDGE_CONF
. "${top_srcdir:-$(dirname "$0")/..}/tests/admin-lib.sh"
ACL='{ module = "acl"; control = "required"; args = [ "file='$CONF'" ]; }'
GROUP='{ module = "group"; control = "required"; args = [ "pattern=%b" ]; }'

ba_bridge br0
ba_bridge br1
ba_bridge lab-a
ba_bridge br9 1500
groupadd -g 4200 lab-a && usermod -a -G lab-a alice || ba_fatal "cannot add group lab-a"
ba_bridge_conf "allow br0
allow br9"

# refused_with TEXT STATUS REGEX: the last request failed with STATUS and REGEX, no tap left.
refused_with() {
	is "$BA_RC" "$2" "$1: exit status $2" || diag "$BA_ERR"
	is "$BA_FD" no "$1: no fd sent"
	like "$BA_ERR" "$3" "$1: message"
	ba_no_taps "$1: no tap left behind"
}

# ---------------------------------------------------------------- sections decide

ba_policy_stack "stack = ( $ACL );
bridges = (
  { match = \"br0\"; mtu = 1400; tap_name = \"vm%d\"; },
  { match = \"lab-*\"; stack = ( $GROUP ); }
);"

ba_run_keep alice "$H" --use-vnet --fd=@FD@ --br=br0
is "$BA_FD" yes "br0 section: alice gets a tap"
is "$BA_TAPNAME" vm0 "br0 section: tap_name vm%d gives vm0"
link=$(ip -d link show dev vm0 2>&1)
like "$link" ' mtu 1400 ' "br0 section: the tap's MTU is the section's 1400 (bridge: 1500)"
like "$link" ' master br0 ' "br0 section: attached to br0"
ba_release
ba_no_taps "br0 section: the tap is gone with its fd"

ba_expect alice lab-a granted "lab-* section: its own stack (group lab-a) grants alice"
ba_expect bob lab-a refused "lab-* section: its own stack refuses bob" \
	'denied for bob by module group'
ba_expect alice br1 refused "no section matches br1: the top-level stack (acl) refuses" \
	'denied for alice: no module allowed it \(acl: no rule for bridge br1'
ba_run_keep alice "$H" --use-vnet --fd=@FD@ --br=br9
like "$BA_TAPNAME" '^tap[0-9]+$' "no section: tap%d as before"
like "$(ip -d link show dev "$BA_TAPNAME")" ' mtu 1500 ' "no section: the bridge's MTU"
ba_release

# ---------------------------------------------------------------- mtu above the bridge's

ba_policy_stack "stack = ( $ACL );
bridges = ( { match = \"br9\"; mtu = 9000; } );"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br9
refused_with "mtu 9000 on a 1500 bridge" 3 "mtu 9000 for bridge br9 is above the bridge's MTU 1500"

# ---------------------------------------------------------------- no section, no top-level stack

ba_policy_stack "bridges = ( { match = \"lab-*\"; stack = ( $GROUP ); } );"
ba_expect alice lab-a granted "sections only: lab-a is matched"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
refused_with "sections only: br0 is matched by none" 3 \
	"no section of bridges matches bridge br0, and there is no top-level stack"
tool check
is "$RC" 0 "check: a file of sections only is valid" || diag "$OUT"

# ---------------------------------------------------------------- bad sections fail closed

# bad TEXT LINE REGEX SECTION...: the helper refuses (exit 3, file:line, no
# tap) and check reports the same at file:line (exit 1).
bad() {
	local text=$1 line=$2 msg=$3
	shift 3
	ba_policy_stack "stack = ( $ACL );
bridges = (
$*
);"
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
	refused_with "$text: helper" 3 "$(re "$STACK"):$line: $msg"
	tool check
	is "$RC" 1 "$text: check fails" || diag "$OUT"
	like "$OUT" "^$(re "$STACK"):$line: $msg" "$text: check says file:line"
}
bad "unknown key" 3 "unknown setting 'quota' in a bridges section" \
	'{ match = "br0";' 'quota = 2; }'
bad "isolated as a string" 3 'isolated must be true or false' '{ match = "br0";' 'isolated = "yes"; }'
bad "mtu too small" 3 'mtu must be a whole number from 68 to 65535' '{ match = "br0";' 'mtu = 10; }'
bad "mtu as a string" 3 'mtu must be a whole number' '{ match = "br0";' 'mtu = "1400"; }'
bad "negative quota" 3 'max_taps_per_user must be a whole number from 0' '{ match = "br0";' \
	'max_taps_per_user = -1; }'
bad "quota as a float" 3 'max_taps_per_user must be a whole number' '{ match = "br0";' \
	'max_taps_per_user = 2.5; }'
bad "tap_name without %d" 3 'tap_name "vm" must hold exactly one %d' '{ match = "br0"; tap_name = "vm"; }'
bad "tap_name with two %d" 3 'tap_name "v%d%d" must hold exactly one %d' \
	'{ match = "br0"; tap_name = "v%d%d"; }'
bad "tap_name too long" 3 'tap_name "abcdefghijk%d" must' '{ match = "br0"; tap_name = "abcdefghijk%d"; }'
bad "tap_name with a slash" 3 'tap_name "v/%d" must' '{ match = "br0"; tap_name = "v/%d"; }'
bad "match missing" 3 'a bridges section needs match' '{ mtu = 1400; }'
bad "match unclosed [" 3 'match "br\[0" has a \[ without \]' '{ match = "br[0"; }'
bad "match not a name" 3 'match "br 0" is not a valid interface name' '{ match = "br 0"; }'
bad "section not a group" 2 'bridges holds a value that is not a section' '"br0"'
bad "stack not a list" 3 'stack must be a list' '{ match = "br0";' 'stack = "acl"; }'
bad "a stack entry in a section" 3 "unknown control 'maybe'" \
	'{ match = "br0";' 'stack = ( { module = "acl"; control = "maybe"; } ); }'
ba_policy_stack "stack = ( $ACL );
bridges = \"br0\";"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
refused_with "bridges not a list" 3 "$(re "$STACK"):2: bridges must be a list"
# Every problem at once in check.
ba_policy_stack "stack = ( $ACL );
bridges = (
  { match = \"br0\"; mtu = 1; },
  { match = \"br1\"; colour = \"red\"; }
);"
tool check
is "$RC" 1 "check: two bad sections: exit 1"
like "$OUT" "$(re "$STACK"):3: mtu must be" "check: reports the first bad section"
like "$OUT" "$(re "$STACK"):4: unknown setting 'colour'" "check: and the second"

# ---------------------------------------------------------------- check, explain, list

ba_policy_stack "stack = ( $ACL );
bridges = (
  { match = \"br0\"; max_taps_per_user = 2; isolated = true; mtu = 1400; tap_name = \"vm%d\"; },
  { match = \"lab-*\"; stack = ( $GROUP ); }
);"
tool check
is "$RC" 0 "check: valid sections pass" || diag "$OUT"
like "$OUT" "$(re "$STACK"):3: bridges \"br0\": top-level stack; taps vm%d, mtu 1400, max_taps_per_user 2, isolated" \
	"check: shows the br0 section"
like "$OUT" "$(re "$STACK"):4: bridges \"lab-\\*\": 1 stack entry: group \\(required\\)" \
	"check: shows the lab-* section's own stack"
tool explain --user alice --bridge br0
like "$OUT" "section: $(re "$STACK"):3, match \"br0\": the top-level stack; taps vm%d, mtu 1400, max_taps_per_user 2, isolated" \
	"explain: shows the matching section and what it sets"
tool explain --user alice --bridge lab-a
like "$OUT" 'match "lab-\*": its own stack' "explain: lab-a: the section's own stack"
like "$OUT" '1\. group required' "explain: lab-a: the group module decides"
tool explain --user alice --bridge br1
like "$OUT" 'section: none matches' "explain: br1: no section"
tool list --user alice
like "$OUT" 'br0 +allowed .*\(at most 2 taps per user, alice holds 0\)' "list: br0 shows its limit"
like "$OUT" 'lab-a +allowed +group' "list: lab-a decided by its own stack"
like "$OUT" 'br1 +denied' "list: br1 denied"
if [ "$HAVE_JQ" = 1 ]; then
	tool --json explain --user alice --bridge br0
	is "$(jq -c '.section | [.line, .match, .max_taps_per_user, .isolated, .mtu, .tap_name]' <<<"$OUT")" \
		'[3,"br0",2,true,1400,"vm%d"]' "explain --json: the section"
else
	skip "jq is not installed"
fi
# rtnetlink, not /sys: in a fresh network namespace, /sys still shows ours.
OUT=$(unshare --net "$TOOL" list 2>&1)
like "$OUT" '\(none\)' "list in a new network namespace: no bridges (its own, from rtnetlink)" ||
	diag "$OUT"
[ -d /sys/class/net/br0 ]
ok $? "list in a new network namespace: /sys there still shows br0 (not used)"

ba_done
