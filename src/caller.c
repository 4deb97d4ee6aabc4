#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "caller.h"
#include "trust.h"

int caller_identify(struct caller *c, char *err, size_t errlen)
{
	int n;

	*c = (struct caller){ 0 };
	c->id.uid = getuid();
	c->id.gid = getgid();

	n = getgroups(0, NULL);
	if (n < 0) {
		snprintf(err, errlen, "cannot read the caller's groups: %s", strerror(errno));
		return -1;
	}
	c->groups = calloc((size_t)n + 1, sizeof(gid_t));
	if (c->groups == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	n = getgroups(n, c->groups);
	if (n < 0) {
		snprintf(err, errlen, "cannot read the caller's groups: %s", strerror(errno));
		caller_free(c);
		return -1;
	}
	c->id.groups = c->groups;
	c->id.ngroups = (size_t)n;
	return 0;
}

/* getpwuid_r(): 1 found (the name in NAME), 0 not found, or an errno. */
static int passwd_name(uid_t uid, char **name)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	int rc = getpwuid_r(uid, &pw, buf, sizeof(buf), &found);

	/* Not found is 0 with no entry (POSIX also allows ENOENT, ESRCH). */
	if (rc == ENOENT || rc == ESRCH || (rc == 0 && (found == NULL || found->pw_uid != uid)))
		return 0;
	if (rc != 0)
		return rc;
	if (name != NULL && (*name = strdup(found->pw_name)) == NULL)
		return ENOMEM;
	return 1;
}

int caller_name(struct caller *c, char *err, size_t errlen)
{
	int r;

	if (!c->name_asked) {
		c->name_asked = true;
		r = passwd_name(c->id.uid, &c->user);
		/*
		 * glibc answers "not found" when no source of nsswitch.conf can
		 * be used (an unknown service, files it may not read): no
		 * account for root either means the name service is not there.
		 */
		if (r == 0 && c->id.uid != 0 && passwd_name(0, NULL) != 1)
			r = -1;
		c->name_errno = r == 1 ? 0 : r;
		c->id.user = c->user;
	}
	if (c->name_errno == 0)
		return 0;
	if (err != NULL)
		snprintf(err, errlen, "the name service was unavailable: cannot look up uid %u: %s",
			 (unsigned)c->id.uid, c->name_errno < 0 ? "no account is known, not even root's"
							       : strerror(c->name_errno));
	return -1;
}

int caller_namer(void *ctx, const struct bridge_auth_caller *who, char *err, size_t errlen)
{
	struct caller *c = ctx;

	return who == &c->id ? caller_name(c, err, errlen) : 0;
}

void caller_free(struct caller *c)
{
	free(c->user);
	free(c->groups);
	*c = (struct caller){ 0 };
}

/* The three capability sets, as capget() and capset() see them. */
struct caps {
	struct __user_cap_data_struct d[_LINUX_CAPABILITY_U32S_3];
};

static int caps_get(struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	/* Zeroed: valgrind marks only the first of the two words as written. */
	memset(c, 0, sizeof(*c));
	return (int)syscall(SYS_capget, &h, c->d);
}

static int caps_set(const struct caps *c)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capset, &h, c->d);
}

/* The sets in force are WANT, as the kernel reads them back. */
static bool caps_are(const struct caps *want)
{
	struct caps now;

	return caps_get(&now) == 0 && memcmp(&now, want, sizeof(now)) == 0;
}

/*
 * Our identity while a caller's is in effect: what come_back() puts back.
 * GROUPS is NULL when become() left the groups alone; DROPPED says that
 * become() emptied the effective capabilities.
 */
struct identity {
	uid_t uid;      /* our euid: the fsuid we run with */
	gid_t gid;      /* our egid */
	gid_t *groups;  /* our supplementary groups (malloc'd) */
	size_t ngroups;
	struct caps caps; /* our capability sets */
	bool dropped;
};

/* The caller whose identity caller_as() holds, or NULL: one scope at a time. */
static const struct bridge_auth_caller *scope;

/*
 * The process's supplementary groups (malloc'd, *N entries), or NULL.  One
 * getgroups() in the usual case: a buffer with room for HINT + 1 groups
 * holds them when we have HINT (the caller's count, which in the helper is
 * ours); EINVAL says they did not fit, so ask how many.
 */
static gid_t *current_groups(size_t hint, int *n)
{
	int size = hint < NGROUPS_MAX ? (int)hint + 1 : NGROUPS_MAX;
	gid_t *g;

	for (;;) {
		g = calloc((size_t)size, sizeof(gid_t));
		if (g == NULL)
			return NULL;
		*n = getgroups(size, g);
		if (*n >= 0)
			return g;
		free(g);
		if (errno != EINVAL || (size = getgroups(0, NULL)) < 0)
			return NULL;
		size++;
	}
}

/* setfsuid() reports nothing; ask again with an invalid id to read the current one. */
static bool fsids_are(uid_t uid, gid_t gid)
{
	return (uid_t)setfsuid((uid_t)-1) == uid && (gid_t)setfsgid((gid_t)-1) == gid;
}

static bool same_caller(const struct bridge_auth_caller *a, const struct bridge_auth_caller *b)
{
	return a == b || (a->uid == b->uid && a->gid == b->gid && a->ngroups == b->ngroups &&
			  (a->ngroups == 0 ||
			   memcmp(a->groups, b->groups, a->ngroups * sizeof(gid_t)) == 0));
}

/* The supplementary groups in force are the N of WANT. */
static bool groups_are(const gid_t *want, size_t n)
{
	int now_n;
	gid_t *now = current_groups(n, &now_n);
	bool same = now != NULL && (size_t)now_n == n &&
		    (n == 0 || memcmp(now, want, n * sizeof(gid_t)) == 0);

	free(now);
	return same;
}

/*
 * Back to our identity, as saved by become(); abort() if it does not hold
 * (read back here, so no later switch has to prove it).  Returns whether
 * CALLER's identity was still in effect up to here: setfsuid() and
 * setfsgid() return the id they replace, and no effective capability came
 * back while it lasted.  The order: the fsids first (setfsuid() back to our
 * euid needs no capability; going back to fsuid 0 gives the filesystem
 * capabilities back to the effective set), then the saved sets exactly,
 * then the groups (setgroups() needs CAP_SETGID effective).
 */
static bool come_back(struct identity *saved, const struct bridge_auth_caller *caller)
{
	struct caps none = saved->caps;
	bool held;
	uid_t was_uid;
	gid_t was_gid;

	for (size_t i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
		none.d[i].effective = 0;
	held = !saved->dropped || caps_are(&none);
	was_uid = (uid_t)setfsuid(saved->uid);
	was_gid = (gid_t)setfsgid(saved->gid);

	/* Unable to get our own identity back: stop rather than go on confused. */
	if (!fsids_are(saved->uid, saved->gid) || caps_set(&saved->caps) < 0 ||
	    (saved->groups != NULL && setgroups(saved->ngroups, saved->groups) < 0) ||
	    !caps_are(&saved->caps) ||
	    (saved->groups != NULL && !groups_are(saved->groups, saved->ngroups)))
		abort();
	free(saved->groups);
	saved->groups = NULL;
	trust_forget(); /* judged with the caller's identity: not ours */
	return held && was_uid == caller->uid && was_gid == caller->gid;
}

/*
 * Take CALLER's filesystem identity (fsuid, fsgid, groups) and powers (no
 * effective capability, unless CALLER is root), ours saved in SAVED.  0,
 * or -1 with errno and our identity back.
 */
static int become(const struct bridge_auth_caller *caller, struct identity *saved)
{
	struct caps none;
	gid_t *groups;
	int n;

	*saved = (struct identity){ .uid = geteuid(), .gid = getegid() };
	if (caps_get(&saved->caps) < 0)
		return -1;
	groups = current_groups(caller->ngroups, &n);
	if (groups == NULL)
		return -1;
	/* In the helper the groups are the caller's already: no setgroups(). */
	if ((size_t)n == caller->ngroups &&
	    (n == 0 || memcmp(groups, caller->groups, (size_t)n * sizeof(gid_t)) == 0)) {
		free(groups);
	} else if (setgroups(caller->ngroups, caller->groups) < 0) {
		free(groups);
		return -1;
	} else {
		saved->groups = groups;
		saved->ngroups = (size_t)n;
	}
	setfsgid(caller->gid);
	setfsuid(caller->uid);
	/*
	 * Read them back before anything runs as the caller: a switch the
	 * kernel refused (no memory, a security module) would leave us root,
	 * and a path opened as root is what this is here to prevent.
	 */
	if (!fsids_are(caller->uid, caller->gid)) {
		(void)come_back(saved, caller);
		errno = EPERM;
		return -1;
	}
	/*
	 * The fsuid switch took the filesystem capabilities out of the
	 * effective set, but not CAP_SYS_PTRACE, CAP_SYSLOG, CAP_SYS_ADMIN...,
	 * which open /proc files the caller could not.  Root as the caller
	 * keeps them: any program it runs has them all.  Emptied after the
	 * switches (they need CAP_SETUID, CAP_SETGID), read back before
	 * anything runs as the caller.
	 */
	if (caller->uid != 0) {
		none = saved->caps;
		for (size_t i = 0; i < _LINUX_CAPABILITY_U32S_3; i++)
			none.d[i].effective = 0;
		saved->dropped = true;
		if (caps_set(&none) < 0 || !caps_are(&none)) {
			(void)come_back(saved, caller);
			errno = EPERM;
			return -1;
		}
	}
	return 0;
}

/* PATH opened read-only, if a regular file: the end of caller_open(). */
static int open_regular(const char *path, char *why, size_t whylen)
{
	struct stat st;
	int fd;

	(void)why;
	(void)whylen;
	/* Non-blocking so a FIFO cannot stall the request. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) < 0) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/*
 * OPEN(PATH, WHY, WHYLEN) as CALLER: as is inside caller_as() for CALLER,
 * else with CALLER's identity taken for the call.
 */
static int open_as(const struct bridge_auth_caller *caller,
		   int (*open_fn)(const char *path, char *why, size_t whylen), const char *path,
		   char *why, size_t whylen)
{
	struct identity saved;
	int fd, e;

	/*
	 * Inside caller_as(): become() checked the switch, and come_back()
	 * will void the whole call if the ids did not stay the caller's.
	 */
	if (scope != NULL) {
		if (!same_caller(scope, caller)) {
			errno = EINVAL;
			return -1;
		}
		return open_fn(path, why, whylen);
	}
	if (become(caller, &saved) < 0)
		return -1;
	fd = open_fn(path, why, whylen);
	e = errno;
	/* fstat() and fcntl() check no permission: fine as either identity. */
	if (!come_back(&saved, caller)) {
		if (fd >= 0)
			close(fd);
		fd = -1;
		e = EPERM;
	}
	errno = e;
	return fd;
}

int caller_open(const struct bridge_auth_caller *caller, const char *path)
{
	return open_as(caller, open_regular, path, NULL, 0);
}

int caller_open_trusted(const struct bridge_auth_caller *caller, const char *path, char *why,
			size_t whylen)
{
	if (why == NULL || whylen == 0) {
		errno = EINVAL;
		return -1;
	}
	why[0] = '\0';
	return open_as(caller, trust_open, path, why, whylen);
}

int caller_as(const struct bridge_auth_caller *caller, int (*fn)(void *arg), void *arg)
{
	struct identity saved;
	int r, e;

	if (fn == NULL || (scope != NULL && !same_caller(scope, caller))) {
		errno = EINVAL;
		return -1;
	}
	if (scope != NULL)
		return fn(arg); /* nested: the identity is CALLER's already */
	if (become(caller, &saved) < 0)
		return -1;
	scope = caller;
	r = fn(arg);
	e = errno;
	scope = NULL;
	/* FN changed the identity it ran with (a module must not): its result is void. */
	if (!come_back(&saved, caller)) {
		errno = EPERM;
		return -1;
	}
	errno = e;
	return r;
}
