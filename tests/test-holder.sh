#!/bin/bash
# The holder of a tap's fd (DESIGN §11), played for real by an unprivileged
# process (tests/ba-holder, run by ba-client with the fd QEMU would get):
#
#   - every tap carries the mark "bridge-auth uid=U bridge=B since=T" as its
#     alias, which the holder cannot change;
#   - TUNSETPERSIST + TUNSETOWNER (to itself or to another uid): the tap is
#     removed at the next request on the host (any user, any bridge) and by
#     `bridge-auth reap` (root only); taps the helper did not make, even with
#     an alias that looks like a mark, are never touched;
#   - SIOCSIFHWADDR 00:00:00:00:00:01 on the fd: the bridge's MAC stays;
#   - `bridge-auth taps` shows the requester from the mark, not the tun owner.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
CONF=$BA_BRIDGE_CONF
. "${top_srcdir:-$(dirname "$0")/..}/tests/admin-lib.sh"
install -m 0755 "$top_builddir/tests/ba-holder" "$BA_TMP/bin/ba-holder" || ba_fatal "cannot copy ba-holder"
HOLDER=$BA_TMP/bin/ba-holder

# br0's MAC follows its ports, as every bridge's does until it is set: a veth
# port with a low address gives it 02:00:00:00:00:10.
ba_bridge br0
ip link add vport0 address 02:00:00:00:00:10 type veth peer name vport0p &&
	ip link set vport0 master br0 && ip link set vport0 up ||
	ba_fatal "cannot add a port to br0"
ba_bridge br1
ba_bridge_conf "allow br0
allow br1"
BR0_MAC=$(cat /sys/class/net/br0/address)
is "$BR0_MAC" 02:00:00:00:00:10 "setup: br0 took its port's address"
isnt "$(cat /sys/class/net/br0/addr_assign_type)" 3 "setup: br0's address was never set"
tool check
like "$OUT" "warning: bridge br0: its MAC address was never set" "check: warns about br0's MAC"

# exists NAME: a network device NAME exists.
exists() { ip link show dev "$1" >/dev/null 2>&1; }

# ---------------------------------------------------------------- the mark

before=$(date +%s)
ba_run_keep alice "$H" --use-vnet --fd=@FD@ --br=br0
tap=$BA_TAPNAME
alias=$(ip -d link show dev "$tap" | sed -n 's/^ *alias //p')
like "$alias" "^bridge-auth uid=4001 bridge=br0 since=[0-9]+$" "mark: the tap's alias names uid and bridge"
since=${alias##*since=}
[ "$since" -ge "$before" ] && [ "$since" -le "$(($(date +%s) + 1))" ]
ok $? "mark: since is the time of the request ($since)"
is "$(cat /sys/class/net/br0/addr_assign_type)" 3 "the helper fixed br0's address (addr_assign_type 3)"
is "$(cat /sys/class/net/br0/address)" "$BR0_MAC" "br0's address is still $BR0_MAC"
tool check
unlike "$OUT" "warning: bridge br0" "check: no warning about br0 once fixed"
ba_release
ba_no_taps "the tap went with its fd"

# ---------------------------------------------------------------- the hostile holder

ip tuntap add mode tap name other0 || ba_fatal "cannot make a tap of our own"
ip tuntap add mode tap name other1 && ip link set other1 alias "bridge-auth uid=4001 bridge=br0" ||
	ba_fatal "cannot make a tap with an alias"
ip tuntap add mode tap name other2 && ip link set other2 alias "bridge-auth uid=4001 bridge=br0 since=01" ||
	ba_fatal "cannot make a tap with an alias"

ba_run alice "$H" --fd=@FD@ --br=br0 --- "$HOLDER" @TAPFD@ persist owner 4002 mac 00:00:00:00:00:01
tap=$BA_TAPNAME
is "$BA_RC" 0 "holder: alice's holder ran" || diag "$BA_OUT $BA_ERR"
like "$BA_OUT" "persist: ok" "holder: TUNSETPERSIST needs no capability"
like "$BA_OUT" "owner: ok" "holder: TUNSETOWNER to bob needs no capability"
like "$BA_OUT" "mac: ok" "holder: SIOCSIFHWADDR 00:00:00:00:00:01 needs no capability"
exists "$tap"
ok $? "holder: the tap outlived its fd (persistent)"
like "$(ip -d link show dev "$tap")" "tun type tap pi off vnet_hdr off persist on user (bob|4002)" \
	"holder: the tun owner now says bob"
like "$(ip link show dev "$tap")" "link/ether 00:00:00:00:00:01" "holder: the tap has the low address"
is "$(cat /sys/class/net/br0/address)" "$BR0_MAC" "holder: br0's address did not move"
like "$(ip -d link show dev "$tap" | sed -n 's/^ *alias //p')" "^bridge-auth uid=4001 bridge=br0 since=" \
	"holder: the mark still names alice"

tool taps
like "$OUT" "$tap +br0 +alice .* yes " "taps (root): alice's persistent tap, requester from the mark"
unlike "$OUT" "other[0-9]" "taps: taps the helper did not make are not listed"
tool bob taps
unlike "$OUT" "$tap" "taps as bob: not listed although the tun owner says bob"
tool alice taps
like "$OUT" "$tap +br0 +alice" "taps as alice: her tap"
if [ "$HAVE_JQ" = 1 ]; then
	tool --json taps
	is "$(jq -c ".taps[] | select(.name == \"$tap\") | [.uid, .bridge, .persistent, .tun_owner]" <<<"$OUT")" \
		'[4001,"br0",true,4002]' "taps --json: uid from the mark, tun owner apart"
else
	skip "jq is not installed"
fi

# The next request on the host, by another user, for another bridge, removes it.
index=$(cat "/sys/class/net/$tap/ifindex")
ba_run_keep bob "$H" --use-vnet --fd=@FD@ --br=br1
is "$BA_FD" yes "next request (bob, br1): granted"
is "$(ip -o link show | grep -c "^$index:")" 0 "next request: alice's persistent tap is gone"
is "$(ip -d link show type tun | grep -cE 'alias bridge-auth uid=4001 bridge=br0 since=[1-9][0-9]* *$')" 0 \
	"next request: no tap carries alice's mark"
for t in other0 other1 other2; do
	exists "$t"
	ok $? "next request: $t (not made by the helper) is untouched"
done
ba_release

# ---------------------------------------------------------------- bridge-auth reap

ba_run alice "$H" --fd=@FD@ --br=br0 --- "$HOLDER" @TAPFD@ persist
tap=$BA_TAPNAME
exists "$tap"
ok $? "reap: a persistent tap again"
tool alice reap
is "$RC" 3 "reap as alice: refused (exit 3)"
like "$OUT" "only root may remove taps" "reap as alice: says why"
exists "$tap"
ok $? "reap as alice: the tap is still there"
tool reap
is "$RC" 0 "reap as root: exit 0" || diag "$OUT"
like "$OUT" "removed $tap \\(persistent; requested by alice for br0\\)" "reap: names the tap"
like "$OUT" "1 persistent tap removed" "reap: counts"
exists "$tap"
isnt $? 0 "reap: the tap is gone"
for t in other0 other1 other2; do
	exists "$t"
	ok $? "reap: $t (not made by the helper) is untouched"
done
tool reap
like "$OUT" "0 persistent taps removed" "reap again: nothing to do"

# A tap that is in use (not persistent) is never reaped.
ba_run_keep alice "$H" --use-vnet --fd=@FD@ --br=br0
tap=$BA_TAPNAME
tool reap
exists "$tap"
ok $? "reap: a tap in use, not persistent, stays"
ba_release

ip link del other0 && ip link del other1 && ip link del other2
ba_no_taps "end: no tap left"
ba_done
