/*
 * polkit: the bridge-auth module asking polkitd (bridge-auth-polkit(8)).
 *
 * Thin entry points; the worker is polkit_check.c.  The state is the parsed
 * arguments; each check opens its own private connection to the system
 * bus and closes it before returning, so nothing is open at close() and
 * nothing reaches past the helper's drop of privileges.
 */
#include "config.h"

#include <stdlib.h>

#include <bridge-auth/module.h>

#include "msg.h"
#include "polkit_check.h"

static int polkit_open(void **state, int argc, const char *const *argv,
		       const struct bridge_auth_host *host, char *err)
{
	struct pk_conf *conf = calloc(1, sizeof(*conf));

	if (conf == NULL) {
		msg_put(err, BRIDGE_AUTH_MSG_MAX, "out of memory");
		return -1;
	}
	if (pk_parse_args(argc, argv, conf, err, BRIDGE_AUTH_MSG_MAX) < 0) {
		free(conf);
		return -1;
	}
	*state = conf;
	return 0;
}

/*
 * The subject is this process with the caller's uid: the helper's real uid
 * (never its effective uid 0, which polkitd would authorize for anything),
 * or, in bridge-auth(8) run by root, the user asked about.
 */
static enum bridge_auth_verdict polkit_check(void *state, const struct bridge_auth_request *req,
					     const struct bridge_auth_host *host, char *reason)
{
	return pk_check(state, req->caller->uid, req->bridge, reason, BRIDGE_AUTH_MSG_MAX);
}

static void polkit_close(void *state)
{
	free(state);
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = BRIDGE_AUTH_ABI_VERSION,
	.name = "polkit",
	.open = polkit_open,
	.check = polkit_check,
	.close = polkit_close,
};
