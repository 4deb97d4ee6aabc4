# bridge-auth(8), the administrator's tool, and its tests (included by the top Makefile.am).
# Built as src/admin/bridge-auth: src/bridge-auth/ is the installed header's
# directory, and a program of the same path cannot be built in the source tree.
bin_PROGRAMS = src/admin/bridge-auth
# main.c parses the command line and runs one command; a file per command.
src_admin_bridge_auth_SOURCES = src/admin/main.c src/admin/admin.h \
	src/admin/check.c src/admin/explain.c src/admin/list.c src/admin/taps.c src/admin/reap.c \
	src/admin/common.c src/admin/decide.c src/admin/section.c \
	src/admin/json.c src/admin/json.h src/admin/net.c src/admin/net.h
src_admin_bridge_auth_CFLAGS = $(AM_CFLAGS) $(LIBCONFIG_CFLAGS) $(MNL_CFLAGS)
src_admin_bridge_auth_LDADD = $(BRIDGEAUTH_LIBS)
src_admin_bridge_auth_LDFLAGS = $(AM_LDFLAGS) -pie -Wl,-z,relro,-z,now
dist_man8_MANS += man/bridge-auth.8
dist_man7_MANS = man/bridge-auth-module.7

# JSON escaping, checked byte by byte.
check_PROGRAMS += tests/test-admin-json
tests_test_admin_json_SOURCES = tests/test-admin-json.c src/admin/json.c src/admin/json.h tests/tap-test.h
TESTS += tests/test-admin-json

# Root-only: check, explain and list against the staged install (tests/lib.sh).
TESTS += tests/test-admin.sh
dist_check_SCRIPTS += tests/test-admin.sh

# The staged install must hold the tool too.
tests/stage.stamp: $(bin_PROGRAMS)

# A module laid out as ABI 1.0 (no validate member), for tests/test-stack.
check_LTLIBRARIES += tests/modules/old10.la
tests_modules_old10_la_SOURCES = tests/modules/old10.c
tests_modules_old10_la_LDFLAGS = $(TEST_MODULE_LDFLAGS)

# Root-only: the integration suites again, every request also put to explain.
TESTS += tests/test-admin-crosscheck.sh
dist_check_SCRIPTS += tests/test-admin-crosscheck.sh tests/admin-crosscheck.sh

# acl_validate(): every problem of every bridge.conf file, no root needed.
check_PROGRAMS += modules/acl/tests/test-acl-validate
modules_acl_tests_test_acl_validate_SOURCES = modules/acl/tests/test-acl-validate.c \
	modules/acl/acl_parse.c modules/acl/acl_parse.h src/ifname.c src/msg.c tests/tap-test.h
modules_acl_tests_test_acl_validate_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/modules/acl -I$(top_srcdir)/tests
TESTS += modules/acl/tests/test-acl-validate
