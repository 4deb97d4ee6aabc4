#!/bin/bash
# The adversarial suite, part two (SECURITY.md: audit first, secret
# policies): what a caller can do to the record of a request and to what a
# refusal tells.  Run as alice through the real setuid path, with the harness's
# syslog sink on /dev/log ($BA_SYSLOG).
#
#   - the tap and its line: a caller that SIGKILLs the helper the moment the
#     tap arrives, 20 times: every tap it received has its "granted" line;
#   - no syslog daemon (no /dev/log, a socket nobody listens on, /dev/null):
#     nothing is granted and no refusal is told; the message names /dev/log;
#   - a secret policy (bridge-auth.conf 0600): acl, group and pam refusals
#     name the module, never its file, group or service; the log has them;
#     `bridge-auth explain` run by alice tells no more;
#   - log values escaped: a bridge name made of quotes parses as one value.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

EXIT_DENIED=1 EXIT_INTERNAL=6
H=$BA_HELPER
STACK=$BA_POLICYDIR/bridge-auth.conf
TOOL=$(cd "$BA_STAGE" && find . -path '*/bin/bridge-auth' -type f | head -1)
TOOL=${TOOL#.}
[ -x "$TOOL" ] || ba_fatal "bridge-auth is not installed ($TOOL)"

ba_bridge br0
ba_bridge br1
ba_bridge_conf "allow br0
deny br1"

# log_settle: wait until the sink has written every line it received.
log_settle() {
	local n=-1 i
	for ((i = 0; i < 50; i++)); do
		[ "$(wc -l <"$BA_SYSLOG")" = "$n" ] && return 0
		n=$(wc -l <"$BA_SYSLOG")
		sleep 0.1
	done
}

# ---------------------------------------------------------------- killed the moment the tap arrives
# alice shares the helper's real uid: she may SIGKILL it.  ba-client -K does
# so as soon as the descriptor is in; whatever came after the send is lost.
ba_policy_default
N=20
got=0 logged=0
declare -A RUN_TAP=()
for ((i = 1; i <= N; i++)); do
	ba_run alice -K "$H" --use-vnet --fd=@FD@ --br=br0
	if [ "$BA_FD" = yes ]; then
		got=$((got + 1))
		RUN_TAP[$(ba_field pid)]=$BA_TAPNAME
	fi
done
log_settle
is "$got" "$N" "killed when the tap arrives: every one of the $N requests got its tap"
for pid in "${!RUN_TAP[@]}"; do
	grep -qE "qemu-bridge-helper\[$pid\]: user=- uid=4001 bridge=br0 tap=${RUN_TAP[$pid]} verdict=granted module=acl " "$BA_SYSLOG" &&
		logged=$((logged + 1))
done
is "$logged" "$got" "killed when the tap arrives: every tap received has its granted line in the log"
ba_no_taps "killed when the tap arrives: the taps went with the client"

# ---------------------------------------------------------------- no syslog daemon
# The helper connects to /dev/log before it decides; without a listener it
# grants nothing and tells no refusal, and says what to do.
M_UNLOGGED='^qemu-bridge-helper: cannot write to the system log \(/dev/log: '
M_WHAT='every request is refused until a syslog daemon listens there \(start rsyslog or systemd-journald\)$'
unlogged_case() { # unlogged_case NAME ERRNO-TEXT: br0 (allowed) and br1 (denied), both refused
	local br
	for br in br0 br1; do
		ba_run alice "$H" --use-vnet --fd=@FD@ --br=$br
		ba_refused "$1, $br" $EXIT_INTERNAL "$M_UNLOGGED$2\\): " "$M_WHAT"
		unlike "$BA_ERR" 'access to bridge|denied|bridge\.conf' "$1, $br: the decision is not told"
	done
}
ba_syslog_stop
unlogged_case "no /dev/log" 'No such file or directory'
ba_syslog_sink
ba_syslog_stop dead
unlogged_case "/dev/log a socket nobody listens on" 'Connection refused'
rm -f /dev/log && ln -s /dev/null /dev/log || ba_fatal "ln -s /dev/null /dev/log"
unlogged_case "/dev/log a link to /dev/null" 'Connection refused'
ba_syslog_sink
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" granted "a syslog daemon again: br0 granted"
ba_no_taps "a syslog daemon again: the tap went with the client"

# ---------------------------------------------------------------- a secret policy
# bridge-auth.conf readable by root only: a refusal names the module that
# refused and sends alice to the log; the file, group and service stay unsaid.
cat >>/etc/group <<'EOF' || ba_fatal "adding group secret-ops-team"
secret-ops-team:x:4300:carol
EOF
PRIV=/etc/qemu/private
mkdir -m 0700 "$PRIV" && ba_write_file "$PRIV/acl-7f3a.conf" root:root 0600 "allow br0" ||
	ba_fatal "writing $PRIV/acl-7f3a.conf"
ba_write_file /etc/qemu/hidden-rules.conf root:root 0644 "allow br0"
ba_write_file /etc/pam.d/hidden-svc-name root:root 0644 "account required pam_deny.so"
M_BY='^qemu-bridge-helper: access to bridge br0 denied for alice by module '
secret_case() { # secret_case NAME MODULE ARGS SECRET-ERE LOG-ERE
	local name=$1 mod=$2 args=$3 secret=$4 logre=$5
	ba_policy_stack "stack = ( { module = \"$mod\"; control = \"required\"; args = [ $args ]; } );"
	chmod 0600 "$STACK" || ba_fatal "chmod $STACK"
	: >"$BA_SYSLOG"
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
	ba_refused "secret policy, $name" $EXIT_DENIED "${M_BY}$mod: the system log says why"
	unlike "$BA_ERR" "$secret" "secret policy, $name: the message quotes nothing of the policy"
	log_settle
	like "$(cat "$BA_SYSLOG")" "user=alice uid=4001 bridge=br0 tap=- verdict=denied module=$mod reason=\"$logre\"" \
		"secret policy, $name: the log line has the reason"
	chmod 0644 "$STACK" || ba_fatal "chmod $STACK"
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
	ba_refused "readable policy, $name" $EXIT_DENIED "${M_BY}$mod: $logre"
}
secret_case "acl on a file alice cannot read" acl "\"file=$PRIV/acl-7f3a.conf\"" \
	'acl-7f3a|private|/etc/qemu|cannot be read' '/etc/qemu/private/acl-7f3a\.conf cannot be read by uid 4001'
secret_case "group" group '"map=br0:secret-ops-team"' \
	'secret|ops|team|not in group' 'alice is not in group secret-ops-team, which bridge br0 requires'
secret_case "pam" pam '"service=hidden-svc-name"' \
	'hidden|svc|service|PAM' 'PAM account check \(service hidden-svc-name\): .*'
# Nobody decided: the message says so, the silent module's reason stays in the log.
ba_policy_stack 'stack = ( { module = "acl"; control = "required"; args = [ "file=/etc/qemu/hidden-rules.conf" ]; } );'
chmod 0600 "$STACK" || ba_fatal "chmod $STACK"
: >"$BA_SYSLOG"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br1
ba_refused "secret policy, no module decided" $EXIT_DENIED \
	'^qemu-bridge-helper: access to bridge br1 denied for alice: no module allowed it \(the system log says why\)'
unlike "$BA_ERR" 'hidden|rules|/etc/qemu|no rule' "secret policy, no module decided: the message quotes nothing of the policy"
log_settle
like "$(cat "$BA_SYSLOG")" 'verdict=denied module=- reason="no module allowed it \(acl: no rule for bridge br1 in /etc/qemu/hidden-rules\.conf\)"' \
	"secret policy, no module decided: the log line has the reason"
# bridge-auth explain, run by alice: what she may read, nothing more.
out=$(ba_as alice "$TOOL" explain --bridge br0 2>&1)
rc=$?
diag "explain as alice: $out"
is "$rc" 1 "secret policy: bridge-auth explain as alice: exit status 1"
like "$out" 'the policy cannot be used' "secret policy: bridge-auth explain as alice: says the policy cannot be used"
unlike "$out" 'hidden|rules|acl-7f3a|secret|stack' "secret policy: bridge-auth explain as alice: quotes nothing of it"
out=$(ba_as alice "$TOOL" --json explain --bridge br0 2>&1)
unlike "$out" 'hidden|rules|acl-7f3a|secret|"steps":\[\{' "secret policy: bridge-auth --json explain as alice: quotes nothing of it"
ba_policy_default

# ---------------------------------------------------------------- log values escaped
# A bridge name is any printable ASCII without space, / or :, quotes
# included.  Its line must still parse as key=value pairs, one way only.
#
# log_fields LINE: the fields of a request line, "key=value" per line, the
# values unescaped (\" \\ \xHH); fails when LINE is not made of bare values
# (no space, quote, backslash or =) and double-quoted escaped ones.
log_fields() {
	local rest=${1#*\]: } re='^([a-z]+)=("(([^"\\]|\\.)*)"|([^ "\\=]+))( |$)' val out
	while [ -n "$rest" ]; do
		[[ $rest =~ $re ]] || return 1
		if [ "${BASH_REMATCH[2]:0:1}" = '"' ]; then
			val=${BASH_REMATCH[3]} out=
			while [ -n "$val" ]; do
				case $val in
				\\x??*) out+=$(printf "\\x${val:2:2}") val=${val:4} ;;
				\\?*) out+=${val:1:1} val=${val:2} ;;
				*) out+=${val:0:1} val=${val:1} ;;
				esac
			done
		else
			out=${BASH_REMATCH[5]}
		fi
		printf '%s=%s\n' "${BASH_REMATCH[1]}" "$out"
		rest=${rest:${#BASH_REMATCH[0]}}
	done
}
: >"$BA_SYSLOG"
ba_run alice "$H" --use-vnet --fd=@FD@ '--br="verdict=ok"'
ba_refused 'bridge "verdict=ok"' $EXIT_DENIED '^qemu-bridge-helper: access to bridge "verdict=ok" denied for alice'
log_settle
line=$(grep 'bridge=' "$BA_SYSLOG" | tail -1)
diag "log: $line"
fields=$(log_fields "$line")
ok $? 'bridge "verdict=ok": the line is made of bare and quoted values only'
is "$(printf '%s\n' "$fields" | cut -d= -f1 | tr '\n' ' ')" "user uid bridge tap verdict module reason " \
	'bridge "verdict=ok": seven fields, in order, none forged'
is "$(printf '%s\n' "$fields" | grep '^bridge=')" 'bridge="verdict=ok"' 'bridge "verdict=ok": the bridge is the whole name, quotes included'
is "$(printf '%s\n' "$fields" | grep '^verdict=')" 'verdict=denied' 'bridge "verdict=ok": the verdict is the real one'
is "$(printf '%s\n' "$fields" | grep '^reason=')" 'reason=no module allowed it (acl: no rule for bridge "verdict=ok" in /etc/qemu/bridge.conf)' \
	'bridge "verdict=ok": the reason is whole, its quotes unescaped'
like "$line" 'bridge="\\"verdict=ok\\"" .* reason="no module allowed it \(acl: no rule for bridge \\"verdict=ok\\" in' \
	'bridge "verdict=ok": quotes written \" in quoted values'
: >"$BA_SYSLOG"
ba_run alice "$H" --use-vnet --fd=@FD@ '--br=a\"b=c'
ba_refused 'bridge a\"b=c' $EXIT_DENIED
log_settle
fields=$(log_fields "$(grep 'bridge=' "$BA_SYSLOG" | tail -1)")
ok $? 'bridge a\"b=c: the line parses'
is "$(printf '%s\n' "$fields" | grep '^bridge=')" 'bridge=a\"b=c' 'bridge a\"b=c: backslash and quote come back as they were'

ba_done
