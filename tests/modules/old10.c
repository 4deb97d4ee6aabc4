/*
 * Test module laid out as ABI 1.0: its struct ends after close.  What
 * follows it here stands for whatever lies beyond a real 1.0 module's
 * struct: a loader that read a validate member from a 1.0 module would
 * call it, and abort.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Not <bridge-auth/module.h>: its declaration of the symbol has today's type. */
struct request {
	const void *caller;
	const char *bridge;
};

static int old_open(void **state, int argc, const char *const *argv, const void *host, char *err)
{
	return 0;
}

static int old_check(void *state, const struct request *req, const void *host, char *reason)
{
	snprintf(reason, 256, "1.0 module allows %s", req->bridge);
	return 1; /* BRIDGE_AUTH_ALLOW */
}

static int beyond_the_struct(void)
{
	abort();
}

extern const struct old_module {
	uint32_t abi_version;
	const char *name;
	int (*open)(void **, int, const char *const *, const void *, char *);
	int (*check)(void *, const struct request *, const void *, char *);
	void (*close)(void *);
	int (*not_a_member)(void); /* where 1.1's validate would be */
} bridge_auth_module;

const struct old_module bridge_auth_module = {
	.abi_version = (1u << 16) | 0u,
	.name = "old10",
	.open = old_open,
	.check = old_check,
	.close = NULL,
	.not_a_member = beyond_the_struct,
};
