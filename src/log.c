/*
 * The system log, written by hand: syslog(3) reports no error, and a grant
 * must not leave the helper unless its line did.  One datagram per line on
 * a unix socket connected to /dev/log, as glibc's syslog(3) writes it
 * (RFC 3164 style, no host name): "<PRI>Mmm dd hh:mm:ss IDENT[PID]: TEXT".
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "bridge-auth/module.h"
#include "log.h"

static int log_fd = -1;
static const char *log_ident = "bridge-auth";
static struct sockaddr_un log_addr = { .sun_family = AF_UNIX };

static int log_connect(void)
{
	int e;

	log_fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (log_fd < 0)
		return -1;
	if (connect(log_fd, (struct sockaddr *)&log_addr, sizeof(log_addr)) == 0)
		return 0;
	e = errno;
	close(log_fd);
	log_fd = -1;
	errno = e;
	return -1;
}

int log_open(const char *ident, const char *path)
{
	log_ident = ident;
	tzset(); /* /etc/localtime, read once while we may */
	if (strlen(path) >= sizeof(log_addr.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(log_addr.sun_path, path, strlen(path));
	return log_connect();
}

void log_sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < ' ' || *s == 0x7f)
			*s = '?';
}

void log_escape(char *out, size_t size, const char *s, int quote)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0, i;

	for (i = 0; !quote && s[i]; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '"' || s[i] == '\\' || s[i] == '=')
			quote = 1;
	if (!quote && i > 0 && i < size) {
		memcpy(out, s, i + 1);
		return;
	}
	out[o++] = '"';
	for (i = 0; s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[4] = { (char)c };
		size_t n = 1;

		if (c == '"' || c == '\\') {
			e[0] = '\\', e[1] = (char)c, n = 2;
		} else if (c < ' ' || c == 0x7f) {
			e[0] = '\\', e[1] = 'x', e[2] = hex[c >> 4], e[3] = hex[c & 15], n = 4;
		}
		if (o + n + 5 > size) { /* room for ..." and the NUL */
			memcpy(out + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(out + o, e, n);
		o += n;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* One line, PRIORITY in LOG_AUTHPRIV. */
static int log_send(int priority, const char *text)
{
	char line[8192], stamp[32];
	time_t now = time(NULL);
	struct tm tm;
	ssize_t sent;
	int n;

	if (log_fd < 0) {
		errno = ENOTCONN;
		return -1;
	}
	if (localtime_r(&now, &tm) == NULL || strftime(stamp, sizeof(stamp), "%b %e %T", &tm) == 0)
		snprintf(stamp, sizeof(stamp), "Jan  1 00:00:00");
	n = snprintf(line, sizeof(line), "<%d>%s %s[%ld]: %s", LOG_AUTHPRIV | (priority & LOG_PRIMASK),
		     stamp, log_ident, (long)getpid(), text);
	if (n < 0 || (size_t)n >= sizeof(line)) {
		errno = EMSGSIZE;
		return -1;
	}
	/* Blocking: a slow daemon holds the request, the request's alarm bounds it. */
	do
		sent = send(log_fd, line, (size_t)n, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent < 0)
		return -1;
	if (sent != n) {
		errno = EMSGSIZE;
		return -1;
	}
	return 0;
}

int log_request(const char *user, unsigned uid, const char *bridge, const char *tap,
		const char *verdict, const char *module, const char *reason)
{
	char u[4 * 256 + 8], b[4 * 16 + 8], t[4 * 16 + 8], m[4 * 64 + 8],
		r[4 * 2 * BRIDGE_AUTH_MSG_MAX + 8], text[sizeof(u) + sizeof(b) + sizeof(t) +
						      sizeof(m) + sizeof(r) + 128];

	log_escape(u, sizeof(u), user ? user : "?", 0);
	log_escape(b, sizeof(b), bridge ? bridge : "-", 0);
	log_escape(t, sizeof(t), tap && *tap ? tap : "-", 0);
	log_escape(m, sizeof(m), module ? module : "-", 0);
	log_escape(r, sizeof(r), reason ? reason : "", 1);
	snprintf(text, sizeof(text), "user=%s uid=%u bridge=%s tap=%s verdict=%s module=%s reason=%s",
		 u, uid, b, t, verdict, m, r);
	return log_send(LOG_NOTICE, text);
}

/* Free text: control bytes and backslashes escaped as in a quoted value, quotes kept. */
static void free_text(char *text, size_t size, size_t o, const char *line)
{
	for (const char *s = line; *s && o + 5 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c < ' ' || c == 0x7f)
			o += (size_t)snprintf(text + o, size - o, "\\x%02x", c);
		else if (c == '\\')
			o += (size_t)snprintf(text + o, size - o, "\\\\");
		else
			text[o++] = (char)c;
	}
	text[o] = '\0';
}

void log_vmodule(const char *module, int priority, const char *fmt, va_list ap)
{
	char line[1024], text[4 * sizeof(line) + 128];
	int n;

	vsnprintf(line, sizeof(line), fmt, ap);
	n = snprintf(text, sizeof(text), "%.64s: ", module);
	free_text(text, sizeof(text), n > 0 ? (size_t)n : 0, line);
	(void)log_send(priority, text);
}

int log_line(int priority, const char *fmt, ...)
{
	char line[1024], text[4 * sizeof(line) + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	free_text(text, sizeof(text), 0, line);
	if (log_send(priority, text) == 0)
		return 0;
	if (errno != ECONNREFUSED && errno != ENOTCONN && errno != ECONNRESET)
		return -1;
	/* The syslog daemon restarted: its socket is a new one. */
	if (log_fd >= 0)
		close(log_fd);
	if (log_connect() < 0)
		return -1;
	return log_send(priority, text);
}
