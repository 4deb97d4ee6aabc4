/*
 * pam: the bridge-auth module asking PAM's account management
 * (bridge-auth-pam(8)).
 *
 * Thin entry points; the worker is pam_account.c.  The state is the service
 * name and the optional PAM configuration directory.
 */
#include "config.h"

#include <stdio.h>
#include <sys/stat.h>

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

/*
 * The service file must exist: without it Linux-PAM quietly falls back to
 * its "other" service, which is rarely what the administrator meant.
 */
static int pam_validate(void *state, const struct bridge_auth_host *host,
			const struct bridge_auth_caller *as, bridge_auth_problem_fn *problem,
			void *ctx)
{
	const struct pamacct_conf *conf = state;
	const char *dirs[] = { "/etc/pam.d", "/usr/lib/pam.d", NULL };
	char path[4096], text[BRIDGE_AUTH_MSG_MAX];
	struct stat st;

	if (conf->confdir) { /* a test's own directory: that one only */
		dirs[0] = conf->confdir;
		dirs[1] = NULL;
	}
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", dirs[i], conf->service);
		if (stat(path, &st) == 0)
			return 0;
	}
	snprintf(text, sizeof(text), "%s/%s: no such PAM service (PAM would use its \"other\" service)",
		 dirs[0], conf->service);
	problem(ctx, text);
	return -1;
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
	.validate = pam_validate,
};
