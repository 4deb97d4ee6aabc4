#include "config.h"

#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "net.h"
#include "taps.h"
#include "mark.h"
#include "netlink.h"
#include "pin.h"
#include "quota.h"

#define MAX_LINKS 4096

struct table {
	struct nl_link *v;
	size_t n;
	bool full;
};

static int keep(void *ctx, const struct nl_link *l)
{
	struct table *t = ctx;
	struct nl_link *more;

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

static const char *name_of(const struct table *t, unsigned index)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].index == index)
			return t->v[i].name;
	return NULL;
}

static int isolated_of(const struct table *t, unsigned index)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].index == index)
			return t->v[i].isolated;
	return -1;
}

static void iso_time(long long t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, size, "%lld", t);
}

static const char *user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *found = NULL;
	char pwbuf[4096];

	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found)
		snprintf(buf, size, "%s", found->pw_name);
	else
		snprintf(buf, size, "%u", (unsigned)uid);
	return buf;
}

int admin_taps(bool json, uid_t self)
{
	struct table taps = { 0 }, bridges = { 0 }, ports = { 0 };
	char err[512] = "out of memory";
	struct nl *nl = nl_open(err, sizeof(err));
	size_t shown = 0;

	if (nl == NULL || nl_links(nl, 0, "tun", keep, &taps, err, sizeof(err)) < 0 ||
	    nl_links(nl, 0, "bridge", keep, &bridges, err, sizeof(err)) < 0 ||
	    nl_ports(nl, keep, &ports, err, sizeof(err)) < 0) {
		fprintf(stderr, "bridge-auth: %s\n", err);
		nl_close(nl);
		return 3;
	}
	nl_close(nl);
	if (json)
		fputs("{\"taps\":[", stdout);
	else
		printf("%-15s %-15s %-12s %-20s %-10s %s\n", "TAP", "BRIDGE", "USER", "SINCE",
		       "PERSISTENT", "PORT");
	for (size_t i = 0; i < taps.n; i++) {
		const struct nl_link *l = &taps.v[i];
		const char *br = l->master ? name_of(&bridges, l->master) : NULL;
		int iso = isolated_of(&ports, l->index);
		char since[32], user[64];
		struct mark m;

		if (!mark_parse(l->alias, &m) || (self != 0 && m.uid != self))
			continue;
		iso_time(m.since, since, sizeof(since));
		user_name(m.uid, user, sizeof(user));
		if (json) {
			fputs(shown ? ",{" : "{", stdout);
			json_member_str(stdout, 1, "name", l->name);
			json_member_str(stdout, 0, "bridge", br);
			json_member_str(stdout, 0, "requested_for", m.bridge);
			json_member_int(stdout, 0, "uid", m.uid);
			json_member_str(stdout, 0, "user", user);
			json_member_int(stdout, 0, "since", m.since);
			json_member_bool(stdout, 0, "persistent", l->tun_persist);
			json_key(stdout, 0, "tun_owner");
			if (l->tun_has_owner)
				printf("%u", (unsigned)l->tun_owner);
			else
				fputs("null", stdout);
			json_member_bool(stdout, 0, "isolated", iso == 1);
			json_member_bool(stdout, 0, "up", l->up);
			putchar('}');
		} else {
			printf("%-15s %-15s %-12s %-20s %-10s %s%s\n", l->name, br ? br : "-", user,
			       since, l->tun_persist ? "yes" : "no", iso == 1 ? "isolated" : "-",
			       l->up ? ",up" : ",down");
		}
		shown++;
	}
	if (json)
		fputs("]}\n", stdout);
	else if (shown == 0)
		printf("(none)\n");
	if (taps.full)
		fprintf(stderr, "bridge-auth: more than %d tun devices: the list is cut\n", MAX_LINKS);
	free(taps.v);
	free(bridges.v);
	free(ports.v);
	return 0;
}

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

int admin_reap(bool json)
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

void admin_mac_warnings(void)
{
	struct table bridges = { 0 };
	char err[512] = "out of memory";
	struct nl *nl = nl_open(err, sizeof(err));

	if (nl == NULL || nl_links(nl, 0, "bridge", keep, &bridges, err, sizeof(err)) < 0) {
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
	struct nl_link br;
	struct nl *nl = nl_open(err, sizeof(err));
	unsigned held;
	long n = -1;

	if (nl != NULL && nl_link_get(nl, bridge, &br, err, sizeof(err)) == 0 &&
	    quota_count(nl, br.index, uid, &held, err, sizeof(err)) == 0)
		n = held;
	nl_close(nl);
	return n;
}
