#!/bin/bash
# bridge-auth-reaper(8), with real holders (tests/ba-holder, unprivileged,
# run by ba-client with the tap's fd) making their taps persistent:
#
#   - started, it deletes the marked taps that are persistent already; then
#     each one as soon as its holder makes it persistent, with no request at
#     all, and logs it in the words of `bridge-auth reap`; taps the helper
#     did not make are never touched;
#   - while it runs (even stopped: its lock is held), a granted request skips
#     its scan; once it is gone (SIGKILL, SIGTERM) the next request scans;
#   - the request believes only a write lock on the lock file of its own
#     network namespace, a root-owned regular file that only root may write:
#     a symbolic link, another owner, a group-writable file, a second link, a
#     read lock, the lock of another namespace all leave it scanning;
#   - announcements lost to a full buffer: it looks at every tap again; a
#     restarted syslog daemon still gets its lines;
#   - it needs CAP_NET_ADMIN alone (as its systemd unit runs it); it refuses
#     to run as a user, and a second one refuses to start.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
REAPER=${BA_REAPER:?BA_REAPER is not set (run through make check)}
[ -x "$REAPER" ] || ba_fatal "no staged reaper at $REAPER"
. "${top_srcdir:-$(dirname "$0")/..}/tests/admin-lib.sh"
install -m 0755 "$top_builddir/tests/ba-holder" "$BA_TMP/bin/ba-holder" || ba_fatal "cannot copy ba-holder"
HOLDER=$BA_TMP/bin/ba-holder
RUN=${BA_RUNSTATEDIR:?}
mkdir -p "$RUN" || ba_fatal "mkdir $RUN"
NETNS=$(stat -L -c %i /proc/self/ns/net) || ba_fatal "no /proc/self/ns/net"
LOCK=$RUN/bridge-auth-reaper.$NETNS.lock

ba_bridge br0
ba_bridge br1
ba_bridge_conf "allow br0
allow br1"

# exists NAME: a network device NAME exists.
exists() { ip link show dev "$1" >/dev/null 2>&1; }

# persisted USER BRIDGE: USER's request, whose holder makes the tap
# persistent and closes it; TAP is its name.
persisted() {
	ba_run "$1" "$H" --fd=@FD@ --br="$2" --- "$HOLDER" @TAPFD@ persist
	TAP=$BA_TAPNAME
	[ "$BA_RC" = 0 ] && [[ $BA_OUT == *"persist: ok"* ]] && [ -n "$TAP" ] ||
		ba_fatal "the holder could not make its tap persistent: $BA_OUT $BA_ERR"
}

# waits SECONDS CMD...: CMD succeeds within SECONDS (asked every 50 ms).
waits() {
	local n=$(($1 * 20))
	shift
	until "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.05
	done
}

# gone_within SECONDS NAME: NAME disappears within SECONDS.
gone_within() { waits "$1" eval "! exists '$2'"; }

# granted USER BRIDGE TEXT: a plain request, granted (its tap goes with its fd).
granted() {
	ba_run "$1" "$H" --fd=@FD@ --br="$2"
	is "$(ba_decision)" granted "$3: granted" || diag "$BA_ERR"
}

# start_reaper: the reaper in the background (RPID), once it says it watches;
# as its unit runs it: root with CAP_NET_ADMIN alone, no_new_privs.
start_reaper() {
	setpriv --bounding-set=-all,+net_admin --no-new-privs -- "$REAPER" >"$BA_TMP/reaper.out" 2>"$BA_TMP/reaper.err" &
	RPID=$!
	ba_bg "$RPID"
	waits 10 grep -q "bridge-auth-reaper\[$RPID\]: watching for persistent taps (lock $LOCK)" "$BA_SYSLOG" ||
		ba_fatal "the reaper did not start: $(cat "$BA_TMP/reaper.err")"
}

# since_here: what the log gets from now on is new_log's.
since_here() { LOGPOS=$(wc -l <"$BA_SYSLOG"); }
new_log() { tail -n "+$((LOGPOS + 1))" "$BA_SYSLOG"; }

# reaped_line TAP USER BRIDGE: how many lines the reaper logged about TAP
# since since_here, once there is one (waiting up to 2 s for it).
reaped_line() {
	local re="bridge-auth-reaper\\[$RPID\\]: removed $1 \\(persistent; requested by $2 for $3\\)$"
	waits 2 eval 'new_log | grep -qE "$re"'
	new_log | grep -cE "$re"
}

# locker KIND PATH: a process holding an OFD lock (KIND w or r) on the whole
# of PATH, opened read-write for w, read-only for r (LOCKER: its pid).  As
# root, or as $LOCK_AS.
locker() {
	local out=$BA_TMP/locker.out
	rm -f "$out"
	${LOCK_AS:+ba_as "$LOCK_AS"} python3 -c '
import fcntl, os, struct, sys, time
w = sys.argv[1] == "w"
fd = os.open(sys.argv[2], os.O_RDWR if w else os.O_RDONLY)
fcntl.fcntl(fd, fcntl.F_OFD_SETLK, struct.pack("hhqqi4x", fcntl.F_WRLCK if w else fcntl.F_RDLCK, 0, 0, 0, 0))
print("locked", flush=True)
time.sleep(120)' "$1" "$2" >"$out" 2>&1 &
	LOCKER=$!
	ba_bg "$LOCKER"
	waits 5 grep -q locked "$out" || ba_fatal "the locker could not lock $2: $(cat "$out")"
}
unlock() { kill "$LOCKER" && wait "$LOCKER" 2>/dev/null; }

# held PATH: "write" when a write lock is held on PATH, else "none".
held() {
	python3 -c '
import fcntl, os, struct, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
r = fcntl.fcntl(fd, fcntl.F_OFD_GETLK, struct.pack("hhqqi4x", fcntl.F_RDLCK, 0, 0, 0, 0))
print("write" if struct.unpack("hhqqi4x", r)[0] == fcntl.F_WRLCK else "none")' "$1"
}

# request_reaps TEXT: with no reaper watching, alice's persistent tap goes
# at bob's next granted request on another bridge.
request_reaps() {
	persisted alice br0
	exists "$TAP"
	ok $? "$1: alice's tap $TAP is persistent"
	granted bob br1 "$1: bob's request"
	exists "$TAP"
	isnt $? 0 "$1: the request deleted $TAP (it scanned)"
}

# ---------------------------------------------------------------- refusals

ba_as alice "$REAPER" >"$BA_TMP/out" 2>&1
is $? 1 "as alice: exit status 1"
like "$(cat "$BA_TMP/out")" "^bridge-auth-reaper: only root may run it" "as alice: says why"
[ ! -e "$LOCK" ]
ok $? "as alice: no lock file made"
"$REAPER" --version >"$BA_TMP/out" 2>&1
is $? 0 "--version: exit status 0"
like "$(cat "$BA_TMP/out")" "lock: $RUN/bridge-auth-reaper\\.NETNS\\.lock" "--version: names the lock"
"$REAPER" --help >"$BA_TMP/out" 2>&1
is $? 0 "--help: exit status 0"
like "$(cat "$BA_TMP/out")" "^Usage: bridge-auth-reaper" "--help: the usage"
"$REAPER" --once >"$BA_TMP/out" 2>&1
is $? 2 "an unknown argument: exit status 2"
like "$(cat "$BA_TMP/out")" "unknown argument '--once'" "an unknown argument: says which"

# ---------------------------------------------------------------- at its start

ip tuntap add mode tap name other0 || ba_fatal "cannot make a tap of our own"
ip tuntap add mode tap name other1 && ip link set other1 alias "bridge-auth uid=4001 bridge=br0" ||
	ba_fatal "cannot make a tap with an alias"
ip tuntap add mode tap name other2 && ip link set other2 alias "bridge-auth uid=4001 bridge=br0 since=01" ||
	ba_fatal "cannot make a tap with an alias"
since_here
persisted alice br0
early=$TAP
exists "$early"
ok $? "before the reaper: alice's tap $early is persistent"
start_reaper
exists "$early"
isnt $? 0 "at its start: the reaper deleted $early"
is "$(reaped_line "$early" alice br0)" 1 "at its start: its log line names $early, alice and br0"
for t in other0 other1 other2; do
	exists "$t"
	ok $? "at its start: $t (not made by the helper) is untouched"
done
is "$(stat -c '%F %U:%G %a %h' "$LOCK")" "regular empty file root:root 644 1" \
	"the lock: $LOCK, root's, 0644, one link"
is "$(held "$LOCK")" write "the lock: write-locked"
is "$(grep '^CapEff:' "/proc/$RPID/status")" "CapEff:	0000000000001000" "the reaper runs with CAP_NET_ADMIN alone"

"$REAPER" >"$BA_TMP/out" 2>&1
is $? 1 "a second reaper: exit status 1"
like "$(cat "$BA_TMP/out")" "another bridge-auth-reaper watches this network namespace \\(it holds $LOCK\\)" \
	"a second reaper: says why"
kill -0 "$RPID"
ok $? "a second reaper: the first one runs on"

# ---------------------------------------------------------------- at once

lines=$(grep -c 'qemu-bridge-helper\[' "$BA_SYSLOG")
since_here
persisted alice br0
gone_within 2 "$TAP"
ok $? "running: $TAP is deleted within 2 s of TUNSETPERSIST"
is "$(grep -c 'qemu-bridge-helper\[' "$BA_SYSLOG")" $((lines + 1)) "running: with no request but its own"
is "$(reaped_line "$TAP" alice br0)" 1 "running: the log line names $TAP, alice and br0"

# Announcements about persistent taps the helper did not make, and about a
# tap in use: untouched.  Then a tap that goes, announced after them.
ip link set other1 up && ip link set other2 up && ip link set other0 alias "not a mark" ||
	ba_fatal "cannot change the other taps"
ba_run_keep alice "$H" --fd=@FD@ --br=br0
kept=$BA_TAPNAME
ip link set "$kept" mtu 1400 || ba_fatal "cannot change $kept"
since_here
persisted bob br1
gone_within 2 "$TAP"
ok $? "running: bob's tap $TAP is deleted (announced after the others)"
is "$(reaped_line "$TAP" bob br1)" 1 "running: the log line names bob and br1"
for t in other0 other1 other2; do
	exists "$t"
	ok $? "running: $t, announced, persistent, not made by the helper, is untouched"
done
exists "$kept"
ok $? "running: $kept, announced, in use, not persistent, is untouched"
is "$(new_log | grep -c "bridge-auth-reaper\[$RPID\]: removed")" 1 "running: nothing logged about them"
ba_release

# ---------------------------------------------------------------- stopped: the requests rely on it

kill -STOP "$RPID" || ba_fatal "cannot stop the reaper"
since_here
persisted alice br0
granted bob br1 "stopped reaper"
exists "$TAP"
ok $? "stopped reaper (lock held): the request skipped its scan, $TAP is still there"
kill -CONT "$RPID" || ba_fatal "cannot continue the reaper"
gone_within 2 "$TAP"
ok $? "continued: the reaper deletes $TAP within 2 s"
is "$(reaped_line "$TAP" alice br0)" 1 "continued: and logs it"

# ---------------------------------------------------------------- lost announcements

# Stopped again, its buffer flooded until the kernel drops announcements
# (the Drops column of its socket): the persistent tap's own is lost too.
kill -STOP "$RPID" || ba_fatal "cannot stop the reaper"
ip link add evt0 type bridge && ip link set evt0 up || ba_fatal "cannot make evt0"
drops() { awk -v ino="$1" '$10 == ino { print $9 }' /proc/net/netlink; }
sock=
for fd in /proc/"$RPID"/fd/*; do
	ino=$(readlink "$fd" | sed -n 's/^socket:\[\([0-9]*\)\]$/\1/p')
	[ -n "$ino" ] && [ "$(awk -v ino="$ino" '$10 == ino && $4 != "00000000" { print "y" }' /proc/net/netlink)" = y ] &&
		sock=$ino
done
[ -n "$sock" ] || ba_fatal "the reaper's subscribed netlink socket is not in /proc/net/netlink"
for round in $(seq 40); do
	seq "$((round * 1000))" "$((round * 1000 + 999))" | sed 's/^/link set dev evt0 alias flood/' |
		ip -batch - || ba_fatal "ip -batch"
	[ "$(drops "$sock")" -gt 0 ] && break
done
isnt "$(drops "$sock")" 0 "flooded: the kernel dropped announcements to the stopped reaper"
since_here
persisted alice br0
# The carrier going off when the holder closed its fd is announced up to a
# second later (linkwatch): lost too, once that second has passed.
sleep 1.5
kill -CONT "$RPID" || ba_fatal "cannot continue the reaper"
gone_within 5 "$TAP"
ok $? "lost announcements: $TAP is deleted all the same"
is "$(reaped_line "$TAP" alice br0)" 1 "lost announcements: the tap's line"
like "$(new_log | grep "bridge-auth-reaper\[$RPID\]")" "changes of network devices were lost \\(No buffer space available\\): looking at every tap again" \
	"lost announcements: logged"
ip link del evt0

# ---------------------------------------------------------------- the syslog daemon restarts

ba_syslog_stop
ba_syslog_sink
since_here
persisted alice br0
gone_within 2 "$TAP"
ok $? "syslog restarted: $TAP is deleted"
is "$(reaped_line "$TAP" alice br0)" 1 "syslog restarted: the new daemon has the line"

# ---------------------------------------------------------------- gone: the requests scan again

kill -KILL "$RPID"
wait "$RPID" 2>/dev/null
is "$(held "$LOCK")" none "killed: the kernel dropped the lock"
persisted alice br0
exists "$TAP"
ok $? "killed: alice's tap $TAP stays persistent (nobody watches)"
granted bob br1 "killed"
exists "$TAP"
isnt $? 0 "killed: the next granted request deleted $TAP (it scanned)"

start_reaper
kill -INT "$RPID"
wait "$RPID"
is $? 0 "SIGINT: exit status 0"
start_reaper
kill -TERM "$RPID"
wait "$RPID"
is $? 0 "SIGTERM: exit status 0"
is "$(held "$LOCK")" none "SIGTERM: the lock is free"
request_reaps "after SIGTERM"

# ---------------------------------------------------------------- what the request believes

# The control: a root process's write lock on the right file is believed.
locker w "$LOCK"
persisted alice br0
granted bob br1 "control"
exists "$TAP"
ok $? "control: root's write lock on $LOCK: the request skipped its scan"
unlock
granted bob br1 "control, unlocked"
exists "$TAP"
isnt $? 0 "control, unlocked: the request deleted $TAP"

# A symbolic link to a locked file.
install -m 0644 -o root -g root /dev/null "$RUN/decoy.lock" || ba_fatal "cannot make a decoy"
rm -f "$LOCK" && ln -s "$RUN/decoy.lock" "$LOCK" || ba_fatal "cannot plant a symlink"
locker w "$RUN/decoy.lock"
request_reaps "a symbolic link to a write-locked file"
unlock
rm -f "$LOCK" "$RUN/decoy.lock"

for how in "chown alice" "chmod 0664" "chmod 0646" "ln -f"; do
	install -m 0644 -o root -g root /dev/null "$LOCK" || ba_fatal "cannot make $LOCK"
	case $how in
	"ln -f") ln -f "$LOCK" "$RUN/second-link" ;;
	*) $how "$LOCK" ;;
	esac || ba_fatal "$how $LOCK"
	locker w "$LOCK"
	request_reaps "write-locked, but after $how"
	unlock
	rm -f "$LOCK" "$RUN/second-link"
done

install -m 0644 -o root -g root /dev/null "$LOCK" || ba_fatal "cannot make $LOCK"
LOCK_AS=alice locker r "$LOCK"
request_reaps "alice's read lock"

# The reaper is not held up by it: a new file, locked, takes the name.
before=$(stat -c %i "$LOCK")
start_reaper
isnt "$(stat -c %i "$LOCK")" "$before" "alice's read lock: the reaper put a new file in place"
is "$(stat -c '%F %U:%G %a %h' "$LOCK")" "regular empty file root:root 644 1" "alice's read lock: the new one is root's, 0644"
is "$(held "$LOCK")" write "alice's read lock: the reaper holds the new one"
is "$(cat "$BA_TMP/reaper.err")" "" "alice's read lock: the reaper said nothing on stderr"
persisted alice br0
gone_within 2 "$TAP"
ok $? "alice's read lock: the reaper deletes $TAP"
unlock
kill -TERM "$RPID" && wait "$RPID"
is "$(find "$RUN" -maxdepth 1 -name 'bridge-auth-reaper.*.lock.*' | wc -l)" 0 "no temporary file left in $RUN"

# Another network namespace's reaper: its own file, never ours.
unshare --net -- "$REAPER" 2>"$BA_TMP/other.err" &
other=$!
ba_bg "$other"
waits 10 grep -q "bridge-auth-reaper\[$other\]: watching" "$BA_SYSLOG"
other_lock=$(sed -n "s/.*bridge-auth-reaper\[$other\]: watching for persistent taps (lock \(.*\))$/\1/p" "$BA_SYSLOG")
[ -n "$other_lock" ] && [ "$other_lock" != "$LOCK" ] || ba_fatal "the other namespace's reaper did not start: $(cat "$BA_TMP/other.err")"
is "$(held "$other_lock")" write "another namespace: its reaper holds $other_lock"
request_reaps "another namespace's reaper runs"
rm -f "$LOCK" && ln -s "$other_lock" "$LOCK" || ba_fatal "cannot plant a symlink"
request_reaps "a symbolic link to another namespace's held lock"
rm -f "$LOCK"
kill -TERM "$other" && wait "$other"

ip link del other0 && ip link del other1 && ip link del other2
ba_no_taps "end: no tap left"
ba_done
