/*
 * Test module: puts host->as_caller() (ABI 1.2) through its paces and says
 * what it saw, as its reason.
 *   args = [ "secret=PATH", "shared=PATH", "maps=PATH" [, "change" | "raise"] ]
 *   secret: a file the caller may not read (root's, 0600); shared: one the
 *   caller may read (through a group).  change: the function takes fsuid 0
 *   back, which a module must not do; raise: it makes its permitted
 *   capabilities effective again, which a module must not do either.
 *   maps: /proc/PID/maps of a process of root's, which only CAP_SYS_PTRACE
 *   lets another user open.  The reason also tells the effective
 *   capabilities inside and after.
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
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bridge-auth/module.h"

struct state {
	const char *secret, *shared, *maps;
	int change, raise;
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

/* The effective capabilities, as text: "none", "same" as SAME, or their hex. */
static const char *capeff(char *buf, size_t size, const struct __user_cap_data_struct *same)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &h, d) != 0)
		return "error";
	if (d[0].effective == 0 && d[1].effective == 0)
		return "none";
	if (same != NULL && memcmp(d, same, sizeof(d)) == 0)
		return "same";
	snprintf(buf, size, "%08x%08x", d[1].effective, d[0].effective);
	return buf;
}

/* Make the permitted capabilities effective again (what a module must not do). */
static void raise_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2] = { { 0 } };

	if (syscall(SYS_capget, &h, d) == 0) {
		d[0].effective = d[0].permitted;
		d[1].effective = d[1].permitted;
		(void)syscall(SYS_capset, &h, d);
	}
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

	char buf[20];

	p->calls++;
	note(p, " fsuid=%d fsgid=%d", setfsuid((uid_t)-1), setfsgid((gid_t)-1));
	note(p, " capeff=%s", capeff(buf, sizeof(buf), NULL));
	note(p, " maps=%s", result(h->open_as_caller(h, p->caller, p->s->maps)));
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
		setfsuid(0);
	if (p->s->raise)
		raise_caps();
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
		else if (strncmp(argv[i], "maps=", 5) == 0)
			s->maps = argv[i] + 5;
		else if (strcmp(argv[i], "change") == 0)
			s->change = 1;
		else if (strcmp(argv[i], "raise") == 0)
			s->raise = 1;
	}
	if (s->secret == NULL || s->shared == NULL || s->maps == NULL) {
		snprintf(err, BRIDGE_AUTH_MSG_MAX, "needs secret=, shared= and maps=");
		free(s);
		return -1;
	}
	*state = s;
	return 0;
}

static enum bridge_auth_verdict ascaller_check(void *state, const struct bridge_auth_request *req,
					       const struct bridge_auth_host *host, char *reason)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct before[2] = { { 0 } };
	struct probe p = { .s = state, .host = host, .caller = req->caller };
	char buf[20];
	int r, e;

	if (BRIDGE_AUTH_ABI_MINOR_OF(host->version) < 2) {
		snprintf(reason, BRIDGE_AUTH_MSG_MAX, "host has no as_caller");
		return BRIDGE_AUTH_ERROR;
	}
	if (syscall(SYS_capget, &h, before) != 0) {
		snprintf(reason, BRIDGE_AUTH_MSG_MAX, "capget: %s", strerror(errno));
		return BRIDGE_AUTH_ERROR;
	}
	r = host->as_caller(host, req->caller, probe, &p);
	e = errno;
	note(&p, " after: fsuid=%d", setfsuid((uid_t)-1));
	note(&p, " capeff=%s", capeff(buf, sizeof(buf), before));
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
