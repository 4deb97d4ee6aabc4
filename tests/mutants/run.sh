#!/bin/bash
# The mutation check: each tests/mutants/NAME.patch breaks one security
# property on purpose; the suite must notice.  For each mutant: a copy of the
# source tree, the patch applied with `patch -p1`, an out-of-tree build, the
# whole `make check` (as root: the integration tests run); the mutant is
# caught when a test point fails that passes without it.
#
#     sudo tests/mutants/run.sh [NAME...]      (default: every *.patch)
#
# Prints one "PASS: mutant NAME caught by: POINT" or "FAIL: mutant NAME ..."
# line per mutant (a patch that no longer applies, or does not build, is a
# FAIL: refresh it), then "mutants caught K/N (T s)".  Exit status 0 only
# when every mutant was caught and the unpatched suite passed.
#
# Cost: configure and build once; per mutant, the built tree is copied back
# and only what the patch touches is rebuilt.  Environment: MUTANT_WORK (a
# scratch directory, default a new one under /var/tmp, removed at the end
# unless KEEP=1), MUTANT_JOBS (parallel tests, default 2 x nproc: most
# integration tests wait rather than compute), MUTANT_TIMEOUT (per suite
# run, default 1200 s).  For refreshing a patch quickly (not for CI):
# MUTANT_TESTS="tests/test-inside.sh ..." runs only those tests, and
# MUTANT_REUSE=1 with the same MUTANT_WORK reuses the last unpatched build.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
mutants=$top/tests/mutants
ncpu=$(nproc 2>/dev/null || echo 2)
jobs=${MUTANT_JOBS:-$((2 * ncpu))}
limit=${MUTANT_TIMEOUT:-1200}
t0=$SECONDS

say() { printf 'mutants: %s\n' "$*" >&2; }
[ "$(id -u)" = 0 ] || { echo "FAIL: mutants: must run as root (the integration tests catch most mutants)"; exit 1; }

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for p in "$mutants"/*.patch; do
		[ -e "$p" ] || continue
		n=${p##*/}
		names+=("${n%.patch}")
	done
fi
[ ${#names[@]} -gt 0 ] || { echo "FAIL: mutants: no tests/mutants/*.patch"; exit 1; }

work=${MUTANT_WORK:-$(mktemp -d /var/tmp/bridge-auth-mutants.XXXXXX)} || exit 1
[ "${KEEP:-0}" = 1 ] || trap 'rm -rf -- "$work"' EXIT
src=$work/src build=$work/build
if [ "${MUTANT_REUSE:-0}" = 1 ] && [ -d "$work/src.pristine" ] && [ -d "$work/build.pristine" ]; then
	say "reusing the unpatched build in $work"
	rm -rf "$src" "$build" && cp -a "$work/src.pristine" "$src" && cp -a "$work/build.pristine" "$build" || exit 1
else
	rm -rf "$src" "$build" "$work/src.pristine" "$work/build.pristine"
	mkdir -p "$src" "$build" || exit 1

	# The tree as it is (tracked and new files; no build output), configured once.
	if git -C "$top" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		(cd "$top" && git ls-files -z --cached --others --exclude-standard |
			while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
			tar --null -T - -cf -) | tar -C "$src" -xf - || exit 1
	else
		tar -C "$top" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$src" -xf - || exit 1
	fi
	say "building the unpatched tree in $work"
	(cd "$src" && ./autogen.sh >/dev/null 2>&1) || { echo "FAIL: mutants: autogen.sh failed"; exit 1; }
	(cd "$build" && "$src/configure" --sysconfdir=/etc >configure.out 2>&1) ||
		{ echo "FAIL: mutants: configure failed (see $build/config.log)"; exit 1; }
	make -C "$build" -j"$ncpu" >"$work/build.out" 2>&1 && make -C "$build" -j"$ncpu" check TESTS= >>"$work/build.out" 2>&1 ||
		{ tail -20 "$work/build.out"; echo "FAIL: mutants: the unpatched tree does not build"; exit 1; }
	cp -a "$src" "$work/src.pristine" && cp -a "$build" "$work/build.pristine" || exit 1
fi

# run_suite LOG: the whole make check in $build; its failing points in LOG.fail.
run_suite() {
	if [ -n "${MUTANT_TESTS:-}" ]; then
		timeout -k 30 "$limit" make -C "$build" -j"$jobs" check TESTS="$MUTANT_TESTS" >"$1" 2>&1
	else
		timeout -k 30 "$limit" make -C "$build" -j"$jobs" check >"$1" 2>&1
	fi
	local st=$?
	grep -E '^(FAIL|ERROR|XPASS):' "$1" | sed 's/ - .*//; s/ [0-9]*$//' | sort -u >"$1.tests"
	grep -E '^(FAIL|ERROR|XPASS):' "$1" | sort -u >"$1.fail"
	[ "$st" = 124 ] && echo "TIMEOUT: make check ran longer than $limit s" >>"$1.fail"
	return "$st"
}

passed=0 failed=0 caught=0
s=$SECONDS
run_suite "$work/base.log"
base_st=$?
say "unpatched suite: status $base_st, $((SECONDS - s)) s"
if [ "$base_st" = 0 ]; then
	echo "PASS: mutants: the unpatched suite passes ($((SECONDS - s)) s)"
	passed=$((passed + 1))
else
	echo "FAIL: mutants: the unpatched suite fails; a mutant is caught only by a point that passed here"
	sed 's/^/    /' "$work/base.log.fail" | head -20
	failed=$((failed + 1))
fi

for name in "${names[@]}"; do
	patch=$mutants/$name.patch
	s=$SECONDS
	rm -rf "$src" "$build" && cp -a "$work/src.pristine" "$src" && cp -a "$work/build.pristine" "$build" || exit 1
	what=$(sed -n 's/^# Breaks: //p' "$patch" 2>/dev/null | head -1)
	if [ ! -f "$patch" ]; then
		echo "FAIL: mutant $name: no such patch $patch"
		failed=$((failed + 1))
		continue
	fi
	if ! (cd "$src" && patch -p1 --batch --forward --no-backup-if-mismatch -s <"$patch" >"$work/$name.patch.out" 2>&1); then
		echo "FAIL: mutant $name: tests/mutants/$name.patch DOES NOT APPLY to this tree: refresh it"
		sed 's/^/    /' "$work/$name.patch.out" | head -10
		failed=$((failed + 1))
		continue
	fi
	if ! make -C "$build" -j"$ncpu" >"$work/$name.build" 2>&1; then
		echo "FAIL: mutant $name: does not build with tests/mutants/$name.patch: refresh it"
		grep -E 'error|Error' "$work/$name.build" | head -10 | sed 's/^/    /'
		failed=$((failed + 1))
		continue
	fi
	run_suite "$work/$name.log"
	# Caught: some point fails that did not fail unpatched.
	new=$(comm -13 "$work/base.log.fail" "$work/$name.log.fail")
	if [ -n "$new" ]; then
		caught=$((caught + 1))
		passed=$((passed + 1))
		echo "PASS: mutant $name caught ($((SECONDS - s)) s): $what"
		{ grep '^FAIL' <<<"$new"; grep -v '^FAIL' <<<"$new"; } | head -6 | sed 's/^/    /'
		[ "$(grep -c . <<<"$new")" -le 6 ] || echo "    ... $(grep -c . <<<"$new") failing points in all, in: $(comm -13 "$work/base.log.tests" "$work/$name.log.tests" | sed 's/^[A-Z]*: //' | sort -u | tr '\n' ' ')"
	else
		failed=$((failed + 1))
		echo "FAIL: mutant $name NOT CAUGHT: the whole suite passes with it ($((SECONDS - s)) s): $what"
		sed -n 's/^# Caught by: /    expected to be caught by: /p' "$patch"
	fi
done
echo "mutants caught $caught/${#names[@]} ($((SECONDS - t0)) s on $ncpu cores, tests $jobs at a time)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
