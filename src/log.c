#include "config.h"

#include <stdio.h>
#include <syslog.h>

#include "log.h"

void log_open(const char *ident)
{
	openlog(ident, LOG_PID, LOG_AUTHPRIV);
}

void log_sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = '?';
}

void log_request(const char *user, unsigned uid, const char *bridge, const char *tap,
		 const char *verdict, const char *module, const char *reason)
{
	char line[1024];

	snprintf(line, sizeof(line), "user=%s uid=%u bridge=%s tap=%s verdict=%s module=%s reason=\"%s\"",
		 user ? user : "?", uid, bridge ? bridge : "-", tap && *tap ? tap : "-", verdict,
		 module ? module : "-", reason ? reason : "");
	log_sanitize(line);
	syslog(LOG_AUTHPRIV | LOG_NOTICE, "%s", line);
}

void log_vmodule(const char *module, int priority, const char *fmt, va_list ap)
{
	char line[1024];

	vsnprintf(line, sizeof(line), fmt, ap);
	log_sanitize(line);
	syslog(LOG_AUTHPRIV | (priority & LOG_PRIMASK), "%s: %s", module, line);
}
