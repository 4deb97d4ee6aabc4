/*
 * group: the bridge-auth module mapping bridges to Unix groups
 * (bridge-auth-group(8)).
 *
 * Thin entry points; the worker is group_map.c.  The state is the parsed
 * map and pattern; every check asks the name service afresh.
 */
#include "config.h"

#include <bridge-auth/module.h>

#include "group_map.h"

static int group_open(void **state, int argc, const char *const *argv,
		      const struct bridge_auth_host *host, char *err)
{
	struct group_conf *conf;

	if (group_parse_args(argc, argv, &conf, err, BRIDGE_AUTH_MSG_MAX) < 0)
		return -1;
	*state = conf;
	return 0;
}

static enum bridge_auth_verdict group_check(void *state, const struct bridge_auth_request *req,
					    const struct bridge_auth_host *host, char *reason)
{
	return group_decide(state, req->bridge, req->caller->user, req->caller->uid,
			    &group_nss_system, reason, BRIDGE_AUTH_MSG_MAX);
}

static void group_close(void *state)
{
	group_conf_free(state);
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = BRIDGE_AUTH_ABI_VERSION,
	.name = "group",
	.open = group_open,
	.check = group_check,
	.close = group_close,
};
