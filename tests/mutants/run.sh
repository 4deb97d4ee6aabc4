#!/bin/bash
# shellcheck disable=SC2086,SC2046 # test lists are words split on spaces, on purpose
# The mutation check: each tests/mutants/NAME.patch breaks one security
# property on purpose; the suite must notice.  Each patch has headers:
#     # Breaks: the property, and how the patch breaks it
#     # Caught by: the test points expected to fail (prose)
#     # Tests: the test programs/scripts expected to catch it, as named in
#       TESTS (machine-readable, space-separated)
#
#     sudo tests/mutants/run.sh [NAME...]      (default: every *.patch)
#
# Scheme (why: CI's time budget; the whole make check takes minutes here, so
# 1 + 14 whole runs do not fit):
#   1. configure and build the unpatched tree once, out of tree;
#   2. baseline: the union of every patch's "# Tests:" runs once on the
#      unpatched build; a point failing there is printed and is a FAIL;
#   3. per mutant: the built tree is copied back, the patch applied, only
#      what it touches rebuilt, and its own "# Tests:" run
#      (make check TESTS='...'); caught = a point fails that passed in the
#      baseline;
#   4. only when NOT caught there, the whole rest of the suite runs (make
#      check with every other test): the expected tests are a shortcut, an
#      uncaught mutant still meets the whole suite.  Caught there is a PASS
#      that names the test (and says the "# Tests:" header is stale);
#      caught nowhere is "FAIL ... NOT CAUGHT".
# Prints one "PASS: mutant NAME caught ..." or "FAIL: mutant NAME ..." line
# per mutant with the catching points (a patch that no longer applies, does
# not build or has no "# Tests:" line is a FAIL: refresh it), then
# "mutants caught K/N (T s)".  Exit status 0 only when every mutant was
# caught and the baseline passed.
#
# Environment: MUTANT_WORK (a scratch directory, default a new one under
# /var/tmp, removed at the end unless KEEP=1), MUTANT_JOBS (parallel tests,
# default 2 x nproc: most integration tests wait rather than compute),
# MUTANT_TIMEOUT (per make check, default 1200 s).  MUTANT_REUSE=1 with the
# same MUTANT_WORK reuses the last unpatched build (for refreshing a patch).
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

# run_tests LOG TESTS...: make check with those tests in $build; its failing
# points in LOG.fail, the tests they belong to in LOG.tests.
run_tests() {
	local log=$1
	shift
	timeout -k 30 "$limit" make -C "$build" -j"$jobs" check TESTS="$*" >"$log" 2>&1
	local st=$?
	grep -E '^(FAIL|ERROR|XPASS):' "$log" | sort -u >"$log.fail"
	sed 's/^[A-Z]*: //; s/ .*//' "$log.fail" | sort -u >"$log.tests"
	[ "$st" = 124 ] && echo "TIMEOUT: make check TESTS='$*' ran longer than $limit s" >>"$log.fail"
	return "$st"
}

# restore: the unpatched source and build, as built once.
restore() {
	rm -rf "$src" "$build" && cp -a "$work/src.pristine" "$src" && cp -a "$work/build.pristine" "$build"
}

# tests_of PATCH: its "# Tests:" line.
tests_of() { sed -n 's/^# Tests: *//p' "$1" | head -1; }

# Every test of the suite, as the Makefile names them ($(TESTS) is make's).
# shellcheck disable=SC2016
all_tests=$(printf 'ba-print-tests:\n\t@echo $(TESTS)\n' |
	make -s -C "$build" -f Makefile -f - ba-print-tests 2>/dev/null) || all_tests=
[ -n "$all_tests" ] || { echo "FAIL: mutants: cannot list the suite's TESTS"; exit 1; }

# The baseline: the union of every expected test, once, unpatched.
union=$(for name in "${names[@]}"; do
	[ -f "$mutants/$name.patch" ] && tests_of "$mutants/$name.patch" | tr ' ' '\n'
done | grep . | sort -u | tr '\n' ' ')
passed=0 failed=0 caught=0
s=$SECONDS
run_tests "$work/base.log" $union
base_st=$?
say "baseline ($union): status $base_st, $((SECONDS - s)) s"
if [ "$base_st" = 0 ] && [ ! -s "$work/base.log.fail" ]; then
	echo "PASS: mutants: the baseline passes unpatched ($((SECONDS - s)) s): $union"
	passed=$((passed + 1))
else
	echo "FAIL: mutants: the baseline fails unpatched (status $base_st); a mutant is caught only by a point that passed here"
	sed 's/^/    /' "$work/base.log.fail" | head -20
	failed=$((failed + 1))
fi

# report NAME WHAT NEW: a PASS line and the catching points.
report() {
	caught=$((caught + 1))
	passed=$((passed + 1))
	echo "PASS: mutant $1 caught ($((SECONDS - s)) s): $2"
	{ grep '^FAIL' <<<"$3"; grep -v '^FAIL' <<<"$3"; } | head -6 | sed 's/^/    /'
	[ "$(grep -c . <<<"$3")" -le 6 ] || echo "    ... $(grep -c . <<<"$3") failing points in all, in: $(sed 's/^[A-Z]*: //; s/ .*//' <<<"$3" | sort -u | tr '\n' ' ')"
}

for name in "${names[@]}"; do
	patch=$mutants/$name.patch
	s=$SECONDS
	if [ ! -f "$patch" ]; then
		echo "FAIL: mutant $name: no such patch $patch"
		failed=$((failed + 1))
		continue
	fi
	what=$(sed -n 's/^# Breaks: //p' "$patch" | head -1)
	expected=$(tests_of "$patch")
	if [ -z "$expected" ]; then
		echo "FAIL: mutant $name: tests/mutants/$name.patch has no '# Tests:' line"
		failed=$((failed + 1))
		continue
	fi
	restore || exit 1
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
	# Caught: some point fails that did not fail in the baseline.
	run_tests "$work/$name.log" $expected
	new=$(comm -13 "$work/base.log.fail" "$work/$name.log.fail")
	if [ -n "$new" ]; then
		report "$name" "$what" "$new"
		continue
	fi
	# Not caught by its expected tests: the whole rest of the suite.
	rest=$(comm -23 <(tr ' ' '\n' <<<"$all_tests" | grep . | sort -u) \
		<(tr ' ' '\n' <<<"$expected" | grep . | sort -u) | tr '\n' ' ')
	say "$name: not caught by $expected; running the rest of the suite"
	run_tests "$work/$name.rest.log" $rest
	new=
	if [ -s "$work/$name.rest.log.fail" ]; then
		# Count only points that pass unpatched: rerun those tests without it.
		restore || exit 1
		run_tests "$work/$name.rest-base.log" $(cat "$work/$name.rest.log.tests")
		new=$(comm -13 "$work/$name.rest-base.log.fail" "$work/$name.rest.log.fail")
	fi
	if [ -n "$new" ]; then
		report "$name" "$what (NOT by its '# Tests:' $expected: update that header)" "$new"
	else
		failed=$((failed + 1))
		echo "FAIL: mutant $name NOT CAUGHT: the whole suite passes with it ($((SECONDS - s)) s): $what"
		sed -n 's/^# Caught by: /    expected to be caught by: /p' "$patch"
	fi
done
echo "mutants caught $caught/${#names[@]} ($((SECONDS - t0)) s on $ncpu cores, tests $jobs at a time)"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
