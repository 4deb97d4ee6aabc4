#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "msg.h"

void msg_put(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
}

const char *msg_show(char out[MSG_SHOW + 4], const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && s[i] != '\0' && i < MSG_SHOW; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c > 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < n && s[i] != '\0') {
		memcpy(out + i, "...", 3);
		i += 3;
	}
	out[i] = '\0';
	return out;
}
