#!/bin/bash
# `bridge-auth explain` and the real helper agree on every scenario of the
# integration suites: each suite below is run again with tests/lib.sh
# followed by tests/admin-crosscheck.sh, which puts every request it makes
# of our helper to explain as well and adds a test point per request.  This
# test passes when every suite passes that way and has at least one
# crosscheck point.

set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
[ "$(id -u)" = 0 ] || { echo "1..0 # SKIP needs root (the suites run do)"; exit 77; }

# A source tree whose tests/lib.sh sources the crosscheck after itself.
tree=$(mktemp -d "${TMPDIR:-/tmp}/ba-crosscheck.XXXXXX") || exit 99
trap 'rm -rf -- "$tree"' EXIT
for f in "$top_srcdir"/*; do ln -s "$f" "$tree/${f##*/}"; done
rm "$tree/tests" && mkdir "$tree/tests" || exit 99
for f in "$top_srcdir"/tests/*; do ln -s "$f" "$tree/tests/${f##*/}"; done
rm "$tree/tests/lib.sh" || exit 99
{ cat "$top_srcdir/tests/lib.sh"; echo ". \"$top_srcdir/tests/admin-crosscheck.sh\""; } >"$tree/tests/lib.sh"

n=0 failed=0
# (tests/test-adversarial.sh also agrees, on 61 requests, but doubles the time.)
for suite in tests/test-helper.sh tests/test-compat.sh modules/group/tests/test-group.sh \
	modules/pam/tests/test-pam.sh tests/test-syslog.sh; do
	n=$((n + 1))
	out=$(top_srcdir=$tree bash "$tree/$suite" 2>&1)
	rc=$?
	points=$(grep -c '^ok [0-9]* - crosscheck:' <<<"$out")
	bad=$(grep '^not ok' <<<"$out" | grep -v '# TODO')
	if [ "$rc" = 77 ]; then
		# Run as root only: a suite that skips here is a failure (tests/tap-skip.sh).
		echo "not ok $n - $suite skipped although running as root: $(grep -m1 'SKIP' <<<"$out")"
		failed=$((failed + 1))
	elif [ "$rc" = 0 ] && [ -z "$bad" ] && [ "$points" -gt 0 ]; then
		echo "ok $n - $suite: explain agrees with the helper on all $points requests"
	else
		echo "not ok $n - $suite: explain agrees with the helper on every request (exit $rc, $points agreeing)"
		printf '%s\n' "$bad" | head -40 | sed 's/^/#   /'
		grep -A3 '^not ok' <<<"$out" | grep -v '# TODO' | grep '^#' | head -40
		failed=$((failed + 1))
	fi
done
echo "1..$n"
[ "$failed" -eq 0 ]
