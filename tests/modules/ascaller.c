/*
 * Test module: puts host->as_caller() (ABI 1.2) through its paces and says
 * what it saw, as its reason.
 *   args = [ "secret=PATH", "shared=PATH" [, "change"] ]
 *   secret: a file the caller may not read (root's, 0600); shared: one the
 *   caller may read (through a group).  change: the function changes the
 *   fsuid it runs with, which a module must not do.
 * Not a model module: it opens files directly and reads its fsuid, to see
 * what the host did.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <unistd.h>

#include "bridge-auth/module.h"

struct state {
	const char *secret, *shared;
	int change;
};

struct probe {
	const struct state *s;
	const struct bridge_auth_host *host;
	const struct bridge_auth_caller *caller;
	char seen[BRIDGE_AUTH_MSG_MAX - 40];
	int calls;
};

static void note(struct probe *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct probe *p, const char *fmt, ...)
{
	size_t len = strlen(p->seen);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->seen + len, sizeof(p->seen) - len, fmt, ap);
	va_end(ap);
}

/* The name of E, for the few a test expects. */
static const char *errname(int e)
{
	switch (e) {
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	}
	return "other";
}

/* "ok" (and close FD), or the name of errno. */
static const char *result(int fd)
{
	if (fd < 0)
		return errname(errno);
	close(fd);
	return "ok";
}

static int inner(void *arg)
{
	struct probe *p = arg;

	p->calls++;
	note(p, "/%s", result(p->host->open_as_caller(p->host, p->caller, p->s->shared)));
	return 7;
}

static int probe(void *arg)
{
	struct probe *p = arg;
	const struct bridge_auth_host *h = p->host;
	struct bridge_auth_caller copy = *p->caller, other = *p->caller;
	int r;

	p->calls++;
	note(p, " fsuid=%d fsgid=%d", setfsuid((uid_t)-1), setfsgid((gid_t)-1));
	note(p, " raw-secret=%s", result(open(p->s->secret, O_RDONLY | O_CLOEXEC)));
	note(p, " secret=%s", result(h->open_as_caller(h, p->caller, p->s->secret)));
	note(p, " shared=%s", result(h->open_as_caller(h, p->caller, p->s->shared)));
	r = h->as_caller(h, p->caller, inner, p);
	note(p, " nested=%d", r);
	r = h->as_caller(h, &copy, inner, p);
	note(p, " copy=%d", r);
	other.uid++;
	r = h->as_caller(h, &other, inner, p);
	note(p, " other=%d/%s", r, r < 0 ? errname(errno) : "-");
	note(p, " other-open=%s", result(h->open_as_caller(h, &other, p->s->shared)));
	if (p->s->change)
		setfsuid(p->caller->uid + 1);
	return 42;
}

static int ascaller_open(void **state, int argc, const char *const *argv,
			 const struct bridge_auth_host *host, char *err)
{
	struct state *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return -1;
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "secret=", 7) == 0)
			s->secret = argv[i] + 7;
		else if (strncmp(argv[i], "shared=", 7) == 0)
			s->shared = argv[i] + 7;
		else if (strcmp(argv[i], "change") == 0)
			s->change = 1;
	}
	if (s->secret == NULL || s->shared == NULL) {
		snprintf(err, BRIDGE_AUTH_MSG_MAX, "needs secret= and shared=");
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static enum bridge_auth_verdict ascaller_check(void *state, const struct bridge_auth_request *req,
					       const struct bridge_auth_host *host, char *reason)
{
	struct probe p = { .s = state, .host = host, .caller = req->caller };
	int r, e;

	if (BRIDGE_AUTH_ABI_MINOR_OF(host->version) < 2) {
		snprintf(reason, BRIDGE_AUTH_MSG_MAX, "host has no as_caller");
		return BRIDGE_AUTH_ERROR;
	}
	r = host->as_caller(host, req->caller, probe, &p);
	e = errno;
	note(&p, " after: fsuid=%d", setfsuid((uid_t)-1));
	note(&p, " secret=%s", result(open(p.s->secret, O_RDONLY | O_CLOEXEC)));
	snprintf(reason, BRIDGE_AUTH_MSG_MAX, "r=%d/%s calls=%d%s", r, r < 0 ? errname(e) : "-",
		 p.calls, p.seen);
	return BRIDGE_AUTH_ALLOW;
}

static void ascaller_close(void *state)
{
	free(state);
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = BRIDGE_AUTH_ABI_VERSION,
	.name = "ascaller",
	.open = ascaller_open,
	.check = ascaller_check,
	.close = ascaller_close,
};
