#!/bin/bash
# The README's build in the source tree, as a distribution builds it:
#
#   tests/check-intree.sh [TOP]
#
# copies TOP's tracked and untracked files (not ignored ones: no build
# output) into a scratch git repository, and there runs ./autogen.sh,
# ./configure --sysconfdir=/etc, make, the unit tests (every compiled test
# of `make check`: they need no root), then make distclean.  Passes when
# every step does and distclean leaves exactly what autogen.sh left (git
# status, ignored files included).  Nothing outside the scratch directory
# changes.  Exit status 0 on success.
set -euo pipefail

top=$(cd "${1:-$(dirname "$0")/..}" && pwd)
scratch=$(mktemp -d /tmp/bridge-auth-intree.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
src=$scratch/src
mkdir "$src"

step() { echo "== $*"; }

step "copy of $top (tracked and untracked files) into $src"
(cd "$top" && git ls-files -z -co --exclude-standard |
	while IFS= read -r -d '' f; do [ -e "$f" ] || [ -L "$f" ] && printf '%s\0' "$f"; done |
	tar --null -T - -cf -) | tar -C "$src" -xf -
cd "$src"
git init -q .
git add -A
git -c user.name=check -c user.email=check@localhost commit -q -m snapshot

step "./autogen.sh"
./autogen.sh >/dev/null 2>&1
after_autogen=$(git status --porcelain --ignored)

step "./configure --sysconfdir=/etc"
./configure --sysconfdir=/etc >/dev/null
step "make"
make -j"$(nproc)" >/dev/null

# The compiled tests of `make check`: unit tests, no root needed.
printf 'print-tests:\n\t@echo $(TESTS)\n' >"$scratch/print.mk"
unit=$(make -s -f Makefile -f "$scratch/print.mk" print-tests | tr ' ' '\n' | grep -v '\.sh$' | tr '\n' ' ')
[ -n "$unit" ] || { echo "no unit tests found"; exit 1; }
step "make check TESTS='$unit'"
make -j"$(nproc)" check TESTS="$unit" >check.out 2>&1 || { cat check.out; exit 1; }
grep -E '^# (TOTAL|PASS|FAIL|ERROR):' check.out
rm check.out

step "make distclean"
make distclean >/dev/null
after_distclean=$(git status --porcelain --ignored)
if [ "$after_distclean" != "$after_autogen" ]; then
	echo "make distclean left files behind (git status --porcelain --ignored):"
	diff <(printf '%s\n' "$after_autogen") <(printf '%s\n' "$after_distclean") || true
	exit 1
fi
untracked=$(git status --porcelain)
if [ -n "$untracked" ]; then
	echo "the tree is not clean after make distclean:"
	printf '%s\n' "$untracked"
	exit 1
fi
echo "in-tree build: configure, make, unit tests and distclean passed; tree clean"
