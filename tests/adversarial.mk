# The adversarial suite (SECURITY.md): a hostile caller, misbehaving modules,
# and a library that must never be loaded.  (included by the top Makefile.am)

# The hostile caller: argc == 0, odd descriptors, signals, ptrace.
check_PROGRAMS += tests/adversarial/ba-exec
tests_adversarial_ba_exec_SOURCES = tests/adversarial/ba-exec.c

# Modules whose check() crashes (SIGSEGV) or never returns.
check_LTLIBRARIES += tests/adversarial/crash.la tests/adversarial/hang.la
tests_adversarial_crash_la_SOURCES = tests/adversarial/misbehave.c
tests_adversarial_crash_la_CPPFLAGS = $(AM_CPPFLAGS) -DMISBEHAVE_CRASH
tests_adversarial_crash_la_LDFLAGS = $(TEST_MODULE_LDFLAGS)
tests_adversarial_hang_la_SOURCES = tests/adversarial/misbehave.c
tests_adversarial_hang_la_LDFLAGS = $(TEST_MODULE_LDFLAGS)

# A library with a constructor (LD_PRELOAD, LD_LIBRARY_PATH, GCONV_PATH bait).
check_LTLIBRARIES += tests/adversarial/evil.la
tests_adversarial_evil_la_SOURCES = tests/adversarial/evil.c
tests_adversarial_evil_la_LDFLAGS = -module -avoid-version -shared -rpath /nowhere

TESTS += tests/test-adversarial.sh tests/test-concurrency.sh
dist_check_SCRIPTS += tests/test-adversarial.sh tests/test-concurrency.sh tests/check-hardening.sh

# Suppressions of the sanitizer and valgrind runs (tests/check-hardening.sh).
dist_noinst_DATA += tests/adversarial/valgrind.supp

# Audit first and secret policies: the record of a request, what a refusal tells.
TESTS += tests/test-adversarial-audit.sh
dist_check_SCRIPTS += tests/test-adversarial-audit.sh
# Rule-file paths and the caller's powers: untrusted directories and
# symlinks on the way to a rule file, /proc files through an include.
TESTS += tests/test-adversarial-paths.sh
dist_check_SCRIPTS += tests/test-adversarial-paths.sh
