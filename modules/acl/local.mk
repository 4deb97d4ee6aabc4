# acl: QEMU's bridge.conf, read as the caller (included by the top Makefile.am)
module_LTLIBRARIES += modules/acl/acl.la
modules_acl_acl_la_SOURCES = modules/acl/acl.c modules/acl/acl_parse.c modules/acl/acl_parse.h \
	src/ifname.c src/ifname.h src/msg.c src/msg.h
modules_acl_acl_la_LDFLAGS = $(MODULE_LDFLAGS)
EXTRA_modules_acl_acl_la_DEPENDENCIES = $(top_srcdir)/modules/module.map
dist_man8_MANS += modules/acl/bridge-auth-acl.8

check_PROGRAMS += modules/acl/tests/test-acl-parse
modules_acl_tests_test_acl_parse_SOURCES = modules/acl/tests/test-acl-parse.c \
	modules/acl/acl_parse.c modules/acl/acl_parse.h src/ifname.c src/msg.c tests/tap-test.h
modules_acl_tests_test_acl_parse_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/modules/acl -I$(top_srcdir)/tests
TESTS += modules/acl/tests/test-acl-parse

# The module's entry points on a 1.2 host (one as_caller scope) and a 1.1 one.
check_PROGRAMS += modules/acl/tests/test-acl-host
modules_acl_tests_test_acl_host_SOURCES = modules/acl/tests/test-acl-host.c modules/acl/acl.c \
	modules/acl/acl_parse.c modules/acl/acl_parse.h src/ifname.c src/msg.c tests/tap-test.h
modules_acl_tests_test_acl_host_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/modules/acl -I$(top_srcdir)/tests
TESTS += modules/acl/tests/test-acl-host
