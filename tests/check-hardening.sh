#!/bin/bash
# The hardening runs of SECURITY.md, for CI after tests/check.sh:
#
#   san       the whole `make check` (unit and integration, as root) built
#             with --enable-sanitizers (ASan + UBSan, LeakSanitizer on), in
#             its own build directory; passes only with no failure and no
#             sanitizer report in any log
#   valgrind  memcheck over the unit tests (every non-script test of
#             `make check`) and over the helper's unprivileged paths (--help,
#             --version, usage errors, bad --fd, and the not-setuid refusal as
#             user nobody), and as root over its whole path, granted and
#             refused (tests/valgrind-path.sh): no error, no definite or
#             indirect leak
#   fuzz      `make fuzz`: each libFuzzer target for FUZZ_TIME (60) seconds,
#             no crash, no leak, no sanitizer report; prints the executions
#
#     tests/check-hardening.sh [PART...]  (root)   (default: san valgrind fuzz)
#
# Environment: BUILD_DIR (the plain build, default TOP/build-check, made if
# missing), SAN_BUILD_DIR (default TOP/build-san), FUZZ_TIME (default 60).
# Prints "PASS: part" or "FAIL: part" per part, then "N passed, N failed";
# exit status 0 only when nothing failed.  Root is needed for the integration
# tests of the san part (without root they skip) and for the nobody runs.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$top/build-check}
san_build=${SAN_BUILD_DIR:-$top/build-san}
fuzz_time=${FUZZ_TIME:-60}
parts=("$@")
[ ${#parts[@]} -gt 0 ] || parts=(san valgrind fuzz)
jobs=$(nproc 2>/dev/null || echo 2)
passed=0 failed=0

say() { printf 'check-hardening: %s\n' "$*" >&2; }
result() { # result PART STATUS
	if [ "$2" = 0 ]; then
		echo "PASS: $1"
		passed=$((passed + 1))
	else
		echo "FAIL: $1"
		failed=$((failed + 1))
	fi
}

# configure_in DIR ARGS...: a build directory of the tree, configured once.
configure_in() {
	local dir=$1
	shift
	(cd "$top" && { [ -x configure ] || ./autogen.sh >/dev/null; }) || return 1
	mkdir -p "$dir" || return 1
	[ -f "$dir/Makefile" ] || (cd "$dir" && "$top/configure" --sysconfdir=/etc "$@" >/dev/null) || return 1
	make -C "$dir" -j"$jobs" >/dev/null
}

# ---------------------------------------------------------------- san
part_san() {
	local logs reports st
	say "san: building $san_build with --enable-sanitizers"
	configure_in "$san_build" --enable-sanitizers || return 1
	# libconfig's own leak on a syntax error is not ours (fuzz/lsan.supp);
	# this reaches the processes that keep the environment (unit tests,
	# make's children), not the setuid helper run through env -i.
	export LSAN_OPTIONS="suppressions=$top/fuzz/lsan.supp:print_suppressions=0"
	export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
	say "san: make check"
	make -C "$san_build" -j"$jobs" check >"$san_build/check-hardening.log" 2>&1
	st=$?
	grep -E '^# (TOTAL|PASS|SKIP|XFAIL|FAIL|XPASS|ERROR):' "$san_build/check-hardening.log" | sed 's/^/  /'
	# Any sanitizer report anywhere, even in a test that passed.
	logs=$(find "$san_build" -name '*.log' ! -name config.log ! -name check-hardening.log)
	# shellcheck disable=SC2086
	reports=$(grep -l -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (AddressSanitizer|UndefinedBehaviorSanitizer)' $logs 2>/dev/null)
	if [ -n "$reports" ]; then
		say "san: sanitizer reports in: $(echo $reports)"
		st=1
	fi
	[ "$st" = 0 ] || grep -E '^(FAIL|ERROR|XPASS):' "$san_build/check-hardening.log" | head -40
	return "$st"
}

# ---------------------------------------------------------------- valgrind
part_valgrind() {
	local vg tests t st=0 helper rc out expect args client
	command -v valgrind >/dev/null || { say "valgrind: not installed (apt-get install valgrind)"; return 1; }
	configure_in "$build" || return 1
	make -C "$build" -j"$jobs" check TESTS= >/dev/null || return 1
	vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect --suppressions=$top/tests/adversarial/valgrind.supp"
	# Unit tests: every test of `make check` that is not a script.
	tests=$(make -s -C "$build" -f Makefile -f - print-tests <<<'print-tests: ; @echo $(TESTS)' | tr ' ' '\n' | grep -v '\.sh$' | grep .)
	say "valgrind: unit tests: $(echo $tests)"
	# shellcheck disable=SC2086
	make -C "$build" check TESTS="$(echo $tests)" LOG_COMPILER="$build/libtool --mode=execute $vg" \
		>"$build/check-valgrind.log" 2>&1 || st=1
	grep -E '^# (TOTAL|PASS|FAIL|ERROR):' "$build/check-valgrind.log" | sed 's/^/  /'
	[ "$st" = 0 ] || grep -E '^(FAIL|ERROR):' "$build/check-valgrind.log"
	# The helper, where it needs no privilege.  Never run as root with a
	# usable socket: as root it would act on this host's policy.
	helper=$build/src/qemu-bridge-helper
	client=$build/tests/ba-client
	while IFS='|' read -r expect args; do
		# shellcheck disable=SC2086
		$vg "$helper" $args >/dev/null 2>"$build/valgrind-helper.err" 5</dev/null
		rc=$?
		if [ "$rc" = "$expect" ]; then
			echo "  ok: helper $args: status $rc"
		else
			echo "  FAILED: helper $args: status $rc, expected $expect"
			sed 's/^/    /' "$build/valgrind-helper.err" | head -20
			st=1
		fi
	done <<'EOF'
0|--help
0|--version
2|
2|--bogus
2|--fd=abc --br=br0
2|--fd=-1 --br=br0
2|--fd=99999999999 --br=br0
2|--fd=77 --br=br0
2|--fd=5 --br=br0
2|--fd=1 --br=br0
2|--fd=5 --br=brexactly15charX
2|--fd=5 --br=../br0
EOF
	if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
		for args in "--use-vnet --fd=@FD@ --br=br0" "--br=br0 --fd=@FD@"; do
			# shellcheck disable=SC2086
			out=$(cd / && setpriv --reuid=nobody --regid="$(id -g nobody)" --clear-groups \
				"$client" $vg "$helper" $args 2>"$build/valgrind-helper.err")
			rc=$?
			if [ "$rc" = 5 ] && grep -q 'not running with root privileges' "$build/valgrind-helper.err"; then
				echo "  ok: helper $args as nobody, not setuid: status 5"
			else
				echo "  FAILED: helper $args as nobody: status $rc ($out)"
				sed 's/^/    /' "$build/valgrind-helper.err" | head -20
				st=1
			fi
		done
	else
		say "valgrind: not root: the not-setuid refusal (as nobody) is not run"
	fi
	# The whole path (policy, stack, modules, drop, tap), root as its own
	# caller in the private namespaces of tests/lib.sh: tests/valgrind-path.sh.
	if [ "$(id -u)" = 0 ]; then
		if make -C "$build" check TESTS=tests/valgrind-path.sh >"$build/valgrind-path.out" 2>&1; then
			echo "  ok: helper's whole path as root: $(grep -c '^ok' "$build/tests/valgrind-path.log") points"
		else
			echo "  FAILED: helper's whole path as root (tests/valgrind-path.sh)"
			grep -E '^(not ok|#)' "$build/tests/valgrind-path.log" | head -30 | sed 's/^/    /'
			st=1
		fi
	else
		say "valgrind: not root: the helper's whole path is not run"
	fi
	return "$st"
}

# ---------------------------------------------------------------- fuzz
part_fuzz() {
	command -v clang >/dev/null || { say "fuzz: clang not installed (apt-get install clang)"; return 1; }
	configure_in "$build" || return 1
	make -C "$build" fuzz FUZZ_TIME="$fuzz_time"
}

for p in "${parts[@]}"; do
	case $p in
	san | valgrind | fuzz)
		"part_$p"
		result "$p" $?
		;;
	*)
		say "unknown part '$p' (san, valgrind, fuzz)"
		exit 2
		;;
	esac
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
