#!/bin/bash
# The helper seen from the inside, where the outside cannot see: a test
# module (tests/modules/probe.c) logs, from its check(), the descriptors,
# environment, cwd, umask, dumpable flag, credentials and capabilities it
# runs with.  alice calls with everything she can leave behind (descriptors,
# variables, umask 0, her own cwd); root calls as its own caller, since only
# a caller whose exec changed no id starts dumpable.  And a refused request
# makes no interface, not even one gone by the time the client exits.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
SAFE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
ba_syslog_sink
ba_bridge br0
install -m 0644 -o root -g root "$BA_BUILT_MODULES/probe.so" "$BA_MODULEDIR/probe.so" ||
	ba_fatal "cannot install probe.so"
probe_stack() { # probe_stack VERDICT: the probe alone decides, and logs
	ba_policy_stack "stack = ( { module = \"probe\"; control = \"required\"; args = [ \"$1\", \"log\" ]; } );"
}

# probe_line: the probe's line of the last request (the sink's last one from it).
probe_line() {
	local i line=
	for ((i = 0; i < 50; i++)); do
		line=$(grep 'probe: pid=' "$BA_SYSLOG" | tail -1)
		[ -n "$line" ] && break
		sleep 0.1
	done
	: >"$BA_SYSLOG"
	printf '%s\n' "${line#*probe: }"
}
# part LINE KEY: the value of KEY= in the probe's line.
part() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# ---------------------------------------------------------------- alice, leaving all she can
probe_stack allow
MARKF=$BA_TMP/work/alice-left-this-open
: >"$MARKF" && chmod 0644 "$MARKF" || ba_fatal "cannot create $MARKF"
mkdir -m 0777 "$BA_TMP/work/alicedir" || ba_fatal "mkdir alicedir"
# Descriptors 6, 7 and 9 open on her file, 8 on a directory; umask 0; her
# own cwd; her variables, PATH among them.
BA_AS_CWD=$BA_TMP/work/alicedir ba_run alice /bin/sh -c \
	"umask 000; exec 6<$MARKF 7<$MARKF 9<$MARKF 8<$BA_TMP/work/alicedir; exec env PATH=/tmp/alicebin:/usr/bin:/bin FOO=bar IFS=/ HOME=/tmp MALLOC_PERTURB_=7 $H --use-vnet --fd=@FD@ --br=br0"
is "$(ba_decision)" granted "alice's request reaches the probe and is granted" || diag "$BA_ERR"
L=$(probe_line)
diag "probe: $L"
fds=$(part "$L" fds)
unlike "$fds" "alice-left-this-open|alicedir" "no descriptor alice left open reaches a module ($fds)"
# Beyond 0-2: the socket (--fd), the modules' files, at most the log's socket.
others=$(tr ';' '\n' <<<"$fds" | grep -v -e '^[012]>' -e "^[0-9]*>${BA_MODULEDIR//./\\.}/[a-z0-9]*\\.so\$" | grep .)
is "$(grep -c -v '^[0-9]*>socket:\[[0-9]*\]$' <<<"$others")" 0 \
	"beyond 0-2, a module sees only sockets and module files open" || diag "$others"
n=$(grep -c . <<<"$others")
[ "$n" -ge 1 ] && [ "$n" -le 2 ]
ok $? "a module sees one or two sockets: --fd's, maybe the log's ($n)"
is "$(part "$L" env)" "PATH=$SAFE_PATH;" "a module's environment is PATH=$SAFE_PATH and nothing else"
is "$(part "$L" cwd)" / "a module runs in /, not in alice's cwd"
is "$(part "$L" Umask)" 0077 "a module runs with umask 077, not alice's 000"
is "$(part "$L" dumpable)" 0 "alice's helper is not dumpable in a module"
is "$(part "$L" Uid)" "4001,0,0,0" "in a module: real uid alice, effective, saved and fs uid root"
is "$(part "$L" CapInh)" 0000000000000000 "in a module: no inheritable capability"
is "$(part "$L" CapAmb)" 0000000000000000 "in a module: no ambient capability"
is "$(part "$L" NoNewPrivs)" 0 "in a module: no_new_privs is not yet set (the drop sets it)"

# ---------------------------------------------------------------- root, as its own caller
# root's exec changes no id: the kernel leaves the process dumpable (whatever
# fs.suid_dumpable says); only the helper's own PR_SET_DUMPABLE clears it.
BA_OUT=$(cd / && env -i PATH=$SAFE_PATH FOO=root-was-here timeout -k 5 60 "$BA_CLIENT_BIN" "$H" --use-vnet --fd=@FD@ --br=br0 2>"$BA_TMP/stderr")
BA_RC=$?
BA_ERR=$(cat "$BA_TMP/stderr")
_ba_parse_line
is "$(ba_decision)" granted "root's own request is granted by the probe" || diag "$BA_ERR"
L=$(probe_line)
diag "probe: $L"
is "$(part "$L" dumpable)" 0 "root's own helper is not dumpable in a module (PR_SET_DUMPABLE)"
is "$(part "$L" env)" "PATH=$SAFE_PATH;" "root's environment does not reach a module either"

# ---------------------------------------------------------------- root, after the drop
# The client's socket is full: the helper blocks in sendmsg() after the
# drop, holding its tap.  Each part of root's drop, on its own.
EXEC=${top_builddir:-.}/tests/adversarial/ba-exec
"$EXEC" -p -s full:9 -- "$H" --use-vnet --fd=9 --br=br0 >"$BA_TMP/drop.out" 2>"$BA_TMP/drop.err" &
DROP_BG=$!
ba_bg $DROP_BG
dpid=
for ((i = 0; i < 100; i++)); do
	dpid=$(sed -n 's/^pid //p' "$BA_TMP/drop.out" 2>/dev/null)
	[ -n "$dpid" ] && [ -n "$(ba_taps)" ] && grep -q '^NoNewPrivs:.1' "/proc/$dpid/status" 2>/dev/null && break
	sleep 0.1
done
st=$(cat "/proc/$dpid/status" 2>/dev/null)
field() { awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ /, ""); print }' <<<"$st"; }
is "$(field Uid | tr -s '\t ' ' ')" "0 0 0 0" "root's drop: uid 0 stays (it is the caller's)"
is "$(field Groups | tr -d '\t ')" "" "root's drop: no supplementary group"
is "$(field CapEff)" 0000000000001000 "root's drop: effective capabilities: CAP_NET_ADMIN only"
is "$(field CapPrm)" 0000000000001000 "root's drop: permitted capabilities: CAP_NET_ADMIN only"
is "$(field CapInh)" 0000000000000000 "root's drop: no inheritable capability"
is "$(field CapAmb)" 0000000000000000 "root's drop: no ambient capability"
like "$(field CapBnd)" '^00000000000010000?$|^0000000000000000$' "root's drop: bounding set at most CAP_NET_ADMIN"
is "$(field NoNewPrivs)" 1 "root's drop: no_new_privs"
kill -KILL "$dpid" 2>/dev/null
wait "$DROP_BG" 2>/dev/null
: >"$BA_SYSLOG"

# ---------------------------------------------------------------- a refusal makes nothing
probe_stack deny
mark=$(ba_link_mark)
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" refused "the probe refuses: refused"
is "$BA_RC" 1 "the probe refuses: exit status 1"
ba_no_link_since "$mark" "a refused request made no interface, not even for a moment"
ba_no_taps "a refused request left no tap"

rm -f "$BA_MODULEDIR/probe.so"
ba_done
