/*
 * uidrange: an example bridge-auth module (bridge-auth-module(7)).
 *
 * Allows callers whose uid lies in a range, on the bridges named (or on
 * every bridge when none is), and denies everyone else there:
 *
 *   { module = "uidrange"; control = "sufficient";
 *     args = [ "uids=4000-4999", "bridge=br0", "bridge=br1" ]; }
 *
 * Bridges it was not given get no opinion (IGNORE).  It reads no file, so
 * it never needs host->open_as_caller(); validate() reports the bridges
 * named that do not exist on this host.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bridge-auth/module.h>

#define MAX_BRIDGES 16

struct uidrange {
	unsigned long low, high;
	char bridge[MAX_BRIDGES][16]; /* IFNAMSIZ */
	int nbridges;
};

/* "LOW-HIGH", decimal, LOW <= HIGH. */
static int parse_range(const char *s, struct uidrange *u)
{
	char *end;

	errno = 0;
	u->low = strtoul(s, &end, 10);
	if (end == s || *end != '-' || errno != 0)
		return -1;
	s = end + 1;
	u->high = strtoul(s, &end, 10);
	if (end == s || *end != 0 || errno != 0 || u->low > u->high)
		return -1;
	return 0;
}

static int uidrange_open(void **state, int argc, const char *const *argv,
			 const struct bridge_auth_host *host, char *err)
{
	struct uidrange *u = calloc(1, sizeof(*u));
	int have_range = 0;

	if (u == NULL) {
		snprintf(err, BRIDGE_AUTH_MSG_MAX, "out of memory");
		return -1;
	}
	for (int i = 0; i < argc; i++) {
		if (strncmp(argv[i], "uids=", 5) == 0 && !have_range) {
			if (parse_range(argv[i] + 5, u) < 0) {
				snprintf(err, BRIDGE_AUTH_MSG_MAX, "uids= needs LOW-HIGH, not %.40s",
					 argv[i] + 5);
				goto fail;
			}
			have_range = 1;
		} else if (strncmp(argv[i], "bridge=", 7) == 0 && u->nbridges < MAX_BRIDGES &&
			   argv[i][7] != 0 && strlen(argv[i] + 7) < sizeof(u->bridge[0])) {
			strcpy(u->bridge[u->nbridges++], argv[i] + 7);
		} else {
			snprintf(err, BRIDGE_AUTH_MSG_MAX, "bad argument %.40s", argv[i]);
			goto fail;
		}
	}
	if (!have_range) {
		snprintf(err, BRIDGE_AUTH_MSG_MAX, "uids=LOW-HIGH is required");
		goto fail;
	}
	*state = u;
	return 0;
fail:
	free(u);
	return -1;
}

static int about(const struct uidrange *u, const char *bridge)
{
	if (u->nbridges == 0)
		return 1;
	for (int i = 0; i < u->nbridges; i++)
		if (strcmp(u->bridge[i], bridge) == 0)
			return 1;
	return 0;
}

static enum bridge_auth_verdict uidrange_check(void *state, const struct bridge_auth_request *req,
					       const struct bridge_auth_host *host, char *reason)
{
	const struct uidrange *u = state;
	unsigned long uid = req->caller->uid;

	if (!about(u, req->bridge)) {
		snprintf(reason, BRIDGE_AUTH_MSG_MAX, "not about bridge %s", req->bridge);
		return BRIDGE_AUTH_IGNORE;
	}
	if (uid >= u->low && uid <= u->high) {
		snprintf(reason, BRIDGE_AUTH_MSG_MAX, "uid %lu is in %lu-%lu", uid, u->low, u->high);
		return BRIDGE_AUTH_ALLOW;
	}
	snprintf(reason, BRIDGE_AUTH_MSG_MAX, "uid %lu is not in %lu-%lu", uid, u->low, u->high);
	return BRIDGE_AUTH_DENY;
}

/* ABI 1.1: called by `bridge-auth check` only. */
static int uidrange_validate(void *state, const struct bridge_auth_host *host,
			     const struct bridge_auth_caller *as, bridge_auth_problem_fn *problem,
			     void *ctx)
{
	const struct uidrange *u = state;
	char path[64], text[BRIDGE_AUTH_MSG_MAX];
	struct stat st;
	int rc = 0;

	for (int i = 0; i < u->nbridges; i++) {
		snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", u->bridge[i]);
		if (stat(path, &st) != 0) {
			snprintf(text, sizeof(text), "bridge=%s: no such bridge on this host",
				 u->bridge[i]);
			problem(ctx, text);
			rc = -1;
		}
	}
	return rc;
}

static void uidrange_close(void *state)
{
	free(state);
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = BRIDGE_AUTH_ABI_VERSION,
	.name = "uidrange",
	.open = uidrange_open,
	.check = uidrange_check,
	.close = uidrange_close,
	.validate = uidrange_validate,
};
