# bench: `make bench` (as root) times our helper against QEMU's own helper and
# a static floor program, and prints the table and the targets of
# docs/performance.md.  Built on demand only; run.sh does the rest.
# (included by the top Makefile.am)
EXTRA_PROGRAMS = bench/bench bench/bench-floor bench/bench-floor-dyn
bench_bench_SOURCES = bench/bench.c
# The floor: only the tap work and the fd pass, linked static (no ld.so at all).
bench_bench_floor_SOURCES = bench/floor.c
bench_bench_floor_LDFLAGS = -all-static
# The same program linked as our helper is (dynamic, libc only, -z now): what
# being a dynamically linked program costs, before any policy work.
bench_bench_floor_dyn_SOURCES = bench/floor.c
bench_bench_floor_dyn_LDFLAGS = $(AM_LDFLAGS) -pie -Wl,-z,relro,-z,now -Wl,--as-needed
EXTRA_DIST += bench/run.sh docs/performance.md
CLEANFILES += $(EXTRA_PROGRAMS) bench/results.txt bench/samples.tsv bench/world-*.txt bench/world-*.tsv

.PHONY: bench
bench: bench/bench$(EXEEXT) bench/bench-floor$(EXEEXT) bench/bench-floor-dyn$(EXEEXT) \
		tests/ba-client$(EXEEXT) tests/ba-syslogd$(EXEEXT) tests/stage.stamp
	@top_srcdir='$(abs_top_srcdir)' top_builddir='$(abs_top_builddir)' \
	BA_STAGE='$(abs_top_builddir)/tests/stage' \
	BA_HELPER='$(libexecdir)/qemu-bridge-helper' BA_SBINDIR='$(sbindir)' \
	BA_POLICYDIR='$(policydir)' BA_MODULEDIR='$(moduledir)' \
	BA_CLIENT='$(abs_top_builddir)/tests/ba-client$(EXEEXT)' \
	BENCH_DRIVER='$(abs_top_builddir)/bench/bench$(EXEEXT)' \
	BENCH_FLOOR='$(abs_top_builddir)/bench/bench-floor$(EXEEXT)' \
	BENCH_FLOOR_DYN='$(abs_top_builddir)/bench/bench-floor-dyn$(EXEEXT)' \
	BENCH_CFLAGS='$(CFLAGS) $(SAN_CFLAGS)' \
	bash '$(abs_top_srcdir)/bench/run.sh'
