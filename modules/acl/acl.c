/*
 * acl: the bridge-auth module reading QEMU's bridge.conf (bridge-auth-acl(8)).
 *
 * Thin entry points; the worker is acl_parse.c.  The state is the path of
 * the top-level file; every check reads the files afresh, as the caller
 * (in one host->as_caller() scope when the host has it: ABI 1.2), through
 * paths the host judged (host->open_trusted: ABI 1.3).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <bridge-auth/module.h>

#include "acl_parse.h"

struct acl_ctx {
	const struct bridge_auth_host *host;
	const struct bridge_auth_caller *caller;
};

static int acl_open_file(void *ctx, const char *path)
{
	const struct acl_ctx *c = ctx;

	return c->host->open_as_caller(c->host, c->caller, path);
}

static int acl_open_trusted(void *ctx, const char *path, char why[BRIDGE_AUTH_MSG_MAX])
{
	const struct acl_ctx *c = ctx;

	return c->host->open_trusted(c->host, c->caller, path, why);
}

static void acl_debug(void *ctx, const char *msg)
{
	const struct acl_ctx *c = ctx;

	if (c->host->log != NULL)
		c->host->log(c->host, LOG_DEBUG, "%s", msg);
}

static int acl_open(void **state, int argc, const char *const *argv,
		    const struct bridge_auth_host *host, char *err)
{
	char *file;

	if (acl_parse_args(argc, argv, &file, err, BRIDGE_AUTH_MSG_MAX) < 0)
		return -1;
	*state = file;
	return 0;
}

/* One walk of the files: a decision, or (PROBLEM set) a validation. */
struct acl_walk {
	const char *file;
	const struct acl_source *src;
	const char *bridge;               /* acl_decide() */
	char *reason;
	bridge_auth_problem_fn *problem;  /* acl_validate() */
	void *ctx;
	int result;                       /* the verdict, or how many problems */
};

static int acl_walk(void *arg)
{
	struct acl_walk *a = arg;

	if (a->problem == NULL)
		a->result = acl_decide(a->file, a->bridge, a->src, a->reason, BRIDGE_AUTH_MSG_MAX);
	else
		a->result = (int)acl_validate(a->file, a->src, a->problem, a->ctx);
	return 0;
}

/*
 * Walk the files as CALLER.  A 1.2 host switches to the caller once for
 * the whole walk (a decision may open hundreds of includes); an older one
 * switches for each open.  A 1.3 host also judges the path to each file
 * (host->open_trusted); on an older one, only the file is judged.  -1
 * with errno when the identity cannot be taken.
 */
static int acl_run(const struct bridge_auth_host *host, const struct bridge_auth_caller *caller,
		   struct acl_walk *a)
{
	struct acl_ctx c = { host, caller };
	struct acl_source src = {
		.open = acl_open_file,
		.debug = acl_debug,
		.ctx = &c,
		/* No name: the helper does not look it up for acl (USER NAMES in
		 * module.h), so messages name the uid, in the helper and in
		 * bridge-auth(8) alike. */
		.user = NULL,
		.uid = caller->uid,
	};

	if (BRIDGE_AUTH_ABI_MINOR_OF(host->version) >= 3 && host->open_trusted != NULL)
		src.open_trusted = acl_open_trusted;
	a->src = &src;
	if (BRIDGE_AUTH_ABI_MINOR_OF(host->version) >= 2 && host->as_caller != NULL)
		return host->as_caller(host, caller, acl_walk, a);
	return acl_walk(a);
}

static enum bridge_auth_verdict acl_check(void *state, const struct bridge_auth_request *req,
					  const struct bridge_auth_host *host, char *reason)
{
	struct acl_walk a = { .file = state, .bridge = req->bridge, .reason = reason };

	if (acl_run(host, req->caller, &a) < 0) {
		snprintf(reason, BRIDGE_AUTH_MSG_MAX, "%s: cannot read as the caller: %s",
			 (const char *)state, strerror(errno));
		return BRIDGE_AUTH_ERROR;
	}
	return (enum bridge_auth_verdict)a.result;
}

/* Every syntax error of every file, read as AS: what the helper would refuse on. */
static int acl_validate_files(void *state, const struct bridge_auth_host *host,
			      const struct bridge_auth_caller *as, bridge_auth_problem_fn *problem,
			      void *ctx)
{
	struct acl_walk a = { .file = state, .problem = problem, .ctx = ctx };
	char text[BRIDGE_AUTH_MSG_MAX];

	if (acl_run(host, as, &a) < 0) {
		snprintf(text, sizeof(text), "%s: cannot read as uid %lu: %s", (const char *)state,
			 (unsigned long)as->uid, strerror(errno));
		problem(ctx, text);
		return -1;
	}
	return a.result == 0 ? 0 : -1;
}

static void acl_close(void *state)
{
	free(state);
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = BRIDGE_AUTH_ABI_VERSION,
	.name = "acl",
	.open = acl_open,
	.check = acl_check,
	.close = acl_close,
	.validate = acl_validate_files,
	.flags = BRIDGE_AUTH_NAME_UNUSED,
};
