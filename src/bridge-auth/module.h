/*
 * bridge-auth module interface: <bridge-auth/module.h>
 *
 * A module answers one question for qemu-bridge-helper(8): "may this user
 * attach a tap to this bridge?".  The administrator stacks modules in
 * bridge-auth.conf(5); bridge-auth-module(7) is the guide, with a complete
 * example.  Build with
 *
 *     cc -shared -fPIC $(pkg-config --cflags bridge-auth) -o NAME.so NAME.c
 *
 * and install NAME.so, owned by root and writable by nobody else, into
 * $(pkg-config --variable=moduledir bridge-auth).
 *
 * THE SYMBOL
 *   A module is a shared object that exports exactly one symbol,
 *   BRIDGE_AUTH_MODULE_SYMBOL ("bridge_auth_module"), a
 *   `const struct bridge_auth_module` (declared at the end of this file, so
 *   the compiler checks the definition).  Export nothing else: link with a
 *   version script `{ global: bridge_auth_module; local: *; };` and with
 *   -Wl,-z,now and -Wl,--no-undefined, so that a missing symbol is an error
 *   when the module is built or loaded, never in the middle of a request.
 *   The helper loads modules with dlopen(RTLD_NOW | RTLD_LOCAL).
 *
 * LIFETIME
 *   For each stack entry naming the module:
 *     open()      once, with the entry's arguments, when the entry is first
 *                 reached (an entry never reached is never opened);
 *     check()     once per question; the helper asks one question per
 *                 process, but bridge-auth(8) asks several (`list` asks
 *                 about every bridge), so check() may be called any number
 *                 of times between open() and close();
 *     validate()  (ABI 1.1, optional) zero or more times, from
 *                 `bridge-auth check` only;
 *     close()     once, if open() succeeded.
 *   One shared object may serve several entries of a stack: each entry has
 *   its own open()/close() and its own STATE.  Keep no state in globals.
 *
 * THE PROCESS A MODULE RUNS IN
 *   In the helper every call runs as root, before privileges are dropped, in
 *   a single-threaded process whose environment has been cleared (PATH is
 *   fixed), with umask 077, cwd "/", and a 30-second alarm for the whole
 *   request.  In bridge-auth(8) the same calls run with the privileges of
 *   whoever runs it (root, or a user asking about themselves).  Calls are
 *   never concurrent: a module needs no locking, but must not start threads
 *   that outlive a call.
 *
 *   A module MAY: read files it owns the meaning of (its own configuration
 *   under /etc, root-only databases through libraries such as PAM or NSS),
 *   allocate memory, log through host->log(), and ask a service on the
 *   D-Bus system bus (polkitd) over a private connection of its own
 *   (never a shared one such as dbus_bus_get()'s), with a bounded timeout
 *   and no main loop, closed by its close() at the latest: in the helper
 *   close() runs before privileges are dropped.
 *
 *   A module MUST NOT: change the process credentials, capabilities,
 *   signal dispositions, alarm, rlimits, umask or working directory; fork or
 *   exec; write files; talk to the network other than through the name
 *   service or PAM, or the system bus as above; keep file descriptors open
 *   past close(); print to stdout or stderr; call exit().  It must not
 *   trust anything in the request beyond what is documented below.
 *
 *   A file the caller names, or whose contents depend on who the caller is
 *   (per-user policy, an include the caller may or may not read), must be
 *   opened with host->open_as_caller(), never with open(): it opens with the
 *   caller's filesystem identity, so the kernel's permission checks apply
 *   to the caller, as they would to QEMU's own helper.  A module that reads
 *   many such files in one call can read them all inside
 *   host->as_caller() (ABI 1.2): one identity switch instead of one a file.
 *   "As the caller" means the caller's filesystem ids and the caller's
 *   powers: no effective capability (unless the caller is root), so the
 *   kernel lets the module open only what the caller could.
 *
 *   A file whose content decides who may use which bridge (a rule file)
 *   must come through a path only root could have laid out: open it with
 *   host->open_trusted() (ABI 1.3), which refuses a path through a
 *   directory or symlink someone else could change, and files on
 *   filesystems whose owners say nothing about who wrote them (procfs,
 *   FUSE...).  The file's own owner and mode are the module's to judge,
 *   with fstat() on the descriptor.
 *
 * REASONS AND SECRETS
 *   A reason (check) or an error (open) is one line of printable text, at
 *   most BRIDGE_AUTH_MSG_MAX bytes with its NUL; longer text is cut.  It is
 *   shown to the caller on refusal and logged.  It must never reveal the
 *   content or the existence of anything the caller could not read.
 *
 * VERSIONS
 *   BRIDGE_AUTH_ABI_VERSION is (major << 16 | minor).  The module's
 *   abi_version says which header it was built with.
 *   - Another major: the helper refuses the module, and every request
 *     fails ("built for ABI 2.0, this helper speaks 1.x").
 *   - Same major, any minor, older or newer: the module loads.  A new minor
 *     only appends members at the end of these structures, and each side
 *     checks the other's minor before touching a member added later:
 *       * the helper reads bridge_auth_module.validate only from modules
 *         whose abi_version minor is 1 or more (an older module's struct
 *         is shorter);
 *       * a module built for minor N that uses a member of
 *         struct bridge_auth_host added after minor 0 must first check
 *         BRIDGE_AUTH_ABI_MINOR_OF(host->version).
 *   - Anything else (a member removed, reordered or changed in type, a
 *     changed meaning) bumps the major.
 *   History: 1.0 open, check, close; host open_as_caller, log.
 *            1.1 bridge_auth_module.validate.
 *            1.2 host as_caller.
 *            1.3 host open_trusted, BRIDGE_AUTH_UNTRUSTED.
 *            1.3 bridge_auth_module.flags (BRIDGE_AUTH_NAME_UNUSED).
 *
 * USER NAMES
 *   The caller's uid, gid and groups come from the kernel and are always
 *   there.  The login name comes from the name service, which may be
 *   unavailable: under libvirtd's AppArmor profile the helper may not read
 *   /etc/passwd or nsswitch.conf.  A module whose check() never reads
 *   caller->user says so with BRIDGE_AUTH_NAME_UNUSED in flags (ABI 1.3),
 *   and the host does not ask the name service for it.  For every other
 *   module the host looks the name up before check(); if the name service
 *   fails, check() is not called and the entry counts as ERROR, with a
 *   reason that says the name service was unavailable.  So caller->user
 *   is NULL in check() only when the uid has no account (or, with
 *   BRIDGE_AUTH_NAME_UNUSED, when nobody asked).
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
#define BRIDGE_AUTH_ABI_MINOR 3
#define BRIDGE_AUTH_ABI(major, minor) (((uint32_t)(major) << 16) | (uint32_t)(minor))
#define BRIDGE_AUTH_ABI_VERSION BRIDGE_AUTH_ABI(BRIDGE_AUTH_ABI_MAJOR, BRIDGE_AUTH_ABI_MINOR)
#define BRIDGE_AUTH_ABI_MAJOR_OF(v) ((uint32_t)(v) >> 16)
#define BRIDGE_AUTH_ABI_MINOR_OF(v) ((uint32_t)(v) & 0xffffu)

/* The one symbol a module exports. */
#define BRIDGE_AUTH_MODULE_SYMBOL "bridge_auth_module"

/* Longest reason or error text a module may write, with its NUL. */
#define BRIDGE_AUTH_MSG_MAX 256

/* What host->open_trusted() (ABI 1.3) returns for a path it refuses. */
#define BRIDGE_AUTH_UNTRUSTED (-2)

/*
 * A module's answer to check().  What it does to the request depends on the
 * entry's control flag (bridge-auth.conf(5)); any other value is taken as
 * BRIDGE_AUTH_ERROR.
 */
enum bridge_auth_verdict {
	/* Yes: a rule of this module lets the caller use the bridge. */
	BRIDGE_AUTH_ALLOW = 1,
	/* No: a rule of this module refuses the caller the bridge. */
	BRIDGE_AUTH_DENY = 2,
	/* No opinion: no rule of this module is about this caller and bridge.
	 * A stack where every module ignores the request refuses it. */
	BRIDGE_AUTH_IGNORE = 3,
	/* The module could not decide (a bad file, a failing name service, no
	 * memory).  Counts like DENY: never guess ALLOW on an error. */
	BRIDGE_AUTH_ERROR = 4,
};

/*
 * Who asks.  Taken from the real uid/gid of the process, never from the
 * environment.  Valid for the duration of the call only.
 */
struct bridge_auth_caller {
	uid_t uid;           /* real uid */
	gid_t gid;           /* primary (real) gid */
	const char *user;    /* login name; NULL when the uid has no account (USER NAMES) */
	const gid_t *groups; /* supplementary groups of the calling process */
	size_t ngroups;      /* how many; GROUPS may be NULL when 0 */
};

struct bridge_auth_host;

/* One question: CALLER wants a tap on BRIDGE.  Valid during check() only. */
struct bridge_auth_request {
	const struct bridge_auth_caller *caller;
	/* Validated: 1..IFNAMSIZ-1 bytes of printable ASCII without '/', ':'
	 * or space, not "." or "..".  The bridge may not exist. */
	const char *bridge;
};

/*
 * Services the host (the helper, or bridge-auth(8)) offers.  Modules link
 * against nothing of ours: these pointers are the whole API.  Valid during
 * the call it is passed to; do not keep it.
 */
struct bridge_auth_host {
	uint32_t version; /* BRIDGE_AUTH_ABI_VERSION of the host */

	/*
	 * Open PATH read-only with CALLER's uid, gid and groups as the
	 * filesystem identity, so permissions (and symlinks) resolve exactly as
	 * for the caller.  Returns a file descriptor (O_CLOEXEC, blocking) on a
	 * regular file, which the module must close, or -1 with errno: what the
	 * caller's own open() would get (EACCES, ENOENT, EMFILE...), or EINVAL
	 * when the caller can open PATH but it is not a regular file.  Never
	 * blocks on a FIFO.  Treat EACCES, EPERM, ENOENT, ENOTDIR, ELOOP and
	 * ENAMETOOLONG alike ("the caller may not read it") in anything the
	 * caller sees: telling them apart reveals whether a file exists.  Any
	 * other errno is an error (fail closed: BRIDGE_AUTH_ERROR).
	 */
	int (*open_as_caller)(const struct bridge_auth_host *host,
			      const struct bridge_auth_caller *caller, const char *path);

	/*
	 * Log one line (syslog priority, e.g. LOG_DEBUG; facility LOG_AUTHPRIV)
	 * with the module's name in front.  Not shown to the caller.
	 */
	void (*log)(const struct bridge_auth_host *host, int priority, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));

	void *priv; /* the host's own; modules leave it alone */

	/* ---- ABI 1.2: a module reads what follows only when
	 *      BRIDGE_AUTH_ABI_MINOR_OF(version) is 2 or more (an older
	 *      host's struct is shorter). */

	/*
	 * Call FN(ARG) with CALLER's filesystem identity (the uid, gid and
	 * groups open_as_caller() takes for one open) in effect for the whole
	 * call: a module reading many files switches once.  Inside FN,
	 * open_as_caller() for the same caller (same uid, gid and groups; not
	 * necessarily the same pointer) opens without switching again, with
	 * the same results and errno as outside.  Returns what FN returns.  If
	 * the host cannot take the identity, FN is not called and it returns
	 * -1 with errno set (EPERM when the host may not become CALLER); if FN
	 * changed the identity it ran with (a module must not), its result is
	 * dropped: -1, EPERM.  Either way the host's own identity is back, and
	 * checked, when as_caller() returns.  Inside FN, as_caller() for the
	 * same caller just calls FN; for another caller, as_caller() and
	 * open_as_caller() return -1 with EINVAL, as does a NULL FN.  FN has
	 * the caller's rights on files, not root's: read the module's own
	 * files (configuration, root-only databases) before or after, not in
	 * FN.  FN must return (no longjmp() out of it).
	 */
	int (*as_caller)(const struct bridge_auth_host *host,
			 const struct bridge_auth_caller *caller, int (*fn)(void *arg),
			 void *arg);

	/* ---- ABI 1.3: a module reads what follows only when
	 *      BRIDGE_AUTH_ABI_MINOR_OF(version) is 3 or more (an older
	 *      host's struct is shorter). */

	/*
	 * open_as_caller(), through a path only root could have laid out.
	 * PATH (absolute) is walked from "/" one component at a time as
	 * CALLER, every symlink resolved by the host, and every object on the
	 * way judged:
	 *   - "/", each directory and each symlink: owned by root (in
	 *     bridge-auth(8) run by a user, also by that user, who acts with
	 *     their own privileges only); a directory writable by nobody else
	 *     (a sticky world-writable one such as /tmp is not trusted);
	 *   - every object, the file included: on a filesystem whose owners
	 *     are the kernel's record of who made a file (an allow-list of
	 *     statfs() types: ext2/3/4, xfs, btrfs, f2fs, zfs, bcachefs,
	 *     jfs, reiserfs, tmpfs, ramfs, overlayfs, squashfs, erofs), not
	 *     mounted nosuid.  Anything else (FUSE, NFS, CIFS, 9p, an
	 *     unknown type) is refused.
	 * The first object that fails ends the walk: BRIDGE_AUTH_UNTRUSTED,
	 * and WHY (BRIDGE_AUTH_MSG_MAX bytes) says which and why, in words
	 * that name only what the caller could see with lstat() ("/home/alice
	 * is owned by uid 4001, not root").  On the kernel's own filesystems
	 * (procfs, sysfs, debugfs, cgroup...), where an owner is a process's
	 * and a file exists as the system's state says, the answer is the
	 * caller's: a file the caller cannot open gets -1 and errno, as from
	 * open_as_caller() (so it reads as any file the caller cannot read);
	 * one the caller can open is refused (BRIDGE_AUTH_UNTRUSTED).
	 * Otherwise the same results as open_as_caller(), plus ESTALE (the
	 * path changed while it was walked: an error).  The file's own
	 * owner and mode are not judged: fstat() the descriptor.  Inside
	 * as_caller() for the same caller, opens without switching again.
	 */
	int (*open_trusted)(const struct bridge_auth_host *host,
			    const struct bridge_auth_caller *caller, const char *path, char *why);
};

/*
 * How validate() reports a problem: one line of text, starting with
 * "FILE:LINE: " when it is about a line of a file, or "FILE: " when about a
 * whole file (the format of compilers, which editors understand).  The host
 * copies TEXT; CTX is the one validate() received.
 */
typedef void bridge_auth_problem_fn(void *ctx, const char *text);

struct bridge_auth_module {
	/* BRIDGE_AUTH_ABI_VERSION, as built (see VERSIONS above). */
	uint32_t abi_version;
	/* Short name, for messages; the configuration names the file. */
	const char *name;

	/*
	 * Parse ARGV (the "args" list of the stack entry, ARGC strings, ARGV
	 * NULL-terminated; ARGC may be 0) and set *STATE (may stay NULL).  Check
	 * every argument here, so that `bridge-auth check` reports argument
	 * errors.  On error return -1 and write a one-line message to ERR (size
	 * BRIDGE_AUTH_MSG_MAX), such as "unknown argument \"fiel=/x\""; the
	 * entry then counts as ERROR on every request.  Return 0 on success.
	 * May be NULL (no arguments accepted, STATE stays NULL).
	 */
	int (*open)(void **state, int argc, const char *const *argv,
		    const struct bridge_auth_host *host, char *err);

	/*
	 * Decide REQ.  Return a verdict and write a short reason to REASON
	 * (size BRIDGE_AUTH_MSG_MAX), e.g. "denied by /etc/qemu/bridge.conf:3
	 * (deny br1)": it is shown to the caller and logged, so it must not
	 * reveal anything the caller could not read.  Read files afresh (or
	 * check that they did not change): edits must count at the next request.
	 * Required.
	 */
	enum bridge_auth_verdict (*check)(void *state, const struct bridge_auth_request *req,
					  const struct bridge_auth_host *host, char *reason);

	/* Free STATE.  May be NULL. */
	void (*close)(void *state);

	/* ---- ABI 1.1: the host reads what follows only when the module's
	 *      abi_version minor is 1 or more. */

	/*
	 * Report every problem in what this entry reads (its files, their
	 * includes, names that do not resolve), without deciding anything:
	 * `bridge-auth check` calls it after a successful open().  Call
	 * PROBLEM(CTX, text) once per problem, and go on after each one:
	 * administrators want the whole list, not the first line.  Read files
	 * as AS would (host->open_as_caller(host, AS, path)): AS is root when
	 * root checks the configuration, and the user who runs the check
	 * otherwise, so a user never learns about files they could not read.
	 * Return 0 when nothing was reported, -1 otherwise.  Must not change
	 * STATE in a way check() would notice.  May be NULL (nothing to
	 * validate beyond the arguments).
	 */
	int (*validate)(void *state, const struct bridge_auth_host *host,
			const struct bridge_auth_caller *as, bridge_auth_problem_fn *problem,
			void *ctx);

	/* ---- ABI 1.3: the host reads what follows only when the module's
	 *      abi_version minor is 3 or more. */

	/* BRIDGE_AUTH_NAME_UNUSED, or 0.  Other bits: reserved, leave 0. */
	uint32_t flags;
};

/* flags: check() never reads caller->user (see USER NAMES). */
#define BRIDGE_AUTH_NAME_UNUSED 0x1u

/* What each module defines, so the compiler checks it against this header. */
extern const struct bridge_auth_module bridge_auth_module;

#ifdef __cplusplus
}
#endif

#endif /* BRIDGE_AUTH_MODULE_H */
