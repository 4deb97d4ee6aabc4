#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifname.h"
#include "net.h"
#include "netlink.h"
#include "pin.h"
#include "quota.h"

struct names {
	char **v;
	size_t n;
	bool failed;
};

static int add_name(void *ctx, const struct nl_link *l)
{
	struct names *b = ctx;
	char **more;

	if (l == NULL) { /* the dump starts over */
		while (b->n > 0)
			free(b->v[--b->n]);
		return 0;
	}
	if (!ifname_valid(l->name))
		return 0;
	more = realloc(b->v, (b->n + 1) * sizeof(char *));
	if (more == NULL) {
		b->failed = true;
		return -1;
	}
	b->v = more;
	b->v[b->n] = strdup(l->name);
	if (b->v[b->n] == NULL) {
		b->failed = true;
		return -1;
	}
	b->n++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **admin_bridges(size_t *n, char *err, size_t errlen)
{
	struct names b = { 0 };
	struct nl *nl = nl_open(err, errlen);
	int rc;

	*n = 0;
	if (nl == NULL)
		return NULL;
	rc = nl_links(nl, 0, "bridge", add_name, &b, err, errlen);
	nl_close(nl);
	if (rc < 0 || b.failed) {
		if (b.failed)
			snprintf(err, errlen, "out of memory");
		for (size_t i = 0; i < b.n; i++)
			free(b.v[i]);
		free(b.v);
		return NULL;
	}
	if (b.n)
		qsort(b.v, b.n, sizeof(char *), by_name);
	*n = b.n;
	return b.v ? b.v : calloc(1, sizeof(char *));
}

bool admin_bridge_exists(const char *name)
{
	char err[256];
	struct nl_link l;
	struct nl *nl = nl_open(err, sizeof(err));
	bool yes;

	if (nl == NULL)
		return false;
	yes = nl_link_get(nl, name, &l, err, sizeof(err)) == 0 && strcmp(l.kind, "bridge") == 0;
	nl_close(nl);
	return yes;
}

int link_table_add(void *ctx, const struct nl_link *l)
{
	struct link_table *t = ctx;
	struct nl_link *more;

	if (l == NULL) { /* the dump starts over */
		t->n = 0;
		t->full = false;
		return 0;
	}
	if (t->n == MAX_LINKS) {
		t->full = true;
		return 0;
	}
	more = realloc(t->v, (t->n + 1) * sizeof(*t->v));
	if (more == NULL)
		return -2;
	t->v = more;
	t->v[t->n++] = *l;
	return 0;
}

void admin_mac_warnings(void)
{
	struct link_table bridges = { 0 };
	char err[512] = "out of memory";
	struct nl *nl = nl_open(err, sizeof(err));

	if (nl == NULL || nl_links(nl, 0, "bridge", link_table_add, &bridges, err, sizeof(err)) < 0) {
		printf("warning: cannot list the bridges: %s\n", err);
		nl_close(nl);
		return;
	}
	nl_close(nl);
	for (size_t i = 0; i < bridges.n; i++)
		if (!bridge_mac_pinned(&bridges.v[i]))
			printf("warning: bridge %s: its MAC address was never set, so it follows its "
			       "ports (the helper fixes it at its next request on it; or: ip link set "
			       "%s address <its address>)\n", bridges.v[i].name, bridges.v[i].name);
	free(bridges.v);
}

long admin_held(const char *bridge, uid_t uid)
{
	char err[512];
	struct nl *nl = nl_open(err, sizeof(err));
	unsigned held;
	long n = -1;

	/* Counted as the helper counts: the user's slots on the bridge (quota.h). */
	if (nl != NULL && quota_held(nl, uid, bridge, &held, err, sizeof(err)) == 0)
		n = held;
	nl_close(nl);
	return n;
}
