/*
 * acl: the bridge-auth module reading QEMU's bridge.conf (bridge-auth-acl(8)).
 *
 * Thin entry points; the worker is acl_parse.c.  The state is the path of
 * the top-level file; every check reads the files afresh, as the caller.
 */
#include "config.h"

#include <stdlib.h>
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

static enum bridge_auth_verdict acl_check(void *state, const struct bridge_auth_request *req,
					  const struct bridge_auth_host *host, char *reason)
{
	struct acl_ctx c = { host, req->caller };
	struct acl_source src = {
		.open = acl_open_file,
		.debug = acl_debug,
		.ctx = &c,
		.user = req->caller->user,
		.uid = req->caller->uid,
	};

	return acl_decide(state, req->bridge, &src, reason, BRIDGE_AUTH_MSG_MAX);
}

/* Every syntax error of every file, read as AS: what the helper would refuse on. */
static int acl_validate_files(void *state, const struct bridge_auth_host *host,
			      const struct bridge_auth_caller *as, bridge_auth_problem_fn *problem,
			      void *ctx)
{
	struct acl_ctx c = { host, as };
	struct acl_source src = {
		.open = acl_open_file,
		.debug = acl_debug,
		.ctx = &c,
		.user = as->user,
		.uid = as->uid,
	};

	return acl_validate(state, &src, problem, ctx) == 0 ? 0 : -1;
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
};
