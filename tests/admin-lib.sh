# shellcheck shell=bash
# tests/admin-lib.sh: what test-admin.sh and test-sdk.sh share, sourced after
# lib.sh's ba_enter_ns: the staged bridge-auth(8), and the decision of the
# real helper and of explain, in one comparable form.

TOOL=$(cd "$BA_STAGE" && find . -path '*/bin/bridge-auth' -type f | head -1)
TOOL=${TOOL#.}
[ -n "$TOOL" ] && [ -x "$TOOL" ] || ba_fatal "no staged bin/bridge-auth"
# jq parses --json output when installed; those test points skip otherwise.
HAVE_JQ=0
command -v jq >/dev/null 2>&1 && HAVE_JQ=1

# re TEXT: TEXT quoted for an extended regular expression.
re() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# tool [USER] ARG...: run bridge-auth (as root, or as USER); sets OUT, RC.
tool() {
	if [ -n "${BA_UID[$1]:-}" ]; then
		local u=$1
		shift
		OUT=$(ba_as "$u" "$TOOL" "$@" 2>&1)
	else
		OUT=$("$TOOL" "$@" 2>&1)
	fi
	RC=$?
}

# helper_says USER BRIDGE: "granted", "refused MODULE: REASON", "refused REASON"
# (no module decided) or "refused policy" (the policy cannot be used).
helper_says() {
	local first by nobody
	ba_run "$1" "$H" --use-vnet --fd=@FD@ --br="$2"
	first=${BA_ERR%%$'\n'*}
	by="^qemu-bridge-helper: access to bridge $2 denied for $1 by module (.*)$"
	nobody="^qemu-bridge-helper: access to bridge $2 denied for $1: (.*)$"
	if ba_granted; then
		echo granted
	elif [ "$BA_RC" = 1 ] && [[ $first =~ $by ]]; then
		echo "refused ${BASH_REMATCH[1]}"
	elif [ "$BA_RC" = 1 ] && [[ $first =~ $nobody ]]; then
		echo "refused ${BASH_REMATCH[1]}"
	elif [ "$BA_RC" = 3 ]; then
		echo "refused policy"
	else
		echo "odd rc=$BA_RC: $BA_ERR"
	fi
}
# explain_says AS USER BRIDGE: the same, from explain run by AS (root or USER).
explain_says() {
	local d
	if [ "$1" = root ]; then tool explain --user "$2" --bridge "$3"; else tool "$2" explain --bridge "$3"; fi
	d=$(grep '^decision: ' <<<"$OUT")
	case $RC:$d in
	"0:decision: granted by module "*) echo granted ;;
	"1:decision: denied by module "*) echo "refused ${d#decision: denied by module }" ;;
	"1:decision: denied: policy: "*) echo "refused policy" ;;
	"1:decision: denied: "*) echo "refused ${d#decision: denied: }" ;;
	*) echo "odd rc=$RC: $OUT" ;;
	esac
}

# agree USER BRIDGE TEXT [EXPECTED]: the helper, explain --user (root) and
# explain (as USER) decide alike: same outcome, same deciding module, same
# reason; with EXPECTED (granted|refused), that outcome is the helper's.
agree() {
	local h e1 e2
	h=$(helper_says "$1" "$2")
	e1=$(explain_says root "$1" "$2")
	e2=$(explain_says "$1" "$1" "$2")
	is "$e1" "$h" "$3: $1 on $2: explain --user (root) agrees with the helper ($h)"
	is "$e2" "$h" "$3: $1 on $2: explain (as $1) agrees with the helper"
	# And all three against the decision the test expects (not only each other).
	if [ -n "${4:-}" ]; then
		is "${h%% *}" "$4" "$3: $1 on $2: $4, as the test's table expects"
	fi
}
