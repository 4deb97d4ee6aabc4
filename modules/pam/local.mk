# pam: a PAM account check per request (included by the top Makefile.am)
module_LTLIBRARIES += modules/pam/pam.la
modules_pam_pam_la_SOURCES = modules/pam/pam.c modules/pam/pam_account.c \
	modules/pam/pam_account.h src/msg.c src/msg.h
modules_pam_pam_la_CFLAGS = $(AM_CFLAGS) $(PAM_CFLAGS)
modules_pam_pam_la_LIBADD = $(PAM_LIBS)
modules_pam_pam_la_LDFLAGS = $(MODULE_LDFLAGS)
EXTRA_modules_pam_pam_la_DEPENDENCIES = $(top_srcdir)/modules/module.map
dist_man8_MANS += modules/pam/bridge-auth-pam.8
# An example PAM service for the module, to copy to /etc/pam.d (not installed).
EXTRA_DIST += etc/pam.d/qemu-bridge-helper

check_PROGRAMS += modules/pam/tests/test-pam-account
modules_pam_tests_test_pam_account_SOURCES = modules/pam/tests/test-pam-account.c \
	modules/pam/pam_account.c modules/pam/pam_account.h src/msg.c tests/tap-test.h
modules_pam_tests_test_pam_account_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/modules/pam -I$(top_srcdir)/tests
modules_pam_tests_test_pam_account_CFLAGS = $(AM_CFLAGS) $(PAM_CFLAGS)
modules_pam_tests_test_pam_account_LDADD = $(PAM_LIBS)
TESTS += modules/pam/tests/test-pam-account

# Asks one module as the helper would (used by the root-only tests of group and pam).
check_PROGRAMS += modules/pam/tests/ba-modcheck
modules_pam_tests_ba_modcheck_SOURCES = modules/pam/tests/ba-modcheck.c

# Root-only: the real Linux-PAM through a test-owned PAM directory, and the setuid helper.
TESTS += modules/pam/tests/test-pam.sh
dist_check_SCRIPTS += modules/pam/tests/test-pam.sh

# Root-only, slower: OpenLDAP (slapd) + nslcd in private namespaces; skips
# when slapd ldap-utils nslcd libnss-ldapd libpam-ldapd are not installed.
TESTS += modules/pam/tests/test-ldap.sh
dist_check_SCRIPTS += modules/pam/tests/test-ldap.sh
