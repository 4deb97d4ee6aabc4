# group: bridges mapped to Unix groups, membership from NSS (included by the top Makefile.am)
module_LTLIBRARIES += modules/group/group.la
modules_group_group_la_SOURCES = modules/group/group.c modules/group/group_map.c src/ifname.c src/msg.c \
	modules/group/group_map.h
modules_group_group_la_LDFLAGS = $(MODULE_LDFLAGS)
EXTRA_modules_group_group_la_DEPENDENCIES = $(top_srcdir)/modules/module.map
dist_man8_MANS += modules/group/bridge-auth-group.8

check_PROGRAMS += modules/group/tests/test-group-map
modules_group_tests_test_group_map_SOURCES = modules/group/tests/test-group-map.c \
	modules/group/group_map.c modules/group/group_map.h src/ifname.c src/msg.c tests/tap-test.h
modules_group_tests_test_group_map_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/modules/group -I$(top_srcdir)/tests
TESTS += modules/group/tests/test-group-map

# Root-only: the real name service inside private namespaces, and the setuid helper.
TESTS += modules/group/tests/test-group.sh
dist_check_SCRIPTS += modules/group/tests/test-group.sh
