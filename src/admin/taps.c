/* bridge-auth(8) taps: the taps the helper made, read from their marks (mark.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "admin.h"
#include "json.h"
#include "mark.h"
#include "net.h"
#include "netlink.h"

static const char *name_of(const struct link_table *t, unsigned index)
{
	for (size_t i = 0; i < t->n; i++)
		if (t->v[i].index == index)
			return t->v[i].name;
	return NULL;
}

static int isolated_of(const struct link_table *t, unsigned index)
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

int cmd_taps(bool json, uid_t uid)
{
	struct link_table taps = { 0 }, bridges = { 0 }, ports = { 0 };
	char err[512] = "out of memory";
	struct nl *nl = nl_open(err, sizeof(err));
	size_t shown = 0;

	if (nl == NULL || nl_links(nl, 0, "tun", link_table_add, &taps, err, sizeof(err)) < 0 ||
	    nl_links(nl, 0, "bridge", link_table_add, &bridges, err, sizeof(err)) < 0 ||
	    nl_ports(nl, link_table_add, &ports, err, sizeof(err)) < 0) {
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

		if (!mark_parse(l->alias, &m) || (uid != 0 && m.uid != uid))
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
