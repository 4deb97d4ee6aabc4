/*
 * The one rule for interface names, shared by the helper, the admin tool and
 * the modules that name bridges (compiled into each), so they cannot drift.
 */
#ifndef BRIDGE_AUTH_IFNAME_H
#define BRIDGE_AUTH_IFNAME_H

#include <stdbool.h>

/* Is NAME an interface name the kernel accepts, printable ASCII, never truncated? */
bool ifname_valid(const char *name);

#endif
