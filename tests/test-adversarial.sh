#!/bin/bash
# The adversarial suite (SECURITY.md): a local user who controls argv, the
# environment, descriptors, rlimits, umask, cwd and signals, and everything the
# peers' CVEs used (QEMU's helper CVE-2019-13164 and its include handling,
# lxc-user-nic CVE-2017-5985, CVE-2018-6556, CVE-2022-47952, pkexec
# CVE-2021-4034), run as alice through the real setuid path.
#
# Every case asserts: the refusal (no fd reached the caller), the exit
# status, the message class, and that no tap exists afterwards.  The outer
# part of this script (outside the namespaces) snapshots the host before and
# after and asserts that nothing there changed.
#
# Message classes (the stable part of each message, all prefixed
# "qemu-bridge-helper: "): usage errors name the option and end with the
# usage text; policy errors start "policy: " and name the file or module;
# refusals say "access to bridge B denied"; the timeout says "took too long".

. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

# ---------------------------------------------------------------- outer part
# Snapshot the host, run the whole test in its namespaces (ba_enter_ns), then
# compare; the last test point and the plan are ours.
_adv_host_state() {
	# The host network namespace: its tun/tap devices and bridges.
	ip -o link show type tun 2>&1 | awk -F': ' '{ print "tun " $2 }'
	ip -o link show type bridge 2>&1 | awk -F': ' '{ print "bridge " $2 }'
	# The files a test could leak into: users, policy, the helper's prefix.
	stat -c '%n %a %u:%g %s %Y' /etc/passwd /etc/group /etc/shadow /etc/gshadow /dev/net/tun \
		/etc/qemu /etc/qemu/* "${BA_HELPER:-/nonexistent}" "${BA_POLICYDIR:-/nonexistent}" \
		"${BA_POLICYDIR:-/nonexistent}"/* "${BA_MODULEDIR:-/nonexistent}" \
		"${BA_MODULEDIR:-/nonexistent}"/* 2>&1
	# Anything under /etc modified since the test started.
	[ -n "${_adv_stamp:-}" ] && find /etc -xdev -newer "$_adv_stamp" 2>/dev/null | sed 's/^/newer /'
	return 0
}
if ! ba_in_ns && [ -z "${BA_ADV_INNER:-}" ]; then
	[ "$(id -u)" = 0 ] || ba_skip_all "integration tests need root (they create namespaces, bridges and a setuid copy)"
	_adv_stamp=$(mktemp "${TMPDIR:-/tmp}/bridge-auth-adv-stamp.XXXXXX") || ba_fatal "mktemp"
	trap 'rm -f -- "$_adv_stamp"' EXIT
	before=$(_adv_host_state)
	plan='' rc=''
	# The inner run prints its plan last: hold it back, add our point, then plan.
	while IFS= read -r line; do
		case $line in
		__adv_rc=*)
			rc=${line#__adv_rc=}
			continue
			;;
		esac
		if [[ $line =~ ^1\.\.([0-9]+)$ ]]; then
			plan=${BASH_REMATCH[1]}
			continue
		fi
		printf '%s\n' "$line"
	done < <(BA_ADV_INNER=1 bash "$0" "$@"; echo "__adv_rc=$?")
	# Skipped ("1..0 # SKIP" went through) or bailed out: nothing to add.
	[ -n "$plan" ] || exit "${rc:-99}"
	after=$(_adv_host_state)
	plan=$((plan + 1))
	if [ "$before" = "$after" ]; then
		printf 'ok %d - nothing outside the test'"'"'s namespaces changed (host links, /etc, the install paths)\n' "$plan"
	else
		printf 'not ok %d - nothing outside the test'"'"'s namespaces changed\n' "$plan"
		diff <(printf '%s\n' "$before") <(printf '%s\n' "$after") | sed 's/^/#   /'
		rc=1
	fi
	printf '1..%d\n' "$plan"
	exit "${rc:-99}"
fi

ba_enter_ns "$@"
ba_need_ours

# ---------------------------------------------------------------- setup
EXIT_DENIED=1 EXIT_USAGE=2 EXIT_CONFIG=3 EXIT_NETWORK=4 EXIT_PRIVILEGE=5 EXIT_INTERNAL=6
H=$BA_HELPER
STACK=$BA_POLICYDIR/bridge-auth.conf
CONF=$BA_BRIDGE_CONF
INC=/etc/qemu/inc
ALICE=$BA_TMP/work/alice # alice's own directory: everything she could offer
ADV=${top_builddir:-.}/tests/adversarial
ADV_LIBS=$ADV/.libs
MARK=$BA_TMP/work/evil-mark # written by evil.so's constructor if it ever runs
HANG_PID=$BA_TMP/hang.pid   # written by the crash/hang modules when check() starts

install -m 0755 -o root -g root "$ADV/ba-exec" "$BA_TMP/bin/ba-exec" || ba_fatal "cannot copy ba-exec"
EXEC=$BA_TMP/bin/ba-exec
for m in crash hang evil; do
	[ -f "$ADV_LIBS/$m.so" ] || ba_fatal "$ADV_LIBS/$m.so is missing (make check builds it)"
done
for m in abi2 nosym; do
	[ -f "$BA_BUILT_MODULES/$m.so" ] || ba_fatal "$BA_BUILT_MODULES/$m.so is missing (make check builds it)"
done

# A sanitized build (--enable-sanitizers, for testing only): its runtime
# reads *SAN_OPTIONS before main and LeakSanitizer needs a thread and ptrace
# at exit; the few cases that differ say so.
SANITIZED=0
grep -qa __asan_init "$H" && SANITIZED=1

ba_bridge br0
ba_bridge br1
ba_bridge brexactly15char
mkdir -p "$ALICE" "$INC" && chmod 0755 "$INC" || ba_fatal "mkdir"

# alice: br0 and brexactly15char yes, br1 no (line 2).
CONF_TEXT="allow br0
deny br1
allow brexactly15char"
ba_bridge_conf "$CONF_TEXT"
PREFIX='^qemu-bridge-helper: '
M_DENIED_BR1='^qemu-bridge-helper: access to bridge br1 denied for alice by module acl: denied by /etc/qemu/bridge\.conf:2 \(deny br1\)'
M_USAGE='Usage: qemu-bridge-helper'
M_FDNUM="^qemu-bridge-helper: --fd: '.*' is not a file descriptor number"
M_FDOPEN='^qemu-bridge-helper: --fd=[0-9]+: not an open file descriptor'
M_FDSOCK='^qemu-bridge-helper: --fd=[0-9]+: not a connected unix stream socket'
M_FDSTD='^qemu-bridge-helper: --fd=[0-2]: standard streams cannot carry the tap'
M_NAME="^qemu-bridge-helper: ('.*' is not a valid bridge name|bridge name '.*' is too long)"
M_POLICY="^qemu-bridge-helper: policy: ${STACK//./\\.}"
M_POLICYDIR="^qemu-bridge-helper: policy: ${BA_POLICYDIR//./\\.}: directory"
# The same refusal, after whatever the dynamic loader said about the environment.
M_DENIED_BR1_ANY=${M_DENIED_BR1#^}

# alice's bait: a permissive policy of her own, a module directory, a library.
mkdir -p "$ALICE/etc/qemu" "$ALICE/modules" "$ALICE/lib" "$ALICE/bin" || ba_fatal "mkdir $ALICE"
printf 'allow all\n' >"$ALICE/bridge.conf"
cp "$ALICE/bridge.conf" "$ALICE/etc/qemu/bridge.conf"
printf 'stack = ( { module = "acl"; control = "sufficient"; args = [ "file=%s" ]; } );\n' \
	"$ALICE/bridge.conf" >"$ALICE/bridge-auth.conf"
cp "$ALICE/bridge-auth.conf" "$ALICE/etc/qemu/bridge-auth.conf"
cp "$BA_MODULEDIR/acl.so" "$ALICE/modules/acl.so"
for lib in evil.so libconfig.so.9 libcap-ng.so.0 libc.so.6 libpam.so.0 libdl.so.2; do
	cp "$ADV_LIBS/evil.so" "$ALICE/lib/$lib"
done
printf 'module EVIL// EVIL// evil 1\nmodule INTERNAL EVIL// evil 1\n' >"$ALICE/lib/gconv-modules"
for t in ip modprobe sh bash brctl unix_chkpwd logger; do
	printf '#!/bin/sh\necho ran >>%s\n' "$MARK" >"$ALICE/bin/$t"
	chmod 0755 "$ALICE/bin/$t"
done
chown -R alice:alice "$ALICE" && chmod 0755 "$ALICE" || ba_fatal "chown $ALICE"

sum_policy() { cat "$STACK" "$CONF" 2>/dev/null | md5sum; }
POLICY_SUM=$(sum_policy)

# refused NAME STATUS REGEX...: tests/lib.sh's ba_refused.
refused() { ba_refused "$@"; }

# clean_text NAME: the message holds no control byte but its newlines.
clean_text() {
	unlike "$(printf '%s' "$BA_ERR" | tr '\n' ' ')" '[[:cntrl:]]' "$1: no control byte in the message"
}

# Runs in the background: bg_run NAME USER ARG... and bg_wait NAME (sets BA_*).
bg_run() {
	local name=$1 u=$2
	shift 2
	date +%s >"$BA_TMP/$name.start"
	(
		ba_as "$u" timeout -k 5 60 "$BA_CLIENT_BIN" "$@" >"$BA_TMP/$name.out" 2>"$BA_TMP/$name.err"
		echo $? >"$BA_TMP/$name.rc.tmp"
		date +%s >"$BA_TMP/$name.end"
		mv "$BA_TMP/$name.rc.tmp" "$BA_TMP/$name.rc"
	) &
	ba_bg $!
}
bg_wait() {
	local i
	for ((i = 0; i < 700; i++)); do
		[ -f "$BA_TMP/$1.rc" ] && break
		sleep 0.1
	done
	BA_RC=$(cat "$BA_TMP/$1.rc" 2>/dev/null || echo none)
	BA_OUT=$(cat "$BA_TMP/$1.out" 2>/dev/null)
	BA_ERR=$(cat "$BA_TMP/$1.err" 2>/dev/null)
	_ba_parse_line
}
# wait_module: the pid of the helper that has just entered the crash/hang module.
wait_module() {
	local i pid=
	for ((i = 0; i < 100; i++)); do
		pid=$(cat "$HANG_PID" 2>/dev/null)
		[ -n "$pid" ] && break
		sleep 0.1
	done
	rm -f "$HANG_PID"
	[ -n "$pid" ] || ba_fatal "no helper reached the misbehaving module"
	printf '%s\n' "$pid"
}
stack_with() { # stack_with MODULE: that module, required, with the marker
	ba_policy_stack "stack = ( { module = \"$1\"; control = \"required\"; args = [ \"marker=$HANG_PID\" ]; } );"
}

# ---------------------------------------------------------------- hangs: bounded (in the background)
# Three requests stuck in a module's check(): plain; with SIGALRM ignored and
# blocked by the caller; with the caller's own alarm(1) pending and every
# catchable signal blocked.  Each must end after REQUEST_TIMEOUT (30 s), not
# before and not never, with status 6 and "took too long".
install -m 0644 -o root -g root "$ADV_LIBS/hang.so" "$BA_MODULEDIR/hang.so" || ba_fatal "install hang.so"
install -m 0644 -o root -g root "$ADV_LIBS/crash.so" "$BA_MODULEDIR/crash.so" || ba_fatal "install crash.so"
stack_with hang
bg_run hang1 alice "$H" --use-vnet --fd=@FD@ --br=br0
HANG1=$(wait_module)
bg_run hang2 alice "$EXEC" -i 14 -b 14 -- "$H" --use-vnet --fd=@FD@ --br=br0
HANG2=$(wait_module)
bg_run hang3 alice "$EXEC" -a 1 -b 1 -b 2 -b 3 -b 10 -b 12 -b 13 -b 14 -b 15 -- "$H" --use-vnet --fd=@FD@ --br=br0
HANG3=$(wait_module)

# While they hang: what a debugger as alice can do to a helper in a module's
# check() (still root, not dumpable).
PROBE=$(ba_as alice "$EXEC" -P "$HANG1")
diag "probe of the helper in check(): $(echo $PROBE)"
is "$(echo $PROBE)" "attach EPERM seize EPERM mem EACCES environ EACCES fd EACCES vm_readv EPERM" \
	"ptrace: alice cannot attach, seize, read the memory, environment or fds of the helper"

# Signals alice sends while a request is in a module: it ends, refused, no tap.
for sig in TERM INT HUP USR1 PIPE KILL STOP-CONT-ALRM; do
	bg_run sig alice "$H" --use-vnet --fd=@FD@ --br=br0
	pid=$(wait_module)
	case $sig in
	STOP-CONT-ALRM)
		ba_as alice kill -STOP "$pid" && sleep 0.2 && ba_as alice kill -CONT "$pid" &&
			ba_as alice kill -ALRM "$pid"
		;;
	*) ba_as alice kill -"$sig" "$pid" ;;
	esac
	bg_wait sig
	rm -f "$BA_TMP/sig.rc"
	case $sig in
	STOP-CONT-ALRM) refused "SIGSTOP, SIGCONT, SIGALRM during the request" $EXIT_INTERNAL 'took too long' ;;
	*)
		num=$(kill -l "$sig")
		refused "SIG$sig during the request" $((128 + num)) "helper killed by signal $num"
		;;
	esac
done
ba_policy_default

# ---------------------------------------------------------------- argc == 0 (CVE-2021-4034)
# Linux >= 5.18 turns an empty argv into { "" }: the helper then sees argc 1
# and finds no option.  Older kernels pass argc == 0: the helper exits 2
# without a word.  Either way: refused, status 2, and nothing read from envp
# as if it were argv (pkexec's bug), though envp holds helper options here.
ba_run alice /usr/bin/env -- --fd=4 --br=br0 "$EXEC" -0 -- "$H"
refused "argc == 0 (envp holds --fd=4 --br=br0)" $EXIT_USAGE
# Which of the two happens is the running kernel's: expected from its version.
IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
if [ "$kmaj" -gt 5 ] || { [ "$kmaj" = 5 ] && [ "${kmin%%[!0-9]*}" -ge 18 ]; }; then
	like "${BA_ERR%%$'\n'*}" '^qemu-bridge-helper: missing --br=BRIDGE$' \
		"argc == 0 on Linux $kmaj.$kmin (>= 5.18: argv is { \"\" }): 'missing --br', the environment was not read as options"
else
	is "$BA_ERR" "" "argc == 0 on Linux $kmaj.$kmin (< 5.18): the helper exits 2 without a word"
fi

# ---------------------------------------------------------------- --fd
REG=$BA_TMP/work/regular-file
echo data >"$REG" && chmod 0644 "$REG" || ba_fatal "cannot create $REG"
for bad in abc '' -1 +4 ' 4' 0x4 4x 04a 2147483648 99999999999999999999 $'4\n'; do
	ba_run alice "$H" --use-vnet "--fd=$bad" --br=br0
	refused "--fd='$(printf '%q' "$bad")'" $EXIT_USAGE "$M_FDNUM" "$M_USAGE"
done
ba_run alice "$H" --use-vnet --fd=2147483647 --br=br0
refused "--fd=INT_MAX (closed)" $EXIT_USAGE "$M_FDOPEN"
ba_run alice "$H" --use-vnet --fd=77 --br=br0
refused "--fd=77 (closed)" $EXIT_USAGE "$M_FDOPEN"
for std in 0 1 2; do
	ba_run alice "$H" --use-vnet --fd=$std --br=br0
	refused "--fd=$std (a standard stream)" $EXIT_USAGE "$M_FDSTD"
done
ba_run alice "$H" --use-vnet --fd=5 --br=br0 5<"$REG"
refused "--fd=5 is a regular file" $EXIT_USAGE "$M_FDSOCK"
ba_run alice "$H" --use-vnet --fd=5 --br=br0 5</dev/null
refused "--fd=5 is a character device" $EXIT_USAGE "$M_FDSOCK"
ba_run alice "$H" --use-vnet --fd=5 --br=br0 5<"$BA_TMP/work"
refused "--fd=5 is a directory" $EXIT_USAGE "$M_FDSOCK"
for kind in pipe dgram seqpacket listen unbound inet udp tun; do
	ba_run alice "$EXEC" -s "$kind:9" -- "$H" --use-vnet --fd=9 --br=br0
	refused "--fd=9 is a $kind descriptor" $EXIT_USAGE "$M_FDSOCK"
done
# The last --fd wins: a good one followed by a bad one is bad.
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0 --fd=77
refused "--fd repeated, the last one closed" $EXIT_USAGE "$M_FDOPEN"
# A connected socket whose reader is gone: the tap is made, cannot be sent,
# and goes with the helper.
ba_run alice "$EXEC" -s orphan:9 -- "$H" --use-vnet --fd=9 --br=br0
refused "--fd=9 whose peer has closed" $EXIT_NETWORK '^qemu-bridge-helper: cannot pass the tap to the caller on --fd=9'

# ---------------------------------------------------------------- bridge names (never truncated)
# brexactly15charX: its first 15 bytes name a bridge alice may use (CVE-2019-13164).
long4k=$(printf 'b%.0s' $(seq 1 4096))
for bad in '' . .. br/0 ../br0 /br0 br:0 'br 0' ' br0' 'br0 ' "$(printf 'br\t0')" "$(printf 'br\n0')" \
	"$(printf 'br\r0')" "$(printf 'br\0010')" "$(printf 'br\1770')" "$(printf '\033[31mbr0')" \
	"$(printf 'br\303\2740')" brexactly15charX brexactly15charXY "$long4k"; do
	ba_run alice "$H" --use-vnet --fd=@FD@ "--br=$bad"
	shown=$(printf '%q' "$bad" | head -c 40)
	refused "bridge name $shown" $EXIT_USAGE "$M_NAME"
	clean_text "bridge name $shown"
done
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0 --br=br1
refused "--br repeated: the last (denied) one counts" $EXIT_DENIED "$M_DENIED_BR1"
# A name the kernel would take as a template: allowed by nobody, made by nobody.
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br%d
refused "bridge name br%d (a tap template)" $EXIT_DENIED '^qemu-bridge-helper: access to bridge br%d denied'

# ---------------------------------------------------------------- hostile environment
# Nothing of the caller's environment reaches the decision: each variable
# below, set by alice for a request on br1 (denied), changes nothing; none of
# alice's code runs in the helper (evil.so would leave $MARK).
rm -f "$MARK"
ENVS=(
	"LD_PRELOAD=$ALICE/lib/evil.so"
	"LD_PRELOAD=evil.so"
	"LD_LIBRARY_PATH=$ALICE/lib"
	"LD_AUDIT=$ALICE/lib/evil.so"
	"LD_DEBUG=all LD_DEBUG_OUTPUT=$ALICE/ld-debug"
	"LD_PROFILE=libc.so.6 LD_PROFILE_OUTPUT=$ALICE"
	"GCONV_PATH=$ALICE/lib CHARSET=EVIL LC_ALL=C.UTF-8"
	"LOCPATH=$ALICE/lib LANG=xx_XX.UTF-8 LC_ALL=xx_XX.UTF-8 LANGUAGE=xx"
	"NLSPATH=$ALICE/lib/%N"
	"MALLOC_CHECK_=3 MALLOC_PERTURB_=165 MALLOC_TRACE=$ALICE/mtrace MALLOC_ARENA_MAX=1"
	"GLIBC_TUNABLES=glibc.malloc.check=3:glibc.malloc.tcache_count=0"
	"PATH=$ALICE/bin:/usr/bin:/bin"
	"IFS=/ ENV=$ALICE/rc BASH_ENV=$ALICE/rc SHELLOPTS=xtrace"
	"TMPDIR=$ALICE TZ=$ALICE/tz TZDIR=$ALICE HOSTALIASES=$ALICE/hosts RES_OPTIONS=debug LOCALDOMAIN=evil"
	"BRIDGE_AUTH_CONF=$ALICE/bridge-auth.conf BRIDGE_AUTH_POLICY=$ALICE/bridge-auth.conf BRIDGE_AUTH_MODULEDIR=$ALICE/modules"
	"QEMU_BRIDGE_CONF=$ALICE/bridge.conf QEMU_BRIDGE_HELPER_CONF=$ALICE/bridge.conf BRIDGE_CONF=$ALICE/bridge.conf"
	"SYSCONFDIR=$ALICE/etc POLICYDIR=$ALICE/etc/qemu MODULEDIR=$ALICE/modules BA_POLICYDIR=$ALICE/etc/qemu BA_MODULEDIR=$ALICE/modules"
	"PAM_CONFDIR=$ALICE XDG_CONFIG_HOME=$ALICE HOME=$ALICE"
)
# A sanitizer runtime obeys these before main: a sanitized helper installed
# setuid would write its reports where the caller says (SECURITY.md).
SAN_ENV="ASAN_OPTIONS=log_path=$ALICE/asan:verbosity=1 UBSAN_OPTIONS=log_path=$ALICE/ubsan LSAN_OPTIONS=log_path=$ALICE/lsan"
if [ "$SANITIZED" = 0 ]; then
	ENVS+=("$SAN_ENV")
else
	skip "environment ASAN_OPTIONS...: a sanitized build obeys it (test builds only; never install one setuid)"
fi
for e in "${ENVS[@]}"; do
	# shellcheck disable=SC2086 # one string, several VAR=VALUE words
	ba_run alice /usr/bin/env BA_EVIL_MARK="$MARK" $e "$H" --use-vnet --fd=@FD@ --br=br1
	refused "environment ${e%%=*}..." $EXIT_DENIED "$M_DENIED_BR1_ANY"
done
# shellcheck disable=SC2086,SC2068
ba_run alice /usr/bin/env BA_EVIL_MARK="$MARK" ${ENVS[@]} "$H" --use-vnet --fd=@FD@ --br=br1
refused "all of that environment at once" $EXIT_DENIED "$M_DENIED_BR1_ANY"
[ ! -e /var/profile ]
ok $? "LD_PROFILE: ld.so wrote no profile as root (/var/profile does not exist)"
[ ! -e "$MARK" ]
ok $? "none of alice's libraries or programs ran in the helper"
left=$(find "$ALICE" -newer "$REG" ! -type d 2>/dev/null | grep -v -e '/bridge\.conf$' -e '/bridge-auth\.conf$' -e '\.so' -e '/bin/' -e 'gconv-modules')
is "$left" "" "no file appeared in alice's directory (debug, profile, trace, sanitizer logs)"
ba_run alice /usr/bin/env -i "$H" --use-vnet --fd=@FD@ --br=br1
refused "an empty environment" $EXIT_DENIED "$M_DENIED_BR1"
# An environment as large as exec allows.
big=$(head -c 100000 /dev/zero | tr '\0' x)
ba_run alice /usr/bin/env "A=$big" "B=$big" "C=$big" "D=$big" "E=$big" "$H" --use-vnet --fd=@FD@ --br=br1
refused "a 500 kB environment" $EXIT_DENIED "$M_DENIED_BR1"

# ---------------------------------------------------------------- rlimits
# RLIMIT_NOFILE: a nested deny must never vanish, whatever the limit (the
# upstream trick).  br0 is allowed at the top, denied two includes down.
ba_write_file "$INC/a.conf" root:root 0644 "include $INC/b.conf"
ba_write_file "$INC/b.conf" root:root 0644 "deny br0"
ba_bridge_conf "allow br0
include $INC/a.conf"
for n in 0 1 2 3 4 5 6 7 8 9 10 12 16 32; do
	ba_run alice prlimit --nofile=$n:$n "$H" --use-vnet --fd=@FD@ --br=br0
	# Which step runs out of descriptors depends on the limit: the dynamic
	# loader (127), the system log's socket (6: no request unlogged), the
	# policy (3), or acl's include, which it refuses (1).
	case $BA_RC in
	127) refused "RLIMIT_NOFILE=$n, nested deny" 127 'error while loading shared libraries' ;;
	6) refused "RLIMIT_NOFILE=$n, nested deny" $EXIT_INTERNAL '^qemu-bridge-helper: cannot write to the system log \(/dev/log: Too many open files\)' ;;
	3) refused "RLIMIT_NOFILE=$n, nested deny" $EXIT_CONFIG "^qemu-bridge-helper: policy: .*Too many open files" ;;
	*) refused "RLIMIT_NOFILE=$n, nested deny" $EXIT_DENIED '^qemu-bridge-helper: access to bridge br0 denied for alice by module acl: (denied by /etc/qemu/inc/b\.conf:1|.*Too many open files)' ;;
	esac
done
ba_bridge_conf "$CONF_TEXT"
rm -f "$INC"/*.conf
# RLIMIT_AS and RLIMIT_STACK: the helper cannot be made to decide wrongly for
# lack of memory: br1 stays refused at every limit.
# (ASan reserves terabytes of shadow memory at start: under any RLIMIT_AS a
# sanitized helper aborts before main, which proves nothing; not run there.)
[ "$SANITIZED" = 1 ] && skip "RLIMIT_AS: a sanitized helper cannot start under any address-space limit"
for as in $([ "$SANITIZED" = 0 ] && echo 4 8 16 32 64 128 256); do
	ba_run alice prlimit --as=$((as << 20)) "$H" --use-vnet --fd=@FD@ --br=br1
	diag "RLIMIT_AS=${as}M: status $BA_RC: $BA_ERR"
	is "$(ba_decision)" refused "RLIMIT_AS=${as} MiB: refused"
	like "$BA_RC" '^(1|6|127|13[0-9])$' "RLIMIT_AS=${as} MiB: denied, out of memory, or not started"
	like "$BA_ERR" "($M_DENIED_BR1|out of memory|Cannot allocate memory|error while loading|killed by signal)" \
		"RLIMIT_AS=${as} MiB: the message says which"
	ba_no_taps "RLIMIT_AS=${as} MiB: no tap"
done
ba_run alice prlimit --stack=16384 "$H" --use-vnet --fd=@FD@ --br=br1
is "$(ba_decision)" refused "RLIMIT_STACK=16 kB: refused"
ba_no_taps "RLIMIT_STACK=16 kB: no tap"
# RLIMIT_FSIZE=0 with stderr on a regular file: the refusal cannot be written
# (SIGXFSZ kills the helper) but it is still a refusal.
ba_run alice prlimit --fsize=0 "$H" --use-vnet --fd=@FD@ --br=br1
refused "RLIMIT_FSIZE=0, stderr a file" $((128 + $(kill -l XFSZ))) 'killed by signal'
ba_run alice prlimit --nproc=0 "$H" --use-vnet --fd=@FD@ --br=br1
refused "RLIMIT_NPROC=0" $EXIT_DENIED "$M_DENIED_BR1"
ba_run alice prlimit --nproc=0 "$H" --use-vnet --fd=@FD@ --br=br0
if [ "$SANITIZED" = 0 ]; then
	is "$(ba_decision)" granted "RLIMIT_NPROC=0: the drop to alice still works (br0 granted)"
else
	is "$BA_FD" yes "RLIMIT_NPROC=0: the drop to alice still works (br0 sent; LeakSanitizer then fails to start its thread)"
fi
ba_no_taps "RLIMIT_NPROC=0: the tap is gone with the client"
ba_run alice prlimit --cpu=1 --core=unlimited "$H" --use-vnet --fd=@FD@ --br=br1
refused "RLIMIT_CPU=1, RLIMIT_CORE unlimited" $EXIT_DENIED "$M_DENIED_BR1"

# ---------------------------------------------------------------- standard streams, cwd, umask, signal state
ba_run alice "$EXEC" -c 0 -c 1 -c 2 -- "$H" --use-vnet --fd=@FD@ --br=br1
refused "stdin, stdout, stderr closed" $EXIT_DENIED
is "$BA_ERR" "" "closed stderr: the message went nowhere"
ba_run alice "$EXEC" -c 2 -- "$H" --use-vnet --fd=@FD@ --br=br/1
refused "stderr closed, a usage error to report" $EXIT_USAGE
is "$(sum_policy)" "$POLICY_SUM" "closed stderr: no message was written into a policy file"
ba_run alice "$EXEC" -c 0 -c 1 -c 2 -- "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" granted "stdin, stdout, stderr closed: br0 still granted (0-2 reopened on /dev/null)"
ba_no_taps "stdin, stdout, stderr closed: the tap is gone with the client"

BA_AS_CWD=$ALICE ba_run alice "$H" --use-vnet --fd=@FD@ --br=br1
refused "cwd in alice's directory with etc/qemu/bridge-auth.conf" $EXIT_DENIED "$M_DENIED_BR1"
mkdir -m 0777 "$BA_TMP/work/gone" && chown alice "$BA_TMP/work/gone" || ba_fatal mkdir
BA_AS_CWD=$BA_TMP/work/gone ba_run alice /bin/sh -c 'rmdir "$PWD" && exec "$@"' sh "$H" --use-vnet --fd=@FD@ --br=br1
refused "cwd deleted" $EXIT_DENIED "$M_DENIED_BR1"
mkdir -m 0700 "$ALICE/locked" && chown alice "$ALICE/locked" || ba_fatal mkdir
BA_AS_CWD=$ALICE/locked ba_run alice /bin/sh -c 'chmod 0 . && exec "$@"' sh "$H" --use-vnet --fd=@FD@ --br=br1
refused "cwd unreadable" $EXIT_DENIED "$M_DENIED_BR1"
for m in 000 777; do
	ba_run alice /bin/sh -c "umask $m && exec \"\$@\"" sh "$H" --use-vnet --fd=@FD@ --br=br1
	refused "umask $m" $EXIT_DENIED "$M_DENIED_BR1"
done
# Signals ignored and blocked, a pending alarm: the helper resets them all.
ba_run alice "$EXEC" -i 1 -i 2 -i 13 -i 14 -i 15 -b 14 -b 15 -a 1 -- "$H" --use-vnet --fd=@FD@ --br=br1
refused "signals ignored and blocked, an alarm pending" $EXIT_DENIED "$M_DENIED_BR1"
# Traced from the start: the kernel runs the setuid helper without privilege.
ba_run alice "$EXEC" -T -- "$H" --use-vnet --fd=@FD@ --br=br0
# (sanitized: LeakSanitizer cannot ptrace a traced process at exit: the
# sanitizers' own status 86, src/san-defaults.c)
refused "ptrace: traced by alice from exec on" $([ "$SANITIZED" = 0 ] && echo $EXIT_PRIVILEGE || echo 86) \
	'^qemu-bridge-helper: not running with root privileges'

# ---------------------------------------------------------------- bridge-auth.conf trust
ba_policy_default
pol_case() { # pol_case NAME REGEX: a request on br0 fails on the policy; then restore
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
	refused "bridge-auth.conf $1" $EXIT_CONFIG "$M_POLICY" "$2"
	rm -rf "$STACK" && ba_policy_default
}
chmod 0666 "$STACK" && pol_case "world-writable" 'writable by group or others'
chmod 0664 "$STACK" && pol_case "group-writable" 'writable by group or others'
chown alice "$STACK" && pol_case "owned by alice" 'owned by uid 4001'
chown root:alice "$STACK" && chmod 0664 "$STACK" && pol_case "group alice, group-writable" 'writable by group or others'
cp "$STACK" "$BA_TMP/good.conf" && chmod 0644 "$BA_TMP/good.conf" && rm "$STACK" && ln -s "$BA_TMP/good.conf" "$STACK" &&
	pol_case "a symlink to a good file" 'symbolic link'
rm -f "$STACK" && ln -s "$ALICE/bridge-auth.conf" "$STACK" && pol_case "a symlink to alice's file" 'symbolic link'
rm -f "$STACK" && mkfifo -m 0644 "$STACK" && pol_case "a FIFO" 'not a regular file'
rm -f "$STACK" && mkdir -m 0755 "$STACK" && pol_case "a directory" 'not a regular file'
{ head -c $((2 << 20)) /dev/zero | tr '\0' '#'; } >"$STACK" && pol_case "of 2 MiB" 'too large'
head -c 8192 /bin/true >"$STACK" && pol_case "binary" '(NUL byte|:[0-9]+: )'
printf 'stack = ( { module = "acl"; control = "required"; args = [ "file=%s" ]; } );\n\0allow all\n' "$CONF" >"$STACK" &&
	pol_case "with a NUL byte" 'NUL byte'
printf '@include "/etc/shadow"\n' >"$STACK" && pol_case "with @include /etc/shadow" '@include is not allowed'
printf '  @include "%s"\n' "$ALICE/bridge-auth.conf" >"$STACK" && pol_case "with an indented @include of alice's file" '@include is not allowed'
{ printf 'stack = '; head -c 300000 /dev/zero | tr '\0' '('; } >"$STACK" && pol_case "nested 300000 lists deep" ':[0-9]+: '
{
	printf 'stack = ( '
	for i in $(seq 1 65); do printf '{ module = "acl"; control = "optional"; },\n'; done
	printf '{ module = "acl"; control = "optional"; } );\n'
} >"$STACK" && pol_case "with 66 entries" 'more than 64'
printf 'stack = ( { module = "../../..%s/modules/acl"; control = "sufficient"; } );\n' "$ALICE" >"$STACK" &&
	pol_case "naming a module by path" 'is not a module name'
dir_case() { # dir_case NAME REGEX: the policy directory is refused
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
	refused "bridge-auth.conf $1" $EXIT_CONFIG "$M_POLICYDIR" "$2"
}
# Readable by root only: an error may name the file (its path is compiled
# in, public) but must not quote it; the system log has the details.
printf 'stack = ( { module = "acl"; control = "required"; } );\nldap_password_hunter2 = 1;\n' >"$STACK" &&
	chmod 0600 "$STACK" || ba_fatal "writing $STACK"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
refused "bridge-auth.conf readable by root only, with a bad setting" $EXIT_CONFIG "$M_POLICY" 'cannot be used \(the system log says why\)'
unlike "$BA_ERR" hunter2 "bridge-auth.conf readable by root only: the message quotes none of it"
printf 'stack = ( { module = "acl"; control = "required"; args = [ "secret_hunter3" ]; } );\n' >"$STACK" &&
	chmod 0600 "$STACK" || ba_fatal "writing $STACK"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
refused "bridge-auth.conf readable by root only, a module refusing its arguments" $EXIT_DENIED 'a module could not start \(the system log says why\)'
unlike "$BA_ERR" hunter3 "bridge-auth.conf readable by root only: module arguments are not quoted"
chmod 0644 "$STACK" || ba_fatal "chmod $STACK"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
refused "bridge-auth.conf readable by all, a module refusing its arguments" $EXIT_DENIED 'cannot start: unknown argument "secret_hunter3"'
rm -f "$STACK" && ba_policy_default
chmod 0775 "$BA_POLICYDIR" && dir_case "in a group-writable directory" 'directory is writable by group or others'
chmod 0755 "$BA_POLICYDIR"
chown alice "$BA_POLICYDIR" && dir_case "in a directory owned by alice" 'directory is owned by uid 4001'
chown root "$BA_POLICYDIR"
mv "$BA_POLICYDIR" "$BA_POLICYDIR.real" && ln -s "$ALICE/etc/qemu" "$BA_POLICYDIR" &&
	dir_case "in a directory that is a symlink to alice's" 'directory is owned by uid 4001'
rm -f "$BA_POLICYDIR" && mv "$BA_POLICYDIR.real" "$BA_POLICYDIR" || ba_fatal "restoring $BA_POLICYDIR"
is "$(stat -c %a:%u "$BA_POLICYDIR")" 755:0 "the policy directory is restored"
rm -f "$BA_TMP/good.conf"

# ---------------------------------------------------------------- modules
mod_case() { # mod_case NAME REGEX: a request on br0 fails on loading the stack's module
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
	refused "module $1" $EXIT_CONFIG "$M_POLICY:[0-9]+: module " "$2"
	ba_policy_default
}
ACL=$BA_MODULEDIR/acl.so
cp -a "$ACL" "$BA_TMP/acl.so.good" || ba_fatal "saving acl.so"
restore_acl() { rm -f "$ACL" && cp -a "$BA_TMP/acl.so.good" "$ACL" && chown root:root "$ACL" && chmod 0644 "$ACL"; }
ba_policy_stack 'stack = ( { module = "nosuch"; control = "sufficient"; } );' && mod_case "missing" 'nosuch\.so: No such file'
chown alice "$ACL" && mod_case "acl.so owned by alice" 'owned by uid 4001'
restore_acl
chmod 0666 "$ACL" && mod_case "acl.so world-writable" 'writable by group or others'
restore_acl
chmod 0664 "$ACL" && mod_case "acl.so group-writable" 'writable by group or others'
restore_acl
rm -f "$ACL" && ln -s "$ALICE/modules/acl.so" "$ACL" && mod_case "acl.so a symlink to alice's copy" 'symbolic link'
restore_acl
rm -f "$ACL" && mkfifo -m 0644 "$ACL" && mod_case "acl.so a FIFO" 'not a regular file'
restore_acl
chmod 0775 "$BA_MODULEDIR" && mod_case "directory group-writable" 'directory is writable by group or others'
chmod 0755 "$BA_MODULEDIR"
printf 'not an ELF object\n' >"$BA_MODULEDIR/text.so" && chmod 0644 "$BA_MODULEDIR/text.so" &&
	ba_policy_stack 'stack = ( { module = "text"; control = "sufficient"; } );' && mod_case "not an ELF object" 'cannot load'
rm -f "$BA_MODULEDIR/text.so"
install -m 0644 "$BA_BUILT_MODULES/abi2.so" "$BA_MODULEDIR/abi2.so" &&
	ba_policy_stack 'stack = ( { module = "abi2"; control = "sufficient"; args = [ "allow" ]; } );' && mod_case "of ABI 2.0" 'built for ABI 2\.0'
install -m 0644 "$BA_BUILT_MODULES/nosym.so" "$BA_MODULEDIR/nosym.so" &&
	ba_policy_stack 'stack = ( { module = "nosym"; control = "sufficient"; } );' && mod_case "without its symbol" 'does not export'
rm -f "$BA_MODULEDIR/abi2.so" "$BA_MODULEDIR/nosym.so"
is "$(stat -c %a:%u "$BA_MODULEDIR"):$(cmp -s "$ACL" "$BA_TMP/acl.so.good" && stat -c %a:%u "$ACL")" 755:0:644:0 \
	"the module directory and acl.so are restored"

# A module that crashes in check(): the request dies with it, refused.
stack_with crash
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
rm -f "$HANG_PID"
refused "module crashes in check() (SIGSEGV)" $((128 + 11)) 'killed by signal 11'
ba_policy_default

# ---------------------------------------------------------------- after the drop, seen from outside
# The client's socket is full, so the helper blocks in sendmsg() after it
# made the tap: look at it then.  It must be alice with CAP_NET_ADMIN only,
# no_new_privs, not dumpable (alice cannot attach although it is hers).
ba_as alice "$EXEC" -p -s full:9 -- "$H" --use-vnet --fd=9 --br=br0 >"$BA_TMP/drop.out" 2>"$BA_TMP/drop.err" &
ba_bg $!
DROP_BG=$!
dpid=
for ((i = 0; i < 100; i++)); do
	dpid=$(sed -n 's/^pid //p' "$BA_TMP/drop.out" 2>/dev/null)
	[ -n "$dpid" ] && [ "$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "/proc/$dpid/status" 2>/dev/null)" = 4001400140014001 ] &&
		[ -n "$(ba_taps)" ] && break
	sleep 0.1
done
st=$(cat "/proc/$dpid/status" 2>/dev/null)
field() { awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ /, ""); print }' <<<"$st"; }
is "$(field Uid | tr -s '\t ' ' ')" "4001 4001 4001 4001" "after the drop: every uid is alice's"
is "$(field Gid | tr -s '\t ' ' ')" "4001 4001 4001 4001" "after the drop: every gid is alice's"
is "$(field Groups | tr -d '\t ')" "" "after the drop: no supplementary group (alice's were dropped with root)"
is "$(field CapEff)" 0000000000001000 "after the drop: effective capabilities: CAP_NET_ADMIN only"
is "$(field CapPrm)" 0000000000001000 "after the drop: permitted capabilities: CAP_NET_ADMIN only"
is "$(field CapInh)" 0000000000000000 "after the drop: no inheritable capability"
is "$(field CapAmb)" 0000000000000000 "after the drop: no ambient capability"
like "$(field CapBnd)" '^00000000000010000?$|^0000000000000000$' "after the drop: bounding set at most CAP_NET_ADMIN"
is "$(field NoNewPrivs)" 1 "after the drop: no_new_privs"
like "$(ip -o link show type tun 2>&1)" ' master br0 ' "after the drop: the helper has made its tap (and holds it)"
PROBE=$(ba_as alice "$EXEC" -P "$dpid")
like "$(echo $PROBE)" '^attach EPERM seize EPERM mem EACCES environ EACCES fd EACCES vm_readv EPERM$' \
	"after the drop: alice still cannot attach to or read the helper (not dumpable)"
kill -KILL "$dpid" 2>/dev/null
wait "$DROP_BG" 2>/dev/null
ba_no_taps "after the drop: killed before it could send, its tap is gone"

# ---------------------------------------------------------------- bridge.conf (acl), files alice may not read
bc_case() { # bc_case NAME STATUS REGEX...: a request on br0 refused by acl
	local name=$1 status=$2
	shift 2
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
	refused "bridge.conf $name" "$status" "$@"
	clean_text "bridge.conf $name"
	rm -rf "$CONF" "$INC"/* && ba_bridge_conf "$CONF_TEXT"
}
M_ACL='^qemu-bridge-helper: access to bridge br0 denied for alice by module acl: '
rm -f "$CONF" && mkfifo -m 0644 "$CONF" && bc_case "a FIFO" $EXIT_DENIED "$M_ACL.*not a regular file"
rm -f "$CONF" && mkdir -m 0755 "$CONF" && bc_case "a directory" $EXIT_DENIED "$M_ACL.*not a regular file"
{ printf 'allow br0\nallow '; head -c 5000 /dev/zero | tr '\0' x; printf '\n'; } >"$CONF" &&
	bc_case "with a 5000-byte line" $EXIT_DENIED "$M_ACL.*bridge\.conf:2: line too long"
head -c 8192 /bin/true >"$CONF" && bc_case "binary" $EXIT_DENIED "$M_ACL.*bridge\.conf:[0-9]+: (NUL byte|unknown command)"
printf 'allow br0\ndeny \0br0\n' >"$CONF" && bc_case "with a NUL byte" $EXIT_DENIED "$M_ACL.*bridge\.conf:2: NUL byte"
printf 'allow br0\nallow \033]0;owned\007br0\n' >"$CONF" && bc_case "with terminal escapes" $EXIT_DENIED "$M_ACL.*bridge\.conf:2: invalid interface name"
awk 'BEGIN { print "allow br0"; for (i = 0; i < 1000001; i++) print "deny brx" }' >"$CONF" &&
	bc_case "with a million rules" $EXIT_DENIED "$M_ACL.*too many rules"
# Include loops and depth.
printf 'allow br0\ninclude %s\n' "$CONF" >"$CONF.tmp" && mv "$CONF.tmp" "$CONF" &&
	bc_case "including itself" $EXIT_DENIED "$M_ACL.*include cycle"
ba_write_file "$INC/x.conf" root:root 0644 "include $CONF" && printf 'allow br0\ninclude %s\n' "$INC/x.conf" >"$CONF" &&
	bc_case "in a two-file include loop" $EXIT_DENIED "$M_ACL.*include cycle"
for i in $(seq 1 20); do ba_write_file "$INC/d$i.conf" root:root 0644 "include $INC/d$((i + 1)).conf"; done
printf 'allow br0\ninclude %s\n' "$INC/d1.conf" >"$CONF" && bc_case "with includes 21 deep" $EXIT_DENIED "$M_ACL.*include nesting deeper than 16"
printf 'allow br0\ninclude /dev/zero\n' >"$CONF" && bc_case "including /dev/zero" $EXIT_DENIED "$M_ACL.*include /dev/zero: not a regular file"
mkfifo -m 0666 "$INC/fifo" && printf 'allow br0\ninclude %s\n' "$INC/fifo" >"$CONF" &&
	bc_case "including a FIFO" $EXIT_DENIED "$M_ACL.*not a regular file"
printf 'allow br0\ninclude etc/qemu/bridge.conf\n' >"$CONF" &&
	BA_AS_CWD=$ALICE bc_case "with a relative include, cwd alice's" $EXIT_DENIED "$M_ACL.*include path must be absolute"

# Files alice cannot read give one answer whatever they are: the same
# message for /etc/shadow, a root-only file holding "deny br1", a file in a
# root-only directory, /proc/self/environ of the helper, and no file at all.
mkdir -m 0700 "$INC/private" && ba_write_file "$INC/private/f.conf" root:root 0644 "deny br1" &&
	ba_write_file "$INC/secret.conf" root:root 0600 "deny br1" || ba_fatal "private files"
ref=
for f in /etc/shadow "$INC/secret.conf" "$INC/private/f.conf" /proc/self/environ "$INC/nosuch.conf" /nonexistent/x; do
	ba_bridge_conf "allow br0
include $f"
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br1
	refused "include of unreadable $f" $EXIT_DENIED \
		'^qemu-bridge-helper: access to bridge br1 denied for alice: no module allowed it \(acl: no rule for bridge br1 in /etc/qemu/bridge\.conf\)'
	unlike "$BA_ERR" "${f//./\\.}|shadow|secret|private|environ|root:|Permission|No such" "include of $f: the message names neither the file nor why"
	[ -z "$ref" ] && ref=$BA_ERR
	is "$BA_ERR" "$ref" "include of $f: the very same message as for /etc/shadow"
done
# The top-level file: unreadable, or missing: the same message too.
ba_bridge_conf "allow br0"
chmod 0600 "$CONF"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
refused "bridge.conf readable by root only" $EXIT_DENIED "$M_ACL/etc/qemu/bridge\\.conf cannot be read by uid 4001"
is "${BA_ERR%%$'\n'*}" "qemu-bridge-helper: access to bridge br0 denied for alice by module acl: /etc/qemu/bridge.conf cannot be read by uid 4001" \
	"bridge.conf readable by root only: says so, nothing more"
ref=$BA_ERR
rm -f "$CONF"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
refused "bridge.conf missing" $EXIT_DENIED "$M_ACL/etc/qemu/bridge\\.conf cannot be read by uid 4001"
is "$BA_ERR" "$ref" "bridge.conf unreadable or missing: the very same message"
ba_bridge_conf "$CONF_TEXT"
rm -rf "${INC:?}"/*

# ---------------------------------------------------------------- bridge.conf someone else may write
# Whoever may write a rule file decides who uses which bridge: acl uses only
# root's files that nobody else may write, and names the one it refused.
# Each case is a bridge.conf (or include) alice rewrote to "allow all".
untrusted_case() { # untrusted_case NAME: br1 is still refused, the file named
	ba_run alice "$H" --use-vnet --fd=@FD@ --br=br1
	refused "bridge.conf $1" $EXIT_DENIED "${2:-/etc/qemu/bridge\\.conf}: .*not trusted"
	rm -f "$CONF" "$INC"/*.conf && ba_bridge_conf "$CONF_TEXT"
}
chmod 0666 "$CONF" && ba_as alice sh -c "echo 'allow all' >$CONF" && untrusted_case "world-writable, rewritten by alice"
chown root:alice "$CONF" && chmod 0664 "$CONF" && ba_as alice sh -c "echo 'allow all' >$CONF" && untrusted_case "group-writable (group alice), rewritten by alice"
chown alice "$CONF" && ba_as alice sh -c "echo 'allow all' >$CONF" && untrusted_case "owned by alice"
rm -f "$CONF" && ln -s "$ALICE/bridge.conf" "$CONF" && untrusted_case "a symlink to alice's file"
ba_write_file "$INC/mine.conf" alice:alice 0644 "allow all" && ba_bridge_conf "include $INC/mine.conf" &&
	untrusted_case "including a file of alice's" "include $INC/mine\\.conf"

# ---------------------------------------------------------------- the bounded hangs end
for h in hang1 hang2 hang3; do
	bg_wait "$h"
	refused "module hangs in check() ($h)" $EXIT_INTERNAL '^qemu-bridge-helper: the request took too long and was abandoned'
	elapsed=$(($(cat "$BA_TMP/$h.end") - $(cat "$BA_TMP/$h.start")))
	[ "$elapsed" -ge 29 ] && [ "$elapsed" -le 40 ]
	ok $? "module hangs in check() ($h): ends after the 30 s timeout, not before, not much later ($elapsed s)"
done
rm -f "$BA_MODULEDIR/hang.so" "$BA_MODULEDIR/crash.so"

# Still sane: br0 granted, br1 refused, with the restored policy.
ba_policy_default
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br0
is "$(ba_decision)" granted "afterwards: br0 still granted"
ba_run alice "$H" --use-vnet --fd=@FD@ --br=br1
refused "afterwards: br1" $EXIT_DENIED "$M_DENIED_BR1"

ba_done
