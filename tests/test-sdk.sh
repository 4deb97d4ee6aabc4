#!/bin/bash
# The module SDK as a third party meets it: the example module of
# bridge-auth-module(7) (examples/), copied out of the tree, built with its
# own Makefile against nothing but the staged install (the header and
# pkg-config file), installed into the staged module directory, stacked,
# and asked through the real setuid helper and bridge-auth explain, which
# must agree; bridge-auth check runs its validate().

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours
. "${top_srcdir:-$(dirname "$0")/..}/tests/admin-lib.sh"

H=$BA_HELPER
STACK=$BA_POLICYDIR/bridge-auth.conf
for t in make cc pkg-config; do
	command -v "$t" >/dev/null 2>&1 || ba_skip_all "$t not installed"
done

# The staged pkg-config file, at its installed path (lib.sh copied the stage there).
PC=$(cd "$BA_STAGE" && find . -name bridge-auth.pc -type f | head -1)
PC=${PC#.}
[ -n "$PC" ] && [ -f "$PC" ] || ba_fatal "no staged bridge-auth.pc"
export PKG_CONFIG_LIBDIR=${PC%/*} PKG_CONFIG_PATH=
is "$(pkg-config --variable=moduledir bridge-auth)" "$BA_MODULEDIR" "pkg-config: moduledir is the helper's"
INCDIR=$(pkg-config --variable=includedir bridge-auth)
[ -f "$INCDIR/bridge-auth/module.h" ]
ok $? "the header is installed where pkg-config says ($INCDIR/bridge-auth/module.h)"

# Out of the tree: only the example's own files, and a make of its own (not
# make check's jobserver and flags).
unset MAKEFLAGS MFLAGS MAKELEVEL MAKEOVERRIDES
SDK=$BA_TMP/sdk
mkdir -p "$SDK" && cp "$top_srcdir/examples/uidrange.c" "$top_srcdir/examples/module.map" \
	"$top_srcdir/examples/Makefile" "$SDK/" || ba_fatal "cannot copy the example"
out=$(make -C "$SDK" 2>&1)
ok $? "the example builds with its Makefile and pkg-config only" || diag "$out"
like "$out" "-I$(re "$INCDIR")( |$)" "the build uses the installed include directory"
unlike "$out" "$(re "$top_srcdir")|$(re "${top_builddir:-/nonexistent}")" "the build names nothing of the source or build tree"
unlike "$out" "warning" "the example builds without a warning"
if command -v nm >/dev/null 2>&1; then
	is "$(nm -D --defined-only "$SDK/uidrange.so" | awk '{ print $3 }' | tr '\n' ' ')" "bridge_auth_module " \
		"the module exports bridge_auth_module and nothing else"
else
	skip "nm not installed"
fi
out=$(make -C "$SDK" install 2>&1)
ok $? "make install" || diag "$out"
[ -f "$BA_MODULEDIR/uidrange.so" ] && [ "$(stat -c %U:%a "$BA_MODULEDIR/uidrange.so")" = root:644 ]
ok $? "installed into the module directory, root:root 0644"

ba_bridge br0
ba_bridge br1
ba_bridge_conf "allow br1"
ba_policy_stack "stack = (
  { module = \"uidrange\"; control = \"sufficient\"; args = [ \"uids=4001-4002\", \"bridge=br0\" ]; },
  { module = \"acl\"; control = \"required\"; args = [ \"file=$BA_BRIDGE_CONF\" ]; }
);"
tool check
is "$RC" 0 "check: the stack with the example passes" || diag "$OUT"

ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" granted "alice (4001) on br0: granted by the example module"
ba_run carol "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" refused "carol (4003) on br0: refused"
ba_run carol "$H" --use-vnet --fd=@FD@ --br=br1
is "$(ba_decision)" granted "carol on br1: the example has no opinion, acl allows"
ba_no_taps "no tap left behind"
for u in alice bob carol; do
	for br in br0 br1; do
		agree "$u" "$br" "example stacked"
	done
done
tool explain --user alice --bridge br0
like "$OUT" "1\\. uidrange sufficient \\(line 2\\): allow: uid 4001 is in 4001-4002
     -> granted now" "explain: the example module's verdict, reason and effect"
tool explain --user carol --bridge br0
like "$OUT" "1\\. uidrange sufficient \\(line 2\\): deny: uid 4003 is not in 4001-4002
     -> ignored" "explain: a sufficient deny is ignored"

# Its validate() (ABI 1.1) and open() errors, through check.
ba_policy_stack "stack = (
  { module = \"uidrange\"; control = \"sufficient\"; args = [ \"uids=4001-4002\", \"bridge=br0\", \"bridge=br9\" ]; },
  { module = \"uidrange\"; control = \"optional\"; args = [ \"uids=9-1\" ]; }
);"
tool check
is "$RC" 1 "check: the example's problems fail the check"
like "$OUT" "$(re "$STACK"):2: module uidrange: bridge=br9: no such bridge on this host" "check: the example's validate() reports br9"
like "$OUT" "$(re "$STACK"):3: module uidrange: uids= needs LOW-HIGH, not 9-1" "check: the example's open() error, located"

ba_done
