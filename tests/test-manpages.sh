#!/bin/bash
# Every man page passes mandoc's linter at warning level (TAP).
set -u
cd "$top_srcdir" || exit 99
pages=(man/qemu-bridge-helper.8 man/bridge-auth.conf.5 modules/*/*.[1-8])
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
echo "1..$n"
[ "$failed" -eq 0 ]
