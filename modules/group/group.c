/*
 * group: the bridge-auth module mapping bridges to Unix groups
 * (bridge-auth-group(8)).
 *
 * Thin entry points; the worker is group_map.c.  The state is the parsed
 * map and pattern; every check asks the name service afresh.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

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

/* A mapped group that does not exist is most likely a typo: say so. */
static int group_validate(void *state, const struct bridge_auth_host *host,
			  const struct bridge_auth_caller *as, bridge_auth_problem_fn *problem,
			  void *ctx)
{
	const struct group_conf *conf = state;
	char text[BRIDGE_AUTH_MSG_MAX];
	int rc = 0;

	for (size_t i = 0; i < conf->nmap; i++)
		for (size_t j = 0; j < conf->map[i].ngroups; j++) {
			const char *g = conf->map[i].groups[j];
			gid_t gid;
			int listed;
			int found = group_nss_system.group_by_name(NULL, g, NULL, &gid, &listed);

			if (found == 1)
				continue;
			if (found == 0)
				snprintf(text, sizeof(text),
					 "map=%s:...: group %s does not exist (no one may use %s through it)",
					 conf->map[i].bridge, g, conf->map[i].bridge);
			else
				snprintf(text, sizeof(text), "map=%s:...: cannot look up group %s: %s",
					 conf->map[i].bridge, g, strerror(errno));
			problem(ctx, text);
			rc = -1;
		}
	return rc;
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
	.validate = group_validate,
};
