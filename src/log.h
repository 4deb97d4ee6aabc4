/* One syslog line per request (LOG_AUTHPRIV), and messages to the caller. */
#ifndef BRIDGE_AUTH_LOG_H
#define BRIDGE_AUTH_LOG_H

#include <stdarg.h>
#include <stddef.h>

void log_open(const char *ident);

/* Replace control bytes in S by '?', so no text can drive a terminal or forge log lines. */
void log_sanitize(char *s);

/* The request's record: user, uid, bridge, tap, verdict, deciding module, reason. */
void log_request(const char *user, unsigned uid, const char *bridge, const char *tap,
		 const char *verdict, const char *module, const char *reason);

void log_vmodule(const char *module, int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
