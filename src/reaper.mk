# bridge-auth-reaper(8): deletes the helper's taps the moment a holder makes
# them persistent, so requests skip their scan (included by the top Makefile.am).
sbin_PROGRAMS = src/bridge-auth-reaper
src_bridge_auth_reaper_SOURCES = src/reaper.c
src_bridge_auth_reaper_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
src_bridge_auth_reaper_LDADD = $(BRIDGEAUTH_LIBS)
src_bridge_auth_reaper_LDFLAGS = $(AM_LDFLAGS) -pie -Wl,-z,relro,-z,now -Wl,--as-needed
if SANITIZERS
src_bridge_auth_reaper_SOURCES += src/san-defaults.c
endif
dist_man8_MANS += man/bridge-auth-reaper.8

# Its systemd unit, when configure found where units go.
if HAVE_SYSTEMD
systemdsystemunit_DATA = etc/bridge-auth-reaper.service
endif
etc/bridge-auth-reaper.service: $(top_srcdir)/etc/bridge-auth-reaper.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) etc && \
	sed -e 's|@sbindir[@]|$(sbindir)|g' -e 's|@runstatedir[@]|$(runstatedir)|g' \
		$(top_srcdir)/etc/bridge-auth-reaper.service.in > $@.tmp && mv $@.tmp $@
CLEANFILES += etc/bridge-auth-reaper.service
EXTRA_DIST += etc/bridge-auth-reaper.service.in src/reaper.mk

# The staged install holds it, and the tests know where.
tests/stage.stamp: $(sbin_PROGRAMS)
AM_TESTS_ENVIRONMENT += export BA_REAPER='$(sbindir)/bridge-auth-reaper';

# Root-only: the watcher, its lock, and the requests' fallback (tests/lib.sh).
TESTS += tests/test-reaper.sh
dist_check_SCRIPTS += tests/test-reaper.sh
# Mutants of the watcher (tests/mutants/run.sh): the suite must notice each.
dist_noinst_DATA += tests/mutants/watch-read-lock.patch tests/mutants/watch-untrusted.patch \
	tests/mutants/reaper-lost.patch
