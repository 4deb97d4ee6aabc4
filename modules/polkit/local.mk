# polkit: polkitd's CheckAuthorization over the system bus (included by the top Makefile.am)
if BUILD_POLKIT
module_LTLIBRARIES += modules/polkit/polkit.la
modules_polkit_polkit_la_SOURCES = modules/polkit/polkit.c modules/polkit/polkit_check.c \
	modules/polkit/polkit_check.h src/msg.c src/msg.h
modules_polkit_polkit_la_CFLAGS = $(AM_CFLAGS) $(DBUS_CFLAGS)
modules_polkit_polkit_la_LIBADD = $(DBUS_LIBS)
# Never unmapped: libdbus keeps process-wide state (its locks, its
# thread-init data) that must not vanish with a dlclose() of the module
# (LeakSanitizer sees it as leaked in bridge-auth(8) when it does).
modules_polkit_polkit_la_LDFLAGS = $(MODULE_LDFLAGS) -Wl,-z,nodelete
EXTRA_modules_polkit_polkit_la_DEPENDENCIES = $(top_srcdir)/modules/module.map

# The action, where polkitd reads actions (--with-polkit-actiondir).
polkitaction_DATA = modules/polkit/org.qemu.bridge-auth.policy

check_PROGRAMS += modules/polkit/tests/test-polkit-args
modules_polkit_tests_test_polkit_args_SOURCES = modules/polkit/tests/test-polkit-args.c \
	modules/polkit/polkit_check.c modules/polkit/polkit_check.h src/msg.c tests/tap-test.h
modules_polkit_tests_test_polkit_args_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/modules/polkit -I$(top_srcdir)/tests
modules_polkit_tests_test_polkit_args_CFLAGS = $(AM_CFLAGS) $(DBUS_CFLAGS)
modules_polkit_tests_test_polkit_args_LDADD = $(DBUS_LIBS)
TESTS += modules/polkit/tests/test-polkit-args

# Root-only: a real polkitd on a private system bus, and the setuid helper.
TESTS += modules/polkit/tests/test-polkit.sh
dist_man8_MANS += modules/polkit/bridge-auth-polkit.8
else
EXTRA_DIST += modules/polkit/bridge-auth-polkit.8
endif
# Shipped either way (make dist from a tree configured without polkit).
EXTRA_DIST += modules/polkit/org.qemu.bridge-auth.policy modules/polkit/examples/50-bridge-per-group.rules \
	modules/polkit/examples/50-bridge-local-session.rules \
	modules/polkit/examples/50-bridge-production-admin.rules \
	modules/polkit/tests/test-polkit.sh modules/polkit/tests/polkit-lib.sh
