/*
 * Test module: answers what its arguments say.
 *   args = [ "allow" | "deny" | "ignore" | "error" | "bogus" | "open-fails",
 *            "touch=PATH" | "problems" | "validate-fails" ]
 *   touch: create PATH when check() runs; problems: validate() reports two
 *   problems; validate-fails: validate() fails without saying why.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bridge-auth/module.h"

struct state {
	int verdict;
	const char *touch;
	int problems, validate_fails;
};

static int verdict_open(void **state, int argc, const char *const *argv,
			const struct bridge_auth_host *host, char *err)
{
	static const char *const names[] = { "", "allow", "deny", "ignore", "error" };
	struct state *s;

	if (argc < 1) {
		snprintf(err, BRIDGE_AUTH_MSG_MAX, "needs a verdict argument");
		return -1;
	}
	if (strcmp(argv[0], "open-fails") == 0) {
		snprintf(err, BRIDGE_AUTH_MSG_MAX, "asked to fail");
		return -1;
	}
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return -1;
	s->verdict = 99; /* "bogus": not a verdict */
	for (int v = 1; v <= 4; v++)
		if (strcmp(argv[0], names[v]) == 0)
			s->verdict = v;
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "touch=", 6) == 0)
			s->touch = argv[i] + 6;
		s->problems |= strcmp(argv[i], "problems") == 0;
		s->validate_fails |= strcmp(argv[i], "validate-fails") == 0;
	}
	*state = s;
	return 0;
}

static enum bridge_auth_verdict verdict_check(void *state, const struct bridge_auth_request *req,
					      const struct bridge_auth_host *host, char *reason)
{
	struct state *s = state;

	if (s->touch) {
		int fd = open(s->touch, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

		if (fd >= 0)
			close(fd);
	}
	snprintf(reason, BRIDGE_AUTH_MSG_MAX, "verdict %d for %s", s->verdict, req->bridge);
	return (enum bridge_auth_verdict)s->verdict;
}

static int verdict_validate(void *state, const struct bridge_auth_host *host,
			    const struct bridge_auth_caller *as, bridge_auth_problem_fn *problem,
			    void *ctx)
{
	struct state *s = state;

	if (s->problems) {
		problem(ctx, "/nowhere/verdict.conf:7: first problem");
		problem(ctx, "second problem, \033[31mwith no place");
	}
	return s->problems || s->validate_fails ? -1 : 0;
}

static void verdict_close(void *state)
{
	free(state);
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = TEST_ABI_VERSION,
	.name = "verdict",
	.open = verdict_open,
	.check = verdict_check,
	.close = verdict_close,
	.validate = verdict_validate,
};
