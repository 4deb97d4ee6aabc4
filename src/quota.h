/*
 * max_taps_per_user, exact under concurrency: a user's requests are
 * serialized by an OFD lock on byte UID of a root-owned lock file, held
 * only while the user's taps on the bridge are counted (from the marks, a
 * dump filtered by master) and the new tap is made, marked and attached.
 * A user can only ever hold up their own requests (their own byte), and
 * never beyond the wait bound.
 */
#ifndef BRIDGE_AUTH_QUOTA_H
#define BRIDGE_AUTH_QUOTA_H

#include <stddef.h>
#include <sys/types.h>

#include "netlink.h"

#define QUOTA_LOCK_FILE RUNSTATEDIR "/bridge-auth.lock"

/* Open (as root) the lock file, without following links; check it is root's.  -1 with ERR. */
int quota_lock_open(const char *path, char *err, size_t errlen);

/* Take UID's lock on FD, waiting at most WAIT_MS.  -1 with ERR (timeout or error). */
int quota_lock(int fd, uid_t uid, unsigned wait_ms, char *err, size_t errlen);
void quota_unlock(int fd, uid_t uid);

/* How many taps on the bridge with index MASTER carry UID's mark.  -1 with ERR. */
int quota_count(struct nl *nl, unsigned master, uid_t uid, unsigned *held, char *err,
		size_t errlen);

#endif
