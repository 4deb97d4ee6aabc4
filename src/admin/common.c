/* bridge-auth(8): what several commands share: whom they ask about, and which policy. */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"

/* ------------------------------------------------------------------ identity */

struct caller self;

/*
 * check run by a user may read a policy file of their own too (their
 * privileges are all it gets); modules must still be root's, in the
 * configured directory.
 */
uid_t self_uid;

/*
 * Whom to ask about: ourselves, exactly as the helper sees its caller, or
 * (root only) USER with the groups of a login (getgrouplist).
 */
void identify(struct caller *c, const char *user)
{
	struct passwd pw, *found = NULL;
	char buf[16384], *end;
	int n = 64, rc;
	gid_t *groups = NULL;

	if (user == NULL || (self.id.user && strcmp(user, self.id.user) == 0)) {
		*c = self;
		return;
	}
	errno = 0;
	unsigned long uid = strtoul(user, &end, 10);

	int numeric = user[0] >= '0' && user[0] <= '9' && *end == '\0' && errno == 0;

	if (numeric && uid == self.id.uid) {
		*c = self;
		return;
	}
	/* Another user: root only (asked before any lookup, so it says nothing of accounts). */
	if (getuid() != 0)
		die(EX_CANNOT, "only root may ask about another user (%s); without --user you "
			       "ask about yourself", user);
	if (numeric) {
		rc = getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &found);
	} else {
		rc = getpwnam_r(user, &pw, buf, sizeof(buf), &found);
	}
	if (found == NULL)
		die(EX_CANNOT, "no such user '%s'%s%s", user, rc ? ": " : "", rc ? strerror(rc) : "");
	if (found->pw_uid == self.id.uid) {
		*c = self;
		return;
	}
	for (;;) {
		gid_t *more = realloc(groups, (size_t)n * sizeof(gid_t));

		if (more == NULL)
			die(EX_CANNOT, "out of memory");
		groups = more;
		if (getgrouplist(found->pw_name, found->pw_gid, groups, &n) >= 0)
			break;
		if (n > 65536)
			die(EX_CANNOT, "cannot read the groups of %s", found->pw_name);
		n *= 2;
	}
	*c = (struct caller){ .groups = groups, .user = strdup(found->pw_name), .name_asked = true };
	if (c->user == NULL)
		die(EX_CANNOT, "out of memory");
	c->id = (struct bridge_auth_caller){ found->pw_uid, found->pw_gid, c->user, groups,
					     (size_t)n };
}

/* Free what identify() made, unless it was our own identity. */
void forget(struct caller *c)
{
	if (c->groups != self.groups)
		caller_free(c);
}

const char *who(const struct caller *c)
{
	static char buf[64];

	if (c->id.user)
		return c->id.user;
	snprintf(buf, sizeof(buf), "uid %u", (unsigned)c->id.uid);
	return buf;
}

/* The trust rule of the helper: root-owned policy and modules. */
struct policy_source source(void)
{
	return (struct policy_source){ opt.file ? opt.file : POLICY_FILE, MODULEDIR, 0, NULL };
}

/* The user a tap was requested by (taps, reap). */
const char *user_name(uid_t uid, char *buf, size_t size)
{
	struct passwd pw, *found = NULL;
	char pwbuf[4096];

	if (getpwuid_r(uid, &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found)
		snprintf(buf, size, "%s", found->pw_name);
	else
		snprintf(buf, size, "%u", (unsigned)uid);
	return buf;
}
