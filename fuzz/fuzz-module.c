/* The one module fuzz-policy loads: valid, answers IGNORE. */
#include "config.h"

#include "bridge-auth/module.h"

static enum bridge_auth_verdict fuzz_check(void *state, const struct bridge_auth_request *req,
					   const struct bridge_auth_host *host, char *reason)
{
	(void)state;
	(void)req;
	(void)host;
	reason[0] = '\0';
	return BRIDGE_AUTH_IGNORE;
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = BRIDGE_AUTH_ABI_VERSION,
	.name = "m",
	.check = fuzz_check,
};
