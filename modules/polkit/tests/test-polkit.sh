#!/bin/bash
# The polkit module through the real setuid helper, run by unprivileged test
# users, against a real polkitd on a private system bus inside the test's
# namespaces (lib.sh): a tmpfs over /run/dbus holds the bus socket, tmpfs
# over polkit's rules and actions directories hide the host's, and the
# action is the one `make install` ships.  Cases: granted (per user, per
# group), denied, challenges, a rule that throws, the subject the rule sees,
# an unknown action, polkitd stopped (with and without bus activation),
# polkitd or the bus too slow (timeout), no bus, the caller's own bus in
# DBUS_SYSTEM_BUS_ADDRESS, module arguments, bridge-auth explain and list.
# Each request: exit status, message, syslog line, no tap left.

. "${top_srcdir:-$(dirname "$0")/../../..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
# The private system bus and polkitd: pk_world, start_bus, start_polkitd...
. "$top_srcdir/modules/polkit/tests/polkit-lib.sh"
# bridge-auth(8): TOOL, tool, helper_says, explain_says.
. "$top_srcdir/tests/admin-lib.sh"

ba_syslog_sink

pk_world
pk_rules 10-bridge-auth-test.rules <<'EOF'
polkit.addRule(function(action, subject) {
    if (action.id != "org.qemu.bridge-auth.use-bridge")
        return polkit.Result.NOT_HANDLED;
    var br = action.lookup("bridge");
    polkit.log("bridge-auth-test: user=" + subject.user + " bridge=" + br + " pid=" + subject.pid);
    if (br == "br0" && subject.user == "alice")
        return polkit.Result.YES;
    if (br == "brgrp" && subject.isInGroup("vmusers"))
        return polkit.Result.YES;
    if (br == "bradm")
        return polkit.Result.AUTH_ADMIN;
    if (br == "brself")
        return polkit.Result.AUTH_SELF_KEEP;
    if (br == "brthrow")
        throw new Error("bridge-auth-test: a rule that throws");
    return polkit.Result.NO;
});
EOF
start_bus
start_polkitd

for b in br0 brgrp bradm brself brthrow brwho br9; do ba_bridge "$b"; done

stack() { ba_policy_stack "stack = ( $1 );"; }
PK='{ module = "polkit"; control = "required"; }'
stack "$PK"

# expect USER BRIDGE granted|refused TEXT REGEX: a request, its decision,
# exit status (0 or 1), message (REGEX on stderr when refused), the syslog
# line (verdict, module, REGEX in the reason), and no tap left.
expect() {
	local u=$1 br=$2 want=$3 text=$4 re=$5 verdict line
	: >"$BA_SYSLOG"
	ba_run "$u" "$H" --use-vnet --fd=@FD@ --br="$br"
	is "$(ba_decision)" "$want" "$text"
	if [ "$want" = refused ]; then
		is "$BA_RC" 1 "$text: exit status 1"
		like "$BA_ERR" "access to bridge $br denied for $u by module polkit: $re" "$text: message"
		diag "$BA_ERR"
		verdict=denied
	else
		is "$BA_RC" 0 "$text: exit status 0"
		verdict=granted
	fi
	# The sink may lag behind the helper's exit on a busy machine.
	for _ in $(seq 250); do grep -q " bridge=$br .*verdict=" "$BA_SYSLOG" && break; sleep 0.02; done
	line=$(grep " bridge=$br .*verdict=" "$BA_SYSLOG")
	like "$line" "user=$u uid=${BA_UID[$u]} bridge=$br tap=[^ ]+ verdict=$verdict module=polkit reason=\"$re" \
		"$text: syslog line"
	ba_no_taps "$text: no tap left"
}
AUTHZ="polkitd authorizes $ACTION on bridge"
NOT="polkitd does not authorize $ACTION on bridge"
CANNOT="cannot ask polkitd about $ACTION"

# ---------------------------------------------------------------- decisions
expect alice br0 granted "rule grants alice br0" "$AUTHZ br0"
expect bob br0 refused "rule refuses bob br0" "$NOT br0"
expect bob brgrp granted "per group: bob is in vmusers" "$AUTHZ brgrp"
expect carol brgrp refused "per group: carol is not in vmusers" "$NOT brgrp"
expect alice br9 refused "no rule grants br9" "$NOT br9"
expect alice bradm refused "AUTH_ADMIN: a challenge is refused" \
	"polkitd requires authentication for $ACTION on bridge bradm, and the helper does not prompt"
expect alice brself refused "AUTH_SELF_KEEP: a challenge is refused" \
	"polkitd requires authentication for $ACTION on bridge brself, and the helper does not prompt"
expect alice brthrow refused "a rule that throws: refused" "$NOT brthrow"
like "$(cat "$BA_TMP/polkitd.log")" "bridge-auth-test: a rule that throws" "a rule that throws: polkitd logged the exception"

# The subject the rule sees: the caller (never root, though the helper runs
# with euid 0: a uid-0 subject would be authorized without any rule, and
# the rule would not even run).
: >"$BA_TMP/polkitd.log"
expect bob brwho refused "brwho: a rule that only logs refuses" "$NOT brwho"
seen=$(grep -o 'bridge-auth-test: user=[^ ]* bridge=brwho pid=[0-9]*' "$BA_TMP/polkitd.log")
like "$seen" '^bridge-auth-test: user=bob bridge=brwho pid=[0-9]+$' "the rule saw subject.user = bob, the caller, and a pid"
unlike "$seen" 'user=root' "the rule never saw root"

# The bridge comes from the helper's validated argument, not the caller's text.
ba_run alice "$H" --use-vnet --fd=@FD@ --br='br 0'
is "$BA_RC" 2 "an invalid bridge name never reaches polkitd (usage error)"
ba_no_taps "invalid bridge name: no tap left"

# ---------------------------------------------------------------- stacked with acl
# says USER BRIDGE EXPECTED TEXT: the helper's outcome, and explain's (root) agrees.
says() {
	is "$(helper_says "$1" "$2")" "$3" "$4: $1 on $2"
	is "$(explain_says root "$1" "$2")" "$3" "$4: $1 on $2: explain agrees"
}
ACL="{ module = \"acl\"; control = \"required\"; args = [ \"file=$BA_BRIDGE_CONF\" ]; }"
ba_bridge_conf "allow br9"
stack "{ module = \"polkit\"; control = \"sufficient\"; }, $ACL"
says alice br0 granted "polkit sufficient + acl: polkit grants"
says carol br9 granted "polkit sufficient + acl: the acl grants"
says carol brgrp "refused no module allowed it (polkit: $NOT brgrp)" "polkit sufficient + acl: neither grants"
stack "$ACL, $PK"
ba_bridge_conf "allow br0"
says alice br0 granted "acl + polkit required: both agree"
says bob br0 "refused polkit: $NOT br0" "acl + polkit required: the acl allows, polkit does not"
ba_no_taps "stacked: no tap left"

# ---------------------------------------------------------------- arguments
stack '{ module = "polkit"; control = "required"; args = [ "action=org.example.unknown" ]; }'
expect alice br0 refused "an action polkitd does not know: ERROR" \
	"cannot ask polkitd about org.example.unknown: polkitd: Action org.example.unknown is not registered"
stack '{ module = "polkit"; control = "required"; args = [ "timeout=soon" ]; }'
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" refused "a bad argument: refused"
like "$BA_ERR" 'polkit.*cannot start.*timeout=soon: not a number of milliseconds' "a bad argument: the message says why"
ba_no_taps "bad argument: no tap left"
stack "$PK"

# ---------------------------------------------------------------- explain and list (as root, and as a user)
says alice br0 granted "explain"
says bob br0 "refused polkit: $NOT br0" "explain"
says alice bradm "refused polkit: polkitd requires authentication for $ACTION on bridge bradm, and the helper does not prompt" \
	"explain, a challenge"
tool list --user bob
is "$RC" 0 "list as root for bob: exit 0"
like "$OUT" "brgrp +allowed +polkit: $AUTHZ brgrp" "list for bob: brgrp (group vmusers) allowed"
like "$OUT" "br0 +denied +polkit: $NOT br0" "list for bob: br0 denied"
like "$OUT" "bradm +denied +polkit: polkitd requires authentication" "list for bob: bradm needs authentication"
tool alice explain --bridge br0
is "$RC" 1 "explain as alice: polkitd does not answer a user (denied, exit 1)"
like "$OUT" "$CANNOT: polkitd answers such questions only for root" "explain as alice: says why"

# ---------------------------------------------------------------- the caller's own bus
# A second bus at an address the caller names, served by a polkitd of its
# own; the system polkitd is stopped and cannot be started by the bus.  If
# the helper honoured DBUS_SYSTEM_BUS_ADDRESS it would be granted there.
sed -e 's|<listen>.*</listen>|<listen>unix:path='"$BA_TMP"'/work/own.sock</listen>|' \
	-e 's|<includedir>system.d</includedir>|<includedir>/usr/share/dbus-1/system.d</includedir>|' \
	-e '/<fork\/>/d' -e '/<pidfile>/d' -e '/<syslog\/>/d' -e '/<user>/d' \
	/usr/share/dbus-1/system.conf >"$BA_TMP/own.conf" || ba_fatal "writing the caller's bus config"
OWN=unix:path=$BA_TMP/work/own.sock
dbus-daemon --config-file="$BA_TMP/own.conf" --nofork --nopidfile >"$BA_TMP/own.log" 2>&1 &
OWN_DBUS=$!
ba_bg "$OWN_DBUS"
for _ in $(seq 100); do [ -S "$BA_TMP/work/own.sock" ] && break; sleep 0.02; done
chmod 0777 "$BA_TMP/work/own.sock" 2>/dev/null
stop_pid "$PK_PID"
start_polkitd "$OWN"
OWN_PK=$PK_PID
# Without activation, the system bus cannot start polkitd again.
PK_SERVICE=/usr/share/dbus-1/system-services/org.freedesktop.PolicyKit1.service
rm -f "$PK_SERVICE"
kill -HUP "$DBUS_PID"
sleep 0.1
ba_as alice sleep 30 &
ba_bg $!
for _ in $(seq 100); do sp=$(pgrep -u alice -x sleep) && break; sleep 0.02; done
[ -n "$sp" ] || ba_fatal "alice's process did not start"
st=$(awk '{ print $22 }' "/proc/$sp/stat")
DBUS_SYSTEM_BUS_ADDRESS=$OWN pkcheck --action-id "$ACTION" --process "$sp,$st,${BA_UID[alice]}" -d bridge br0 >/dev/null 2>&1
is "$?" 0 "the caller's bus works: its polkitd grants alice br0 (pkcheck)"
kill "$sp"
: >"$BA_SYSLOG"
# shellcheck disable=SC2034 # BA_OUT is read by _ba_parse_line
BA_OUT=$(ba_as alice env DBUS_SYSTEM_BUS_ADDRESS="$OWN" DBUS_SESSION_BUS_ADDRESS="$OWN" \
	"$BA_CLIENT_BIN" "$H" --use-vnet --fd=@FD@ --br=br0 2>"$BA_TMP/stderr")
BA_RC=$?
BA_ERR=$(cat "$BA_TMP/stderr")
_ba_parse_line
is "$(ba_decision)" refused "DBUS_SYSTEM_BUS_ADDRESS of the caller: ignored, the system bus is asked"
like "$BA_ERR" "$CANNOT: polkitd is not running, and the bus did not start it" \
	"DBUS_SYSTEM_BUS_ADDRESS of the caller: the system bus's answer"
like "$(cat "$BA_SYSLOG")" "user=alice .*verdict=denied module=polkit reason=\"$CANNOT: polkitd is not running" \
	"DBUS_SYSTEM_BUS_ADDRESS of the caller: syslog line"
ba_no_taps "DBUS_SYSTEM_BUS_ADDRESS of the caller: no tap left"
# bridge-auth is not setuid and keeps its environment: the module still
# reads no bus address from it.
OUT=$(DBUS_SYSTEM_BUS_ADDRESS=$OWN "$TOOL" explain --user alice --bridge br0 2>&1)
like "$OUT" "polkitd is not running" "bridge-auth with DBUS_SYSTEM_BUS_ADDRESS set: the system bus is still the one asked"
stop_pid "$OWN_PK"
stop_pid "$OWN_DBUS"

# ---------------------------------------------------------------- polkitd stopped
expect alice br0 refused "polkitd stopped, no bus activation: ERROR" \
	"$CANNOT: polkitd is not running, and the bus did not start it"
# With bus activation (as polkitd's package installs it), the bus starts it again.
# (Written here, as Debian's polkitd ships it, so that the case does not
# depend on the host's copy.)
printf '[D-BUS Service]\nName=org.freedesktop.PolicyKit1\nExec=%s --no-debug\nUser=root\n' "$POLKITD" \
	>"$PK_SERVICE" && kill -HUP "$DBUS_PID" || ba_fatal "writing $PK_SERVICE"
sleep 0.1
expect alice br0 granted "polkitd stopped, bus activation: the bus starts it" "$AUTHZ br0"
for p in $(pgrep -x polkitd); do kill "$p"; done
for _ in $(seq 100); do pgrep -x polkitd >/dev/null || break; sleep 0.02; done
ok "$(pgrep -x polkitd >/dev/null && echo 1 || echo 0)" "the polkitd the bus started is gone"
rm -f "$PK_SERVICE" && kill -HUP "$DBUS_PID" || ba_fatal "removing $PK_SERVICE"
sleep 0.1
start_polkitd

# ---------------------------------------------------------------- too slow
stack '{ module = "polkit"; control = "required"; args = [ "timeout=300" ]; }'
kill -STOP "$PK_PID"
t0=$(date +%s%N)
expect alice br0 refused "polkitd stopped by SIGSTOP, timeout=300: ERROR" "$CANNOT: no answer from polkitd within 300 ms"
ms=$((($(date +%s%N) - t0) / 1000000))
ok "$([ "$ms" -lt 10000 ] && echo 0 || echo 1)" "a slow polkitd: refused after ${ms} ms (request, checks and all), not after the 30 s request timeout"
kill -CONT "$PK_PID"
kill -STOP "$DBUS_PID"
expect alice br0 refused "system bus stopped by SIGSTOP, timeout=300: ERROR" \
	"$CANNOT: no answer from the system bus within 300 ms"
kill -CONT "$DBUS_PID"
expect alice br0 granted "both running again: granted" "$AUTHZ br0"

# ---------------------------------------------------------------- no bus
stack "$PK"
stop_pid "$PK_PID"
# A bus that died (SIGKILL): its socket is left, nobody listens on it.
kill -KILL "$DBUS_PID"
wait "$DBUS_PID" 2>/dev/null
[ -S "$BUS_SOCK" ] || ba_fatal "the killed bus left no socket"
expect alice br0 refused "a dead bus socket: ERROR" "$CANNOT: no system bus at /run/dbus/system_bus_socket"
rm -f "$BUS_SOCK"
expect alice br0 refused "no system bus (no socket): ERROR" "$CANNOT: no system bus at /run/dbus/system_bus_socket"

ba_done
