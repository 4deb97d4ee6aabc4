/*
 * The mark: every tap the helper makes carries, as its interface alias
 * (IFLA_IFALIAS, which only CAP_NET_ADMIN can change, never the holder of
 * the tap's fd), who requested it, for which bridge and when:
 *
 *     bridge-auth uid=UID bridge=BRIDGE since=SECONDS
 *
 * UID and SECONDS (since the Epoch, UTC) in decimal, BRIDGE a valid
 * interface name.  Quotas, logs and the admin tool read the mark, never the
 * tun owner (which the holder can set to anyone).  An alias that is not
 * exactly of this form is not a mark: such taps are not ours, never touched.
 */
#ifndef BRIDGE_AUTH_MARK_H
#define BRIDGE_AUTH_MARK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "netlink.h"

#define MARK_PREFIX "bridge-auth "

struct mark {
	uid_t uid;
	char bridge[IFNAMSIZ];
	long long since;
};

/* The alias for a tap UID requested on BRIDGE at SINCE. */
void mark_format(char *buf, size_t size, uid_t uid, const char *bridge, time_t since);

/* Is ALIAS a mark (exactly the format above)?  Fills M when it is. */
bool mark_parse(const char *alias, struct mark *m);

/*
 * Delete every tap of this network namespace that carries a mark and was
 * made persistent (by the holder of its fd: the helper never does).  Taps
 * without a mark are never touched.  *REAPED counts the deleted taps, NAMES
 * (when not NULL) gets each one's name.  -1 with ERR when the taps could not
 * be listed; a tap that vanished meanwhile is not an error.
 */
int mark_reap(struct nl *nl, unsigned *reaped, void (*names)(void *ctx, const struct nl_link *l,
							      const struct mark *m, int error),
	      void *ctx, char *err, size_t errlen);

#endif
