/*
 * bridge-auth module interface.
 *
 * A module is a shared object that exports exactly one symbol,
 * BRIDGE_AUTH_MODULE_SYMBOL, a `const struct bridge_auth_module`.  The
 * helper loads it with dlopen(RTLD_NOW), refuses it when the major ABI
 * version differs from its own, and calls:
 *
 *   open()   once, with the arguments of its stack entry;
 *   check()  at most once per request: "may this caller use this bridge?";
 *   close()  once, if open() succeeded.
 *
 * All three run as root, before the helper drops privileges, in a
 * single-threaded process whose environment has been cleared.  A module
 * must not change the process credentials, its signal dispositions or
 * its working directory, must not fork, and must not keep file
 * descriptors open past close().  To read a file the caller names or
 * controls, a module uses host->open_as_caller(): it opens with the
 * caller's filesystem identity, so file permissions apply to the caller.
 *
 * Versioning: BRIDGE_AUTH_ABI_VERSION is (major << 16 | minor).  A new
 * minor only appends members at the end of these structures; a module
 * built for minor N must check host->version before using a member added
 * after N.  Any other change bumps the major.
 */
#ifndef BRIDGE_AUTH_MODULE_H
#define BRIDGE_AUTH_MODULE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#define BRIDGE_AUTH_ABI_MAJOR 1
#define BRIDGE_AUTH_ABI_MINOR 0
#define BRIDGE_AUTH_ABI(major, minor) (((uint32_t)(major) << 16) | (uint32_t)(minor))
#define BRIDGE_AUTH_ABI_VERSION BRIDGE_AUTH_ABI(BRIDGE_AUTH_ABI_MAJOR, BRIDGE_AUTH_ABI_MINOR)
#define BRIDGE_AUTH_ABI_MAJOR_OF(v) ((uint32_t)(v) >> 16)
#define BRIDGE_AUTH_ABI_MINOR_OF(v) ((uint32_t)(v) & 0xffffu)

/* The one symbol a module exports. */
#define BRIDGE_AUTH_MODULE_SYMBOL "bridge_auth_module"

/* Longest reason or error text a module may write, with its NUL. */
#define BRIDGE_AUTH_MSG_MAX 256

/* A module's answer.  Any other value is treated as BRIDGE_AUTH_ERROR. */
enum bridge_auth_verdict {
	BRIDGE_AUTH_ALLOW = 1,  /* this module says yes */
	BRIDGE_AUTH_DENY = 2,   /* this module says no */
	BRIDGE_AUTH_IGNORE = 3, /* no opinion: no rule of this module matches */
	BRIDGE_AUTH_ERROR = 4,  /* the module could not decide (bad file, no memory...) */
};

/* Who asks.  Taken from the real uid/gid of the process, never from the environment. */
struct bridge_auth_caller {
	uid_t uid;
	gid_t gid;           /* primary (real) gid */
	const char *user;    /* login name; NULL when the uid has no account */
	const gid_t *groups; /* supplementary groups of the calling process */
	size_t ngroups;
};

struct bridge_auth_host;

/* One request: CALLER wants a tap on BRIDGE. */
struct bridge_auth_request {
	const struct bridge_auth_caller *caller;
	const char *bridge; /* validated: 1..IFNAMSIZ-1 bytes, a valid interface name */
};

/* Services the helper offers to modules (modules link against nothing of ours). */
struct bridge_auth_host {
	uint32_t version; /* BRIDGE_AUTH_ABI_VERSION of the helper */

	/*
	 * Open PATH read-only with the caller's uid, gid and groups as the
	 * filesystem identity, so permissions (and symlinks) resolve exactly as
	 * for the caller.  Returns a file descriptor (O_CLOEXEC) on a regular
	 * file, or -1 with errno: what the caller's own open() would get
	 * (EACCES, ENOENT, EMFILE...), or EINVAL when the caller can open PATH
	 * but it is not a regular file.  Never blocks on a FIFO.
	 */
	int (*open_as_caller)(const struct bridge_auth_host *host,
			      const struct bridge_auth_caller *caller, const char *path);

	/* Log one line to syslog (LOG_AUTHPRIV) with the module's name in front. */
	void (*log)(const struct bridge_auth_host *host, int priority, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

	void *priv; /* the helper's own; modules leave it alone */
};

struct bridge_auth_module {
	uint32_t abi_version; /* BRIDGE_AUTH_ABI_VERSION the module was built with */
	const char *name;     /* short name, as in the configuration */

	/*
	 * Parse ARGV (the "args" list of the stack entry; ARGC may be 0) and
	 * set *STATE.  On error return -1 and write a one-line message to
	 * ERR (size BRIDGE_AUTH_MSG_MAX); the entry then counts as ERROR.
	 */
	int (*open)(void **state, int argc, const char *const *argv,
		    const struct bridge_auth_host *host, char *err);

	/*
	 * Decide REQ.  Write a short reason to REASON (size
	 * BRIDGE_AUTH_MSG_MAX), shown to the caller on refusal and logged:
	 * it must not reveal anything the caller could not read.
	 */
	enum bridge_auth_verdict (*check)(void *state, const struct bridge_auth_request *req,
					  const struct bridge_auth_host *host, char *reason);

	/* Free STATE.  May be NULL. */
	void (*close)(void *state);
};

/* What each module defines, so the compiler checks it against this header. */
extern const struct bridge_auth_module bridge_auth_module;

#ifdef __cplusplus
}
#endif

#endif /* BRIDGE_AUTH_MODULE_H */
