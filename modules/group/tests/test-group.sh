#!/bin/bash
# The group module through the real setuid helper, run by unprivileged test
# users, with the group database of a private mount namespace (lib.sh):
# primary and supplementary groups, a map with several groups, the pattern,
# a group added or removed while the user's session goes on (the next
# request follows the group database, not the session's credentials),
# groups that do not exist, a user in many groups, argument errors, and the
# worked stacks of bridge-auth-group(8).

. "${top_srcdir:-$(dirname "$0")/../../..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
[ -f "$BA_MODULEDIR/group.so" ] || ba_fatal "the stage has no $BA_MODULEDIR/group.so"

# Groups of this test (gids outside lib.sh's).  alice: kvm; carol: net-lan0.
add_group() { # add_group NAME GID MEMBERS
	printf '%s:x:%s:%s\n' "$1" "$2" "$3" >>/etc/group || ba_fatal "adding group $1"
	if [ -f /etc/gshadow ]; then
		printf '%s:!::%s\n' "$1" "$3" >>/etc/gshadow || ba_fatal "adding group $1 to gshadow"
	fi
}
# set_members NAME MEMBERS: rewrite the member list of group NAME.
set_members() {
	local f
	for f in /etc/group /etc/gshadow; do
		[ -f "$f" ] || continue
		awk -F: -v OFS=: -v g="$1" -v m="$2" '$1 == g { $NF = m } { print }' "$f" >"$BA_TMP/grp.tmp" &&
			cat "$BA_TMP/grp.tmp" >"$f" || ba_fatal "rewriting $f"
	done
}
add_group kvm 4200 alice
add_group net-lan0 4201 carol
add_group net-lan1 4202 ""

for b in br0 br1 br2 br3 br4 lan0 lan1 lan2; do ba_bridge "$b"; done

# stack ENTRY...: a stack of the given entries, each "MODULE CONTROL ARG...".
stack() {
	local text="stack = (" sep="" e m c a args
	for e in "$@"; do
		read -r m c a <<<"$e"
		args=""
		for a in $a; do args="$args${args:+, }\"$a\""; done
		text="$text$sep { module = \"$m\"; control = \"$c\"; args = [ $args ]; }"
		sep=","
	done
	ba_policy_stack "$text );"
}

# ---------------------------------------------------------------- one group module alone
stack "group required map=br0:kvm map=br1:alice map=br2:nosuchgroup map=br3:kvm,vmusers map=br4:nosuch,kvm pattern=net-%b"

ba_expect alice br0 granted "supplementary group kvm: alice may use br0"
ba_expect bob br0 refused "bob is not in kvm: br0 refused" \
	'denied for bob by module group: bob is not in group kvm, which bridge br0 requires'
ba_expect alice br1 granted "primary group alice: alice may use br1"
ba_expect bob br1 refused "bob's primary group is not alice: br1 refused" \
	'bob is not in group alice, which bridge br1 requires'
ba_expect alice br2 refused "non-existent group: no opinion, and a stack of no opinions refuses" 'br2'
ba_expect bob br3 granted "several groups: bob is in the second (vmusers)"
ba_expect alice br3 granted "several groups: alice is in both"
ba_expect carol br3 refused "several groups: carol is in neither, both are named" \
	'carol is not in group kvm or vmusers, which bridge br3 requires'
ba_expect carol br4 refused "a non-existent group beside a real one: the real one decides" \
	'carol is not in group kvm, which bridge br4 requires'
ba_expect carol lan0 granted "pattern net-%b: carol is in net-lan0"
ba_expect alice lan0 refused "pattern net-%b: alice is not in net-lan0" \
	'alice is not in group net-lan0, which bridge lan0 requires'
ba_expect alice lan1 refused "pattern net-%b: empty net-lan1" 'alice is not in group net-lan1'
ba_expect alice lan2 refused "pattern net-%b: net-lan2 does not exist (no opinion)" 'lan2'

# ---------------------------------------------------------------- the group database changes, the session goes on
# A session started before the change: its credentials are the old ones.
# session USER: start a shell as USER that waits for $BA_TMP/work/go, then
# runs one request; its groups at start go to $BA_TMP/work/ids.
session() {
	rm -f "$BA_TMP/work/go" "$BA_TMP/work/ids" "$BA_TMP/work/out" "$BA_TMP/work/err"
	ba_as "$1" /bin/sh -c '
		id -G >"$0/ids"
		while [ ! -e "$0/go" ]; do sleep 0.05; done
		exec "$1" "$2" --use-vnet --fd=@FD@ --br="$3" >"$0/out" 2>"$0/err"' \
		"$BA_TMP/work" "$BA_CLIENT_BIN" "$H" "$2" &
	_session_pid=$!
	local i
	for i in $(seq 100); do [ -s "$BA_TMP/work/ids" ] && break; sleep 0.05; done
	[ -s "$BA_TMP/work/ids" ] || ba_fatal "the session of $1 did not start"
}
session_end() {
	touch "$BA_TMP/work/go" || ba_fatal "touch go"
	wait "$_session_pid"
	BA_OUT=$(cat "$BA_TMP/work/out")
	BA_RC=$(ba_field status)
	BA_ERR=$(cat "$BA_TMP/work/err")
	_ba_parse_line
}

session carol br0
unlike " $(cat "$BA_TMP/work/ids") " ' 4200 ' "carol's session starts without kvm"
set_members kvm alice,carol
session_end
is "$(ba_decision)" granted "group added after login: carol's next request is granted at once"
ba_no_taps "group added after login: no tap left behind"

session alice br0
like " $(cat "$BA_TMP/work/ids") " ' 4200 ' "alice's session starts in kvm"
set_members kvm carol
session_end
is "$(ba_decision)" refused "group removed during the session: alice's next request is refused at once"
like "$BA_ERR" 'alice is not in group kvm, which bridge br0 requires' "group removed: message names the group"
ba_no_taps "group removed: no tap left behind"
ba_expect carol br0 granted "carol, added, is still granted"
set_members kvm alice
ba_expect carol br0 refused "carol, removed again, is refused" 'carol is not in group kvm'
ba_expect alice br0 granted "alice, added back, is granted"

# A group deleted from the database: no opinion.
grep -v '^kvm:' /etc/group >"$BA_TMP/grp.tmp" && cat "$BA_TMP/grp.tmp" >/etc/group || ba_fatal "deleting kvm"
ba_expect alice br0 refused "group kvm deleted: the stack has no positive answer" 'br0'
add_group kvm 4200 alice

# ---------------------------------------------------------------- many groups
members=()
for i in $(seq 1 400); do
	add_group "many$i" $((5000 + i)) bob
done
set_members net-lan1 bob
ba_expect bob lan1 granted "bob in 402 groups, the pattern's group among them"
stack "group required map=br0:many400"
ba_expect bob br0 granted "bob in 402 groups: the last one mapped"
ba_expect alice br0 refused "alice in none of them" 'alice is not in group many400'
stack "group required map=br0:many1,many2,many3,kvm"
ba_expect alice br0 granted "four groups mapped, alice in the last"
ba_expect carol br0 refused "four groups mapped, carol in none: all named" \
	'carol is not in group many1 or many2 or many3 or kvm, which bridge br0 requires'

# ---------------------------------------------------------------- configuration errors
for args in "pattern=" "pattern=kvm" "map=br0:kvm pattern=kvm" "map=br0:kvm bogus=1" "" "map=br0" "map=br/0:kvm" "map=br0:kvm pattern=%b pattern=%b"; do
	stack "group required $args"
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
	is "$(ba_decision)" refused "arguments '$args': refused, not silently passed"
	like "$BA_ERR" 'group' "arguments '$args': the message names the module"
	like "$BA_ERR" 'cannot start' "arguments '$args': the message says it cannot start"
	diag "$BA_ERR"
done
# A required group entry that cannot start fails the stack, even where a
# sufficient module after it would grant.  (As PAM's "sufficient", an error
# of a sufficient entry is ignored: DESIGN.md section 5.)
stack "group required pattern=" "acl sufficient file=$BA_BRIDGE_CONF"
ba_bridge_conf "allow br0"
ba_expect alice br0 refused "a required group module that cannot start fails the stack beside a grant" 'pattern= is empty'

# ---------------------------------------------------------------- the worked stacks of bridge-auth-group(8)
# 1. Members of kvm may use br0, everyone else is refused.
stack "group required map=br0:kvm"
ba_expect alice br0 granted "man page, kvm on br0: alice (in kvm) may use br0"
ba_expect bob br0 refused "man page, kvm on br0: bob is refused" 'bob is not in group kvm'
ba_expect alice br1 refused "man page, kvm on br0: no other bridge, not even for alice" 'br1'

# 2. Group members without further ado, everyone else as bridge.conf says.
stack "group sufficient map=br0:kvm" "acl required file=$BA_BRIDGE_CONF"
ba_bridge_conf "allow br1
deny br0"
ba_expect alice br0 granted "man page, group sufficient + acl: kvm member alice gets br0 despite the acl's deny"
ba_expect bob br0 refused "man page, group sufficient + acl: bob falls to the acl's deny" 'bridge\.conf'
ba_expect bob br1 granted "man page, group sufficient + acl: bob gets br1 from the acl"
ba_expect carol br2 refused "man page, group sufficient + acl: no group, no acl rule" 'br2'

# 3. Each bridge has its own group.
stack "group required pattern=net-%b"
set_members net-lan0 carol
set_members net-lan1 bob
ba_expect carol lan0 granted "man page, per-bridge group: carol in net-lan0 uses lan0"
ba_expect carol lan1 refused "man page, per-bridge group: carol not in net-lan1" 'carol is not in group net-lan1'
ba_expect bob lan1 granted "man page, per-bridge group: bob in net-lan1 uses lan1"
ba_expect bob br0 refused "man page, per-bridge group: net-br0 does not exist" 'br0'

# 4. A group required on top of bridge.conf: both must agree.
stack "acl required file=$BA_BRIDGE_CONF" "group required map=br1:vmusers"
ba_bridge_conf "allow all"
ba_expect bob br1 granted "acl + group required: bob is allowed and in vmusers"
ba_expect carol br1 refused "acl + group required: carol is allowed but not in vmusers" 'carol is not in group vmusers'
ba_expect carol br0 granted "acl + group required: br0 has no group, the acl decides"

ba_done
