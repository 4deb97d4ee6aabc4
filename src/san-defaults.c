/*
 * Linked into the helper of a sanitized build (--enable-sanitizers, for
 * testing only): a sanitizer report ends the process with status 86, which
 * no decision of the helper has (exitcodes.h), so a test that expects a
 * refusal (status 1) can never take a memory error or undefined behaviour
 * for one.  The runtime reads these before main, whatever the environment
 * (the tests run the helper with a cleared one).
 */
#include "config.h"

const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__lsan_default_options(void);

const char *__asan_default_options(void)
{
	return "exitcode=86";
}

const char *__ubsan_default_options(void)
{
	return "exitcode=86:halt_on_error=1:print_stacktrace=1";
}

const char *__lsan_default_options(void)
{
	return "exitcode=86";
}
