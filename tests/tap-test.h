/*
 * Minimal TAP producer for unit tests (run through automake's tap-driver.sh).
 * Assertions print what was expected and what was seen.
 */
#ifndef BRIDGE_AUTH_TAP_TEST_H
#define BRIDGE_AUTH_TAP_TEST_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static inline void tap_result(int ok, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static inline void tap_result(int ok, const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!ok)
		tap_failed++;
	printf("%s %d - ", ok ? "ok" : "not ok", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!ok)
		printf("#   at %s:%d\n", file, line);
	fflush(stdout);
}

#define TAP_SKIP(reason, ...)                                        \
	do {                                                         \
		tap_count++;                                         \
		printf("ok %d - # SKIP " reason "\n", tap_count, ##__VA_ARGS__); \
	} while (0)

#define OK(cond, ...) tap_result(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

#define ASSERT_INT_EQ(expected, seen, name)                                              \
	do {                                                                             \
		long long e_ = (long long)(expected), s_ = (long long)(seen);            \
		tap_result(e_ == s_, __FILE__, __LINE__, "%s", name);                    \
		if (e_ != s_)                                                            \
			printf("#   expected %lld (%s)\n#   seen     %lld (%s)\n", e_,       \
			       #expected, s_, #seen);                                    \
	} while (0)

#define ASSERT_STR_EQ(expected, seen, name)                                              \
	do {                                                                             \
		const char *e_ = (expected), *s_ = (seen);                               \
		int ok_ = e_ && s_ && strcmp(e_, s_) == 0;                               \
		tap_result(ok_, __FILE__, __LINE__, "%s", name);                         \
		if (!ok_)                                                                \
			printf("#   expected \"%s\"\n#   seen     \"%s\"\n",                \
			       e_ ? e_ : "(null)", s_ ? s_ : "(null)");                  \
	} while (0)

/* SEEN contains NEEDLE. */
#define ASSERT_STR_CONTAINS(needle, seen, name)                                          \
	do {                                                                             \
		const char *e_ = (needle), *s_ = (seen);                                 \
		int ok_ = e_ && s_ && strstr(s_, e_) != NULL;                            \
		tap_result(ok_, __FILE__, __LINE__, "%s", name);                         \
		if (!ok_)                                                                \
			printf("#   expected to contain \"%s\"\n#   seen \"%s\"\n",         \
			       e_ ? e_ : "(null)", s_ ? s_ : "(null)");                  \
	} while (0)

static inline int tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
