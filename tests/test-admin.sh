#!/bin/bash
# bridge-auth(8), the administrator's tool, against the staged install in
# private namespaces (lib.sh), run by root and by the unprivileged test users:
#
#   check    the shipped default passes; each broken configuration is found
#            with its file:line (bad syntax, unknown module, unknown control
#            flag, module argument errors, a bridge.conf syntax error in a
#            nested include, untrusted files), all of them at once; a user
#            checks a file of their own with their own privileges only;
#   explain  agrees with the real setuid helper (decision, deciding module,
#            reason) on a matrix of stacks x users x bridges, asked by root
#            (--user) and by each user about themselves; shows every entry's
#            verdict and effect; refuses another user to non-root;
#   list     the bridges of the network namespace and the user's access;
#   --json   parses (jq, when installed) and says the same;
#   and the helper's refusal points to explain.

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours

H=$BA_HELPER
STACK=$BA_POLICYDIR/bridge-auth.conf
CONF=$BA_BRIDGE_CONF
. "${top_srcdir:-$(dirname "$0")/..}/tests/admin-lib.sh"

ba_bridge br0
ba_bridge br1
ba_bridge br2
ba_not_bridge notbr0


# ---------------------------------------------------------------- check: the shipped default

ba_policy_default
ba_bridge_conf "allow br0"
tool check
is "$RC" 0 "check: the shipped default passes (exit 0)" || diag "$OUT"
like "$OUT" "^$(re "$STACK"): OK, 1 stack entry: acl \\(required\\)" "check: says OK and the stack"
tool check "$STACK"
is "$RC" 0 "check FILE: the shipped default passes"
tool alice check
is "$RC" 0 "check as alice: the shipped default passes with her privileges" || diag "$OUT"

# ---------------------------------------------------------------- check: broken configurations

# expect_problem TEXT REGEX...: the last check failed (exit 1) and printed each REGEX.
expect_problem() {
	local text=$1 r
	shift
	is "$RC" 1 "check: $text: exit 1" || diag "$OUT"
	for r in "$@"; do
		like "$OUT" "(^|$(printf '\n'))$r" "check: $text: reports /$r/"
	done
}

ba_policy_stack "# line 1
# line 2
stack = ( { module = \"acl\"; control = required; } );"
tool check
expect_problem "libconfig syntax error" "$(re "$STACK"):3: "

ba_policy_stack "stack = (
  { module = \"acl\"; control = \"required\"; },
  { module = \"nosuchmodule\"; control = \"required\"; }
);"
tool check
expect_problem "unknown module" "$(re "$STACK"):3: module nosuchmodule: .*nosuchmodule\\.so"

ba_policy_stack "stack = (
  { module = \"acl\"; control = \"mandatory\"; }
);"
tool check
expect_problem "unknown control flag" "$(re "$STACK"):2: unknown control 'mandatory'"

ba_policy_stack "stack = (
  { module = \"acl\"; control = \"required\"; args = [ \"file=$CONF\" ]; },
  { module = \"acl\"; control = \"required\"; args = [ \"fiel=$CONF\" ]; },
  { module = \"group\"; control = \"sufficient\"; args = [ \"colour=blue\" ]; }
);"
tool check
expect_problem "module argument errors" "$(re "$STACK"):3: module acl: unknown argument \"fiel=" \
	"$(re "$STACK"):4: module group: "

# A syntax error two includes down, and more in the same files: all reported.
ba_write_file /etc/qemu/inc1.conf root:root 0644 "# inc1
include /etc/qemu/inc2.conf
allow br0"
ba_write_file /etc/qemu/inc2.conf root:root 0644 "# inc2
allow br1
alow br2
deny br-name-far-too-long
deny br1"
ba_bridge_conf "allow br0
include /etc/qemu/inc1.conf
include /etc/qemu/missing.conf
include relative.conf"
ba_policy_default
tool check
expect_problem "bridge.conf errors in a nested include" \
	"/etc/qemu/inc2\\.conf:3: unknown command \"alow\" \\(module acl, $(re "$STACK"):[0-9]+\\)" \
	"/etc/qemu/inc2\\.conf:4: name too long" \
	"$(re "$CONF"):3: include /etc/qemu/missing\\.conf: No such file" \
	"$(re "$CONF"):4: include path must be absolute"
like "$OUT" "4 problems" "check: counts the 4 problems"
# The helper refuses on the first of them: check found what the helper trips on.
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
like "$BA_ERR" "/etc/qemu/inc2\\.conf:3: unknown command" "the helper fails on the first problem check reported"

ba_bridge_conf "allow br0"
chmod 0666 /etc/qemu/inc1.conf
ba_bridge_conf "include /etc/qemu/inc1.conf"
ba_write_file /etc/qemu/inc2.conf root:root 0644 "allow br1"
tool check
expect_problem "world-writable include" "/etc/qemu/inc1\\.conf: writable by group or others \\(mode 0666\\)"

ba_write_file /etc/qemu/inc1.conf alice:root 0644 "allow br1"
tool check
expect_problem "include owned by alice" "/etc/qemu/inc1\\.conf: owned by uid 4001, not root"
ln -s /etc/qemu/alice-link-target.conf /etc/qemu/link.conf
ba_write_file /etc/qemu/alice-link-target.conf alice:alice 0644 "allow br1"
ba_bridge_conf "include /etc/qemu/link.conf"
tool check
expect_problem "include through a symlink to alice's file" "/etc/qemu/link\\.conf: owned by uid 4001, not root"
rm -f /etc/qemu/link.conf /etc/qemu/alice-link-target.conf

ba_bridge_conf "allow br0"
chmod 0666 "$STACK"
tool check
expect_problem "world-writable bridge-auth.conf" "$(re "$STACK"): file is writable by group or others"
ba_policy_default
chown alice "$STACK"
tool check
expect_problem "bridge-auth.conf owned by alice" "$(re "$STACK"): file is owned by uid 4001, not 0"
ba_policy_default
chmod 0666 "$BA_MODULEDIR/group.so"
ba_policy_stack "stack = (
  { module = \"acl\"; control = \"required\"; },
  { module = \"group\"; control = \"optional\"; args = [ \"map=br0:kvm\" ]; }
);"
tool check
expect_problem "untrusted module" "$(re "$STACK"):3: module group: .*group\\.so: file is writable by group or others"
chmod 0644 "$BA_MODULEDIR/group.so"

# Everything at once: every problem, not the first.
ba_policy_stack "stack = (
  { module = \"acl\"; control = \"required\"; args = [ \"file=/etc/qemu/broken.conf\" ]; },
  { module = \"nosuchmodule\"; control = \"required\"; },
  { module = \"acl\"; control = \"sometimes\"; },
  { module = \"group\"; control = \"optional\"; args = [ \"map=br0:nosuchgroup\" ]; },
  { module = \"pam\"; control = \"optional\"; args = [ \"service=nosuchservice\" ]; },
  { module = \"acl\"; control = \"required\"; args = [ \"nope\" ]; }
);
colour = \"blue\";"
ba_write_file /etc/qemu/broken.conf root:root 0644 "alow br0
allow br0
deny"
tool check
expect_problem "a stack with many problems" \
	"/etc/qemu/broken\\.conf:1: unknown command" \
	"/etc/qemu/broken\\.conf:3: missing argument" \
	"$(re "$STACK"):3: module nosuchmodule" \
	"$(re "$STACK"):4: unknown control 'sometimes'" \
	"$(re "$STACK"):5: module group: map=br0:\\.\\.\\.: group nosuchgroup does not exist" \
	"/etc/pam.d/nosuchservice: no such PAM service .*\\(module pam, $(re "$STACK"):6\\)" \
	"$(re "$STACK"):7: module acl: unknown argument" \
	"$(re "$STACK"):9: unknown setting 'colour'"
like "$OUT" "8 problems" "check: counts all 8 problems"
if [ "$HAVE_JQ" = 1 ]; then
	tool --json check
	is "$RC" 1 "check --json: exit 1"
	is "$(jq -r '.ok' <<<"$OUT")" false "check --json: ok is false"
	is "$(jq -r '.problems | length' <<<"$OUT")" 8 "check --json: 8 problems"
	is "$(jq -r '.problems[] | select(.file == "/etc/qemu/broken.conf") | .line' <<<"$OUT" | tr '\n' ' ')" "1 3 " \
		"check --json: file and line of the bridge.conf problems"
	is "$(jq -r '.problems[] | select(.module == "group") | .entry' <<<"$OUT")" "$STACK:5" \
		"check --json: the entry of a module's problem"
	is "$(jq -r '[.entries[] | .loaded] | map(tostring) | join(",")' <<<"$OUT")" \
		"true,false,false,true,true,true" "check --json: which entries loaded"
else
	skip "jq not installed: check --json not parsed"
fi

# ---------------------------------------------------------------- check as a user

# alice's own test configuration, in a directory of hers.
mkdir -p /etc/qemu/alice-dir && chown alice:alice /etc/qemu/alice-dir && chmod 0755 /etc/qemu/alice-dir
ba_write_file /etc/qemu/secret.conf root:root 0600 "deny br0
# secret rule"
ba_write_file /etc/qemu/alice-dir/bridge.conf alice:alice 0644 "allow br0
include /etc/qemu/secret.conf
alow br1"
ba_write_file /etc/qemu/alice-dir/ba.conf alice:alice 0644 "stack = (
  { module = \"acl\"; control = \"required\"; args = [ \"file=/etc/qemu/alice-dir/bridge.conf\" ]; },
  { module = \"acl\"; control = \"optional\"; args = [ \"file=/etc/qemu/secret.conf\" ]; }
);"
tool alice check /etc/qemu/alice-dir/ba.conf
expect_problem "alice's own file" "/etc/qemu/alice-dir/bridge\\.conf:3: unknown command" \
	"/etc/qemu/secret\\.conf cannot be read by uid 4001"
unlike "$OUT" "secret rule|deny br0|/etc/qemu/alice-dir/bridge\\.conf:2" \
	"check as alice: nothing of a file she may not read, and no word about the skipped include"
tool check /etc/qemu/alice-dir/ba.conf
expect_problem "alice's file, checked by root" "/etc/qemu/alice-dir: directory is owned by uid 4001, not 0"
tool bob check /etc/qemu/alice-dir/ba.conf
expect_problem "alice's file, checked by bob" "/etc/qemu/alice-dir: directory is owned by uid 4001, not 0 or 4002"
ba_write_file "$BA_TMP/work/ba.conf" alice:alice 0644 "stack = ( );"
tool alice check "$BA_TMP/work/ba.conf"
expect_problem "alice's file in a world-writable directory" "directory is writable by group or others"
# A draft in a world-writable directory: the trust problem AND every other
# problem, each with file:line (admins draft before they install).
mkdir -p -m 1777 "$BA_TMP/drafts"
ba_write_file "$BA_TMP/drafts/draft.conf" root:root 0644 "stack = (
  { module = \"acl\"; control = \"required\"; }
  { module = \"group\"; control = \"required\"; }
);"
tool check "$BA_TMP/drafts/draft.conf"
expect_problem "a draft with a syntax error in /tmp-like directory" \
	"$(re "$BA_TMP/drafts"): directory is writable by group or others \\(mode 1777\\)" \
	"$(re "$BA_TMP/drafts/draft.conf"):3: syntax error"
ba_write_file "$BA_TMP/drafts/draft.conf" root:root 0666 "stack = (
  { module = \"acl\"; control = \"mandatory\"; },
  { module = \"nosuchmodule\"; control = \"required\"; }
);"
tool check "$BA_TMP/drafts/draft.conf"
expect_problem "a world-writable draft with bad entries" \
	"$(re "$BA_TMP/drafts"): directory is writable by group or others" \
	"$(re "$BA_TMP/drafts/draft.conf"): file is writable by group or others \\(mode 0666\\)" \
	"$(re "$BA_TMP/drafts/draft.conf"):2: .*mandatory" \
	"$(re "$BA_TMP/drafts/draft.conf"):3: module nosuchmodule"
tool alice check "$BA_TMP/drafts/draft.conf"
expect_problem "the same draft checked by alice" \
	"$(re "$BA_TMP/drafts"): directory is writable by group or others" \
	"$(re "$BA_TMP/drafts/draft.conf"):2: .*mandatory"
tool alice check relative.conf
is "$RC" 2 "check with a relative path: usage error (2)"

# ---------------------------------------------------------------- explain agrees with the helper

ba_write_file /etc/qemu/alice.conf root:alice 0640 "allow br2"
ba_write_file /etc/qemu/lan.conf root:root 0644 "allow all
deny br1"
PAMD=/etc/qemu/pamtest
ba_write_file $PAMD/vm root:root 0644 "account required pam_succeed_if.so quiet user ingroup vmusers"

# agree_matrix TEXT TABLE: every user on every bridge; TABLE is the expected
# decision, written by hand from the stack's rules (G granted, R refused),
# alice's br0 br1 br2, then bob's, then carol's.
agree_matrix() {
	local u br table=${2// /} i=0 want
	[ ${#table} = 9 ] || ba_fatal "agree_matrix: a table of 9 decisions, not '$2'"
	for u in alice bob carol; do
		for br in br0 br1 br2; do
			case ${table:$i:1} in G) want=granted ;; R) want=refused ;; *) ba_fatal "agree_matrix: '$2'" ;; esac
			agree "$u" "$br" "$1" "$want"
			i=$((i + 1))
		done
	done
}

ba_bridge_conf "allow br0
allow br1
deny br1
include /etc/qemu/alice.conf"
ba_policy_default
agree_matrix "shipped acl, per-user include" "GRG GRR GRR"

ba_policy_stack "stack = (
  { module = \"group\"; control = \"sufficient\"; args = [ \"map=br2:vmusers\" ]; },
  { module = \"acl\"; control = \"required\"; args = [ \"file=$CONF\" ]; }
);"
agree_matrix "group sufficient, acl required" "GRG GRG GRR"

ba_policy_stack "stack = (
  { module = \"acl\"; control = \"requisite\"; args = [ \"file=/etc/qemu/lan.conf\" ]; },
  { module = \"group\"; control = \"required\"; args = [ \"map=br0:vmusers\", \"map=br2:carol\" ]; }
);"
agree_matrix "acl requisite, group required" "GRR GRR RRG"

ba_policy_stack "stack = (
  { module = \"acl\"; control = \"optional\"; args = [ \"file=$CONF\" ]; },
  { module = \"pam\"; control = \"required\"; args = [ \"service=vm\", \"confdir=$PAMD\" ]; }
);"
agree_matrix "acl optional, pam required" "GGG GGG RRR"

ba_policy_stack "stack = (
  { module = \"acl\"; control = \"required\"; args = [ \"fiel=$CONF\" ]; },
  { module = \"group\"; control = \"sufficient\"; args = [ \"map=br0:vmusers\" ]; }
);"
agree_matrix "acl with an argument error" "RRR RRR RRR"

ba_policy_stack "stack = ( );"
agree_matrix "empty stack" "RRR RRR RRR"

ba_policy_stack "stack = ( { module = \"nosuchmodule\"; control = \"required\"; } );"
agree_matrix "a module that does not load" "RRR RRR RRR"

# ---------------------------------------------------------------- explain's trace

ba_policy_stack "stack = (
  { module = \"group\"; control = \"required\"; args = [ \"map=br1:vmusers\" ]; },
  { module = \"acl\"; control = \"requisite\"; args = [ \"file=$CONF\" ]; },
  { module = \"group\"; control = \"sufficient\"; args = [ \"map=br1:alice\" ]; },
  { module = \"acl\"; control = \"required\"; args = [ \"file=/etc/qemu/lan.conf\" ]; }
);"
tool explain --user carol --bridge br1
is "$RC" 1 "explain: denied is exit 1"
like "$OUT" "^user carol \\(uid 4003\\), bridge br1, policy $(re "$STACK")" "explain: says who, what, which policy"
like "$OUT" "1\\. group required \\(line 2\\): deny: carol is not in group vmusers[^
]*
     -> request will fail" "explain: entry 1 denies, the request will fail"
like "$OUT" "2\\. acl requisite \\(line 3\\): deny: denied by $(re "$CONF"):3 \\(deny br1\\)
       log: $(re "$CONF"):4: include not readable by the caller, skipped
     -> fail now" "explain: entry 2 denies, fail now; the module's log shown"
like "$OUT" "3\\. group sufficient \\(line 4\\): not reached" "explain: entry 3 not reached"
like "$OUT" "4\\. acl required \\(line 5\\): not reached" "explain: entry 4 not reached"
like "$OUT" "decision: denied by module group: carol is not in group vmusers" "explain: the first failure decides"

tool explain --user alice --bridge br0
like "$OUT" "1\\. group required \\(line 2\\): ignore: no group for bridge br0[^
]*
     -> no opinion" "explain: no opinion"
like "$OUT" "2\\. acl requisite[^
]*: allow: allowed by $(re "$CONF"):1 \\(allow br0\\)
     -> counts as a yes" "explain: counts as a yes"
like "$OUT" "3\\. group sufficient[^
]*: ignore:" "explain: entry 3 reached"
like "$OUT" "decision: granted by module acl: allowed by" "explain: granted"
is "$RC" 0 "explain: granted is exit 0"

ba_policy_stack "stack = (
  { module = \"acl\"; control = \"sufficient\"; args = [ \"file=$CONF\" ]; },
  { module = \"group\"; control = \"required\"; args = [ \"map=br0:carol\" ]; }
);"
tool explain --user alice --bridge br0
like "$OUT" "1\\. acl sufficient[^
]*
     -> granted now" "explain: granted now"
like "$OUT" "2\\. group required \\(line 3\\): not reached" "explain: after a sufficient grant, not reached"
tool explain --user alice --bridge br5
like "$OUT" "note: br5 is not a bridge on this host" "explain: says when the bridge does not exist"

if [ "$HAVE_JQ" = 1 ]; then
	tool --json explain --user bob --bridge br1
	is "$(jq -r '.granted' <<<"$OUT")" false "explain --json: granted false"
	is "$(jq -r '.module' <<<"$OUT")" null "explain --json: no module decided"
	is "$(jq -r '[.steps[] | .effect] | join(",")' <<<"$OUT")" "ignored,no-opinion" "explain --json: effects"
	is "$(jq -r '.steps[0].reason' <<<"$OUT")" "denied by $CONF:3 (deny br1)" "explain --json: reason"
else
	skip "jq not installed: explain --json not parsed"
fi

# Another user's decision is root's to see; one's own is anyone's.
ba_policy_default
tool alice explain --user bob --bridge br0
is "$RC" 3 "explain --user bob as alice: refused (exit 3)"
like "$OUT" "only root may ask about another user" "explain --user bob as alice: says why"
unlike "$OUT" "decision" "explain --user bob as alice: no decision shown"
tool alice explain --user alice --bridge br0
is "$RC" 0 "explain --user alice as alice: allowed"
tool alice explain --user 4001 --bridge br0
is "$RC" 0 "explain --user 4001 as alice (her uid): allowed"
tool alice explain --bridge 'br 0'
is "$RC" 2 "explain with an invalid bridge name: usage error"
tool explain --user nosuchuser --bridge br0
is "$RC" 3 "explain --user of no account: exit 3"
like "$OUT" "no such user 'nosuchuser'" "explain --user of no account: says so (to root)"
tool alice explain --user nosuchuser --bridge br0
like "$OUT" "only root may ask about another user" "explain --user of no account, as alice: the same refusal as for an account"

# ---------------------------------------------------------------- the helper points to explain

ba_bridge_conf "allow br0
deny br1"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br1
like "$BA_ERR" "^qemu-bridge-helper: access to bridge br1 denied for alice by module acl: denied by $(re "$CONF"):2 \\(deny br1\\)
qemu-bridge-helper: see: bridge-auth explain --bridge br1$" "helper refusal: the module, the reason, and a pointer to explain"

# ---------------------------------------------------------------- list

ba_bridge_conf "allow br0
deny br1
include /etc/qemu/alice.conf"
tool alice list
is "$RC" 0 "list as alice: exit 0"
like "$OUT" "^bridges on this host, for alice \\(uid 4001\\):" "list: header"
like "$OUT" "  br0 +allowed +acl: allowed by $(re "$CONF"):1" "list: br0 allowed for alice"
like "$OUT" "  br1 +denied +acl: denied by $(re "$CONF"):2" "list: br1 denied"
like "$OUT" "  br2 +allowed +acl: allowed by /etc/qemu/alice\\.conf:1" "list: br2 through alice's own include"
unlike "$OUT" "notbr0|lo " "list: devices that are not bridges are not listed"
tool bob list
like "$OUT" "  br2 +denied +no module allowed it" "list as bob: br2 not his (alice's include unreadable)"
unlike "$OUT" "alice\\.conf" "list as bob: nothing of alice's file"
tool list --user alice
like "$OUT" "  br2 +allowed" "list --user alice as root: as alice sees it"
tool bob list --user alice
is "$RC" 3 "list --user alice as bob: refused"
if [ "$HAVE_JQ" = 1 ]; then
	tool alice --json list
	is "$(jq -r '[.bridges[] | "\(.name)=\(.allowed)"] | join(",")' <<<"$OUT")" "br0=true,br1=false,br2=true" \
		"list --json: names and access"
else
	skip "jq not installed: list --json not parsed"
fi

# ---------------------------------------------------------------- odd input stays inert

ba_write_file /etc/qemu/odd.conf root:root 0644 "$(printf 'alow "quote" back\\\\slash \033[31m')"
ba_policy_stack "stack = ( { module = \"acl\"; control = \"required\"; args = [ \"file=/etc/qemu/odd.conf\" ]; } );"
tool check
unlike "$OUT" $'\033' "check: no control byte reaches the terminal"
if [ "$HAVE_JQ" = 1 ]; then
	tool --json check
	jq -e . >/dev/null 2>&1 <<<"$OUT"
	ok $? "check --json: valid JSON with quotes, backslashes and escapes in the file"
else
	skip "jq not installed"
fi

tool --bogus
is "$RC" 2 "unknown option: exit 2"
tool frobnicate
is "$RC" 2 "unknown command: exit 2"
tool --help
is "$RC" 0 "--help: exit 0"
cp "$TOOL" "$BA_TMP/bin/ba-setuid" && chmod 4755 "$BA_TMP/bin/ba-setuid"
OUT=$(ba_as alice "$BA_TMP/bin/ba-setuid" list 2>&1)
RC=$?
is "$RC" 3 "a setuid copy refuses to run"
like "$OUT" "must not run setuid" "a setuid copy says why"

ba_done
