#!/bin/bash
# valgrind's memcheck over the helper's whole path (tests/check-hardening.sh
# runs this; not part of `make check`): root, as its own caller, reaches
# everything a user's request does -- policy, stack, modules, the drop, the
# tap and the fd passing -- which valgrind cannot follow through a setuid
# exec.  A grant, a refusal by a module, a refusal by an empty answer and a
# failure after the decision: each with its exit status and no memcheck
# error or definite/indirect leak (valgrind's status would be 99).

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours
command -v valgrind >/dev/null || ba_fatal "valgrind is not installed"

# valgrind runs no setuid program: a plain copy (root runs it, as its own caller).
H=$BA_TMP/bin/qemu-bridge-helper
install -m 0755 -o root -g root "$BA_HELPER" "$H" || ba_fatal "cannot copy the helper"
VG=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect
	--show-leak-kinds=definite,indirect "--suppressions=$top_srcdir/tests/adversarial/valgrind.supp")
ba_bridge br0
ba_bridge br1
ba_bridge_conf "allow br0
deny br1
allow nosuch0"

vg_run() { # vg_run NAME STATUS BRIDGE: root's request under valgrind
	BA_OUT=$(cd / && env -i PATH=/usr/bin:/bin timeout -k 5 300 "$BA_CLIENT_BIN" "${VG[@]}" \
		"$H" --use-vnet --fd=@FD@ --br="$3" 2>"$BA_TMP/stderr")
	BA_RC=$?
	BA_ERR=$(cat "$BA_TMP/stderr")
	_ba_parse_line
	is "$BA_RC" "$2" "valgrind, $1: exit status $2 (99: a memcheck error)" || diag "$BA_ERR"
	# valgrind's note that it has no wrapper for SIOCBRADDIF (0x89a2) is no error.
	unlike "$(grep -v -e 'unhandled ioctl 0x89a2 ' -e 'could cause spurious value errors' \
		-e 'README_MISSING_SYSCALL_OR_IOCTL' <<<"$BA_ERR")" '==[0-9]+==' "valgrind, $1: no memcheck report"
}
vg_run "granted (policy, acl, drop, tap, fd passing)" 0 br0
is "$BA_FD" yes "valgrind, granted: the tap's fd was received"
vg_run "refused by acl's deny" 1 br1
vg_run "refused, no rule" 1 br2
vg_run "granted, but no such bridge" 4 nosuch0
install -m 0644 -o root -g root "$BA_BUILT_MODULES/probe.so" "$BA_MODULEDIR/probe.so" || ba_fatal "install probe.so"
ba_policy_stack "stack = ( { module = \"probe\"; control = \"optional\"; args = [ \"deny\" ]; },
	{ module = \"acl\"; control = \"required\"; args = [ \"file=$BA_BRIDGE_CONF\" ]; } );"
vg_run "two modules, granted" 0 br0
ba_no_taps "no tap remains"
ba_done
