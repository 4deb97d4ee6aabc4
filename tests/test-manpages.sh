#!/bin/bash
# Every man page passes mandoc's linter at warning level (TAP).
set -u
cd "$top_srcdir" || exit 99
pages=(man/qemu-bridge-helper.8 man/bridge-auth.conf.5 man/bridge-auth.8 man/bridge-auth-reaper.8 man/bridge-auth-module.7
	modules/*/*.[1-8])
if [ -z "${MANDOC:-}" ]; then
	echo "1..0 # SKIP mandoc not installed"
	exit 77
fi
n=0 failed=0
for page in "${pages[@]}"; do
	n=$((n + 1))
	out=$("$MANDOC" -Tlint -W warning "$page" 2>&1)
	if [ -z "$out" ] && [ -s "$page" ]; then
		echo "ok $n - $page lints clean"
	else
		echo "not ok $n - $page lints clean"
		[ -s "$page" ] || echo "#   empty page"
		printf '%s\n' "$out" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
done
# The guide's example module is examples/uidrange.c, verbatim, so it cannot rot.
n=$((n + 1))
example=$(awk '/^\.\\" BEGIN examples\/uidrange\.c/ { on = 1; next }
	on && /^\.Bd -literal/ { copy = 1; next }
	copy && /^\.Ed$/ { exit }
	copy { print }' man/bridge-auth-module.7)
if [ -n "$example" ] && [ "$example" = "$(cat examples/uidrange.c)" ]; then
	echo "ok $n - bridge-auth-module(7) holds examples/uidrange.c verbatim"
else
	echo "not ok $n - bridge-auth-module(7) holds examples/uidrange.c verbatim"
	diff <(printf '%s\n' "$example") examples/uidrange.c | sed 's/^/#   /'
	failed=$((failed + 1))
fi
# Verbatim only works while the code needs no roff escapes.
n=$((n + 1))
if grep -q '\\' examples/uidrange.c || grep -q "^[.']" examples/uidrange.c; then
	echo "not ok $n - examples/uidrange.c has no backslash and no line starting with . or '"
	failed=$((failed + 1))
else
	echo "ok $n - examples/uidrange.c has no backslash and no line starting with . or '"
fi
echo "1..$n"
[ "$failed" -eq 0 ]
