/*
 * acl: QEMU's bridge.conf, parsed and evaluated.
 *
 * The worker of the acl module, kept apart from the module entry points so
 * that unit tests can drive it with their own open function (no dlopen, no
 * root).  It allocates nothing but the path acl_parse_args() returns and one
 * read buffer per open file; every file is opened through the caller's
 * open function, never by path here.
 */
#ifndef BRIDGE_AUTH_ACL_PARSE_H
#define BRIDGE_AUTH_ACL_PARSE_H

#include <stddef.h>
#include <sys/types.h>

#include <bridge-auth/module.h>

#ifndef POLICYDIR
#define POLICYDIR "/etc/qemu"
#endif

/* The file read when the stack entry names none. */
#define ACL_DEFAULT_FILE POLICYDIR "/bridge.conf"

/* Upstream's fgets() buffer: a line holds at most ACL_LINE_MAX - 2 bytes
 * (room for its newline and the NUL).  Longer lines are an error. */
#define ACL_LINE_MAX 4096
/* Files are read() this many bytes at a time (more than a line). */
#define ACL_READ_BLOCK 16384
/* Files on one include chain, the top-level file included. */
#define ACL_MAX_DEPTH 16
/* Files read by one decision (an include read twice counts twice). */
#define ACL_MAX_FILES 1024
/* allow, deny and include lines read by one decision. */
#define ACL_MAX_RULES 1000000UL

struct acl_source {
	/*
	 * Open PATH read-only as the caller.  Returns a file descriptor, or
	 * -1 with errno: EACCES, EPERM, ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG
	 * mean "the caller may not read it"; EINVAL means "the caller can
	 * open it but it is not a regular file"; anything else is an error.
	 * Required.
	 */
	int (*open)(void *ctx, const char *path);
	/*
	 * Open PATH read-only as the caller, through a path only root could
	 * have laid out (host->open_trusted, ABI 1.3): as OPEN, or
	 * BRIDGE_AUTH_UNTRUSTED with the reason in WHY.  Used instead of OPEN
	 * when not NULL.
	 */
	int (*open_trusted)(void *ctx, const char *path, char why[BRIDGE_AUTH_MSG_MAX]);
	/* Called with one line worth a LOG_DEBUG entry.  May be NULL. */
	void (*debug)(void *ctx, const char *msg);
	void *ctx;         /* passed to open and debug */
	const char *user;  /* the caller's login name, or NULL */
	uid_t uid;         /* the caller's uid, named when USER is NULL */
};

/*
 * Parse the module arguments (ARGC may be 0, ARGV then may be NULL): only
 * "file=PATH", at most once, PATH absolute and free of control bytes.  On
 * success set *FILE to a malloc()ed path (ACL_DEFAULT_FILE when none was
 * given) and return 0; on error write one line to ERR (size ERRSIZE) and
 * return -1.
 */
int acl_parse_args(int argc, const char *const *argv, char **file, char *err, size_t errsize);

/*
 * May BRIDGE be used under the rules of FILE (and its includes), every file
 * opened through SRC->open?  Writes the reason to MSG (size MSGSIZE, the text
 * is truncated to fit) and returns:
 *   BRIDGE_AUTH_DENY    a deny rule matches: "denied by F:L (deny br1)"
 *   BRIDGE_AUTH_ALLOW   no deny, an allow matches: "allowed by F:L (allow all)"
 *   BRIDGE_AUTH_IGNORE  no rule matches: "no rule for bridge br0 in FILE"
 *   BRIDGE_AUTH_ERROR   anything wrong in any file: "F:L: what is wrong"
 */
enum bridge_auth_verdict acl_decide(const char *file, const char *bridge,
				    const struct acl_source *src, char *msg, size_t msgsize);

/*
 * Report every problem of FILE and its includes, opened through SRC->open,
 * to PROBLEM (one line each, "F:L: what is wrong"), going on after each one
 * (at most 100).  On top of acl_decide()'s errors (a path SRC->open_trusted
 * refuses is reported, and the file is not read): an include SRC's caller
 * may not read, when that caller is root (uid 0: root reads everything, so
 * it is missing); a file owned by another user than root, or writable by
 * group or others (they decide who uses which bridge).  Returns how many
 * problems were reported.
 */
unsigned acl_validate(const char *file, const struct acl_source *src,
		      void (*problem)(void *ctx, const char *text), void *ctx);

#endif /* BRIDGE_AUTH_ACL_PARSE_H */
