# shellcheck shell=bash
# shellcheck disable=SC2034 # BA_* results are read by the tests that source this
#
# tests/lib.sh: the hermetic harness of the integration tests.
#
# Sourced by every integration test (bash, TAP through automake's tap-driver):
#
#     . "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"
#     ba_enter_ns "$@"        # root check, then re-exec in private namespaces
#     ...assertions...
#     ba_done
#
# The test re-executes itself under `unshare --mount --net --pid --fork`.  In
# there, everything it changes is private:
#
#   - the mount tree is made rprivate; a tmpfs on a per-test `mktemp -d`
#     directory holds all scratch state (gone with the namespace; the outer
#     process removes the empty directory);
#   - /etc, /usr and every top-level directory the staged install uses are
#     overlaid (upper/work dirs in that tmpfs), so the stage can be copied
#     into its real prefix and test users can be appended to /etc/passwd,
#     /etc/group, /etc/shadow and /etc/gshadow without touching the host;
#   - /sys is a fresh sysfs of the private network namespace, so anything
#     that looks under /sys/class/net sees the test's bridges;
#   - /dev/net/tun is a 0666 node (c 10,200) on that tmpfs bind-mounted over
#     the real one, as distributions ship it (some hosts have 0600, which a
#     helper opening it as the caller cannot use); ba_tun_node switches it;
#   - /dev is an overlay (upper dir in that tmpfs; /dev/pts and /dev/shm
#     mounted afresh on it) whose /dev/log is a syslog sink (tests/ba-syslogd)
#     writing every line to $BA_SYSLOG: requests stay out of the host's log,
#     and the helper, which serves no request it cannot log, has a listener;
#     ba_syslog_stop takes it away, ba_syslog_sink brings it back;
#   - the network namespace has its own lo and the test's bridges;
#   - the pid namespace guarantees that nothing the test started (QEMU, a
#     client holding a tap) outlives it; a signal to the test kills it all.
#
# The API, for tests:
#   TAP          ok STATUS TEXT; is SEEN EXPECTED TEXT; isnt; like TEXT ERE TEXT;
#                unlike; skip REASON; diag TEXT; ba_done; ba_skip_all; ba_fatal
#   setup        ba_enter_ns "$@"; ba_in_ns; ba_require_root; ba_need_ours;
#                ba_upstream_helper (sets BA_UPSTREAM); ba_bg PID
#   syslog       BA_SYSLOG (the sink's file, one line per datagram);
#                ba_syslog_stop [dead]; ba_syslog_sink
#   users        alice 4001, bob 4002, carol 4003 (own groups), vmusers 4100
#                (alice, bob); ba_as USER CMD... ($BA_AS_CWD: its cwd)
#   network      ba_bridge NAME [MTU]; ba_not_bridge NAME; ba_taps; ba_no_taps;
#                ba_tun_node distro|root-only|nodev|notun; ba_link_mark,
#                ba_no_link_since MARK TEXT (no interface made in between)
#   policy       ba_policy_stack TEXT; ba_policy_default; ba_bridge_conf TEXT;
#                ba_write_file PATH OWNER:GROUP MODE TEXT
#   requests     ba_run USER HELPER ARG... (@FD@: the socket); ba_run_keep,
#                ba_release (the tap stays open in between); ba_refused NAME
#                STATUS REGEX...; results in BA_RC,
#                BA_OUT, BA_ERR, BA_FD, BA_TAPNAME, BA_FLAGS, BA_IFF;
#                ba_granted; ba_decision (granted|refused|odd(...)); ba_field KEY
#   guest        ba_guest (before ba_enter_ns: BA_VMLINUZ, BA_INITRD of tests/guest.sh)
#
# Environment (from AM_TESTS_ENVIRONMENT): top_srcdir top_builddir BA_STAGE
# BA_HELPER BA_POLICYDIR BA_MODULEDIR.  Optional: BA_CLIENT (the ba-client
# binary, default $top_builddir/tests/ba-client), BA_SYSLOGD (the sink,
# default $top_builddir/tests/ba-syslogd), BA_CACHE (guest cache).
# BA_UPSTREAM_ONLY=1 is a development knob: no stage is required and tests of
# our helper are skipped (used while the helper did not exist yet).
#
# Every setup function checks its own errors and bails out (the test then
# fails: "Bail out!" and exit 99); assertions never stop the test.

set -u

BA_TEST=${0##*/}
BA_TEST=${BA_TEST%.sh}
_ba_n=0
_ba_failed=0
_ba_bg_pids=()

# Test users, their uids and the shared group (only ever inside the namespace).
BA_USERS="alice bob carol"
declare -A BA_UID=([alice]=4001 [bob]=4002 [carol]=4003)
BA_SHARED_GROUP=vmusers
BA_SHARED_GID=4100

# Where the acl module's bridge.conf lives for both helpers (see _ba_policy_default).
BA_BRIDGE_CONF=/etc/qemu/bridge.conf
# Upstream's helper, as Debian's qemu-system-common installs it.
BA_UPSTREAM_SRC=/usr/lib/qemu/qemu-bridge-helper

# ------------------------------------------------------------------- TAP

# diag TEXT...: every line of TEXT as a TAP comment.
diag() {
	local l
	while IFS= read -r l; do
		printf '#   %s\n' "$l"
	done <<<"$*"
}

_ba_where() {
	local i=1
	# Report the first frame outside this file.
	while [ "$i" -lt "${#BASH_SOURCE[@]}" ] && [ "${BASH_SOURCE[$i]}" = "${BASH_SOURCE[0]}" ]; do
		i=$((i + 1))
	done
	printf '#   at %s line %s\n' "${BASH_SOURCE[$i]:-?}" "${BASH_LINENO[$((i - 1))]:-?}"
}

_ba_result() { # _ba_result PASSED TEXT
	_ba_n=$((_ba_n + 1))
	if [ "$1" = 0 ]; then
		printf 'ok %d - %s\n' "$_ba_n" "$2"
		return 0
	fi
	_ba_failed=$((_ba_failed + 1))
	printf 'not ok %d - %s\n' "$_ba_n" "$2"
	_ba_where
	return 1
}

# ok STATUS TEXT: passes when STATUS (an exit code, usually $?) is 0.
ok() {
	local st=$1
	shift
	_ba_result "$st" "$*" || { diag "exit status $st, expected 0"; return 1; }
}

# is SEEN EXPECTED TEXT
is() {
	local seen=$1 exp=$2
	shift 2
	[ "$seen" = "$exp" ]
	_ba_result $? "$*" || {
		printf '#   expected: %s\n#   seen:     %s\n' "$exp" "$seen"
		return 1
	}
}

# isnt SEEN UNEXPECTED TEXT
isnt() {
	local seen=$1 exp=$2
	shift 2
	[ "$seen" != "$exp" ]
	_ba_result $? "$*" || {
		printf '#   expected anything but: %s\n' "$exp"
		return 1
	}
}

# like TEXT REGEX TEXT: TEXT matches the extended regular expression REGEX.
like() {
	local seen=$1 re=$2
	shift 2
	[[ $seen =~ $re ]]
	_ba_result $? "$*" || {
		printf '#   expected to match: %s\n' "$re"
		diag "seen: $seen"
		return 1
	}
}

# unlike TEXT REGEX TEXT
unlike() {
	local seen=$1 re=$2
	shift 2
	! [[ $seen =~ $re ]]
	_ba_result $? "$*" || {
		printf '#   expected not to match: %s\n' "$re"
		diag "seen: $seen"
		return 1
	}
}

# skip REASON: one skipped test point.
skip() {
	_ba_n=$((_ba_n + 1))
	printf 'ok %d # SKIP %s\n' "$_ba_n" "$*"
}

# ba_done: the plan; the exit status says whether anything failed.
ba_done() {
	printf '1..%d\n' "$_ba_n"
	if [ "$_ba_failed" -ne 0 ]; then
		printf '# %d of %d failed\n' "$_ba_failed" "$_ba_n"
		exit 1
	fi
	exit 0
}

# ba_skip_all REASON: the whole test is skipped (before any test point).
ba_skip_all() {
	printf '1..0 # SKIP %s\n' "$*"
	exit 77
}

# ba_fatal MESSAGE: setup failed; the test fails (never passes, never skips).
ba_fatal() {
	printf 'Bail out! %s: %s\n' "$BA_TEST" "$*"
	exit 99
}

# ------------------------------------------------------------------- entering the namespaces

# ba_require_root: skip (77) unless root and able to build the private world.
ba_require_root() {
	local t
	[ "$(id -u)" = 0 ] || ba_skip_all "integration tests need root (they create namespaces, bridges and a setuid copy)"
	for t in unshare setpriv ip mount mknod prlimit timeout; do
		command -v "$t" >/dev/null 2>&1 || ba_skip_all "$t not found (util-linux, iproute2, coreutils)"
	done
	unshare --mount --net --pid --fork --mount-proc true 2>/dev/null ||
		ba_skip_all "unshare --mount --net --pid is not permitted here"
	grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null
	grep -qw overlay /proc/filesystems || ba_skip_all "overlayfs is not available"
	[ -c /dev/net/tun ] || ba_skip_all "/dev/net/tun does not exist (no tun driver)"
}

# ba_in_ns: true inside the test's namespaces (after the re-exec).
ba_in_ns() { [ "${BA_IN_NS:-}" = 1 ] && [ "$$" = 1 ]; }

# ba_enter_ns "$@": from outside, re-run this test inside fresh mount, network
# and pid namespaces and exit with its status; from inside, build the private
# world (overlays, stage, users, tun node, lo) and return.
ba_enter_ns() {
	# Inside: marked, and pid 1 of the new pid namespace.
	if ba_in_ns; then
		_ba_setup
		return 0
	fi
	ba_require_root
	local rc
	# Scratch space must lie outside every overlaid directory: a stage that
	# installs under /tmp (make distcheck's prefix) has /tmp overlaid.
	local base=${TMPDIR:-/tmp}
	if [ -n "${BA_STAGE:-}" ] && [ -d "$BA_STAGE/${base#/}" ]; then
		base=/var/tmp
	fi
	BA_TMP=$(mktemp -d "$base/bridge-auth-$BA_TEST.XXXXXX") || ba_fatal "mktemp -d failed"
	# The namespace mounts a tmpfs here; only the empty directory is ours to remove.
	trap 'rmdir -- "$BA_TMP" 2>/dev/null || rm -rf -- "$BA_TMP"' EXIT
	# In the background, so that a signal to this process (make's, a
	# terminal's) is handled at once: unshare --fork ignores SIGINT and
	# SIGTERM, so the namespace's pid 1 (unshare's child) is killed, and with
	# it, by the kernel, everything in the namespace; --kill-child covers
	# unshare itself being killed.
	BA_IN_NS=1 BA_TMP=$BA_TMP unshare --mount --net --pid --fork --mount-proc --kill-child -- \
		bash "$0" "$@" &
	_ba_ns_pid=$!
	trap '_ba_stop_ns; exit 130' INT
	trap '_ba_stop_ns; exit 143' TERM
	wait "$_ba_ns_pid"
	rc=$?
	exit "$rc"
}

# From outside: kill the namespace's pid 1 and wait for unshare.
_ba_stop_ns() {
	local c
	for c in $(cat "/proc/$_ba_ns_pid/task/$_ba_ns_pid/children" 2>/dev/null) \
		$(pgrep -P "$_ba_ns_pid" 2>/dev/null); do
		kill -KILL "$c" 2>/dev/null
	done
	wait "$_ba_ns_pid" 2>/dev/null
}

# Kill what the test left running, so that the namespace (and its mounts) go.
_ba_cleanup() {
	local p
	for p in "${_ba_bg_pids[@]}" $(jobs -p); do
		kill -TERM "$p" 2>/dev/null
	done
	# As pid 1 of the namespace, our exit kills everything else in it anyway.
}

# ba_bg PID: remember a background process to kill at exit.
ba_bg() { _ba_bg_pids+=("$1"); }

_ba_setup() {
	local top tops d

	[ -n "${BA_TMP:-}" ] && [ -d "$BA_TMP" ] || ba_fatal "BA_TMP is not set inside the namespace"
	trap _ba_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM

	mount --make-rprivate / || ba_fatal "mount --make-rprivate / failed"
	mount -t tmpfs -o mode=0711 bridge-auth-test "$BA_TMP" || ba_fatal "cannot mount a tmpfs on $BA_TMP"
	mkdir -m 0755 "$BA_TMP/bin" "$BA_TMP/work" || ba_fatal "mkdir in $BA_TMP failed"
	mkdir -m 0700 "$BA_TMP/ov" "$BA_TMP/dev" || ba_fatal "mkdir in $BA_TMP failed"
	chmod 1777 "$BA_TMP/work" || ba_fatal "chmod $BA_TMP/work"

	# What we are testing: our staged install (or, in the development mode,
	# upstream's helper only).
	if [ "${BA_UPSTREAM_ONLY:-0}" = 1 ]; then
		BA_HAVE_OURS=0
	else
		BA_HAVE_OURS=1
		for v in BA_STAGE BA_HELPER BA_POLICYDIR BA_MODULEDIR; do
			[ -n "${!v:-}" ] || ba_fatal "$v is not set (run through make check, or export it)"
		done
		case $BA_HELPER$BA_POLICYDIR$BA_MODULEDIR in
		*//*) ba_fatal "BA_HELPER, BA_POLICYDIR, BA_MODULEDIR must be clean absolute paths" ;;
		esac
		[ -f "$BA_STAGE$BA_HELPER" ] || ba_fatal "no staged helper at $BA_STAGE$BA_HELPER (make check stages it)"
	fi

	# Overlays: /etc, /usr, and the top-level directories the stage installs into.
	tops="etc usr"
	if [ "$BA_HAVE_OURS" = 1 ]; then
		for d in "$BA_STAGE"/*; do
			[ -d "$d" ] || continue
			top=${d##*/}
			case " $tops " in *" $top "*) ;; *) tops="$tops $top" ;; esac
		done
	fi
	for top in $tops; do
		case $top in
		proc | sys | dev | run) ba_fatal "the stage installs into /$top: refusing to overlay it" ;;
		esac
		case $BA_TMP in
		"/$top"/*) ba_fatal "the stage installs into /$top, where the scratch space is" ;;
		esac
		[ -d "/$top" ] && [ ! -L "/$top" ] || ba_fatal "/$top is not a directory: cannot overlay it"
		mkdir -p "$BA_TMP/ov/$top.upper" "$BA_TMP/ov/$top.work" || ba_fatal "mkdir overlay dirs for /$top"
		mount -t overlay "ba-$top" \
			-o "lowerdir=/$top,upperdir=$BA_TMP/ov/$top.upper,workdir=$BA_TMP/ov/$top.work" "/$top" ||
			ba_skip_all "cannot overlay /$top (overlayfs with a tmpfs upper dir)"
	done

	# sysfs of our network namespace.
	mount -t sysfs bridge-auth-sysfs /sys || ba_fatal "cannot mount sysfs for the private netns"
	# A host nscd would answer name lookups from the host's files.
	if [ -d /run/nscd ]; then
		mount -t tmpfs -o mode=0755 bridge-auth-nscd /run/nscd || ba_fatal "cannot hide /run/nscd"
	fi

	# Requests are logged to syslog: a sink of our own on /dev/log (an
	# overlay, so nothing is created in the host's /dev); the helper refuses
	# every request it cannot log.
	local syslogd=${BA_SYSLOGD:-${top_builddir:-.}/tests/ba-syslogd}
	[ -x "$syslogd" ] || ba_fatal "ba-syslogd not found at $syslogd (make check builds it; or set BA_SYSLOGD)"
	install -m 0755 -o root -g root "$syslogd" "$BA_TMP/bin/ba-syslogd" || ba_fatal "cannot copy $syslogd"
	_ba_dev_overlay
	ba_syslog_sink

	# /dev/net/tun as distributions ship it (0666).
	# The other nodes are for tests of the helper's failures (ba_tun_node).
	mknod -m 0666 "$BA_TMP/dev/tun" c 10 200 &&
		mknod -m 0600 "$BA_TMP/dev/tun0600" c 10 200 &&
		mknod -m 0666 "$BA_TMP/dev/notun" c 1 3 &&
		chmod 0755 "$BA_TMP/dev" || ba_fatal "mknod tun nodes"
	mkdir -m 0755 "$BA_TMP/nodev" && mount -t tmpfs -o nodev,mode=0755 bridge-auth-nodev "$BA_TMP/nodev" &&
		mknod -m 0666 "$BA_TMP/nodev/tun" c 10 200 || ba_fatal "mknod a tun node on a nodev tmpfs"
	mount --bind "$BA_TMP/dev/tun" /dev/net/tun || ba_fatal "cannot bind a 0666 tun node over /dev/net/tun"
	_ba_tun_node=distro

	ip link set lo up || ba_fatal "ip link set lo up"

	_ba_users
	[ "$BA_HAVE_OURS" = 1 ] && _ba_install_stage

	# The client, where every test user can run it.
	local client=${BA_CLIENT:-${top_builddir:-.}/tests/ba-client}
	[ -x "$client" ] || ba_fatal "ba-client not found at $client (make check builds it; or set BA_CLIENT)"
	install -m 0755 -o root -g root "$client" "$BA_TMP/bin/ba-client" || ba_fatal "cannot copy $client"
	BA_CLIENT_BIN=$BA_TMP/bin/ba-client

	mkdir -p /etc/qemu && chmod 0755 /etc/qemu || ba_fatal "mkdir /etc/qemu"
	rm -f "$BA_BRIDGE_CONF" || ba_fatal "rm $BA_BRIDGE_CONF"
	[ "$BA_HAVE_OURS" = 1 ] && ba_policy_default
	cd "$BA_TMP/work" || ba_fatal "cd $BA_TMP/work"
	return 0
}

# Test users alice, bob, carol with their own groups, and vmusers for alice
# and bob; any entry of the host's with those names or ids is dropped from the
# private copy first.
_ba_users() {
	local f u names ids tmp
	names=" $BA_USERS $BA_SHARED_GROUP "
	ids=" ${BA_UID[*]} $BA_SHARED_GID "
	for f in /etc/passwd /etc/group /etc/shadow /etc/gshadow; do
		[ -f "$f" ] || continue
		tmp=$BA_TMP/users.tmp
		awk -F: -v names="$names" -v ids="$ids" -v f="$f" '
			index(names, " " $1 " ") { next }
			(f == "/etc/passwd" || f == "/etc/group") && index(ids, " " $3 " ") { next }
			{ print }' "$f" >"$tmp" || ba_fatal "filtering $f"
		# Keep the file (owner, mode); rewrite its contents in the overlay.
		cat "$tmp" >"$f" || ba_fatal "rewriting $f"
	done
	rm -f "$BA_TMP/users.tmp"
	for u in $BA_USERS; do
		printf '%s:x:%s:%s:bridge-auth test user:/nonexistent:/usr/sbin/nologin\n' "$u" "${BA_UID[$u]}" "${BA_UID[$u]}" >>/etc/passwd &&
			printf '%s:x:%s:\n' "$u" "${BA_UID[$u]}" >>/etc/group || ba_fatal "adding $u"
		if [ -f /etc/shadow ]; then
			printf '%s:!:19000:0:99999:7:::\n' "$u" >>/etc/shadow || ba_fatal "adding $u to /etc/shadow"
		fi
		if [ -f /etc/gshadow ]; then
			printf '%s:!::\n' "$u" >>/etc/gshadow || ba_fatal "adding $u to /etc/gshadow"
		fi
	done
	printf '%s:x:%s:alice,bob\n' "$BA_SHARED_GROUP" "$BA_SHARED_GID" >>/etc/group || ba_fatal "adding group"
	if [ -f /etc/gshadow ]; then
		printf '%s:!::alice,bob\n' "$BA_SHARED_GROUP" >>/etc/gshadow || ba_fatal "adding group to gshadow"
	fi
	for u in $BA_USERS; do
		[ "$(id -u "$u" 2>/dev/null)" = "${BA_UID[$u]}" ] || ba_fatal "user $u does not resolve to ${BA_UID[$u]} (NSS?)"
	done
	[ "$(id -nG alice 2>/dev/null)" = "alice $BA_SHARED_GROUP" ] || ba_fatal "alice's groups are '$(id -nG alice)'"
}

# Copy the stage into its real prefix (overlaid), root-owned, helper setuid.
_ba_install_stage() {
	local d top
	for d in "$BA_STAGE"/*; do
		[ -d "$d" ] || continue
		top=${d##*/}
		# Copy the contents of each top-level directory, not "$BA_STAGE/." onto
		# "/": that would copy the stage root's mode and times onto the real /.
		cp -a --no-preserve=ownership "$d/." "/$top/" || ba_fatal "copying the stage into /$top"
	done
	chown root:root "$BA_HELPER" && chmod 4755 "$BA_HELPER" || ba_fatal "cannot make $BA_HELPER setuid root"
	[ -f "$BA_POLICYDIR/bridge-auth.conf" ] || ba_fatal "the stage has no $BA_POLICYDIR/bridge-auth.conf"
	[ -f "$BA_MODULEDIR/acl.so" ] || ba_fatal "the stage has no $BA_MODULEDIR/acl.so"
	cp "$BA_POLICYDIR/bridge-auth.conf" "$BA_TMP/bridge-auth.conf.shipped" || ba_fatal "saving the shipped stack"
}

# ------------------------------------------------------------------- running things

# ba_as USER CMD...: CMD as USER, the way QEMU runs as a user: real and
# effective ids, the user's groups, no inheritable capabilities, a plain
# environment, cwd / (or $BA_AS_CWD).
ba_as() {
	local u=$1
	shift
	[ -n "${BA_UID[$u]:-}" ] || ba_fatal "ba_as: unknown test user '$u'"
	(cd "${BA_AS_CWD:-/}" && exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/ USER="$u" LOGNAME="$u" LANG=C \
		setpriv --reuid="$u" --regid="$u" --init-groups --inh-caps=-all -- "$@")
}

# ba_run USER ARG...: run ba-client as USER with ARGs (helper path first, @FD@
# for the socket) under a timeout.  Sets BA_RC (the client's exit status),
# BA_OUT (its status line), BA_ERR (the helper's stderr) and BA_LINE_* fields.
ba_run() {
	local u=$1
	shift
	BA_OUT=$(ba_as "$u" timeout -k 5 "${BA_RUN_TIMEOUT:-60}" "$BA_CLIENT_BIN" "$@" 2>"$BA_TMP/stderr")
	BA_RC=$?
	BA_ERR=$(cat "$BA_TMP/stderr")
	_ba_parse_line
}

_ba_parse_line() {
	BA_STATUS=$(ba_field status)
	BA_FD=$(ba_field fd)
	BA_TAPNAME=$(ba_field tap)
	BA_FLAGS=$(ba_field flags)
	BA_IFF=$(ba_field iff)
}

# ba_field KEY: KEY's value in the client's status line ($BA_OUT).
ba_field() {
	local w
	for w in $BA_OUT; do
		case $w in "$1"=*)
			printf '%s\n' "${w#*=}"
			return 0
			;;
		esac
	done
	printf '\n'
}

# ba_run_keep USER ARG...: like ba_run, with -k: the client keeps the tap fd
# open until ba_release.  Sets BA_OUT and the fields once the line is read.
ba_run_keep() {
	local u=$1
	shift
	coproc BA_KEEP { ba_as "$u" timeout -k 5 "${BA_RUN_TIMEOUT:-60}" "$BA_CLIENT_BIN" -k "$@" 2>"$BA_TMP/stderr"; }
	_ba_keep_pid=$BA_KEEP_PID
	_ba_keep_in=${BA_KEEP[1]}
	_ba_keep_out=${BA_KEEP[0]}
	ba_bg "$_ba_keep_pid"
	BA_OUT=
	IFS= read -r -t 30 BA_OUT <&"$_ba_keep_out"
	_ba_parse_line
}

# ba_release: let the kept client go; sets BA_RC and BA_ERR.
ba_release() {
	# bash may already have closed a finished coprocess's fds.
	{ exec {_ba_keep_in}>&- {_ba_keep_out}<&-; } 2>/dev/null
	wait "$_ba_keep_pid"
	BA_RC=$?
	BA_ERR=$(cat "$BA_TMP/stderr")
}

# ba_expect USER BRIDGE granted|refused TEXT [REGEX]: one request to our
# helper, as QEMU makes it, and its outcome: the decision; for a refusal
# exit status 1 (denied) and, with REGEX, the message; no tap left behind.
ba_expect() {
	local u=$1 br=$2 want=$3 text=$4 re=${5:-} mark
	mark=$(ba_link_mark)
	ba_run "$u" "$BA_HELPER" --use-vnet --fd=@FD@ --br="$br"
	is "$(ba_decision)" "$want" "$text"
	if [ "$want" = refused ]; then
		is "$BA_RC" 1 "$text: exit status 1" || diag "$BA_ERR"
	fi
	if [ -n "$re" ]; then
		like "$BA_ERR" "$re" "$text: message"
	fi
	ba_no_taps "$text: no tap left behind"
	if [ "$want" = refused ]; then
		ba_no_link_since "$mark" "$text: no interface was made, even for a moment"
	fi
}

# /dev as an overlay whose upper dir is ours: /dev/log can be made there.
# The mounts under /dev are not part of the overlay: /dev/pts (a new
# instance) and /dev/shm are mounted again on it.
_ba_dev_overlay() {
	mkdir -p "$BA_TMP/dev-upper" "$BA_TMP/dev-work" &&
		mount -t overlay ba-dev -o "lowerdir=/dev,upperdir=$BA_TMP/dev-upper,workdir=$BA_TMP/dev-work" /dev ||
		ba_fatal "cannot overlay /dev"
	rm -f /dev/log || ba_fatal "cannot remove /dev/log in the overlay"
	mkdir -p /dev/pts /dev/shm &&
		mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 ba-devpts /dev/pts &&
		mount --bind /dev/pts/ptmx /dev/ptmx &&
		mount -t tmpfs -o mode=1777,nosuid,nodev ba-shm /dev/shm || ba_fatal "cannot mount /dev/pts and /dev/shm"
}

# ba_refused NAME STATUS REGEX...: the last run was refused (non-zero, no
# fd) with STATUS, its stderr matches every REGEX, and no tap exists.
ba_refused() {
	local name=$1 status=$2 re
	shift 2
	diag "$name: $(printf '%s' "$BA_ERR" | head -c 600)"
	is "$(ba_decision)" refused "$name: refused"
	is "$BA_RC" "$status" "$name: exit status $status"
	for re in "$@"; do
		like "$BA_ERR" "$re" "$name: message /$re/"
	done
	ba_no_taps "$name: no tap"
}

# ba_syslog_sink: (done by the set-up; again after ba_syslog_stop) a sink
# (tests/ba-syslogd) listening on /dev/log; BA_SYSLOG is the file that
# receives every line, one per datagram.
ba_syslog_sink() {
	BA_SYSLOG=$BA_TMP/syslog
	[ -n "${_ba_syslogd:-}" ] && kill -0 "$_ba_syslogd" 2>/dev/null && return 0
	rm -f /dev/log "$BA_TMP/syslogd.out" || ba_fatal "rm /dev/log"
	"$BA_TMP/bin/ba-syslogd" /dev/log "$BA_SYSLOG" >"$BA_TMP/syslogd.out" &
	_ba_syslogd=$!
	ba_bg "$_ba_syslogd"
	for _ in $(seq 50); do
		grep -q ready "$BA_TMP/syslogd.out" 2>/dev/null && return 0
		sleep 0.1
	done
	ba_fatal "the syslog sink did not start: $(cat "$BA_TMP/syslogd.out" 2>&1)"
}

# ba_syslog_stop [dead]: no syslog daemon any more: /dev/log is gone, or with
# "dead" left behind, a socket nobody listens on.
ba_syslog_stop() {
	if [ -n "${_ba_syslogd:-}" ]; then
		kill -KILL "$_ba_syslogd" 2>/dev/null
		wait "$_ba_syslogd" 2>/dev/null
		_ba_syslogd=
	fi
	[ "${1:-}" = dead ] || rm -f /dev/log || ba_fatal "rm /dev/log"
}

# ba_granted: the last run got a tap (exit 0, exactly one fd).
ba_granted() { [ "$BA_RC" = 0 ] && [ "$BA_FD" = yes ]; }
# ba_decision: "granted" or "refused" for the last run; anything else is odd.
ba_decision() {
	if ba_granted; then
		echo granted
	elif [ "$BA_RC" != 0 ] && [ "$BA_FD" = no ]; then
		echo refused
	else
		echo "odd(rc=$BA_RC,fd=$BA_FD)"
	fi
}

# ------------------------------------------------------------------- network

# ba_bridge NAME [MTU]: a bridge, up, in the private netns.
ba_bridge() {
	ip link add "$1" type bridge || ba_fatal "cannot create bridge $1"
	if [ -n "${2:-}" ]; then
		ip link set "$1" mtu "$2" || ba_fatal "cannot set mtu $2 on $1"
	fi
	ip link set "$1" up || ba_fatal "cannot bring $1 up"
}

# ba_not_bridge NAME: a network device that is not a bridge (dummy, or one end
# of a veth pair where the kernel has no dummy driver).
ba_not_bridge() {
	ip link add "$1" type dummy 2>/dev/null ||
		ip link add "$1" type veth peer name "${1:0:10}-peer" ||
		ba_fatal "cannot create a non-bridge device $1"
	ip link set "$1" up || ba_fatal "cannot bring $1 up"
}

# ba_taps: the tun/tap devices of the netns, one "name" per line.
ba_taps() { ip -o link show type tun | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'; }

# ba_link_mark: prints a mark for ba_no_link_since: the index a new interface
# gets now.  The kernel numbers a namespace's interfaces upwards and never
# reuses an index at once, so a tap made and gone in between still shows.
ba_link_mark() {
	local i
	ip link add ba-mark type bridge || ba_fatal "cannot create the interface ba-mark"
	i=$(cat /sys/class/net/ba-mark/ifindex) || ba_fatal "no ifindex for ba-mark"
	ip link del ba-mark || ba_fatal "cannot delete ba-mark"
	echo "$i"
}

# ba_no_link_since MARK TEXT: assert that no interface was created since
# ba_link_mark printed MARK (not even one that is gone again).
ba_no_link_since() {
	local now
	now=$(ba_link_mark)
	is "$now" "$(($1 + 1))" "$2" || diag "interface index was $1, now $now: $((now - $1 - 1)) interface(s) made in between"
}

# ba_no_taps [TEXT]: assert that no tun/tap device exists.
ba_no_taps() {
	local taps
	taps=$(ip -o link show type tun 2>&1)
	[ -z "$taps" ]
	_ba_result $? "${1:-no tap device left behind}" || {
		diag "seen: $taps"
		return 1
	}
}

# ba_tun_node KIND: what /dev/net/tun is, on top of the distro-like 0666 node:
#   distro     0666 tun node (the default; as Debian and most distros ship it)
#   root-only  0600 root-owned tun node (as on this build machine's host)
#   nodev      0666 tun node on a nodev mount: nobody, not even root, opens it
#   notun      0666 node of another device (1,3: /dev/null)
ba_tun_node() {
	if [ "$_ba_tun_node" != distro ]; then
		umount /dev/net/tun || ba_fatal "cannot unmount the $_ba_tun_node tun node"
		_ba_tun_node=distro
	fi
	case $1 in
	distro) ;;
	root-only) mount --bind "$BA_TMP/dev/tun0600" /dev/net/tun ;;
	nodev) mount --bind "$BA_TMP/nodev/tun" /dev/net/tun ;;
	notun) mount --bind "$BA_TMP/dev/notun" /dev/net/tun ;;
	*) ba_fatal "ba_tun_node: unknown kind $1" ;;
	esac || ba_fatal "cannot bind the $1 node over /dev/net/tun"
	_ba_tun_node=$1
	[ "$1" != distro ] || [ "$(stat -c %a:%t:%T /dev/net/tun)" = 666:a:c8 ] ||
		ba_fatal "/dev/net/tun is not the 0666 tun node after restore"
}

# ------------------------------------------------------------------- policy

# ba_write_file PATH OWNER:GROUP MODE TEXT: a policy file, written in the overlay.
ba_write_file() {
	local path=$1 owner=$2 mode=$3 text=$4
	mkdir -p "$(dirname "$path")" || ba_fatal "mkdir for $path"
	printf '%s\n' "$text" >"$path" || ba_fatal "cannot write $path"
	chown "$owner" "$path" && chmod "$mode" "$path" || ba_fatal "cannot chown/chmod $path"
}

# ba_policy_stack TEXT: $BA_POLICYDIR/bridge-auth.conf (root:root 0644).
ba_policy_stack() {
	ba_write_file "$BA_POLICYDIR/bridge-auth.conf" root:root 0644 "$1"
}

# ba_policy_default: the shipped stack, reading /etc/qemu/bridge.conf.
#
# Upstream's helper reads /etc/qemu/bridge.conf (compiled in); the shipped
# stack reads $BA_POLICYDIR/bridge.conf, which is /etc/qemu/bridge.conf only
# when configured with --sysconfdir=/etc.  So that one file (and its
# includes) drives both helpers, the harness installs the shipped stack with
# that one path rewritten to /etc/qemu/bridge.conf, and checks that the
# shipped file did name $BA_POLICYDIR/bridge.conf (a symlink would also do,
# but would make the acl module's handling of symlinks part of every test).
ba_policy_default() {
	local shipped=$BA_TMP/bridge-auth.conf.shipped text
	grep -q "file=$BA_POLICYDIR/bridge.conf\"" "$shipped" ||
		ba_fatal "the shipped bridge-auth.conf does not read $BA_POLICYDIR/bridge.conf: $(cat "$shipped")"
	text=$(sed "s|file=$BA_POLICYDIR/bridge.conf\"|file=$BA_BRIDGE_CONF\"|" "$shipped") || ba_fatal "sed"
	ba_policy_stack "$text"
}

# ba_bridge_conf TEXT: /etc/qemu/bridge.conf (root:root 0644), read by both helpers.
ba_bridge_conf() {
	ba_write_file "$BA_BRIDGE_CONF" root:root 0644 "$1"
}

# ba_upstream_helper: a setuid-root copy of QEMU's own helper; sets BA_UPSTREAM.
ba_upstream_helper() {
	[ -f "$BA_UPSTREAM_SRC" ] || ba_skip_all "QEMU's helper $BA_UPSTREAM_SRC is not installed (qemu-system-common)"
	# /usr is overlaid: this changes the private copy only.
	chown root:root "$BA_UPSTREAM_SRC" && chmod 4755 "$BA_UPSTREAM_SRC" ||
		ba_fatal "cannot make $BA_UPSTREAM_SRC setuid"
	BA_UPSTREAM=$BA_UPSTREAM_SRC
}

# ba_need_ours: skip the whole test when running in BA_UPSTREAM_ONLY mode.
ba_need_ours() {
	[ "$BA_HAVE_OURS" = 1 ] || ba_skip_all "BA_UPSTREAM_ONLY=1: our helper is not staged"
}

# ------------------------------------------------------------------- guest

# ba_guest: before ba_enter_ns (apt may need the host's network), build or
# find the cached test guest (tests/guest.sh) and export BA_VMLINUZ and
# BA_INITRD, the absolute paths of its kernel and initramfs; skip the test
# when no kernel package can be had.
ba_guest() {
	local guest rc extra
	guest=$(bash "${top_srcdir:-$(dirname "$0")/..}/tests/guest.sh")
	rc=$?
	[ "$rc" != 77 ] || ba_skip_all "no Debian kernel package for the guest (see tests/guest.sh)"
	[ "$rc" = 0 ] || ba_fatal "building the guest failed (tests/guest.sh, status $rc)"
	# One line: the kernel's path and the initramfs's.
	read -r BA_VMLINUZ BA_INITRD extra <<<"$guest"
	[ -z "$extra" ] && [ "$(printf '%s\n' "$guest" | wc -l)" = 1 ] || ba_fatal "unexpected output from guest.sh: $guest"
	case $BA_VMLINUZ:$BA_INITRD in /*:/*) ;; *) ba_fatal "guest.sh gave no absolute paths: $guest" ;; esac
	[ -r "$BA_VMLINUZ" ] && [ -r "$BA_INITRD" ] || ba_fatal "guest.sh gave no readable kernel/initramfs: $guest"
	export BA_VMLINUZ BA_INITRD
}
