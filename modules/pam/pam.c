/*
 * pam: the bridge-auth module asking PAM's account management
 * (bridge-auth-pam(8)).
 *
 * Thin entry points; the worker is pam_account.c.  The state is the service
 * name and the optional PAM configuration directory.
 */
#include "config.h"

#include <bridge-auth/module.h>

#include "pam_account.h"

struct pam_log_ctx {
	const struct bridge_auth_host *host;
};

static void pam_log(void *ctx, int priority, const char *line)
{
	const struct pam_log_ctx *c = ctx;

	if (c->host->log != NULL)
		c->host->log(c->host, priority, "%s", line);
}

static int pam_open(void **state, int argc, const char *const *argv,
		    const struct bridge_auth_host *host, char *err)
{
	struct pamacct_conf *conf;

	if (pamacct_parse_args(argc, argv, &conf, err, BRIDGE_AUTH_MSG_MAX) < 0)
		return -1;
	*state = conf;
	return 0;
}

static enum bridge_auth_verdict pam_check(void *state, const struct bridge_auth_request *req,
					  const struct bridge_auth_host *host, char *reason)
{
	struct pam_log_ctx c = { host };
	struct pamacct_log log = { pam_log, &c };

	return pamacct_check(state, req->caller->user, req->caller->uid, req->bridge, &log, reason,
			     BRIDGE_AUTH_MSG_MAX);
}

static void pam_close(void *state)
{
	pamacct_conf_free(state);
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = BRIDGE_AUTH_ABI_VERSION,
	.name = "pam",
	.open = pam_open,
	.check = pam_check,
	.close = pam_close,
};
