#!/bin/bash
# The helper's own behaviour through the real setuid path, as the unprivileged
# user alice: the tap it hands over (section 3 of DESIGN.md), the argv forms
# of QEMU and libvirt, and every class of failure with its exit status, its
# message and no tap left behind.
#
# Messages are asserted on their stable parts only: the "qemu-bridge-helper: "
# prefix, the object named (bridge, module, file:line, /dev/net/tun) and the
# phrases "denied", "does not exist", "not a bridge".

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

# Exit statuses (src/exitcodes.h).
EXIT_DENIED=1 EXIT_USAGE=2 EXIT_CONFIG=3 EXIT_NETWORK=4 EXIT_PRIVILEGE=5
H=$BA_HELPER
PREFIX='^qemu-bridge-helper: '
CONF=$BA_BRIDGE_CONF
STACK=$BA_POLICYDIR/bridge-auth.conf
# Escaped for regular expressions.
CONF_RE=${CONF//./\\.}
STACK_RE=${STACK//./\\.}

# br0 has a port with a low MAC, so that a tap without its 0xFE first byte
# would change the bridge's address; MTU 1400 so that copying it shows.
ba_bridge br0 1400
ip link add vport0 mtu 1400 address 02:00:00:00:00:01 type veth peer name vport0p mtu 1400 &&
	ip link set vport0 master br0 && ip link set vport0 up && ip link set vport0p up ||
	ba_fatal "cannot add a veth port to br0"
ba_bridge br1
ba_bridge br2
ba_bridge brexactly15char
ba_not_bridge notbr0
BR0_MAC=$(cat /sys/class/net/br0/address) || ba_fatal "no MAC for br0"

ba_bridge_conf "# bridge.conf of test-helper
allow br0
allow br1
deny br1
allow notbr0
allow nosuch0
allow brexactly15char"
DENY_BR1_LINE=4

# check_failure NAME STATUS [REGEX...]: the last run failed with STATUS, no fd,
# a prefixed message matching every REGEX, and no tap remains.
check_failure() {
	local name=$1 status=$2 re
	shift 2
	diag "$name: $BA_ERR"
	is "$BA_RC" "$status" "$name: exit status $status"
	is "$BA_FD" no "$name: no fd sent"
	like "$BA_ERR" "$PREFIX" "$name: message is prefixed 'qemu-bridge-helper: '"
	for re in "$@"; do
		like "$BA_ERR" "$re" "$name: message matches /$re/"
	done
	ba_no_taps "$name: no tap left behind"
}

# check_tap NAME VNET: the kept client's tap is right (section 3).
check_tap() {
	local name=$1 vnet=$2 flags link
	is "$BA_FD" yes "$name: one fd received"
	like "$BA_TAPNAME" '^tap[0-9]+$' "$name: tap name from the tap%d template"
	flags=$((BA_FLAGS))
	is "$((flags & 0x0002))" 2 "$name: IFF_TAP set"
	is "$((flags & 0x0001))" 0 "$name: IFF_TUN not set"
	is "$((flags & 0x1000))" 4096 "$name: IFF_NO_PI set"
	if [ "$vnet" = yes ]; then
		is "$((flags & 0x4000))" 16384 "$name: IFF_VNET_HDR set (--use-vnet)"
	else
		is "$((flags & 0x4000))" 0 "$name: IFF_VNET_HDR not set (no --use-vnet)"
	fi
	is "$((flags & 0x0800))" 0 "$name: IFF_PERSIST not set"
	link=$(ip -d link show dev "$BA_TAPNAME" 2>&1)
	like "$link" ' mtu 1400 ' "$name: tap MTU copied from the bridge (1400)"
	like "$link" 'link/ether fe:' "$name: first MAC byte is fe"
	like "$link" ' master br0 ' "$name: tap attached to br0"
	like "$link" '<([A-Z_]+,)*UP[,>]' "$name: tap is up"
	like "$link" ' persist off ' "$name: tap is not persistent"
	like "$link" ' user (alice|4001) ' "$name: tap owned by alice (TUNSETOWNER)"
	is "$(cat /sys/class/net/br0/address)" "$BR0_MAC" "$name: the bridge's MAC did not change"
	is "$(ba_taps | wc -l)" 1 "$name: exactly one tap exists"
}

# ---------------------------------------------------------------- granted

# QEMU: execv(helper, [helper, "--use-vnet", "--fd=N", "--br=BR"]).
ba_run_keep alice "$H" --use-vnet --fd=@FD@ --br=br0
check_tap "QEMU argv order" yes
ba_release
is "$BA_RC" 0 "QEMU argv order: exit status 0"
is "$BA_ERR" "" "QEMU argv order: nothing on stderr"
ba_no_taps "QEMU argv order: the tap is gone once the client closed its fd"

# libvirt: helper --use-vnet --br=BR --fd=N.
ba_run_keep alice "$H" --use-vnet --br=br0 --fd=@FD@
check_tap "libvirt argv order with --use-vnet" yes
ba_release
is "$BA_RC" 0 "libvirt argv order with --use-vnet: exit status 0"
ba_no_taps "libvirt argv order with --use-vnet: the tap is gone afterwards"

# libvirt without --use-vnet: helper --br=BR --fd=N.
ba_run_keep alice "$H" --br=br0 --fd=@FD@
check_tap "libvirt argv order without --use-vnet" no
ba_release
is "$BA_RC" 0 "libvirt argv order without --use-vnet: exit status 0"
ba_no_taps "libvirt argv order without --use-vnet: the tap is gone afterwards"

# QEMU, helper string with a space: /bin/sh -c "<helper> --use-vnet --fd=N --br=BR".
ba_run_keep alice /bin/sh -c "$H --use-vnet --fd=@FD@ --br=br0"
check_tap "QEMU helper string with a space (/bin/sh -c)" yes
ba_release
is "$BA_RC" 0 "/bin/sh -c form: exit status 0"
ba_no_taps "/bin/sh -c form: the tap is gone afterwards"

# A repeated option: the last one wins (as upstream's loop does).
ba_run_keep alice "$H" --br=br2 --use-vnet --fd=@FD@ --br=br0
like "$(ip -o link show dev "$BA_TAPNAME" 2>&1)" ' master br0 ' "repeated --br: the last one wins"
ba_release
is "$BA_RC" 0 "repeated --br: exit status 0"
ba_no_taps "repeated --br: the tap is gone afterwards"

# A name of exactly IFNAMSIZ-1 characters works, untruncated.
ba_run_keep alice "$H" --use-vnet --fd=@FD@ --br=brexactly15char
like "$(ip -o link show dev "$BA_TAPNAME" 2>&1)" ' master brexactly15char ' "15-character bridge name: granted"
ba_release
is "$BA_RC" 0 "15-character bridge name: exit status 0"
ba_no_taps "15-character bridge name: the tap is gone afterwards"

# ---------------------------------------------------------------- refused by policy

ba_run alice "$H" --use-vnet --fd=@FD@ --br=br1
check_failure "denied bridge br1" $EXIT_DENIED 'denied' 'br1' 'acl' "$CONF_RE:$DENY_BR1_LINE([^0-9]|$)"

ba_run alice "$H" --use-vnet --fd=@FD@ --br=br2
check_failure "bridge br2 matched by no rule" $EXIT_DENIED 'denied' 'br2'

ba_run carol "$H" --use-vnet --br=br1 --fd=@FD@
check_failure "denied bridge br1, libvirt order, another user" $EXIT_DENIED 'denied' 'br1' "$CONF_RE:$DENY_BR1_LINE([^0-9]|$)"

# ---------------------------------------------------------------- network failures

ba_run alice "$H" --use-vnet --fd=@FD@ --br=nosuch0
check_failure "bridge that does not exist" $EXIT_NETWORK 'nosuch0' 'does not exist'

mark=$(ba_link_mark)
ba_run alice "$H" --use-vnet --fd=@FD@ --br=notbr0
check_failure "device that is not a bridge" $EXIT_NETWORK 'notbr0' 'not a bridge'
# The bridge is checked before any tap is made: no interface, not even one
# gone by now (a dummy device has no ports: counting them would prove nothing).
ba_no_link_since "$mark" "not a bridge: no tap was made, not even for a moment"

# A tun node nobody may open (on a nodev mount: EACCES even for root).
ba_tun_node nodev
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
check_failure "/dev/net/tun cannot be opened" $EXIT_NETWORK '/dev/net/tun'
# Another device where the tun device should be.
ba_tun_node notun
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
check_failure "/dev/net/tun is not the tun device" $EXIT_NETWORK '/dev/net/tun'
# A root-only 0600 node, as some hosts have it: upstream opens it as the
# caller and fails; ours opens it before dropping root (and only uses it
# after), so both kinds of host work.
ba_tun_node root-only
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" granted "/dev/net/tun 0600 root: granted (opened before the drop)"
like "$BA_TAPNAME" '^tap[0-9]+$' "/dev/net/tun 0600 root: a tap was sent"
ba_no_taps "/dev/net/tun 0600 root: the tap is gone afterwards"
ba_tun_node distro

# ---------------------------------------------------------------- not setuid

chmod 0755 "$H" || ba_fatal "chmod 0755 $H"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
check_failure "helper not setuid root" $EXIT_PRIVILEGE
chmod 4755 "$H" || ba_fatal "chmod 4755 $H"

# ---------------------------------------------------------------- bad command lines

REG=$BA_TMP/work/regular-file
echo data >"$REG" && chmod 0644 "$REG" || ba_fatal "cannot create $REG"
ba_run alice "$H" --use-vnet --fd=abc --br=br0
check_failure "--fd=abc (not a number)" $EXIT_USAGE 'fd'
ba_run alice "$H" --use-vnet --fd= --br=br0
check_failure "--fd= (empty)" $EXIT_USAGE 'fd'
ba_run alice "$H" --use-vnet --fd=4x --br=br0
check_failure "--fd=4x (trailing garbage)" $EXIT_USAGE 'fd'
ba_run alice "$H" --use-vnet --fd=-1 --br=br0
check_failure "--fd=-1" $EXIT_USAGE 'fd'
ba_run alice "$H" --use-vnet --fd=99999999999999999999 --br=br0
check_failure "--fd=<overflowing number>" $EXIT_USAGE 'fd'
ba_run alice "$H" --use-vnet --fd=77 --br=br0
check_failure "--fd=77 (a closed fd)" $EXIT_USAGE 'fd'
ba_run alice "$H" --use-vnet --fd=5 --br=br0 5<"$REG"
check_failure "--fd=5 (a regular file)" $EXIT_USAGE 'fd'
ba_run alice "$H" --use-vnet --fd=1 --br=br0
check_failure "--fd=1 (stdout, a pipe)" $EXIT_USAGE 'fd'
ba_run alice "$H" --use-vnet --br=br0
check_failure "--fd missing" $EXIT_USAGE
ba_run alice "$H" --use-vnet --fd=@FD@
check_failure "--br missing" $EXIT_USAGE
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0 --bogus
check_failure "unknown option --bogus" $EXIT_USAGE
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0 extra
check_failure "stray argument" $EXIT_USAGE

# Invalid bridge names, never truncated: the 16-character name's first 15
# characters name an allowed, existing bridge (the CVE-2019-13164 class).
ba_run alice "$H" --use-vnet --fd=@FD@ --br=brexactly15charX
check_failure "bridge name of 16 characters" $EXIT_USAGE
for bad in '' . .. br/0 br:0 'br 0' "$(printf 'br\t0')" "$(printf 'br\n0')"; do
	ba_run alice "$H" --use-vnet --fd=@FD@ "--br=$bad"
	check_failure "invalid bridge name '$(printf '%q' "$bad")'" $EXIT_USAGE
done

# ---------------------------------------------------------------- policy file

chmod 0666 "$STACK" || ba_fatal "chmod $STACK"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
check_failure "world-writable bridge-auth.conf" $EXIT_CONFIG "$STACK_RE"
ba_policy_default

chmod 0664 "$STACK" || ba_fatal "chmod $STACK"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
check_failure "group-writable bridge-auth.conf" $EXIT_CONFIG "$STACK_RE"
ba_policy_default

chown alice:root "$STACK" || ba_fatal "chown $STACK"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
check_failure "bridge-auth.conf owned by alice" $EXIT_CONFIG "$STACK_RE"
ba_policy_default

rm -f "$STACK" || ba_fatal "rm $STACK"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
check_failure "missing bridge-auth.conf" $EXIT_CONFIG "$STACK_RE"
ba_policy_default

# A libconfig syntax error on line 3 (an unquoted string).
ba_policy_stack "# line 1
# line 2
stack = ( { module = \"acl\"; control = required; args = [ \"file=$CONF\" ]; } );"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
check_failure "unparsable bridge-auth.conf" $EXIT_CONFIG "$STACK_RE:3([^0-9]|$)"
ba_policy_default

ba_policy_stack "stack = ( { module = \"nosuchmodule\"; control = \"required\"; } );"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
check_failure "stack naming a module that does not exist" $EXIT_CONFIG 'nosuchmodule'
ba_policy_default

# The same policy works again (the restores above are real).
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" granted "after the policy checks, the shipped stack grants br0 again"
ba_no_taps "and its tap is gone"

# ---------------------------------------------------------------- --help, --version

for opt in --help --version; do
	out=$(ba_as alice "$H" "$opt" 2>"$BA_TMP/stderr")
	rc=$?
	is "$rc" 0 "$opt: exit status 0"
	is "$(cat "$BA_TMP/stderr")" "" "$opt: nothing on stderr"
	case $opt in
	--help) like "$out" '[Uu]sage' "--help: usage on stdout" ;;
	--version) like "$out" '[0-9]+\.[0-9]+' "--version: a version number on stdout" ;;
	esac
	ba_no_taps "$opt: no tap"
done

ba_done
