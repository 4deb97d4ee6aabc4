/*
 * Unit tests of the acl module's entry points against hosts of three ABI
 * minors: with a 1.3 host every file comes through host->open_trusted(),
 * and a path it refuses fails the decision; with a 1.2 host the whole walk
 * runs in one host->as_caller() scope (open_trusted, beyond its struct,
 * never read); with a 1.1 host every file is opened on its own and
 * as_caller, beyond the end of that host's struct, is never read.  The module is
 * linked in (no dlopen); the hosts are fakes that open files plainly and
 * count.  No root needed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bridge-auth/module.h>

#include "tap-test.h"

static char dir[64] = "/tmp/ba-acl-host-XXXXXX", a[96], b[96], c[96];
static int opens, opens_outside, scopes, in_scope, scope_errno, trusted_opens;
static char problems[1024];

static int fake_open(const struct bridge_auth_host *host, const struct bridge_auth_caller *caller,
		     const char *path)
{
	opens++;
	opens_outside += !in_scope;
	return open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
}

static void fake_log(const struct bridge_auth_host *host, int priority, const char *fmt, ...)
{
}

/* Calls FN, unless told to fail as a host that cannot become the caller. */
static int fake_as_caller(const struct bridge_auth_host *host,
			  const struct bridge_auth_caller *caller, int (*fn)(void *arg), void *arg)
{
	int r;

	scopes++;
	if (scope_errno != 0) {
		errno = scope_errno;
		return -1;
	}
	in_scope = 1;
	r = fn(arg);
	in_scope = 0;
	return r;
}

/* A 1.3 host's open_trusted: refuses the path to C, opens the rest. */
static int fake_trusted(const struct bridge_auth_host *host, const struct bridge_auth_caller *caller,
			const char *path, char *why)
{
	trusted_opens++;
	if (strcmp(path, c) == 0) {
		snprintf(why, BRIDGE_AUTH_MSG_MAX, "%s is owned by uid 4001, not root", dir);
		return BRIDGE_AUTH_UNTRUSTED;
	}
	return fake_open(host, caller, path);
}

/* What lies beyond a 1.2 host's struct: never to be called. */
static int beyond_12(const struct bridge_auth_host *host, const struct bridge_auth_caller *caller,
		     const char *path, char *why)
{
	abort();
}

/* What lies beyond a 1.1 host's struct: a module that read as_caller there would call this. */
static int beyond_the_struct(const struct bridge_auth_host *host,
			     const struct bridge_auth_caller *caller, int (*fn)(void *arg), void *arg)
{
	abort();
}

static void add_problem(void *ctx, const char *text)
{
	size_t len = strlen(problems);

	snprintf(problems + len, sizeof(problems) - len, "%s\n", text);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(99);
	}
}

static void reset(void)
{
	opens = opens_outside = scopes = in_scope = scope_errno = trusted_opens = 0;
	problems[0] = '\0';
}

int main(void)
{
	const struct bridge_auth_module *m = &bridge_auth_module;
	struct bridge_auth_host h12 = {
		.version = BRIDGE_AUTH_ABI(1, 2), .open_as_caller = fake_open, .log = fake_log,
		.as_caller = fake_as_caller, .open_trusted = beyond_12,
	};
	struct bridge_auth_host h13 = {
		.version = BRIDGE_AUTH_ABI(1, 3), .open_as_caller = fake_open, .log = fake_log,
		.as_caller = fake_as_caller, .open_trusted = fake_trusted,
	};
	struct bridge_auth_host h11 = {
		.version = BRIDGE_AUTH_ABI(1, 1), .open_as_caller = fake_open, .log = fake_log,
		.as_caller = beyond_the_struct,
	};
	gid_t groups[1] = { 100 };
	struct bridge_auth_caller alice = { 4001, 4001, "alice", groups, 1 };
	struct bridge_auth_request req = { &alice, "br0" };
	char arg[160], reason[BRIDGE_AUTH_MSG_MAX], expect[512];
	const char *argv[] = { arg, NULL };
	void *state = NULL;
	int v;

	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(c, sizeof(c), "%s/c", dir);
	snprintf(arg, sizeof(arg), "file=%s", a);
	snprintf(expect, sizeof(expect), "include %s\ninclude %s\nallow br0\n", b, c);
	write_file(a, expect);
	write_file(b, "allow x\n");
	write_file(c, "deny y\n");
	if (m->open(&state, 1, argv, &h12, reason) != 0) {
		printf("Bail out! acl open: %s\n", reason);
		return 99;
	}

	reset();
	v = m->check(state, &req, &h12, reason);
	snprintf(expect, sizeof(expect), "allowed by %s:3 (allow br0)", a);
	ASSERT_INT_EQ(BRIDGE_AUTH_ALLOW, v, "1.2 host: decides");
	ASSERT_STR_EQ(expect, reason, "1.2 host: the reason");
	ASSERT_INT_EQ(1, scopes, "1.2 host: one as_caller scope for the decision");
	ASSERT_INT_EQ(3, opens, "1.2 host: three files opened");
	ASSERT_INT_EQ(0, opens_outside, "1.2 host: every open inside the scope");

	reset();
	v = m->check(state, &req, &h11, reason);
	ASSERT_INT_EQ(BRIDGE_AUTH_ALLOW, v, "1.1 host: decides the same");
	ASSERT_STR_EQ(expect, reason, "1.1 host: the same reason");
	ASSERT_INT_EQ(3, opens, "1.1 host: every file opened as the caller, one by one");
	ASSERT_INT_EQ(0, scopes, "1.1 host: as_caller (beyond its struct) never read");

	/* 1.3: every file through open_trusted, in one scope; C's path is refused. */
	reset();
	v = m->check(state, &req, &h13, reason);
	snprintf(expect, sizeof(expect), "%s:2: include %s: not trusted: %s is owned by uid 4001, not root",
		 a, c, dir);
	ASSERT_INT_EQ(BRIDGE_AUTH_ERROR, v, "1.3 host: a path it refuses fails the decision");
	ASSERT_STR_EQ(expect, reason, "1.3 host: the reason names file:line, the include and why");
	ASSERT_INT_EQ(3, trusted_opens, "1.3 host: every file asked of open_trusted");
	ASSERT_INT_EQ(2, opens, "1.3 host: no plain open_as_caller besides");
	ASSERT_INT_EQ(1, scopes, "1.3 host: one as_caller scope");
	reset();
	ASSERT_INT_EQ(-1, m->validate(state, &h13, &alice, add_problem, NULL),
		      "validate, 1.3 host: the refused path is a problem");
	snprintf(expect, sizeof(expect), "%s:2: include %s: not trusted: %s is owned by uid 4001, not root\n",
		 a, c, dir);
	ASSERT_STR_EQ(expect, problems, "validate, 1.3 host: reported with file:line");

	reset();
	scope_errno = EPERM;
	v = m->check(state, &req, &h12, reason);
	snprintf(expect, sizeof(expect), "%s: cannot read as the caller: %s", a,
		 strerror(EPERM));
	ASSERT_INT_EQ(BRIDGE_AUTH_ERROR, v, "no caller's identity: ERROR, never a guess");
	ASSERT_STR_EQ(expect, reason, "no caller's identity: the reason");
	ASSERT_INT_EQ(0, opens, "no caller's identity: no file opened");

	reset();
	m->validate(state, &h12, &alice, add_problem, NULL);
	ASSERT_INT_EQ(1, scopes, "validate, 1.2 host: one as_caller scope");
	ASSERT_INT_EQ(3, opens, "validate, 1.2 host: three files opened");
	ASSERT_INT_EQ(0, opens_outside, "validate, 1.2 host: every open inside the scope");

	reset();
	m->validate(state, &h11, &alice, add_problem, NULL);
	ASSERT_INT_EQ(3, opens, "validate, 1.1 host: three files opened");
	ASSERT_INT_EQ(0, scopes, "validate, 1.1 host: as_caller never read");

	reset();
	scope_errno = ENOMEM;
	ASSERT_INT_EQ(-1, m->validate(state, &h12, &alice, add_problem, NULL),
		      "validate, no caller's identity: a problem");
	snprintf(expect, sizeof(expect), "%s: cannot read as uid 4001: %s\n", a,
		 strerror(ENOMEM));
	ASSERT_STR_EQ(expect, problems, "validate, no caller's identity: says so");

	m->close(state);
	snprintf(expect, sizeof(expect), "rm -rf '%s'", dir);
	if (system(expect) != 0)
		OK(0, "cleanup");
	return tap_done();
}
