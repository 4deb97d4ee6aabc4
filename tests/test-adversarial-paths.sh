#!/bin/bash
# The adversarial suite, rule-file paths and the caller's powers (SECURITY.md,
# "Who may lay out the path to a rule file", "Acting as the caller"): alice,
# through the real setuid path, against the acl module.
#
#   - A rule file is only as trustworthy as the path to it: a directory of
#     alice's (or any directory others may write, sticky or not) on the way
#     lets her put anything there, including a symlink to a root-owned file
#     whose content she chooses (/proc/self/comm is the basename she ran
#     the helper by: a symlink named "allow br1"), or nothing at all (an
#     include holding a deny vanishes).  Each case is refused, naming the
#     rule file and line and the directory, nothing else.
#   - Acting as the caller means the caller's powers: an include that leads
#     to /proc/1/maps or another user's /proc/PID/maps (which CAP_SYS_PTRACE
#     opens) is a file alice cannot read: the very same answer as an include
#     of /etc/shadow.  Files on procfs that she can read (/proc/kallsyms,
#     /proc/self/comm) are refused: nobody wrote them as rules.
#   - `bridge-auth check` names each untrusted path for the administrator.
#
# Each case asserts the decision, the exit status, the message, that no tap
# exists, and what the system log holds (a syslog sink in the namespace).

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours
ba_syslog_sink
. "$top_srcdir/tests/admin-lib.sh"

H=$BA_HELPER
CONF=$BA_BRIDGE_CONF
INC=/etc/qemu/inc
USERS=/etc/qemu/users
MINE=$USERS/alice # a directory the administrator gave alice for her own include
BIN=$BA_TMP/bin
ba_bridge br0
ba_bridge br1
mkdir -p "$INC" "$MINE" && chmod 0755 "$INC" "$USERS" && chown alice:alice "$MINE" &&
	chmod 0755 "$MINE" || ba_fatal "mkdir"
# Run through a symlink named "allow br1": the helper's /proc/self/comm.
ln -s "$H" "$BIN/allow br1" || ba_fatal "ln -s"
# A root-owned file that grants everything, meant for another include.
ba_write_file "$INC/open.conf" root:root 0644 "allow all"

# request NAME BRIDGE [HELPER]: alice asks for BRIDGE; the log line is in $LOG.
request() {
	: >"$BA_SYSLOG"
	ba_run alice "${3:-$H}" --use-vnet --fd=@FD@ --br="$2"
	sleep 0.2 # the sink writes the line asynchronously
	LOG=$(cat "$BA_SYSLOG")
	diag "$1: $(printf '%s' "$BA_ERR" | head -c 400)"
}

# untrusted NAME REGEX: refused (status 1) naming bridge.conf:LINE, the
# include and why; no tap; the log says denied, never granted.
untrusted() {
	is "$(ba_decision)" refused "$1: refused"
	is "$BA_RC" 1 "$1: exit status 1"
	like "${BA_ERR%%$'\n'*}" "^qemu-bridge-helper: access to bridge br1 denied for alice by module acl: $2" "$1: message (its first line)"
	ba_no_taps "$1: no tap"
	unlike "$LOG" 'granted' "$1: the log records no grant"
	like "$LOG" 'denied' "$1: the log records the refusal"
}

# ---------------------------------------------------------------- a directory of alice's on the path
ba_bridge_conf "allow br0
include $MINE/bridge.conf"
ln -s /proc/self/comm "$MINE/bridge.conf" && chown -h alice:alice "$MINE/bridge.conf"
request "include -> alice's symlink -> /proc/self/comm, helper run as 'allow br1'" br1 "$BIN/allow br1"
untrusted "alice's symlink to /proc/self/comm" \
	"/etc/qemu/bridge\\.conf:2: include $MINE/bridge\\.conf: not trusted: $MINE is owned by uid 4001, not root$"
unlike "$BA_ERR$LOG" 'allowed by|comm' "alice's symlink to /proc/self/comm: nothing of the file's content, no grant"

rm -f "$MINE/bridge.conf"
ln -s "$INC/open.conf" "$MINE/bridge.conf" && chown -h alice:alice "$MINE/bridge.conf"
request "include -> alice's symlink -> a root-owned 'allow all'" br1
untrusted "alice's symlink to a root-owned file" \
	"/etc/qemu/bridge\\.conf:2: include $MINE/bridge\\.conf: not trusted: $MINE is owned by uid 4001, not root$"

# The administrator put a root-owned deny in alice's directory; she deletes it.
rm -f "$MINE/bridge.conf"
ba_write_file "$MINE/deny.conf" root:root 0644 "deny br1"
ba_bridge_conf "allow all
include $MINE/deny.conf"
ba_as alice rm -f "$MINE/deny.conf" || ba_fatal "alice could not remove the file in her directory"
request "include of a deny in alice's directory, removed by her" br1
untrusted "a deny removed from alice's directory" \
	"/etc/qemu/bridge\\.conf:2: include $MINE/deny\\.conf: not trusted: $MINE is owned by uid 4001, not root$"

# A sticky world-writable directory (a shared drop box, /tmp's mode).
mkdir -m 1777 /etc/qemu/shared || ba_fatal "mkdir shared"
ba_bridge_conf "allow br0
include /etc/qemu/shared/x.conf"
ba_as alice ln -s "$INC/open.conf" /etc/qemu/shared/x.conf || ba_fatal "alice's symlink in the shared directory"
request "include in a sticky world-writable directory, alice's symlink there" br1
untrusted "alice's symlink in a sticky world-writable directory" \
	"/etc/qemu/bridge\\.conf:2: include /etc/qemu/shared/x\\.conf: not trusted: /etc/qemu/shared is writable by group or others \\(mode 1777\\)$"

# The top-level file through alice's directory (the stack's file= names it).
ba_write_file "$MINE/top.conf" root:root 0644 "allow all"
ba_policy_stack "stack = ( { module = \"acl\"; control = \"required\"; args = [ \"file=$MINE/top.conf\" ]; } );"
request "the top-level rule file in alice's directory" br1
untrusted "the top-level rule file in alice's directory" \
	"$MINE/top\\.conf: not trusted: $MINE is owned by uid 4001, not root$"
ba_policy_default

# The administrator is told, file and line, by `bridge-auth check`.
ba_bridge_conf "allow br0
include $MINE/deny.conf
include /etc/qemu/shared/x.conf
include $INC/comm.conf"
ba_write_file "$MINE/deny.conf" root:root 0644 "deny br1"
ln -s /proc/self/comm "$INC/comm.conf" || ba_fatal "ln -s"
tool check
is "$RC" 1 "check: exit 1 (problems)"
like "$OUT" "/etc/qemu/bridge\\.conf:2: include $MINE/deny\\.conf: not trusted: $MINE is owned by uid 4001, not root" \
	"check: names the include in alice's directory, and why"
like "$OUT" "/etc/qemu/bridge\\.conf:3: include /etc/qemu/shared/x\\.conf: not trusted: /etc/qemu/shared is writable by group or others \\(mode 1777\\)" \
	"check: names the include in the shared directory, and why"
like "$OUT" "/etc/qemu/bridge\\.conf:4: include $INC/comm\\.conf: not trusted: /proc is on procfs" \
	"check: names the include on procfs, and why"
rm -f "$INC/comm.conf" /etc/qemu/shared/x.conf

# ---------------------------------------------------------------- /proc: the caller's powers
# The answer for a file alice cannot read: the include contributes nothing.
ba_write_file "$INC/secret.conf" root:root 0600 "deny br1"
ba_bridge_conf "allow br0
include $INC/secret.conf"
request "include of a root-only file (the reference)" br1
REF=$BA_ERR
like "$REF" '^qemu-bridge-helper: access to bridge br1 denied for alice: no module allowed it \(acl: no rule for bridge br1 in /etc/qemu/bridge\.conf\)' \
	"reference: a file alice cannot read contributes nothing"

# A process of bob's, dumpable: its maps open only with CAP_SYS_PTRACE.
ba_as bob sleep 120 &
ba_bg $!
BOBPID=
for _ in $(seq 50); do
	BOBPID=$(pgrep -u bob -x sleep | head -1)
	[ -n "$BOBPID" ] && break
	sleep 0.1
done
[ -n "$BOBPID" ] || ba_fatal "bob's process did not start"
# PID 1 of the test's pid namespace is this script: root's, dumpable.
[ "$(stat -c %u /proc/1/maps)" = 0 ] || ba_fatal "/proc/1 is not root's"
for target in /proc/1/maps "/proc/$BOBPID/maps" /proc/1/environ "/proc/$BOBPID/environ"; do
	for how in link direct; do
		if [ "$how" = link ]; then
			ln -sfn "$target" "$INC/proc.conf" || ba_fatal "ln -s $target"
			f=$INC/proc.conf
		else
			f=$target
		fi
		ba_bridge_conf "allow br0
include $f"
		request "include ($how) of $target" br1
		is "$(ba_decision)" refused "include ($how) of $target: br1 refused"
		is "$BA_ERR" "$REF" "include ($how) of $target: the very same answer as for a file alice cannot read"
		unlike "$BA_ERR$LOG" '[0-9a-f]{8,}-[0-9a-f]{8,}|PATH=|not trusted' \
			"include ($how) of $target: no content in the message or the log"
		ba_no_taps "include ($how) of $target: no tap"
	done
done
rm -f "$INC/proc.conf"

# Files on procfs alice can read: refused, nothing of their content shown.
for target in /proc/kallsyms /proc/self/comm /proc/version; do
	ln -sfn "$target" "$INC/proc.conf" || ba_fatal "ln -s $target"
	ba_bridge_conf "allow br0
include $INC/proc.conf"
	request "include of $target (readable by alice)" br1 "$BIN/allow br1"
	untrusted "include of $target" \
		"/etc/qemu/bridge\\.conf:2: include $INC/proc\\.conf: not trusted: /proc is on procfs, whose files nobody wrote as rules$"
	unlike "$BA_ERR$LOG" '[0-9a-f]{16}|Linux version|allow br1|unknown command' \
		"include of $target: nothing of its content in the message or the log"
done
rm -f "$INC/proc.conf"

# Still sane: a trusted path decides as before.
ba_bridge_conf "allow br0
deny br1
include $INC/open.conf"
request "afterwards, br0" br0
is "$(ba_decision)" granted "afterwards: br0 granted through trusted paths"
request "afterwards, br1" br1
like "$BA_ERR" 'denied by /etc/qemu/bridge\.conf:2 \(deny br1\)' "afterwards: br1 denied by its rule"

ba_done
