#!/bin/bash
# max_taps_per_user and isolated (bridge-auth.conf(5)) through the real
# setuid helper, with real processes holding the taps' fds:
#
#   - 64 concurrent requests by alice against max_taps_per_user = 2: exactly
#     2 granted, every other one refused (exit 1) naming the bridge, the
#     limit and how many she holds; bob's quota untouched; released taps free
#     the quota at once; a limit of 0 grants nothing; taps counted by their slot
#     even when their holder re-owned them;
#   - the slots (src/quota.h): a granted tap holds one alternative name that
#     neither the user nor the holder can remove or forge; no lock file;
#   - isolated = true: the port flag is set, and with real frames two taps on
#     the bridge cannot reach each other while each reaches the host's
#     address (the same frames pass on a bridge without isolation).

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
CONF=$BA_BRIDGE_CONF
STACK=$BA_POLICYDIR/bridge-auth.conf
install -m 0755 "$top_builddir/tests/ba-holder" "$BA_TMP/bin/ba-holder" || ba_fatal "cannot copy ba-holder"
HOLDER=$BA_TMP/bin/ba-holder
ACL='{ module = "acl"; control = "required"; args = [ "file='$CONF'" ]; }'
. "${top_srcdir:-$(dirname "$0")/..}/tests/admin-lib.sh"

ba_bridge brq
ba_bridge brz
ba_bridge bri
ba_bridge brn
ba_bridge_conf "allow all"
ba_policy_stack "stack = ( $ACL );
bridges = (
  { match = \"brq\"; max_taps_per_user = 2; },
  { match = \"brz\"; max_taps_per_user = 0; },
  { match = \"bri\"; isolated = true; max_taps_per_user = 4; }
);"

# on_brq UID: taps on brq carrying UID's mark.
on_brq() { ip -d link show master brq type tun | grep -cE "alias bridge-auth uid=$1 bridge=brq since="; }

# ---------------------------------------------------------------- 64 at once

GATE=$BA_TMP/gate
mkfifo -m 0644 "$GATE" || ba_fatal "mkfifo"
exec 7<>"$GATE"
mkdir -m 0777 "$BA_TMP/q" || ba_fatal "mkdir"
pids=()
for i in $(seq 64); do
	ba_as alice "$BA_CLIENT_BIN" "$H" --fd=@FD@ --br=brq --- "$HOLDER" @TAPFD@ wait \
		<"$GATE" >"$BA_TMP/q/out.$i" 2>"$BA_TMP/q/err.$i" 7>&- &
	pids+=($!)
done
for p in "${pids[@]}"; do ba_bg "$p"; done
# Every request has its answer once 64 status lines are written.
for _ in $(seq 600); do
	[ "$(cat "$BA_TMP"/q/out.* 2>/dev/null | grep -c '^status=')" = 64 ] && break
	sleep 0.1
done
granted=$(cat "$BA_TMP"/q/out.* | grep -c '^status=0 fd=yes')
refused=$(cat "$BA_TMP"/q/out.* | grep -c '^status=1 fd=no')
is "$granted" 2 "64 concurrent requests, limit 2: exactly 2 granted"
is "$refused" 62 "64 concurrent requests: the other 62 refused with exit status 1"
msgs=$(cat "$BA_TMP"/q/err.* | grep -c 'bridge brq allows at most 2 taps per user, and uid 4001 holds 2 there')
is "$msgs" 62 "every refusal names the bridge, the limit and how many alice holds"
is "$(on_brq 4001)" 2 "two taps on brq carry alice's mark"
is "$(ip -o link show type tun | wc -l)" 2 "no other tap was left behind"
tool list --user alice
like "$OUT" 'brq +allowed .*\(at most 2 taps per user, alice holds 2\)' "list: alice holds 2 of 2 on brq"
tool alice taps
is "$(grep -c ' brq ' <<<"$OUT")" 2 "taps as alice: her two taps on brq"

ba_run_keep bob "$H" --fd=@FD@ --br=brq
is "$BA_FD" yes "bob's quota is his own: granted while alice is at her limit"
ba_release

# Release the 2 holders: the quota is free at once.
exec 7>&-
for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
is "$(on_brq 4001)" 0 "released: alice's taps are gone"
ba_run_keep alice "$H" --fd=@FD@ --br=brq
is "$BA_FD" yes "released: alice is granted again at once"
ba_release

# Re-owned to bob by its holder: still alice's by the mark.
ba_run alice "$H" --fd=@FD@ --br=brq --- "$HOLDER" @TAPFD@ owner 4002 sleep 3 &
hold=$!
ba_bg "$hold"
for _ in $(seq 50); do [ "$(on_brq 4001)" = 1 ] && break; sleep 0.1; done
ba_run_keep alice "$H" --fd=@FD@ --br=brq
is "$BA_FD" yes "re-owned tap: alice's second tap is granted"
ba_run alice "$H" --fd=@FD@ --br=brq
is "$BA_RC" 1 "re-owned tap: the third is refused (counted by its slot, not the tun owner)"
like "$BA_ERR" 'holds 2 there' "re-owned tap: the message counts it"
ba_release
wait "$hold"
ba_no_taps "re-owned tap: none left"

ba_expect alice brz refused "max_taps_per_user = 0: refused" \
	'bridge brz allows at most 0 taps per user, and uid 4001 holds 0 there'

# ---------------------------------------------------------------- the slots

# A granted tap holds one of alice's slots on brq: an alternative name that
# only CAP_NET_ADMIN can add or remove, so neither she nor the holder of the
# fd can free it; no lock file is made.
ba_run_keep alice "$H" --fd=@FD@ --br=brq
is "$BA_FD" yes "slots: alice is granted on brq"
slot=$(ip -d link show dev "$BA_TAPNAME" | grep -oE 'altname bridge-auth\.4001\.brq\.[01]$' | cut -d' ' -f2)
like "$slot" '^bridge-auth\.4001\.brq\.[01]$' "slots: her tap $BA_TAPNAME holds slot $slot"
ba_as alice ip link property del dev "$BA_TAPNAME" altname "$slot" >"$BA_TMP/prop.out" 2>&1
isnt $? 0 "slots: alice cannot remove her tap's slot name"
ba_as alice ip link property add dev "$BA_TAPNAME" altname bridge-auth.4002.brq.0 >>"$BA_TMP/prop.out" 2>&1
isnt $? 0 "slots: alice cannot give her tap a slot name of bob's"
is "$(ip -d link show dev "$BA_TAPNAME" | grep -c 'altname bridge-auth')" 1 "slots: her tap still holds exactly its one slot"
[ ! -e "${BA_RUNSTATEDIR:?}/bridge-auth.lock" ]
ok $? "slots: no lock file in $BA_RUNSTATEDIR"
ba_release
ip -o link show | grep -q 'bridge-auth\.4001'
isnt $? 0 "slots: released, no slot name of alice's is left"

# ---------------------------------------------------------------- isolation, with frames

# A first request fixes each bridge's MAC (a change of address flushes the
# bridge's neighbour table, so the static entries come after it).
ba_expect alice bri granted "isolated bridge: granted"
ba_expect alice brn granted "plain bridge: granted"
ip addr add 10.9.0.1/24 dev bri && ip addr add 10.8.0.1/24 dev brn || ba_fatal "addresses"
for n in 2 3; do
	ip neigh replace 10.9.0.$n lladdr 02:00:00:00:0a:0$n dev bri nud permanent &&
		ip neigh replace 10.8.0.$n lladdr 02:00:00:00:0a:0$n dev brn nud permanent || ba_fatal "neigh"
done
BRI_MAC=$(cat /sys/class/net/bri/address)
BRN_MAC=$(cat /sys/class/net/brn/address)

# pair BRIDGE NET HOSTMAC: bob listens, alice sends a broadcast; each pings the host.
pair() {
	local br=$1 net=$2 hmac=$3
	ba_as bob "$BA_CLIENT_BIN" "$H" --fd=@FD@ --br="$br" --- "$HOLDER" @TAPFD@ \
		ping 02:00:00:00:0a:03 "$net.3" "$hmac" "$net.1" recv 3 hello-from-alice \
		>"$BA_TMP/bob.$br" 2>&1 &
	local b=$!
	for _ in $(seq 50); do
		[ "$(ip -o link show master "$br" type tun | wc -l)" = 1 ] && break
		sleep 0.1
	done
	if [ "$br" = bri ]; then
		like "$(bridge -d link show dev "$(ip -o link show master bri type tun | awk -F': ' '{print $2}')")" \
			'isolated on' "isolated: the port flag is set on bob's tap"
	fi
	sleep 0.5
	ba_run alice "$H" --fd=@FD@ --br="$br" --- "$HOLDER" @TAPFD@ \
		ping 02:00:00:00:0a:02 "$net.2" "$hmac" "$net.1" bcast 02:00:00:00:0a:02 hello-from-alice \
		sleep 0.2 bcast 02:00:00:00:0a:02 hello-from-alice
	wait "$b"
}
pair bri 10.9.0 "$BRI_MAC"
like "$BA_OUT" "ping: pong" "isolated: alice's tap reaches the host's address"
like "$(cat "$BA_TMP/bob.bri")" "ping: pong" "isolated: bob's tap reaches the host's address"
like "$(cat "$BA_TMP/bob.bri")" "recv: 0" "isolated: bob receives none of alice's frames"
pair brn 10.8.0 "$BRN_MAC"
like "$BA_OUT" "ping: pong" "not isolated: alice reaches the host"
like "$(cat "$BA_TMP/bob.brn")" "recv: [12]" "not isolated: the same frames reach bob (the test can fail)"
ba_no_taps "isolation: no tap left"

ba_done
