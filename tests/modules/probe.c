/*
 * Test module: reports, from inside check(), the state the helper runs a
 * module in, so tests see what the outside cannot.
 *   args = [ "allow" | "deny", "log", "sleep=MS" ]
 *   log: one line to the log (host->log, LOG_NOTICE), "probe: " then
 *        pid=N fds=FD>TARGET;... env=VAR=VALUE;... cwd=DIR dumpable=N
 *        and the Umask, Uid, Gid, Groups, CapInh, CapPrm, CapEff, CapBnd,
 *        CapAmb and NoNewPrivs lines of /proc/self/status (spaces as ',').
 *   sleep: check() takes MS milliseconds, and the line (with "log") also
 *        says when it started and ended: start=MS end=MS (CLOCK_MONOTONIC).
 * Not a model module: it reads /proc directly, as root.
 */
#include "config.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "bridge-auth/module.h"

extern char **environ;

struct state {
	int allow, log;
	long sleep_ms;
};

struct line {
	char buf[1000];
	size_t len;
};

static void add(struct line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct line *l, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (l->len >= sizeof(l->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(l->buf + l->len, sizeof(l->buf) - l->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		l->len += (size_t)n < sizeof(l->buf) - l->len ? (size_t)n : sizeof(l->buf) - 1 - l->len;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

static void add_fds(struct line *l)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	char path[300], target[PATH_MAX];
	ssize_t n;

	add(l, " fds=");
	if (d == NULL) {
		add(l, "?");
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		add(l, "%s>%s;", e->d_name, target);
	}
	closedir(d);
}

static void add_status(struct line *l)
{
	static const char *const keys[] = { "Umask", "Uid", "Gid", "Groups", "CapInh", "CapPrm",
					    "CapEff", "CapBnd", "CapAmb", "NoNewPrivs" };
	FILE *f = fopen("/proc/self/status", "re");
	char s[512];

	if (f == NULL) {
		add(l, " status=?");
		return;
	}
	while (fgets(s, sizeof(s), f)) {
		char *colon = strchr(s, ':'), *v;

		if (colon == NULL)
			continue;
		*colon = '\0';
		for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
			if (strcmp(s, keys[i]) != 0)
				continue;
			v = colon + 1 + strspn(colon + 1, " \t");
			v[strcspn(v, "\n")] = '\0';
			for (char *p = v; *p; p++)
				if (*p == ' ' || *p == '\t')
					*p = ',';
			add(l, " %s=%s", s, v);
		}
	}
	fclose(f);
}

static int probe_open(void **state, int argc, const char *const *argv,
		      const struct bridge_auth_host *host, char *err)
{
	struct state *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "allow") == 0)
			s->allow = 1;
		else if (strcmp(argv[i], "log") == 0)
			s->log = 1;
		else if (strncmp(argv[i], "sleep=", 6) == 0)
			s->sleep_ms = atol(argv[i] + 6);
		else if (strcmp(argv[i], "deny") != 0) {
			snprintf(err, BRIDGE_AUTH_MSG_MAX, "unknown argument");
			free(s);
			return -1;
		}
	}
	*state = s;
	return 0;
}

static enum bridge_auth_verdict probe_check(void *state, const struct bridge_auth_request *req,
					    const struct bridge_auth_host *host, char *reason)
{
	struct state *s = state;
	struct line l = { .len = 0 };
	long start = now_ms();
	char cwd[PATH_MAX];

	if (s->sleep_ms > 0) {
		struct timespec ts = { s->sleep_ms / 1000, (s->sleep_ms % 1000) * 1000000L };

		while (nanosleep(&ts, &ts) != 0)
			;
	}
	if (s->log) {
		add(&l, "pid=%ld", (long)getpid());
		if (s->sleep_ms > 0)
			add(&l, " start=%ld end=%ld", start, now_ms());
		add_fds(&l);
		add(&l, " env=");
		for (char **e = environ; e && *e; e++)
			add(&l, "%s;", *e);
		add(&l, " cwd=%s", getcwd(cwd, sizeof(cwd)) ? cwd : "?");
		add(&l, " dumpable=%d", prctl(PR_GET_DUMPABLE));
		add_status(&l);
		host->log(host, LOG_NOTICE, "%s", l.buf);
	}
	snprintf(reason, BRIDGE_AUTH_MSG_MAX, "probe says %s", s->allow ? "allow" : "deny");
	return s->allow ? BRIDGE_AUTH_ALLOW : BRIDGE_AUTH_DENY;
}

static void probe_close(void *state)
{
	free(state);
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = BRIDGE_AUTH_ABI_VERSION,
	.name = "probe",
	.open = probe_open,
	.check = probe_check,
	.close = probe_close,
};
