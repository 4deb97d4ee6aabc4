/* The caller: who runs the helper (real ids, never the environment). */
#ifndef BRIDGE_AUTH_CALLER_H
#define BRIDGE_AUTH_CALLER_H

#include <stdbool.h>
#include <stddef.h>

#include "bridge-auth/module.h"

struct caller {
	struct bridge_auth_caller id; /* what modules see */
	char *user;                   /* owns id.user */
	gid_t *groups;                /* owns id.groups */
	bool name_asked;              /* caller_name() ran: id.user is its answer */
	int name_errno;               /* its lookup failed: an errno, or -1 (no source) */
};

/*
 * Identify the calling process from the kernel: getuid, getgid, getgroups.
 * The name service is not asked (id.user stays NULL): caller_name() does.
 */
int caller_identify(struct caller *c, char *err, size_t errlen);

/*
 * Look the login name of C up, once: id.user is then the name, or NULL for
 * a uid without an account.  A failing name service (or one the process may
 * not read, as under libvirtd's AppArmor profile) leaves the name unknown:
 * -1, with "the name service was unavailable..." in ERR (if not NULL).
 */
int caller_name(struct caller *c, char *err, size_t errlen);

/*
 * For stack_set_namer(): look up the name of WHO when WHO is the caller
 * CTX (a struct caller) identifies; 0 for any other.
 */
int caller_namer(void *ctx, const struct bridge_auth_caller *who, char *err, size_t errlen);

void caller_free(struct caller *c);

/*
 * Open PATH read-only as CALLER would: fsuid/fsgid, groups and powers (no
 * effective capability unless CALLER is root) switched for the open() only, or not at all inside caller_as() for CALLER.  Semantics
 * of bridge_auth_host.open_as_caller.
 */
int caller_open(const struct bridge_auth_caller *caller, const char *path);

/*
 * caller_open(), through a path only root could have laid out (trust.h):
 * -1 with errno as caller_open(), or TRUST_REFUSED with the reason in WHY
 * (WHYLEN bytes).  Semantics of bridge_auth_host.open_trusted.
 */
int caller_open_trusted(const struct bridge_auth_caller *caller, const char *path, char *why,
			size_t whylen);

/*
 * Run FN(ARG) with CALLER's filesystem identity and powers, switched once
 * for the whole call.  Semantics of bridge_auth_host.as_caller.
 */
int caller_as(const struct bridge_auth_caller *caller, int (*fn)(void *arg), void *arg);

#endif
