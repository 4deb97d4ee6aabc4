#!/bin/bash
# bench/run.sh: time our helper against QEMU's own helper and a static floor,
# and print the table and the targets of docs/performance.md.
#
#   make bench                      from a configured build tree (as root)
#   sudo bench/run.sh               from a bare source tree: installs the build
#                                   dependencies, configures in ./build-bench and
#                                   runs `make bench` there
#
# Needs root: like the integration tests it works in private mount, network
# and pid namespaces (tests/lib.sh: /etc and /usr overlaid, the staged install
# copied into its prefix with the helper setuid root, test users), so nothing
# on the host changes.  It installs what it needs from Debian's archive:
# qemu-system-common (QEMU's helper), libpam-modules, iproute2, util-linux.
#
# Knobs (environment): BENCH_SHELL=CMD (run CMD in the prepared world instead
# of the benchmark: for profiling), BENCH_ROUNDS (sequential requests per row, default 300),
# BENCH_WARMUP (10), BENCH_BURST (requests per concurrent burst, 320),
# BENCH_INFLIGHT (64), BENCH_CONC_ROUNDS (bursts per row, 10); BENCH_REAPER=no (do
# not run bridge-auth-reaper even when it is installed).
#
# Exit status: 0 when every target holds, 1 when one fails (the table is
# printed either way: a missed target is a result), 2 when the benchmark
# could not run.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)

need_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "bench: run as root (private namespaces, bridges, setuid copies; the host is not changed)" >&2
		exit 2
	fi
}

installed() { dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q '^install ok installed$'; }

# apt-get install what is missing of "$@".
ensure_packages() {
	local p missing=()
	command -v dpkg-query >/dev/null || return 0 # not Debian: hope for the best
	for p in "$@"; do
		installed "$p" || missing+=("$p")
	done
	[ "${#missing[@]}" -eq 0 ] && return 0
	echo "bench: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >&2 && apt-get install -y -q "${missing[@]}" >&2 ||
		{ echo "bench: cannot install ${missing[*]}" >&2; exit 2; }
}

# ------------------------------------------------------------------ standalone: bootstrap
if [ -z "${BENCH_DRIVER:-}" ]; then
	need_root
	ensure_packages autoconf automake libtool pkg-config make gcc libc6-dev \
		libcap-ng-dev libconfig-dev libpam0g-dev
	build=${BUILD_DIR:-$top/build-bench}
	cd "$top" || exit 2
	[ -x configure ] || ./autogen.sh >/dev/null || exit 2
	mkdir -p "$build" && cd "$build" || exit 2
	[ -f Makefile ] || "$top/configure" --sysconfdir=/etc >/dev/null || exit 2
	make -j"$(nproc)" >/dev/null || exit 2
	exec make bench
fi

# ------------------------------------------------------------------ from make: outside the namespaces
if [ "${BA_IN_NS:-}" != 1 ]; then
	need_root
	ensure_packages qemu-system-common libpam-modules libpam-runtime iproute2 util-linux
	# The polkit row, when the module was built: a real polkitd on a private bus.
	if [ -f "${BA_STAGE:-}${BA_MODULEDIR:-}/polkit.so" ]; then
		ensure_packages polkitd dbus-daemon dbus-bin
	fi
fi

# tests/lib.sh re-runs this script inside fresh namespaces and builds the
# private world there (it speaks TAP: "Bail out!" is a setup failure).
# shellcheck source=../tests/lib.sh
. "$top/tests/lib.sh"
ba_enter_ns "$@"

ROUNDS=${BENCH_ROUNDS:-300}
RESULTS=${top_builddir:-.}/bench
BENCHDIR=$BA_POLICYDIR/bench # row policies: same file system as the policy
BR=br0

fatal() {
	echo "bench: $*" >&2
	exit 2
}

# The quota row's section grants every request of a burst: its taps are all held till its end.
QUOTA=$((${BENCH_BURST:-320} > 1000 ? ${BENCH_BURST:-320} : 1000))
[ -n "${BA_SBINDIR:-}" ] || fatal "BA_SBINDIR is not set (run through make bench)"
REAPER=$BA_SBINDIR/bridge-auth-reaper
REAPER_PID=

# ------------------------------------------------------------------ the world
ba_bridge "$BR"
ba_upstream_helper
install -o root -g root -m 4755 "$BENCH_FLOOR" "$BA_TMP/bin/bench-floor" || fatal "cannot install the floor"
FLOOR=$BA_TMP/bin/bench-floor
install -o root -g root -m 4755 "$BENCH_FLOOR_DYN" "$BA_TMP/bin/bench-floor-dyn" ||
	fatal "cannot install the dynamic floor"
FLOOR_DYN=$BA_TMP/bin/bench-floor-dyn

# Users: alice (lib.sh: alice, vmusers) and many, in 1,000 groups.  vm-br0 is
# the group the group module asks for (pattern vm-%b), listed last.
printf 'many:x:4010:4010:bench user in 1000 groups:/nonexistent:/usr/sbin/nologin\n' >>/etc/passwd &&
	printf 'many:!:19000:0:99999:7:::\n' >>/etc/shadow &&
	printf 'many:x:4010:\n' >>/etc/group || fatal "adding user many"
awk 'BEGIN { for (i = 1; i <= 998; i++) printf "bench-g%04d:x:%d:many\n", i, 20000 + i }' >>/etc/group ||
	fatal "adding groups"
printf 'vm-%s:x:21000:alice,many\n' "$BR" >>/etc/group || fatal "adding vm-$BR"
[ "$(id -G many | wc -w)" = 1000 ] || fatal "user many is in $(id -G many | wc -w) groups, not 1000"

# QEMU's bridge.conf: one rule, read by QEMU's helper and by our default stack.
ba_bridge_conf "allow $BR"

# The 10,000-rule acl: a top file including 100 files of 100 rules; the one
# rule that matches is the last, and since deny beats allow every file is read.
ACL10K=/etc/qemu/bench-acl10k
mkdir -p "$ACL10K" || fatal "mkdir $ACL10K"
for f in $(seq -w 0 99); do
	echo "include $ACL10K/part-$f.conf"
	awk -v f="$f" 'BEGIN {
		for (i = 0; i < 100; i++) {
			if (f == 99 && i == 99) { print "allow br0"; continue }
			printf "%s vm%s%02d\n", (i % 10 == 0) ? "deny" : "allow", f, i
		}
	}' >"$ACL10K/part-$f.conf" || fatal "writing $ACL10K/part-$f.conf"
done >"$ACL10K/bridge.conf" || fatal "writing $ACL10K/bridge.conf"
chmod -R go-w "$ACL10K"
[ "$(cat "$ACL10K"/part-*.conf | wc -l)" = 10000 ] || fatal "the acl files do not hold 10,000 rules"

# A small real PAM stack for the pam module.
ba_write_file /etc/pam.d/bridge-auth-bench root:root 0644 "# bridge-auth bench
account required pam_succeed_if.so quiet uid >= 1000
account required pam_unix.so"

# The same service in a directory of its own, whose "other" names one module:
# libpam always reads "other" too (on Debian: the four common-* files and
# every module they name), so this is what a site can save.
PAMDIR=/etc/qemu/pam.d
mkdir -p "$PAMDIR" && chmod 0755 "$PAMDIR" && cp /etc/pam.d/bridge-auth-bench "$PAMDIR/" &&
	ba_write_file "$PAMDIR/other" root:root 0644 "account required pam_deny.so" ||
	fatal "writing $PAMDIR"

# One bridge-auth.conf per row, installed by the driver before each request.
mkdir -p "$BENCHDIR" && chmod 0755 "$BENCHDIR" || fatal "mkdir $BENCHDIR"
cp "$BA_POLICYDIR/bridge-auth.conf" "$BENCHDIR/default.conf" || fatal "saving the default stack"
row_conf() { ba_write_file "$BENCHDIR/$1.conf" root:root 0644 "stack = ( $2 );"; }
ACL='{ module = "acl"; control = "required"; args = [ "file=/etc/qemu/bridge.conf" ]; }'
GROUP='{ module = "group"; control = "required"; args = [ "pattern=vm-%b" ]; }'
PAM='{ module = "pam"; control = "required"; args = [ "service=bridge-auth-bench" ]; }'
row_conf acl10k "{ module = \"acl\"; control = \"required\"; args = [ \"file=$ACL10K/bridge.conf\" ]; }"
row_conf group1k "$GROUP"
row_conf pam "$PAM"
row_conf stack3 "$ACL, $GROUP, $PAM"
PAMD='{ module = "pam"; control = "required"; args = [ "service=bridge-auth-bench", "confdir='"$PAMDIR"'" ]; }'
row_conf pamdir "$PAMD"
row_conf stack3dir "$ACL, $GROUP, $PAMD"
# The shipped stack, and a section for the bridge: a quota (counted under the
# user's lock from the marks) and an isolated port.
{ cat "$BENCHDIR/default.conf" &&
	echo "bridges = ( { match = \"$BR\"; max_taps_per_user = 8; isolated = true; } );"; } \
	>"$BENCHDIR/quotaiso.conf" && chmod 0644 "$BENCHDIR/quotaiso.conf" || fatal "writing quotaiso.conf"
# The concurrent quota row: the shipped stack, and a quota no burst reaches.
{ cat "$BENCHDIR/default.conf" &&
	echo "bridges = ( { match = \"$BR\"; max_taps_per_user = $QUOTA; } );"; } \
	>"$BENCHDIR/quota.conf" && chmod 0644 "$BENCHDIR/quota.conf" || fatal "writing quota.conf"

# polkit (when built): the module, required, asking a real polkitd on a
# private system bus (modules/polkit/tests/polkit-lib.sh); the rule in a file.
POLKIT_ROWS=()
if [ -f "$BA_MODULEDIR/polkit.so" ]; then
	# shellcheck source=../modules/polkit/tests/polkit-lib.sh
	. "$top/modules/polkit/tests/polkit-lib.sh"
	pk_world
	pk_rules 50-bench.rules <<-'EOF'
	polkit.addRule(function(action, subject) {
	    if (action.id == "org.qemu.bridge-auth.use-bridge" &&
	        action.lookup("bridge") == "br0" && subject.isInGroup("vmusers"))
	        return polkit.Result.YES;
	    return polkit.Result.NOT_HANDLED;
	});
	EOF
	start_bus
	start_polkitd "" --no-debug
	row_conf polkit '{ module = "polkit"; control = "required"; }'
	POLKIT_ROWS=(--row="polkit:$BA_HELPER:alice:$BENCHDIR/polkit.conf" --target=polkit:qemu:1.5)
fi

# The reaper, as installed hosts run it (its systemd unit): root, in this
# network namespace, in the foreground of its own process; while it runs,
# requests leave reaping to it.  Stopped at the end (reaper_stop).
if [ "${BENCH_REAPER:-}" = no ]; then
	REAPER_STATE="not run (BENCH_REAPER=no)"
elif [ -e "$BA_STAGE$REAPER" ]; then
	[ -x "$REAPER" ] || fatal "$REAPER is staged but not installed in the world"
	"$REAPER" >"$BA_TMP/reaper.log" 2>&1 &
	REAPER_PID=$!
	ba_bg "$REAPER_PID"
	sleep 0.5
	kill -0 "$REAPER_PID" 2>/dev/null ||
		fatal "bridge-auth-reaper did not start: $(tail -n 5 "$BA_TMP/reaper.log")"
	REAPER_STATE="running ($REAPER)"
else
	REAPER_STATE="not installed"
fi

# reaper_stop: stop the reaper, which must have run all along.
reaper_stop() {
	local rc
	[ -n "$REAPER_PID" ] || return 0
	kill -0 "$REAPER_PID" 2>/dev/null ||
		fatal "bridge-auth-reaper stopped during the run: $(tail -n 5 "$BA_TMP/reaper.log")"
	kill -TERM "$REAPER_PID"
	wait "$REAPER_PID"
	rc=$?
	REAPER_PID=
	case $rc in
	0 | 143) ;;
	*) fatal "bridge-auth-reaper exited with status $rc when stopped: $(tail -n 5 "$BA_TMP/reaper.log")" ;;
	esac
}

# For profiling in this same world (docs/performance.md): BENCH_SHELL=CMD
# runs CMD here instead of the benchmark (rows' policies in $BENCHDIR).
if [ -n "${BENCH_SHELL:-}" ]; then
	export BENCHDIR FLOOR BR ACL10K BA_CLIENT_BIN BA_UPSTREAM BA_HELPER BA_POLICYDIR BA_MODULEDIR BA_TMP
	bash -c "$BENCH_SHELL"
	exit $?
fi

# ------------------------------------------------------------------ the run
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
echo "bridge-auth bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine:  $(nproc) CPUs ($cpu), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
echo "          $(. /etc/os-release && echo "$PRETTY_NAME"); load average $(cut -d' ' -f1-3 /proc/loadavg) at start"
echo "ours:     $BA_HELPER (CFLAGS: ${BENCH_CFLAGS:-?})"
echo "qemu:     $BA_UPSTREAM ($(dpkg-query -W -f='qemu-system-common ${Version}' qemu-system-common 2>/dev/null))"
echo "floor:    bench-floor (static: tap, MTU, MAC, attach, up, send fd; no policy)"
echo "          floor-dyn: the same program linked like our helper (dynamic, libc only)"
case ${BENCH_CFLAGS:-} in *sanitize*) echo "WARNING:  built with sanitizers: not representative" ;; esac
echo "method:   fork -> exec (setuid root, called by an unprivileged user) -> fd received -> exit;"
echo "          rows interleaved round by round, $ROUNDS rounds after ${BENCH_WARMUP:-10} warm-up rounds"
echo "rows:     default  our helper, shipped stack: acl on bridge.conf with one rule"
echo "          acl-10k  acl, 10,000 rules in 100 included files (all read: deny beats allow)"
echo "          group-1k group (pattern vm-%b), the caller in 1,000 groups"
echo "          pam      pam, service: pam_succeed_if + pam_unix (account)"
echo "          stack-3  acl + group + pam, all required"
echo "          pam-dir, stack-3-dir: the same with the service in a PAM directory of its own"
echo "                   (confdir=$PAMDIR, where \"other\" is one line: not a target, a site's option)"
echo "          quota-iso the shipped stack, the bridge's section: max_taps_per_user 8, isolated"
[ "${#POLKIT_ROWS[@]}" -eq 0 ] ||
	echo "          polkit   polkit, required: polkitd 122 on a private system bus, one rule file (group vmusers)"
echo "          concurrent: qemu, default, and quota (the shipped stack, the bridge's section:"
echo "                   max_taps_per_user $QUOTA, so that every request of a burst is granted)"
echo "reaper:   $REAPER_STATE"

"$BENCH_DRIVER" --policy="$BA_POLICYDIR/bridge-auth.conf" --bridge="$BR" \
	--rounds="$ROUNDS" --warmup="${BENCH_WARMUP:-10}" \
	--burst="${BENCH_BURST:-320}" --inflight="${BENCH_INFLIGHT:-64}" \
	--conc-rounds="${BENCH_CONC_ROUNDS:-10}" \
	--row="qemu:$BA_UPSTREAM:alice:-" \
	--row="floor:$FLOOR:alice:-" \
	--row="floor-dyn:$FLOOR_DYN:alice:-" \
	--row="default:$BA_HELPER:alice:$BENCHDIR/default.conf" \
	--row="acl-10k:$BA_HELPER:alice:$BENCHDIR/acl10k.conf" \
	--row="group-1k:$BA_HELPER:many:$BENCHDIR/group1k.conf" \
	--row="pam:$BA_HELPER:alice:$BENCHDIR/pam.conf" \
	--row="stack-3:$BA_HELPER:alice:$BENCHDIR/stack3.conf" \
	--row="pam-dir:$BA_HELPER:alice:$BENCHDIR/pamdir.conf" \
	--row="stack-3-dir:$BA_HELPER:alice:$BENCHDIR/stack3dir.conf" \
	"${POLKIT_ROWS[@]}" \
	--row="quota-iso:$BA_HELPER:alice:$BENCHDIR/quotaiso.conf" \
	--conc="qemu:$BA_UPSTREAM:alice:-" \
	--conc="default:$BA_HELPER:alice:$BENCHDIR/default.conf" \
	--conc="quota:$BA_HELPER:alice:$BENCHDIR/quota.conf" \
	--ref-qemu=qemu --ref-floor=floor \
	--target=default:qemu:0.8 --target=default:floor:1.3 \
	--target=acl-10k:default:1.2 --target=group-1k:default:1.2 \
	--target=stack-3:qemu:1.0 --target-tput=default:qemu:1.0 \
	--target=quota-iso:default:1.15 --target-tput=quota:qemu:1.5 \
	--raw="$RESULTS/samples.tsv"
status=$?
[ "$status" -le 1 ] || fatal "the benchmark could not run (see above)"
[ -z "$(ba_taps)" ] || fatal "taps left behind: $(ba_taps | tr '\n' ' ')"

reaper_stop
exit "$status"
