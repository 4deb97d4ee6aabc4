#!/bin/bash
# The whole test suite, from a clean tree: install dependencies, build out of
# tree, run `make check` (unit tests as anyone; integration tests as root),
# then the hardening runs and the mutation check (root; HARDENING=no and
# MUTANTS=no leave them out), then print one closing line
# "N passed, N failed, N skipped".
# Exit status: 0 only when nothing failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-check}

if [ "$(id -u)" = 0 ]; then
	"$top/tests/deps.sh" || exit 1
else
	echo "check.sh: not root: dependencies not installed, integration tests will skip" >&2
fi

set -e
cd "$top"
[ -x configure ] || ./autogen.sh >/dev/null
mkdir -p "$build"
cd "$build"
[ -f Makefile ] || "$top/configure" --sysconfdir=/etc --enable-sanitizers=${SANITIZERS:-no} >/dev/null
make -j"$(nproc)" >/dev/null
set +e
make -j"$(nproc)" check
status=$?

# Count test points (TAP lines), not scripts: automake's own summary is per point too.
count() {
	local n
	n=$(sed -n "s/^# $1: *//p" test-suite.log 2>/dev/null | head -1)
	echo "${n:-0}"
}
passed=$(( $(count PASS) + $(count XFAIL) ))
failed=$(( $(count FAIL) + $(count XPASS) + $(count ERROR) ))
skipped=$(count SKIP)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
	failed=1 # make itself failed (a build error, a crashed driver)
fi
# The README's build, in the source tree (distributions build there): a copy
# of this tree (tracked and untracked files, not ignored ones) configured and
# built in place, its unit tests run, then `make distclean` must leave nothing
# behind but what autogen.sh made.  Needs no root.
if [ "${INTREE:-yes}" = yes ]; then
	if "$top/tests/check-intree.sh" "$top" >intree.log 2>&1; then
		echo "PASS: in-tree build (autogen, configure, make, unit tests, distclean)"
		passed=$((passed + 1))
	else
		tail -30 intree.log
		echo "FAIL: in-tree build (see $build/intree.log)"
		failed=$((failed + 1))
	fi
fi
# The release tarball builds, installs, passes its tests and uninstalls
# cleanly.  Its tests: every unit test, and the integration tests that use
# each part of the installed layout (helper, modules, admin tool, SDK,
# reaper); the long ones (QEMU and libvirt boots, slapd, polkitd, the
# adversarial, compatibility, concurrency and quota suites) ran above on the
# same code, and running them twice would cost CI's time, not find a missing
# file.
if [ "${DISTCHECK:-yes}" = yes ]; then
	quick="test-helper.sh test-syslog.sh test-manpages.sh test-noname.sh test-landlock.sh
	       test-sections.sh test-admin.sh test-sdk.sh test-inside.sh test-pam.sh test-group.sh
	       test-reaper.sh"
	dist_tests=
	for t in $(make -s -f Makefile -f - print-tests <<<'print-tests: ; @echo $(TESTS)'); do
		case $t in
		*.sh) case " $(echo $quick) " in *" ${t##*/} "*) dist_tests="$dist_tests $t" ;; esac ;;
		*) dist_tests="$dist_tests $t" ;;
		esac
	done
	if make distcheck TESTS="$dist_tests" >distcheck.log 2>&1; then
		echo "PASS: make distcheck"
		passed=$((passed + 1))
	else
		tail -40 distcheck.log
		echo "FAIL: make distcheck (see $build/distcheck.log)"
		failed=$((failed + 1))
	fi
fi
# The Debian packages (root): dpkg-buildpackage, lintian, piuparts, and the
# drop-in test: QEMU with no helper= gets its tap from the installed package.
# (A git checkout only: release tarballs hold no debian/.)
if [ "${PACKAGE:-yes}" = yes ] && [ "$(id -u)" = 0 ] && [ -f "$top/debian/control" ]; then
	BUILD_DIR="$build" "$top/tests/test-package.sh" >package.log 2>&1
	grep -v '^test-package: [0-9]* passed' package.log
	passed=$((passed + $(grep -c '^PASS: ' package.log)))
	failed=$((failed + $(grep -c '^FAIL: ' package.log)))
	if ! grep -q '^test-package: ' package.log; then
		echo "FAIL: test-package.sh ended early (see $build/package.log)"
		failed=$((failed + 1))
	fi
fi
# Hardening (root): the suite under ASan+UBSan, valgrind, the fuzzers (SECURITY.md).
if [ "${HARDENING:-yes}" = yes ] && [ "$(id -u)" = 0 ]; then
	BUILD_DIR="$build" SAN_BUILD_DIR="$top/build-san" FUZZ_TIME="${FUZZ_TIME:-60}" \
		"$top/tests/check-hardening.sh" >hardening.log 2>&1
	grep -v '^[0-9]* passed, [0-9]* failed' hardening.log
	passed=$((passed + $(grep -c '^PASS: ' hardening.log)))
	failed=$((failed + $(grep -c '^FAIL: ' hardening.log)))
	if ! grep -q '^PASS: ' hardening.log && ! grep -q '^FAIL: ' hardening.log; then
		echo "FAIL: check-hardening.sh printed no result"
		failed=$((failed + 1))
	fi
fi
# The mutation check (root): every breakage in tests/mutants/ must make the
# suite fail (tests/mutants/run.sh; one PASS/FAIL line per mutant).
if [ "${MUTANTS:-yes}" = yes ] && [ "$(id -u)" = 0 ]; then
	"$top/tests/mutants/run.sh" >mutants.log 2>mutants.err
	grep -v '^[0-9]* passed, [0-9]* failed' mutants.log
	passed=$((passed + $(grep -c '^PASS: ' mutants.log)))
	failed=$((failed + $(grep -c '^FAIL: ' mutants.log)))
	if ! grep -q '^mutants caught ' mutants.log; then
		tail -20 mutants.err
		echo "FAIL: tests/mutants/run.sh did not finish"
		failed=$((failed + 1))
	fi
fi
echo "$passed passed, $failed failed, ${skipped:-0} skipped"
[ "$failed" -eq 0 ]
