/*
 * bridge-auth(8) taps and reap: the taps the helper made (read from their
 * marks, mark.h), and the removal of those a holder made persistent.
 */
#ifndef BRIDGE_AUTH_ADMIN_TAPS_H
#define BRIDGE_AUTH_ADMIN_TAPS_H

#include <stdbool.h>
#include <sys/types.h>

/* List them: every one for root, one's own for a user.  Returns an exit status. */
int admin_taps(bool json, uid_t self);

/* Remove the persistent ones (root).  Returns an exit status. */
int admin_reap(bool json);

/* How many taps on BRIDGE carry UID's mark; -1 when they cannot be counted. */
long admin_held(const char *bridge, uid_t uid);

/* Warn (on stdout) about the bridges whose MAC still follows their ports. */
void admin_mac_warnings(void);

#endif
