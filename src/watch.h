/*
 * The watcher lock of bridge-auth-reaper(8), so that a request can tell in
 * O(1) that a reaper watches its network namespace:
 *
 *     RUNSTATEDIR/bridge-auth-reaper.NETNS.lock
 *
 * NETNS is the inode number of the network namespace (nl_netns).  The file
 * is root's, a regular file, 0644; the reaper holds an OFD write lock on the
 * whole of it for as long as it runs (the kernel drops the lock when the
 * reaper dies, however it dies).
 *
 * The request looks after the drop (as the caller, with CAP_NET_ADMIN
 * only), so the file is readable by everyone, and anyone may put a read lock
 * on it.  The request therefore believes a write lock only: only root can
 * hold one, on a file only root may open for writing.  And a reaper that
 * finds a read lock on the file puts a new file in its place, locked before
 * it has a name.
 */
#ifndef BRIDGE_AUTH_WATCH_H
#define BRIDGE_AUTH_WATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "netlink.h"

#define WATCH_LOCK_FORMAT RUNSTATEDIR "/bridge-auth-reaper.%llu.lock"

/* The lock's path for the network namespace of NL's socket.  -1 with errno. */
int watch_lock_path(struct nl *nl, char *path, size_t size);

/*
 * The reaper's side: open (making it if needed) and lock PATH; the
 * descriptor is kept until exit.  -1 with ERR: the file is not root's, or a
 * symbolic link, or another reaper holds it (ERR says so), or an error.
 */
int watch_lock_take(const char *path, char *err, size_t errlen);

/*
 * The request's side: true only when the lock of NL's network namespace
 * exists, is a root-owned regular file that only root may write, and a write
 * lock is held on it.  False in every other case, errors included: the
 * request then scans, as it does when no reaper runs.
 */
bool watch_running(struct nl *nl);

#endif
