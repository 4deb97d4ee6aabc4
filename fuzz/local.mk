# libFuzzer targets (included by the top Makefile.am).  `make fuzz` builds
# them with clang directly (whatever CC configure chose) and runs each for
# FUZZ_TIME seconds on a working corpus seeded from fuzz/corpus/TARGET; a
# crash, a leak (but libconfig's own, fuzz/lsan.supp) or a sanitizer report fails the rule and leaves the input in
# fuzz/work/ (crash-*, leak-*, timeout-*).  Not part of `all` or `check`.
#
#   make fuzz                      every target, FUZZ_TIME (60) s each
#   make fuzz FUZZ_TIME=600        longer
#   make fuzz-build                only build them
#   make fuzz-clean                remove the binaries and fuzz/work/

FUZZ_CC = clang
FUZZ_TIME = 60
FUZZ_FLAGS =
FUZZ_SAN = -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS = -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -I$(top_builddir) -I$(top_srcdir)/src \
	-DPOLICYDIR='"$(policydir)"' -DMODULEDIR='"$(moduledir)"'
FUZZ_TARGETS = fuzz/fuzz-acl fuzz/fuzz-policy fuzz/fuzz-args

EXTRA_DIST += fuzz/fuzz-acl.c fuzz/fuzz-policy.c fuzz/fuzz-args.c fuzz/fuzz-module.c fuzz/corpus \
	fuzz/lsan.supp

# The acl parser; its validate entry point too when the header has it.
fuzz/fuzz-acl: $(top_srcdir)/fuzz/fuzz-acl.c $(top_srcdir)/modules/acl/acl_parse.c \
		$(top_srcdir)/modules/acl/acl_parse.h $(top_srcdir)/src/ifname.c $(top_srcdir)/src/msg.c config.h
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) -I$(top_srcdir)/modules/acl \
	  $$(grep -q acl_validate $(top_srcdir)/modules/acl/acl_parse.h && echo -DHAVE_ACL_VALIDATE) \
	  $(top_srcdir)/fuzz/fuzz-acl.c $(top_srcdir)/modules/acl/acl_parse.c $(top_srcdir)/src/ifname.c \
	  $(top_srcdir)/src/msg.c -o $@

# The bridge-auth.conf loader, with libconfig and one real module to load.
fuzz/fuzz-module.so: $(top_srcdir)/fuzz/fuzz-module.c config.h
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) -shared -fPIC -g -I$(top_builddir) -I$(top_srcdir)/src $(top_srcdir)/fuzz/fuzz-module.c -o $@
fuzz/fuzz-policy: $(top_srcdir)/fuzz/fuzz-policy.c $(top_srcdir)/src/policy.c $(top_srcdir)/src/policy.h \
		$(top_srcdir)/src/sections.c $(top_srcdir)/src/sections.h fuzz/fuzz-module.so config.h
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(LIBCONFIG_CFLAGS) $(top_srcdir)/fuzz/fuzz-policy.c \
	  $(top_srcdir)/src/policy.c $(top_srcdir)/src/sections.c $(top_srcdir)/src/ifname.c \
	  $(LIBCONFIG_LIBS) -ldl -o $@

# The helper's command line.
fuzz/fuzz-args: $(top_srcdir)/fuzz/fuzz-args.c $(top_srcdir)/src/args.c $(top_srcdir)/src/args.h \
		$(top_srcdir)/src/ifname.c config.h
	@$(MKDIR_P) fuzz
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(top_srcdir)/fuzz/fuzz-args.c $(top_srcdir)/src/args.c \
	  $(top_srcdir)/src/ifname.c -o $@

fuzz-build: $(FUZZ_TARGETS)

fuzz: fuzz-build
	@for t in acl policy args; do \
	  $(MKDIR_P) fuzz/work/$$t || exit 1; \
	  echo "fuzz-$$t: $(FUZZ_TIME) s"; \
	  if (cd fuzz/work && LSAN_OPTIONS=suppressions=$(abs_top_srcdir)/fuzz/lsan.supp:print_suppressions=0 \
	      UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ../fuzz-$$t -max_total_time=$(FUZZ_TIME) -timeout=10 -rss_limit_mb=2048 \
	      -print_final_stats=1 $(FUZZ_FLAGS) $$t $(abs_top_srcdir)/fuzz/corpus/$$t) >fuzz/work/$$t.log 2>&1; then \
	    sed -n 's/^stat::number_of_executed_units: */  executions: /p; s/^stat::peak_rss_mb: */  peak RSS (MB): /p' fuzz/work/$$t.log; \
	    grep -E '^#[0-9]+.*DONE' fuzz/work/$$t.log | tail -1 | sed 's/^/  /'; \
	  else \
	    tail -60 fuzz/work/$$t.log; echo "fuzz-$$t FAILED (fuzz/work/$$t.log)"; exit 1; \
	  fi; \
	done

fuzz-clean:
	rm -rf fuzz/work $(FUZZ_TARGETS) fuzz/fuzz-module.so

.PHONY: fuzz fuzz-build fuzz-clean
CLEANFILES += $(FUZZ_TARGETS) fuzz/fuzz-module.so
