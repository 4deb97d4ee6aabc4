/* bridge-auth(8) reap: removes the taps the helper made that a holder left persistent. */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "json.h"
#include "mark.h"
#include "netlink.h"

struct reaped {
	bool json;
	unsigned n;
	unsigned failed;
};

static void said(void *ctx, const struct nl_link *l, const struct mark *m, int error)
{
	struct reaped *r = ctx;
	char user[64];

	user_name(m->uid, user, sizeof(user));
	if (error) {
		fprintf(stderr, "bridge-auth: cannot remove %s: %s\n", l->name, strerror(error));
		r->failed++;
		return;
	}
	if (r->json) {
		fputs(r->n ? ",{" : "{", stdout);
		json_member_str(stdout, 1, "name", l->name);
		json_member_int(stdout, 0, "uid", m->uid);
		json_member_str(stdout, 0, "user", user);
		json_member_str(stdout, 0, "bridge", m->bridge);
		json_member_int(stdout, 0, "since", m->since);
		putchar('}');
	} else {
		printf("removed %s (persistent; requested by %s for %s)\n", l->name, user, m->bridge);
	}
	r->n++;
}

int cmd_reap(bool json)
{
	struct reaped r = { json, 0, 0 };
	char err[512];
	struct nl *nl;
	unsigned n;
	int rc;

	if (geteuid() != 0) {
		fprintf(stderr, "bridge-auth: reap: only root may remove taps\n");
		return 3;
	}
	nl = nl_open(err, sizeof(err));
	if (nl == NULL) {
		fprintf(stderr, "bridge-auth: %s\n", err);
		return 3;
	}
	if (json)
		fputs("{\"removed\":[", stdout);
	rc = mark_reap(nl, &n, said, &r, err, sizeof(err));
	nl_close(nl);
	if (json)
		printf("],\"failed\":%u}\n", r.failed);
	else if (rc == 0)
		printf("%u persistent tap%s removed\n", r.n, r.n == 1 ? "" : "s");
	if (rc < 0) {
		fprintf(stderr, "bridge-auth: %s\n", err);
		return 3;
	}
	return r.failed ? 1 : 0;
}
