#!/bin/bash
# 64 simultaneous requests by three users on four bridges, some granted and
# some refused: every one gets the answer the policy gives it alone, every
# granted tap is distinct, on the right bridge and owned by the right user,
# and once the clients close their fds no tap remains.
#
# The requests are released together: each client waits on a shared lock
# that the test holds until all 64 are started.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

N=64
H=$BA_HELPER
INC=/etc/qemu/inc
for b in br0 br1 br2 br3; do
	ba_bridge "$b"
done
mkdir -m 0755 -p "$INC" || ba_fatal "mkdir $INC"
# br0: everyone.  br1: vmusers (alice, bob), through a group-readable include.
# br2: alice only, through her own include.  br3: nobody (denied).
ba_write_file "$INC/vmusers.conf" root:vmusers 0640 "allow br1"
ba_write_file "$INC/alice.conf" root:alice 0640 "allow br2"
# 200000 comment lines first, so that each decision takes a few
# milliseconds and the requests really run at the same time.
ba_bridge_conf "$(awk 'BEGIN { for (i = 0; i < 200000; i++) print "# padding line " i }')
allow br0
include $INC/vmusers.conf
include $INC/alice.conf
deny br3
allow br3"

expect() { # expect USER BRIDGE: granted or refused
	case $1:$2 in
	*:br0 | alice:br1 | bob:br1 | alice:br2) echo granted ;;
	*) echo refused ;;
	esac
}

D=$BA_TMP/conc
mkdir -m 0755 "$D" || ba_fatal "mkdir $D"
LOCK=$D/lock
: >"$LOCK" && chmod 0644 "$LOCK" || ba_fatal "lock file"
mkfifo -m 0666 "$D/gate" || ba_fatal "mkfifo"
# The gate: every client keeps its tap until this writer goes.
exec 9<>"$D/gate"
# The start: held exclusively until every client waits for it.
exec 8>"$LOCK"
flock -x 8 || ba_fatal "flock"

users=(alice bob carol)
pids=()
for ((i = 0; i < N; i++)); do
	u=${users[$((i % 3))]}
	b=br$((i % 4))
	echo "$u $b" >"$D/req.$i"
	(
		exec 8>&- 9>&-
		ba_as "$u" flock -s "$LOCK" timeout -k 5 90 "$BA_CLIENT_BIN" -k "$H" --use-vnet --fd=@FD@ --br="$b" \
			<"$D/gate" >"$D/out.$i" 2>"$D/err.$i"
		echo $? >"$D/rc.$i"
	) &
	pids+=($!)
	ba_bg $!
done
# All started (each is in flock or about to be): let them go at once.
sleep 1
T0=$SECONDS
flock -u 8
exec 8>&-

# Wait for every status line (granted clients then keep their tap), and
# meanwhile count the helpers running at once (this pid namespace's /proc).
max_running=0
for ((t = 0; t < 3000; t++)); do
	running=$(pgrep -c -x qemu-bridge-hel)
	[ "$running" -gt "$max_running" ] && max_running=$running
	done_n=0
	for ((i = 0; i < N; i++)); do
		[ -s "$D/out.$i" ] && done_n=$((done_n + 1))
	done
	[ "$done_n" = "$N" ] && break
	sleep 0.01
done
is "$done_n" "$N" "all $N requests answered ($((SECONDS - T0)) s)"
# How many overlapped depends on the machine (a fast helper may finish
# between two samples): reported, not asserted.  The shared lock released
# at once is what makes them concurrent.
diag "at most $max_running helpers were seen running at once"

granted=0
declare -A seen_tap=()
for ((i = 0; i < N; i++)); do
	read -r u b <"$D/req.$i"
	BA_OUT=$(cat "$D/out.$i")
	BA_RC=$(ba_field status)
	BA_FD=$(ba_field fd)
	tap=$(ba_field tap)
	exp=$(expect "$u" "$b")
	got=$(ba_decision)
	is "$got" "$exp" "request $i: $u on $b: $exp" || diag "$(cat "$D/err.$i")"
	if [ "$got" = granted ]; then
		granted=$((granted + 1))
		link=$(ip -d -o link show dev "$tap" 2>&1)
		like "$link" " master $b " "request $i: $tap is on $b"
		like "$link" " user ($u|${BA_UID[$u]}) " "request $i: $tap belongs to $u"
		[ -z "${seen_tap[$tap]:-}" ]
		ok $? "request $i: $tap was given to no other request"
		seen_tap[$tap]=$i
	else
		like "$(cat "$D/err.$i")" "^qemu-bridge-helper: access to bridge $b denied for $u" \
			"request $i: $u on $b: the refusal says so"
	fi
done
is "$(ba_taps | wc -l)" "$granted" "exactly one tap per granted request exists while the clients hold them ($granted)"

# Let every client go: all taps must disappear.
exec 9>&-
for p in "${pids[@]}"; do
	wait "$p"
done
bad=0
for ((i = 0; i < N; i++)); do
	rc=$(cat "$D/rc.$i" 2>/dev/null)
	read -r u b <"$D/req.$i"
	case $(expect "$u" "$b"):$rc in
	granted:0 | refused:1) ;;
	*) bad=$((bad + 1)) && diag "request $i ($u on $b) ended with status $rc" ;;
	esac
done
is "$bad" 0 "every client ended with its request's status (0 granted, 1 denied)"
ba_no_taps "no tap remains once the fds are closed"

# ---------------------------------------------------------------- real overlap
# 64 requests whose module takes 200 ms each (tests/modules/probe.c), all
# released at once: run side by side they end within a few times 200 ms;
# one at a time they would need 12.8 s.  The probe logs when each check()
# started and ended, so the overlap is measured, not guessed from the clock.
ba_syslog_sink
install -m 0644 -o root -g root "$BA_BUILT_MODULES/probe.so" "$BA_MODULEDIR/probe.so" ||
	ba_fatal "cannot install probe.so"
ba_policy_stack 'stack = ( { module = "probe"; control = "required"; args = [ "allow", "log", "sleep=200" ]; } );'
: >"$LOCK" || ba_fatal "lock file"
exec 8>"$LOCK"
flock -x 8 || ba_fatal "flock"
pids=()
for ((i = 0; i < N; i++)); do
	u=${users[$((i % 3))]}
	(
		exec 8>&-
		ba_as "$u" flock -s "$LOCK" timeout -k 5 90 "$BA_CLIENT_BIN" "$H" --use-vnet --fd=@FD@ --br=br0 \
			>"$D/slow.$i" 2>&1
		echo $? >"$D/slowrc.$i"
	) &
	pids+=($!)
	ba_bg $!
done
sleep 1
T0=$(date +%s%N)
flock -u 8
exec 8>&-
for p in "${pids[@]}"; do
	wait "$p"
done
ms=$((($(date +%s%N) - T0) / 1000000))
bad=0
for ((i = 0; i < N; i++)); do
	[ "$(cat "$D/slowrc.$i" 2>/dev/null)" = 0 ] || { bad=$((bad + 1)) && diag "slow request $i: $(cat "$D/slow.$i")"; }
done
is "$bad" 0 "64 requests with a 200 ms module: all granted"
diag "64 requests with a 200 ms module took $ms ms from release to the last exit"
# From the probe's times: the most check() calls running at one moment, and
# the span from the first start to the last end (one at a time: >= 12.8 s,
# however fast the machine; the wall clock above depends on its load).
sleep 0.2
times=$(sed -n 's/.*probe: pid=[0-9]* start=\([0-9]*\) end=\([0-9]*\) .*/\1 \2/p' "$BA_SYSLOG")
overlap=$(awk '{ print $1, 1; print $2, -1 }' <<<"$times" | sort -n -k1,1 -k2,2n |
	awk '{ n += $2; if (n > max) max = n } END { print max + 0 }')
span=$(awk 'NR == 1 || $1 < a { a = $1 } $2 > b { b = $2 } END { print b - a }' <<<"$times")
is "$(grep -c . <<<"$times")" "$N" "every request's check() was logged with its times"
[ "$overlap" -ge 8 ]
ok $? "at least 8 of the 64 checks ran at the same moment ($overlap)"
[ "$span" -lt 6400 ]
ok $? "the 64 checks of 200 ms all ran within $span ms (< 6.4 s, half of one at a time)"
rm -f "$BA_MODULEDIR/probe.so"
ba_no_taps "no tap remains after the 200 ms requests"

ba_done
