# The SDK example: a module built out of tree against the installed header and
# pkg-config file (included by the top Makefile.am).  Not built here: the test
# builds it as a third party would, from the staged install.
EXTRA_DIST += examples/uidrange.c examples/module.map examples/Makefile

# Root-only: build, install into the staged module directory, stack, decide.
TESTS += tests/test-sdk.sh
dist_check_SCRIPTS += tests/test-sdk.sh tests/admin-lib.sh
