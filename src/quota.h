/*
 * max_taps_per_user, exact under any number of concurrent requests, with
 * no lock: a user's taps on a bridge hold numbered slots, and a slot is an
 * alternative interface name the helper gives the tap,
 *
 *     bridge-auth.UID.BRIDGE.K        (0 <= K < max_taps_per_user)
 *
 * The kernel keeps names unique in a network namespace and adds one
 * atomically (EEXIST when taken): a new tap claims a free slot or the
 * request is refused.  Only CAP_NET_ADMIN can add or remove a name, never
 * the holder of the tap's fd; the slot goes with the tap, so a released tap
 * frees it at once.  At 17 characters or more, a slot name can never be an
 * interface's own name (shorter than IFNAMSIZ).
 */
#ifndef BRIDGE_AUTH_QUOTA_H
#define BRIDGE_AUTH_QUOTA_H

#include <stddef.h>
#include <sys/types.h>

#include "netlink.h"

/*
 * Claim a free slot of UID on BRIDGE (MAX slots) for link TAP, trying from
 * slot TAP % MAX on (so concurrent requests rarely try the same one first).
 * 0: claimed; 1: every slot is taken; -1 with ERR on failure.
 */
int quota_claim(struct nl *nl, unsigned tap, uid_t uid, const char *bridge, long max, char *err,
		size_t errlen);

/* How many taps hold a slot of UID on BRIDGE (exact: from one dump).  -1 with ERR. */
int quota_held(struct nl *nl, uid_t uid, const char *bridge, unsigned *held, char *err,
	       size_t errlen);

#endif
