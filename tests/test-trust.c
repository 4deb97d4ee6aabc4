/*
 * Unit tests: trust_open(), the walk behind host->open_trusted (ABI 1.3).
 * Paths under /tmp and /proc need no root; the cases that build their own
 * directories and symlinks (owners, modes) run as root in a directory made
 * under the build tree, and skip when that tree is not trusted itself.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap-test.h"
#include "trust.h"

static char why[BRIDGE_AUTH_MSG_MAX];

/* PATH opens: a descriptor (closed here). */
static void opens(const char *path)
{
	int fd = trust_open(path, why, sizeof(why));

	OK(fd >= 0, "%s opens", path);
	if (fd < 0)
		printf("#   seen %d (%s) why \"%s\"\n", fd, strerror(errno), why);
	else
		close(fd);
}

/* PATH is refused, WHY starting with EXPECT. */
static void refused(const char *path, const char *expect)
{
	int fd = trust_open(path, why, sizeof(why));

	OK(fd == TRUST_REFUSED && strncmp(why, expect, strlen(expect)) == 0, "%s refused: %s", path,
	   expect);
	if (fd != TRUST_REFUSED || strncmp(why, expect, strlen(expect)) != 0)
		printf("#   seen %d (%s) why \"%s\"\n", fd, fd == -1 ? strerror(errno) : "-", why);
	if (fd >= 0)
		close(fd);
}

/* PATH fails with errno E, as an open() by the identity in force would. */
static void fails(const char *path, int e)
{
	int fd = trust_open(path, why, sizeof(why));
	int seen = errno;

	OK(fd == -1 && seen == e, "%s: %s", path, strerror(e));
	if (fd != -1 || seen != e)
		printf("#   seen %d (%s) why \"%s\"\n", fd, strerror(seen), why);
	if (fd >= 0)
		close(fd);
}

static void make(const char *path, mode_t mode, int dir)
{
	int fd;

	if (dir)
		fd = mkdir(path, mode);
	else if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)) >= 0)
		fd = close(fd);
	if (fd < 0 || chmod(path, mode) < 0) {
		printf("Bail out! cannot make %s: %s\n", path, strerror(errno));
		exit(99);
	}
}

static void link_to(const char *target, const char *path)
{
	if (symlink(target, path) < 0) {
		printf("Bail out! symlink %s: %s\n", path, strerror(errno));
		exit(99);
	}
}

/* As root, in a directory of ours: owners, modes, symlinks of every kind. */
static void own_tree(void)
{
	char top[PATH_MAX], p[PATH_MAX + 64], q[2 * PATH_MAX], cwd[PATH_MAX];
	const char *names[] = { "sub/f", "sub/rel", "sub/abs", "sub/loop", "sub/alice-link", "gw/f",
				"sticky/f", "sub/proc", "sub/sub2/f" };

	if (geteuid() != 0) {
		TAP_SKIP("not root: the cases that set owners and modes");
		return;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL || (size_t)snprintf(top, sizeof(top), "%s/trust-XXXXXX", cwd) >= sizeof(top) ||
	    mkdtemp(top) == NULL || chmod(top, 0755) < 0) {
		printf("Bail out! mkdtemp in the build tree: %s\n", strerror(errno));
		exit(99);
	}
	snprintf(p, sizeof(p), "%s/sub", top);
	make(p, 0755, 1);
	snprintf(p, sizeof(p), "%s/sub/f", top);
	make(p, 0644, 0);
	snprintf(p, sizeof(p), "%s/sub/f", top);
	if (trust_open(p, why, sizeof(why)) == TRUST_REFUSED) {
		TAP_SKIP("the build tree is not trusted itself: %s", why);
		goto out;
	}
	opens(p);
	snprintf(p, sizeof(p), "%s/sub/rel", top);
	link_to("f", p);
	opens(p);
	snprintf(q, sizeof(q), "%s/sub/f", top);
	snprintf(p, sizeof(p), "%s/sub/abs", top);
	link_to(q, p);
	opens(p);
	snprintf(p, sizeof(p), "%s/sub/sub2", top);
	make(p, 0755, 1);
	snprintf(p, sizeof(p), "%s/sub/sub2/../sub2/./../f", top);
	opens(p);
	snprintf(p, sizeof(p), "%s/sub/loop", top);
	link_to("loop", p);
	fails(p, ELOOP);
	snprintf(p, sizeof(p), "%s/sub/f/x", top);
	fails(p, ENOTDIR);
	snprintf(p, sizeof(p), "%s/sub", top);
	fails(p, EINVAL);
	/* A symlink of another user's, in a directory of root's. */
	snprintf(p, sizeof(p), "%s/sub/alice-link", top);
	link_to("f", p);
	if (lchown(p, 4001, 4001) < 0) {
		printf("Bail out! lchown: %s\n", strerror(errno));
		exit(99);
	}
	snprintf(q, sizeof(q), "%s is owned by uid 4001, not root", p);
	refused(p, q);
	/* Directories others may write, sticky or not; what follows does not matter. */
	snprintf(p, sizeof(p), "%s/gw", top);
	make(p, 0775, 1);
	snprintf(q, sizeof(q), "%s is writable by group or others (mode 0775)", p);
	snprintf(p, sizeof(p), "%s/gw/f", top);
	make(p, 0644, 0);
	refused(p, q);
	snprintf(p, sizeof(p), "%s/sticky", top);
	make(p, 01777, 1);
	snprintf(q, sizeof(q), "%s is writable by group or others (mode 1777)", p);
	snprintf(p, sizeof(p), "%s/sticky/f", top);
	refused(p, q);
	/*
	 * The next file in the directory of the last walk is judged from there
	 * (trust_forget() when the identity changes): its own kind and
	 * filesystem still are, and a symlink there is walked again.
	 */
	snprintf(p, sizeof(p), "%s/sub/f", top);
	opens(p);
	snprintf(p, sizeof(p), "%s/sub/sub2", top);
	fails(p, EINVAL);
	snprintf(p, sizeof(p), "%s/sub/nosuch", top);
	fails(p, ENOENT);
	snprintf(p, sizeof(p), "%s/sub/alice-link", top);
	snprintf(q, sizeof(q), "%s is owned by uid 4001, not root", p);
	refused(p, q);
	snprintf(p, sizeof(p), "%s/sub", top);
	if (chmod(p, 0777) < 0) {
		printf("Bail out! chmod: %s\n", strerror(errno));
		exit(99);
	}
	trust_forget();
	snprintf(q, sizeof(q), "%s is writable by group or others (mode 0777)", p);
	snprintf(p, sizeof(p), "%s/sub/f", top);
	refused(p, q);
	snprintf(p, sizeof(p), "%s/sub", top);
	(void)chmod(p, 0755);
	/* Through a symlink into /proc: what the identity in force may open there is refused. */
	snprintf(p, sizeof(p), "%s/sub/proc", top);
	link_to("/proc/self/status", p);
	refused(p, "/proc is on procfs");
out:
	for (size_t i = sizeof(names) / sizeof(names[0]); i-- > 0;) {
		snprintf(p, sizeof(p), "%s/%s", top, names[i]);
		(void)unlink(p);
	}
	snprintf(p, sizeof(p), "%s/sub/sub2", top);
	(void)rmdir(p);
	for (const char *d = "sub\0gw\0sticky\0"; *d; d += strlen(d) + 1) {
		snprintf(p, sizeof(p), "%s/%s", top, d);
		(void)rmdir(p);
	}
	OK(rmdir(top) == 0, "the test's directory is gone");
}

int main(void)
{
	char tmp[] = "/tmp/ba-trust-XXXXXX", p[64];

	fails("relative/path", EINVAL);
	/* /tmp: sticky and world-writable; refused whatever lies past it. */
	if (mkdtemp(tmp) == NULL)
		return 99;
	snprintf(p, sizeof(p), "%s/f", tmp);
	make(p, 0644, 0);
	refused(p, "/tmp is writable by group or others (mode 1777)");
	snprintf(p, sizeof(p), "%s/nosuch", tmp);
	refused(p, "/tmp is writable by group or others (mode 1777)");
	snprintf(p, sizeof(p), "%s/f", tmp);
	unlink(p);
	rmdir(tmp);
	/* procfs: a file we may open is refused; one that does not exist (or
	 * that we may not open) gets open()'s answer, as anywhere else. */
	refused("/proc/self/status", "/proc is on procfs");
	refused("/proc/self/comm", "/proc is on procfs");
	fails("/proc/self/nosuch", ENOENT);
	/* The ordinary: /etc/passwd, a directory, a path through a file. */
	opens("/etc/passwd");
	fails("/etc", EINVAL);
	fails("/etc/passwd/x", ENOTDIR);
	fails("/etc/nosuch.conf", ENOENT);
	own_tree();
	return tap_done();
}
