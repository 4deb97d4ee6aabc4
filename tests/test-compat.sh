#!/bin/bash
# Compatibility with QEMU's own helper: the same bridge.conf scenarios run
# through upstream's qemu-bridge-helper (a setuid copy of Debian's) and
# through ours with the shipped default stack (one acl entry reading
# /etc/qemu/bridge.conf), as several users; both must reach the same
# decision (granted: exit 0 and one fd; refused: non-zero and no fd), and
# upstream's decision must be the one expected, so that a harness that made
# every request fail could not pass.
#
# Then the cases where upstream fails open and we refuse, with a file:line
# message: a syntax error inside an include, a nested include made
# unopenable by a lowered RLIMIT_NOFILE, a self-including file; and the
# documented differences (relative include paths, names too long).

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
ba_enter_ns "$@"
ba_need_ours
ba_upstream_helper

UP=$BA_UPSTREAM
OURS=$BA_HELPER
PREFIX='^qemu-bridge-helper: '
INC=/etc/qemu/inc # included files live here; removed between scenarios

for b in br0 br1 br2 brexactly15char; do
	ba_bridge "$b"
done

# ---------------------------------------------------------------- machinery

SCEN=
# scenario NAME: start a new scenario from an empty /etc/qemu.
scenario() {
	SCEN=$1
	rm -rf "$INC" && rm -f "$BA_BRIDGE_CONF" || ba_fatal "cannot reset /etc/qemu"
	mkdir -m 0755 "$INC" || ba_fatal "mkdir $INC"
	printf '# --- %s\n' "$SCEN"
}

# inc NAME OWNER:GROUP MODE TEXT: an included file, $INC/NAME.
inc() { ba_write_file "$INC/$1" "$2" "$3" "$4"; }

# decide HELPER USER BRIDGE: one request, optionally under the command prefix
# in the PRE array (e.g. prlimit); sets DEC (granted/refused/odd(...)) and ERR.
PRE=()
decide() {
	ba_run "$2" "${PRE[@]}" "$1" --use-vnet --fd=@FD@ --br="$3"
	DEC=$(ba_decision)
	ERR=$BA_ERR
}

# same USER BRIDGE EXPECTED: upstream decides EXPECTED, and ours the same.
same() {
	local u=$1 br=$2 exp=$3 up
	decide "$UP" "$u" "$br"
	up=$DEC
	decide "$OURS" "$u" "$br"
	printf '# [%s] %s on %s: upstream %s, ours %s\n' "$SCEN" "$u" "$br" "$up" "$DEC"
	is "$up" "$exp" "[$SCEN] $u on $br: upstream's helper: $exp" || diag "upstream said: $ERR"
	is "$DEC" "$up" "[$SCEN] $u on $br: ours decides as upstream ($up)" || diag "ours said: $ERR"
	if [ "$DEC" = refused ]; then
		like "$ERR" "$PREFIX" "[$SCEN] $u on $br: ours says why, prefixed"
	fi
	ba_no_taps "[$SCEN] $u on $br: no tap left behind"
}

# failopen USER BRIDGE REGEX: upstream grants, ours refuses with REGEX (file:line).
failopen() {
	local u=$1 br=$2 re=$3 up
	decide "$UP" "$u" "$br"
	up=$DEC
	decide "$OURS" "$u" "$br"
	printf '# [%s] %s on %s: upstream %s (fails open), ours %s: %s\n' "$SCEN" "$u" "$br" "$up" "$DEC" "$ERR"
	is "$up" granted "[$SCEN] $u on $br: upstream's helper grants (fails open)"
	is "$DEC" refused "[$SCEN] $u on $br: ours refuses"
	like "$ERR" "$re" "[$SCEN] $u on $br: ours names the place: /$re/"
	ba_no_taps "[$SCEN] $u on $br: no tap left behind"
}

# ---------------------------------------------------------------- same decisions

scenario "allow one bridge"
ba_bridge_conf 'allow br0'
same alice br0 granted
same alice br1 refused
same bob br0 granted

scenario "deny beats allow (allow first)"
ba_bridge_conf 'allow br0
deny br0'
same alice br0 refused

scenario "deny beats allow (deny first)"
ba_bridge_conf 'deny br0
allow br0'
same alice br0 refused
same alice br1 refused

scenario "allow all"
ba_bridge_conf 'allow all'
same alice br0 granted
same bob br2 granted
same carol brexactly15char granted

scenario "deny all"
ba_bridge_conf 'deny all'
same alice br0 refused

scenario "deny all beats allow br0"
ba_bridge_conf 'allow br0
deny all'
same alice br0 refused

scenario "allow all + deny br1"
ba_bridge_conf 'allow all
deny br1'
same alice br0 granted
same alice br1 refused
same bob br2 granted

scenario "comments, blank lines, odd whitespace"
ba_bridge_conf "# a comment

   # an indented comment
$(printf '\t\t')
$(printf '\tallow\tbr0')
allow     br1
  deny    br2   $(printf '\t')
allow br2"
same alice br0 granted
same alice br1 granted
same alice br2 refused

scenario "empty bridge.conf"
ba_bridge_conf ''
same alice br0 refused

scenario "include of a file"
inc one.conf root:root 0644 'allow br1'
ba_bridge_conf "include $INC/one.conf"
same alice br1 granted
same alice br0 refused

scenario "nested include"
inc a.conf root:root 0644 "allow br0
include $INC/b.conf"
inc b.conf root:root 0644 'deny br0
allow br2'
ba_bridge_conf "include $INC/a.conf"
same alice br0 refused
same alice br2 granted
same bob br1 refused

scenario "per-user include (root:alice 0640)"
inc alice.conf root:alice 0640 'allow br1'
ba_bridge_conf "allow br0
include $INC/alice.conf"
same alice br1 granted
same bob br1 refused
same bob br0 granted

scenario "per-group include (root:vmusers 0640)"
inc vm.conf root:vmusers 0640 'allow br2'
ba_bridge_conf "include $INC/vm.conf"
same alice br2 granted
same bob br2 granted
same carol br2 refused

scenario "unreadable include (root 0600) contributes nothing"
inc secret.conf root:root 0600 'deny br0
allow br1'
ba_bridge_conf "allow br0
include $INC/secret.conf"
same alice br0 granted
same alice br1 refused

scenario "include of a missing file contributes nothing"
ba_bridge_conf "allow br0
include $INC/nonexistent.conf"
same alice br0 granted

scenario "unreadable bridge.conf (root 0600)"
ba_write_file "$BA_BRIDGE_CONF" root:root 0600 'allow all'
same alice br0 refused

scenario "missing bridge.conf"
same alice br0 refused

scenario "syntax error in bridge.conf itself"
ba_bridge_conf 'allow br0
bogus br0'
same alice br0 refused

# Upstream's command ends at the line's first space (a tab ends it only on
# a line without any): "allow<TAB>br0<SPACE>" is the unknown command
# "allow<TAB>br0", and upstream rejects the whole file.
scenario "allow<TAB>br0<SPACE>: an unknown command to upstream"
ba_bridge_conf "allow br1
$(printf 'allow\tbr0 ')"
same alice br0 refused
same alice br1 refused
like "$ERR" "${PREFIX}.*/etc/qemu/bridge\\.conf:2: unknown command" \
	"[$SCEN] ours names the line: bridge.conf:2"

scenario "allow<TAB>br0 (no space on the line): a rule to upstream"
ba_bridge_conf "$(printf 'allow\tbr0\t')"
same alice br0 granted

scenario "several users and bridges"
inc vm.conf root:vmusers 0640 'allow br1'
inc carol.conf root:carol 0640 'allow br2
deny br0'
ba_bridge_conf "allow br0
include $INC/vm.conf
include $INC/carol.conf"
for u in alice bob carol; do
	for b in br0 br1 br2; do
		case $u:$b in
		alice:br2 | bob:br2 | carol:br0 | carol:br1) exp=refused ;;
		*) exp=granted ;;
		esac
		same "$u" "$b" "$exp"
	done
done

scenario "a name of exactly 15 characters"
ba_bridge_conf 'allow brexactly15char
allow br0'
same alice brexactly15char granted
same alice br1 refused
ba_bridge_conf 'allow all
deny brexactly15char'
same bob brexactly15char refused
same bob br0 granted

# ---------------------------------------------------------------- upstream fails open

# A syntax error in an include ends that file for upstream (the error is
# ignored), so a deny after it is skipped.
scenario "syntax error inside an include skips a later deny"
inc bad.conf root:root 0644 'allow br2
bogus line
deny br0'
ba_bridge_conf "allow br0
include $INC/bad.conf"
failopen alice br0 "$INC/bad\\.conf:2([^0-9]|$)"

scenario "a line without argument inside an include skips a later deny"
inc bad.conf root:root 0644 'allow
deny br0'
ba_bridge_conf "allow br0
include $INC/bad.conf"
failopen alice br0 "$INC/bad\\.conf:1([^0-9]|$)"

# A name of IFNAMSIZ or more characters is a parse error for both (QEMU
# since the CVE-2019-13164 fix); inside an include upstream ignores it, and
# with it the rest of the file.
scenario "a rule name of 16 characters in bridge.conf"
ba_bridge_conf 'allow br0
allow brexactly15charX'
same alice br0 refused
same alice brexactly15char refused

scenario "a rule name of 16 characters inside an include skips a later deny"
inc long.conf root:root 0644 'allow brexactly15charX
deny br0'
ba_bridge_conf "allow br0
include $INC/long.conf"
failopen alice br0 "$INC/long\\.conf:1([^0-9]|$)"

# RLIMIT_NOFILE, lowered by the caller and inherited across the setuid exec,
# makes upstream's fopen of a nested include fail (EMFILE), which it ignores.
# Upstream then still needs three descriptors for the tap (control socket,
# /dev/net/tun, the socket inside if_nametoindex), so the deny sits four
# includes deep, below the point where the network steps need descriptors:
# there is a window of limits where upstream skips the deny yet builds the tap.
scenario "RLIMIT_NOFILE lowered: a nested include holding a deny cannot be opened"
inc n1.conf root:root 0644 "include $INC/n2.conf"
inc n2.conf root:root 0644 "include $INC/n3.conf"
inc n3.conf root:root 0644 "include $INC/n4.conf"
inc n4.conf root:root 0644 'deny br0'
ba_bridge_conf "allow br0
include $INC/n1.conf"
PRE=()
same alice br0 refused
up_grants=
ours_located=
for n in 3 4 5 6 7 8 9 10 11 12 13 14 16 20 24 32 64; do
	PRE=(prlimit "--nofile=$n:$n")
	decide "$UP" alice br0
	up=$DEC
	up_err=$ERR
	decide "$OURS" alice br0
	printf '# [%s] nofile=%s: upstream %s, ours %s: %s\n' "$SCEN" "$n" "$up" "$DEC" "$ERR"
	[ "$up" = granted ] || diag "upstream: $up_err"
	[ "$up" = granted ] && up_grants="$up_grants $n"
	is "$DEC" refused "[$SCEN] nofile=$n: ours refuses"
	ba_no_taps "[$SCEN] nofile=$n: no tap left behind"
	if [[ $ERR =~ ($INC/n[1-3]\.conf:1|/etc/qemu/bridge\.conf:2)([^0-9]|$) ]]; then
		ours_located="$ours_located $n"
	fi
done
PRE=()
printf '# [%s] upstream grants with nofile in {%s }\n' "$SCEN" "$up_grants"
printf '# [%s] ours refuses naming the include (file:line) with nofile in {%s }\n' "$SCEN" "$ours_located"
isnt "$up_grants" "" "[$SCEN] upstream's helper grants for some RLIMIT_NOFILE (fails open)"
isnt "$ours_located" "" "[$SCEN] ours refuses with the include's file:line for some RLIMIT_NOFILE"

# A file that includes itself: upstream recurses, each level holding a FILE
# and a 4 KiB line buffer; the recursion stops at EMFILE (then every level
# goes on, ignoring the error) or overflows the stack, depending on the
# caller's RLIMIT_NOFILE and RLIMIT_STACK.  Ours refuses: include cycle.
scenario "a self-including bridge.conf"
ba_bridge_conf "allow br0
include $BA_BRIDGE_CONF"
for lim in "1024:8388608" "1024:1048576" "256:8388608"; do
	PRE=(prlimit "--nofile=${lim%%:*}:${lim%%:*}" "--stack=${lim#*:}:${lim#*:}")
	decide "$UP" alice br0
	printf '# [%s] upstream with nofile=%s stack=%s: %s (status %s): %s\n' "$SCEN" "${lim%%:*}" "${lim#*:}" \
		"$DEC" "$BA_RC" "$(printf '%s' "$ERR" | head -c 200)"
	ba_no_taps "[$SCEN] upstream, nofile=${lim%%:*} stack=${lim#*:}: no tap left behind"
	decide "$OURS" alice br0
	is "$DEC" refused "[$SCEN] nofile=${lim%%:*} stack=${lim#*:}: ours refuses"
	like "$ERR" 'include cycle' "[$SCEN] nofile=${lim%%:*} stack=${lim#*:}: ours reports an include cycle"
	like "$ERR" "/etc/qemu/bridge\\.conf:2([^0-9]|$)" "[$SCEN] nofile=${lim%%:*} stack=${lim#*:}: ours names bridge.conf:2"
	ba_no_taps "[$SCEN] ours, nofile=${lim%%:*} stack=${lim#*:}: no tap left behind"
done
PRE=()

scenario "a cycle through two files"
inc loop.conf root:root 0644 "include $BA_BRIDGE_CONF"
ba_bridge_conf "allow br0
include $INC/loop.conf"
decide "$OURS" alice br0
is "$DEC" refused "[$SCEN] ours refuses"
like "$ERR" 'include cycle' "[$SCEN] ours reports an include cycle"
ba_no_taps "[$SCEN] no tap left behind"

# ---------------------------------------------------------------- documented differences

# A relative include path is resolved by upstream against the caller's
# working directory: the caller picks the file.  Ours rejects the line.
scenario "relative include path (documented difference)"
mkdir -p "$BA_TMP/work/alice/etc/qemu" &&
	printf 'allow all\n' >"$BA_TMP/work/alice/etc/qemu/mine.conf" &&
	chown -R alice:alice "$BA_TMP/work/alice" || ba_fatal "alice's directory"
ba_bridge_conf "allow br0
include etc/qemu/mine.conf"
BA_AS_CWD=$BA_TMP/work/alice failopen alice br2 "/etc/qemu/bridge\\.conf:2([^0-9]|$)"


ba_done
