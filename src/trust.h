/*
 * A file opened through a path only root could have laid out: the host's
 * side of bridge_auth_host.open_trusted (ABI 1.3).
 */
#ifndef BRIDGE_AUTH_TRUST_H
#define BRIDGE_AUTH_TRUST_H

#include <stddef.h>

#include "bridge-auth/module.h"

/* The path was refused: the reason is in WHY. */
#define TRUST_REFUSED BRIDGE_AUTH_UNTRUSTED

/*
 * Open the absolute PATH read-only with the identity in force (the
 * caller's, inside caller_open_trusted()), walking it one component at a
 * time from "/" and resolving every symlink ourselves (at most 40), so
 * that every object on the way is judged:
 *
 *   - "/", every directory and every symlink must be owned by root (or by
 *     our euid: bridge-auth(8) run by a user, who acts with their own
 *     privileges only), and a directory writable by nobody else (sticky
 *     world-writable directories such as /tmp are not trusted);
 *   - every object, the file included, must be on a filesystem whose
 *     owners are the kernel's record of who made a file (trust.c lists
 *     them: ext2/3/4, xfs, btrfs, tmpfs, overlayfs...) and not mounted
 *     nosuid (removable media, user mounts: nobody vouches for their
 *     owners).
 *
 * The first object that fails this ends the walk: TRUST_REFUSED, WHY
 * naming it ("/home/alice is owned by uid 4001"); past it, whoever owns it
 * decides what the rest of the path is, and whether it exists.  Except on
 * the kernel's own filesystems (procfs, sysfs, ...), where an owner is a
 * process's, not a writer's, and a file's existence follows the system's
 * state: the walk goes on, a file the identity in force cannot open gets
 * its errno (the answer for any file the caller cannot read), and one it
 * can open is refused (TRUST_REFUSED).
 *
 * Otherwise as caller_open(): a file descriptor (O_CLOEXEC, blocking) on a
 * regular file, or -1 with errno (EINVAL: not a regular file; ESTALE: the
 * path changed while it was walked).  The final file's owner and mode are
 * left to the caller to judge on the descriptor.  WHY (WHYLEN bytes) holds
 * printable ASCII only, and names only objects the walk reached with the
 * identity in force: nothing that identity could not see with lstat().
 */
int trust_open(const char *path, char *why, size_t whylen);

/*
 * trust_open() keeps the last directory it judged, for the next file in it:
 * forget it.  Called whenever the identity in force changes.
 */
void trust_forget(void);

#endif
