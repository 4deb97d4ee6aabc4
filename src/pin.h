/*
 * The bridge's MAC stays where it is.  A bridge whose address was never set
 * explicitly takes the lowest address of its ports, and the holder of a
 * tap's fd may set its tap's address (SIOCSIFHWADDR needs no capability):
 * so the helper sets the bridge's address to its current value once, which
 * the kernel then keeps (addr_assign_type "set", 3).
 */
#ifndef BRIDGE_AUTH_PIN_H
#define BRIDGE_AUTH_PIN_H

#include <stdbool.h>

#include "netlink.h"

/* Was BR's address set explicitly?  Read from sysfs, which must be BR's own. */
bool bridge_mac_pinned(const struct nl_link *br);

/* Set BR's address to its current value unless it was set.  -1 with errno. */
int bridge_mac_pin(struct nl *nl, const struct nl_link *br);

#endif
