/*
 * bridge-auth(8): what the admin tool asks of rtnetlink, in this network
 * namespace: its bridges, their MAC addresses, the taps a user holds.
 */
#ifndef BRIDGE_AUTH_ADMIN_NET_H
#define BRIDGE_AUTH_ADMIN_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The bridges of this network namespace, sorted, from rtnetlink; NULL with ERR on failure. */
char **admin_bridges(size_t *n, char *err, size_t errlen);

/* Is NAME a bridge in this network namespace? */
bool admin_bridge_exists(const char *name);

/* How many of UID's quota slots on BRIDGE are held (quota.h); -1 when they cannot be counted. */
long admin_held(const char *bridge, uid_t uid);

/* Warn (on stdout) about the bridges whose MAC still follows their ports. */
void admin_mac_warnings(void);

/* Links as nl_links() and nl_ports() find them, copied; at most MAX_LINKS, then FULL. */
#define MAX_LINKS 4096

struct nl_link;
struct link_table {
	struct nl_link *v;
	size_t n;
	bool full;
};

/* The nl_link_fn that fills CTX, a struct link_table; -2 when out of memory. */
int link_table_add(void *ctx, const struct nl_link *l);

#endif
