/* One syslog line per request (LOG_AUTHPRIV), and messages to the caller. */
#ifndef BRIDGE_AUTH_LOG_H
#define BRIDGE_AUTH_LOG_H

#include <stdarg.h>
#include <stddef.h>

#define LOG_SOCKET "/dev/log"

/*
 * Connect a datagram socket to PATH (LOG_SOCKET; another path in tests),
 * kept until exit, and read the time zone; IDENT tags every line.  -1 with
 * errno when no syslog daemon listens there (the helper then serves nothing).
 */
int log_open(const char *ident, const char *path);

/* Replace control bytes in S by '?', so no text can drive a terminal or forge log lines. */
void log_sanitize(char *s);

/*
 * Escape S into OUT (SIZE bytes, at least 8) as a log value: bare when S is
 * made of printable ASCII other than space, '"', '\\' and '=' (and QUOTE is
 * false), else in double quotes with '"' and '\\' escaped by a backslash and
 * control bytes written \xHH.  A value too long for OUT is cut at a whole
 * character and ends in "..." inside its quotes.
 */
void log_escape(char *out, size_t size, const char *s, int quote);

/*
 * The request's record, sent before the caller learns the outcome: user, uid,
 * bridge, tap, verdict, deciding module, reason.  0 once the line is in the
 * log socket's queue; -1 with errno when it is not (the request must fail).
 */
int log_request(const char *user, unsigned uid, const char *bridge, const char *tap,
		const char *verdict, const char *module, const char *reason);

/* A module's line, "MODULE: TEXT", on the same socket; best effort. */
void log_vmodule(const char *module, int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

/*
 * A daemon's line of free text (control bytes escaped) at PRIORITY.  When
 * the syslog daemon went away and came back (restarted: a new socket at
 * the same path), it connects again, once.  0, or -1 with errno.
 */
int log_line(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
