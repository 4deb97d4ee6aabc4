#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "caller.h"

int caller_identify(struct caller *c, char *err, size_t errlen)
{
	struct passwd pw, *found = NULL;
	char buf[4096];
	int n, rc;

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

	/* No account is not an error (acl needs none); a failing database is. */
	rc = getpwuid_r(c->id.uid, &pw, buf, sizeof(buf), &found);
	if (rc != 0 && rc != ENOENT && rc != ESRCH && rc != EBADF && rc != EPERM) {
		snprintf(err, errlen, "cannot look up uid %u: %s", (unsigned)c->id.uid, strerror(rc));
		caller_free(c);
		return -1;
	}
	if (found != NULL && found->pw_uid == c->id.uid) {
		c->user = strdup(found->pw_name);
		if (c->user == NULL) {
			snprintf(err, errlen, "out of memory");
			caller_free(c);
			return -1;
		}
		c->id.user = c->user;
	}
	return 0;
}

void caller_free(struct caller *c)
{
	free(c->user);
	free(c->groups);
	*c = (struct caller){ 0 };
}

/* The process's supplementary groups (malloc'd, *N entries), or NULL. */
static gid_t *current_groups(int *n)
{
	gid_t *g;

	*n = getgroups(0, NULL);
	if (*n < 0)
		return NULL;
	g = calloc((size_t)*n + 1, sizeof(gid_t));
	if (g == NULL)
		return NULL;
	*n = getgroups(*n, g);
	if (*n < 0) {
		free(g);
		return NULL;
	}
	return g;
}

/* setfsuid() reports nothing; ask again with an invalid id to read the current one. */
static bool fsids_are(uid_t uid, gid_t gid)
{
	return (uid_t)setfsuid((uid_t)-1) == uid && (gid_t)setfsgid((gid_t)-1) == gid;
}

int caller_open(const struct bridge_auth_caller *caller, const char *path)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	gid_t *saved;
	int nsaved, fd, open_errno;
	bool switch_groups;
	struct stat st;

	saved = current_groups(&nsaved);
	if (saved == NULL)
		return -1;
	/* In the helper the groups are the caller's already: no setgroups(). */
	switch_groups = (size_t)nsaved != caller->ngroups ||
			memcmp(saved, caller->groups, (size_t)nsaved * sizeof(gid_t)) != 0;
	if (switch_groups && setgroups(caller->ngroups, caller->groups) < 0) {
		free(saved);
		return -1;
	}
	setfsgid(caller->gid);
	setfsuid(caller->uid);
	if (fsids_are(caller->uid, caller->gid)) {
		/* Non-blocking so a FIFO cannot stall the request. */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		open_errno = errno;
	} else {
		fd = -1;
		open_errno = EPERM;
	}
	setfsuid(uid);
	setfsgid(gid);
	/* Unable to get our own identity back: stop rather than go on confused. */
	if (!fsids_are(uid, gid) || (switch_groups && setgroups((size_t)nsaved, saved) < 0))
		abort();
	free(saved);

	if (fd < 0) {
		errno = open_errno;
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || fcntl(fd, F_SETFL, 0) < 0) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}
