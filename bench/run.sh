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
# BENCH_INFLIGHT (64), BENCH_CONC_ROUNDS (bursts per row, 10); the busy
# hosts: BENCH_WORLDS (how many of our taps each holds, "0 100 500 1000"; empty:
# none), BENCH_OTHER (other interfaces in each, 500), BENCH_WORLD_ROUNDS
# (rounds per world, 100); BENCH_REAPER=no (do not run bridge-auth-reaper
# even when it is installed).
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

count() { [[ $1 =~ ^[0-9]+$ ]] && [ "${#1}" -le 6 ]; }

# The busy hosts: ascending counts of our taps; other interfaces; rounds.
WORLDS=$(for n in ${BENCH_WORLDS-0 100 500 1000}; do echo "$n"; done | sort -nu | paste -sd' ')
for n in $WORLDS; do
	count "$n" || fatal "BENCH_WORLDS: '$n' is not a count of taps"
done
OTHER=${BENCH_OTHER:-500}
count "$OTHER" || fatal "BENCH_OTHER: '$OTHER' is not a count of interfaces"
WROUNDS=${BENCH_WORLD_ROUNDS:-100}
count "$WROUNDS" && [ "$WROUNDS" -ge 1 ] || fatal "BENCH_WORLD_ROUNDS: '$WROUNDS' is not a positive count"
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
# requests leave reaping to it.  It is watching once it has logged its first
# line (to the world's syslog sink; until then it listens, takes its lock
# and reaps what is there).  Stopped at the end (reaper_stop).
if [ "${BENCH_REAPER:-}" = no ]; then
	REAPER_STATE="not run (BENCH_REAPER=no)"
elif [ -e "$BA_STAGE$REAPER" ]; then
	[ -x "$REAPER" ] || fatal "$REAPER is staged but not installed in the world"
	"$REAPER" >"$BA_TMP/reaper.log" 2>&1 &
	REAPER_PID=$!
	ba_bg "$REAPER_PID"
	for _ in $(seq 100); do
		grep -qF " bridge-auth-reaper[$REAPER_PID]: " "$BA_SYSLOG" 2>/dev/null && break
		kill -0 "$REAPER_PID" 2>/dev/null ||
			fatal "bridge-auth-reaper did not start: $(tail -n 5 "$BA_TMP/reaper.log")"
		sleep 0.1
	done
	grep -qF " bridge-auth-reaper[$REAPER_PID]: " "$BA_SYSLOG" ||
		fatal "bridge-auth-reaper logged nothing in 10 s: not watching"
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
if [ -n "$WORLDS" ]; then
	echo "busy:     qemu, floor-dyn, default on the empty host, then with N = $WORLDS of our taps"
	echo "          held on $BR (made by bob through our helper) + $OTHER other interfaces (veth pairs),"
	echo "          $WROUNDS rounds each; the ratio to qemu against the empty host's"
fi
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
	--target=default:qemu:0.7 --target=default:floor-dyn:1.25 \
	--target=acl-10k:default:1.2 --target=group-1k:default:1.2 \
	--target=stack-3:qemu:1.0 --target-tput=default:qemu:1.0 \
	--target=quota-iso:default:1.15 --target-tput=quota:qemu:1.5 \
	--raw="$RESULTS/samples.tsv"
status=$?
[ "$status" -le 1 ] || fatal "the benchmark could not run (see above)"
[ -z "$(ba_taps)" ] || fatal "taps left behind: $(ba_taps | tr '\n' ' ')"

# ------------------------------------------------------------------ busy hosts
# The same request as the host fills up.  Each world adds to the one before:
# the empty host (lo and $BR), then $OTHER interfaces that are not ours (veth
# pairs, as containers' hosts have; up), then N taps of ours on $BR, made by
# bob through our helper (so they carry our marks) and held open by one
# holder process (bench --hold) for as long as the worlds last.  In each, the
# rows qemu, floor-dyn and default, interleaved.  QEMU's helper does none of
# our work (marks, reaping, quota counts): our ratio to it, against the
# empty host's, is what our work costs as the host fills up; floor-dyn's
# growth is the kernel's (tap%d allocation, a bridge with more ports, a
# larger namespace), which every helper pays.
WTABLE=$BA_TMP/worlds.tsv
HELD=0
HOLDER_JOB=

# world_rows NAME LABEL: the rows in the host as it is now; one line of $WTABLE
# (NAME, LABEL, interfaces, then the medians of qemu, floor-dyn and default).
world_rows() {
	local name=$1 label=$2 links sum=$BA_TMP/world-$1.summary
	links=$(ip -o link show | wc -l)
	echo "busy host: $label, $links interfaces" >&2
	"$BENCH_DRIVER" --policy="$BA_POLICYDIR/bridge-auth.conf" --bridge="$BR" \
		--rounds="$WROUNDS" --warmup="${BENCH_WARMUP:-10}" --conc-rounds=0 \
		--row="qemu:$BA_UPSTREAM:alice:-" \
		--row="floor-dyn:$FLOOR_DYN:alice:-" \
		--row="default:$BA_HELPER:alice:$BENCHDIR/default.conf" \
		--ref-qemu=qemu --ref-floor=floor-dyn --raw="$RESULTS/world-$name.tsv" --summary="$sum" \
		>"$RESULTS/world-$name.txt" || fatal "busy host, $label: the rows could not run (see above)"
	awk -F'\t' -v name="$name" -v label="$label" -v links="$links" '
		{ m[$1] = $3 }
		END {
			if (!("qemu" in m) || !("floor-dyn" in m) || !("default" in m)) exit 1
			printf "%s\t%s\t%s\t%s\t%s\t%s\n", name, label, links, m["qemu"], m["floor-dyn"], m["default"]
		}' "$sum" >>"$WTABLE" || fatal "busy host, $label: no medians in $sum"
}

# other_interfaces N: N interfaces that are not ours (N/2 veth pairs; a bridge for an odd one).
other_interfaces() {
	local i
	{
		for ((i = 0; i < $1 / 2; i++)); do
			printf 'link add other%d type veth peer name other%dp\n' "$i" "$i"
			printf 'link set other%d up\nlink set other%dp up\n' "$i" "$i"
		done
		[ $(($1 % 2)) = 0 ] || printf 'link add other-odd type bridge\nlink set other-odd up\n'
	} | ip -batch - >&2 || fatal "cannot add $1 other interfaces (veth pairs)"
}

# install_conf ROW: the policy of ROW ($BENCHDIR/ROW.conf) in place, as the driver installs it.
install_conf() {
	[ "$BENCHDIR/$1.conf" -ef "$BA_POLICYDIR/bridge-auth.conf" ] && return 0
	ln -f "$BENCHDIR/$1.conf" "$BA_POLICYDIR/bridge-auth.conf.bench-new" &&
		mv -f "$BA_POLICYDIR/bridge-auth.conf.bench-new" "$BA_POLICYDIR/bridge-auth.conf" ||
		fatal "cannot install $BENCHDIR/$1.conf as the policy"
}

# hold_taps N: the holder holds N of our taps on $BR (N >= $HELD), made under the shipped stack.
hold_taps() {
	local line
	if [ -z "$HOLDER_JOB" ]; then
		coproc HOLDER { "$BENCH_DRIVER" --hold="${WORLDS##* }" --bridge="$BR" --row="hold:$BA_HELPER:bob:-"; }
		# bash forgets these when the coprocess ends
		# shellcheck disable=SC2153 # HOLDER_PID is the coprocess's
		HOLDER_JOB=$HOLDER_PID HOLDER_IN=${HOLDER[1]} HOLDER_OUT=${HOLDER[0]}
		ba_bg "$HOLDER_JOB"
	fi
	echo "busy host: holding $1 taps" >&2
	install_conf default # the holder installs none
	echo $(($1 - HELD)) >&"$HOLDER_IN" &&
		IFS= read -r -t $((60 + ($1 - HELD) / 5)) line <&"$HOLDER_OUT" ||
		fatal "the holder of the taps stopped or did not answer (see above)"
	[ "$line" = "held $1" ] || fatal "the holder of the taps said '$line', not 'held $1'"
	HELD=$1
}

# release_taps: the holder closes its taps, which go with their fds.
release_taps() {
	[ -n "$HOLDER_JOB" ] || return 0
	{ exec {HOLDER_IN}>&- {HOLDER_OUT}<&-; } 2>/dev/null # bash may have closed them already
	wait "$HOLDER_JOB" || fatal "the holder of the taps failed"
	HOLDER_JOB=
}

# check_world N OTHER: exactly N taps, all on $BR and marked for bob, and OTHER other interfaces.
check_world() {
	local taps ours links
	taps=$(ba_taps | wc -l)
	ours=$(ip -o link show master "$BR" type tun | grep -c "alias bridge-auth uid=${BA_UID[bob]} bridge=$BR ")
	links=$(ip -o link show | wc -l)
	[ "$taps" = "$1" ] && [ "$ours" = "$1" ] ||
		fatal "busy host: $taps taps, $ours of them on $BR with bob's mark, not $1"
	[ "$links" = $((2 + $2 + $1)) ] ||
		fatal "busy host: $links interfaces, not lo, $BR, $2 other and $1 taps"
}

# world_table: the tables, from $WTABLE (the empty host first).
world_table() {
	awk -F'\t' -v rounds="$WROUNDS" '
		NR == 1 { q0 = $4; f0 = $5; d0 = $6; r0 = d0 / q0 }
		{ label[NR] = $2; links[NR] = $3; q[NR] = $4; f[NR] = $5; d[NR] = $6 }
		END {
			printf "\n%-26s %5s %9s %9s %9s %8s %8s\n", "busy host (ms per request)", "links",
			       "qemu", "floor-dyn", "default", "x qemu", "x empty"
			for (i = 1; i <= NR; i++)
				printf "%-26s %5d %9.3f %9.3f %9.3f %8.2f %8.2f\n", label[i], links[i], q[i], f[i],
				       d[i], d[i] / q[i], d[i] / q[i] / r0
			printf "(medians of %d rounds; x empty: default / qemu, over the same on the empty host)\n", rounds
			printf "\n%-26s %7s %7s %9s %9s %9s %9s %7s\n", "growth vs the empty host", "qemu x",
			       "f-dyn x", "qemu +ms", "f-dyn +ms", "def. +ms", "ours +ms", "kernel"
			for (i = 2; i <= NR; i++) {
				dg = d[i] - d0; fg = f[i] - f0
				printf "%-26s %7.2f %7.2f %+9.3f %+9.3f %+9.3f %+9.3f", label[i], q[i] / q0,
				       f[i] / f0, q[i] - q0, fg, dg, dg - fg
				if (dg >= 0.1)
					printf " %6.0f%%\n", 100 * fg / dg
				else
					printf " %7s\n", "-"
			}
			print "(f-dyn: floor-dyn, whose growth is the kernel'"'"'s: tap%d allocation, a bridge with more"
			print " ports, a larger namespace, paid by every helper; ours: default'"'"'s growth beyond it;"
			print " kernel: floor-dyn'"'"'s share of default'"'"'s growth, when that is 0.1 ms or more)"
		}' "$WTABLE"
}

# world_target: default's ratio to qemu at 500 taps, against the empty host's.
world_target() {
	local line
	line=$(awk -F'\t' '
		NR == 1 { r0 = $6 / $4 }
		$1 == "500" { r = $6 / $4 }
		END {
			if (r == "") { print "SKIP"; exit }
			printf "%s %.2f\n", r / r0 <= 1.2 ? "PASS" : "FAIL", r / r0
		}' "$WTABLE")
	echo
	echo "targets (busy host)"
	case $line in
	SKIP) echo "  SKIP  default at 500 taps: not run (BENCH_WORLDS)" ;;
	*)
		printf '  %-4s  %-26s <= 1.20 x (ratio to qemu) of the empty host (seen %s x)\n' \
			"${line% *}" "default at 500 taps" "${line#* }"
		[ "${line% *}" = PASS ] || status=1
		;;
	esac
}

rm -f "$RESULTS"/world-*.txt "$RESULTS"/world-*.tsv || fatal "cannot remove the last run's busy hosts"
if [ -n "$WORLDS" ]; then
	: >"$WTABLE" || fatal "cannot write $WTABLE"
	check_world 0 0
	world_rows empty "empty host"
	other_interfaces "$OTHER"
	for n in $WORLDS; do
		hold_taps "$n"
		check_world "$n" "$OTHER"
		world_rows "$n" "$n taps + $OTHER other"
	done
	release_taps
	[ -z "$(ba_taps)" ] || fatal "taps left behind by the holder: $(ba_taps | tr '\n' ' ')"
	world_table
	world_target
fi
reaper_stop
exit "$status"
