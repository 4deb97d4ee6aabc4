# shellcheck shell=bash
# tests/admin-crosscheck.sh: put every request a test suite makes of our helper
# to `bridge-auth explain` as well, and assert that both decide alike.
#
# Sourced right after tests/lib.sh (tests/test-admin-crosscheck.sh arranges
# it): wraps ba_run.  For a request to our helper (directly, or through
# /bin/sh -c) run with a plain environment, once the helper got past its
# command line and setuid checks, it adds one test point: explain --user
# USER --bridge BRIDGE, run by root, says "granted" when the helper decided
# to grant (exit 0, or a network failure after the decision, exit 4), and
# "refused MODULE: REASON" / "refused REASON" / "refused policy" as the
# helper's refusal says.

eval "_ba_run_uncrosschecked() $(declare -f ba_run | tail -n +2)"

ba_run() {
	_ba_run_uncrosschecked "$@"
	local rc=$BA_RC err=$BA_ERR out=$BA_OUT
	_ba_crosscheck "$@"
	BA_RC=$rc BA_ERR=$err BA_OUT=$out
	_ba_parse_line
}

_ba_crosscheck() {
	local u=$1 a br="" words helper_said explain_said tool first by nobody d
	shift
	case $1 in
	"$BA_HELPER") words=("$@") ;;
	/bin/sh) [[ ${3:-} == "$BA_HELPER "* ]] || return 0; read -r -a words <<<"$3" ;;
	*) return 0 ;;
	esac
	for a in "${words[@]}"; do
		case $a in --br=*) br=${a#--br=} ;; esac
	done
	[ -n "$br" ] || return 0
	first=${BA_ERR%%$'\n'*}
	by="^qemu-bridge-helper: access to bridge $br denied for $u by module (.*)$"
	nobody="^qemu-bridge-helper: access to bridge $br denied for $u: (.*)$"
	case $BA_RC in
	0 | 4) helper_said=granted ;;
	1) if [[ $first =~ $by ]] || [[ $first =~ $nobody ]]; then
		helper_said="refused ${BASH_REMATCH[1]}"
	else
		return 0
	fi ;;
	3) [[ $first == "qemu-bridge-helper: policy: "* ]] || return 0
		helper_said="refused policy" ;;
	*) return 0 ;; # usage, privileges, internal: no decision was made
	esac
	tool=$(cd "$BA_STAGE" && find . -path '*/bin/bridge-auth' -type f | head -1)
	tool=${tool#.}
	d=$("$tool" explain --user "$u" --bridge "$br" 2>&1 | grep '^decision: ')
	case $d in
	"decision: granted by module "*) explain_said=granted ;;
	"decision: denied by module "*) explain_said="refused ${d#decision: denied by module }" ;;
	"decision: denied: policy: "*) explain_said="refused policy" ;;
	"decision: denied: "*) explain_said="refused ${d#decision: denied: }" ;;
	*) explain_said="odd: $d" ;;
	esac
	is "$explain_said" "$helper_said" "crosscheck: explain --user $u --bridge $br agrees with the helper"
}
