#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "watch.h"

int watch_lock_path(struct nl *nl, char *path, size_t size)
{
	unsigned long long ns;
	int n;

	if (nl_netns(nl, &ns) < 0)
		return -1;
	n = snprintf(path, size, WATCH_LOCK_FORMAT, ns);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Root's, a regular file with one name, writable by root only. */
static bool trusted(int fd, mode_t *mode)
{
	struct stat st;

	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)))
		return false;
	if (mode)
		*mode = st.st_mode & 07777;
	return true;
}

/* The whole file, whatever its size. */
static struct flock whole(short type)
{
	return (struct flock){ .l_type = type, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
}

/* A new file, locked, then renamed over PATH: a read lock on the old one holds nothing up. */
static int replace(const char *path, char *err, size_t errlen)
{
	struct flock fl = whole(F_WRLCK);
	char tmp[PATH_MAX];
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "the watcher lock's path is too long: %s", path);
		return -1;
	}
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot make a new watcher lock beside %s: %s", path,
			 strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0644) < 0 || fcntl(fd, F_OFD_SETLK, &fl) < 0 || rename(tmp, path) < 0) {
		snprintf(err, errlen, "cannot put a new watcher lock in place of %s: %s", path,
			 strerror(errno));
		unlink(tmp);
		close(fd);
		return -1;
	}
	return fd;
}

int watch_lock_take(const char *path, char *err, size_t errlen)
{
	struct flock fl = whole(F_WRLCK);
	mode_t mode;
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0644);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open the watcher lock %s: %s", path,
			 errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	if (!trusted(fd, &mode)) {
		snprintf(err, errlen, "the watcher lock %s is not a root-owned regular file that "
				      "only root may write", path);
		close(fd);
		return -1;
	}
	/* Readable by all: requests look at it as their caller. */
	if (mode != 0644 && fchmod(fd, 0644) < 0) {
		snprintf(err, errlen, "cannot make the watcher lock %s readable: %s", path,
			 strerror(errno));
		close(fd);
		return -1;
	}
	if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
		return fd;
	if (errno != EAGAIN && errno != EACCES) {
		snprintf(err, errlen, "cannot lock the watcher lock %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	fl = whole(F_WRLCK);
	if (fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_WRLCK) {
		snprintf(err, errlen, "another bridge-auth-reaper watches this network namespace "
				      "(it holds %s)", path);
		close(fd);
		return -1;
	}
	/* A read lock (anyone may take one): not a reaper, and in our way. */
	close(fd);
	return replace(path, err, errlen);
}

bool watch_running(struct nl *nl)
{
	struct flock fl = whole(F_RDLCK); /* conflicts with write locks only */
	char path[PATH_MAX];
	bool held;
	int fd;

	if (watch_lock_path(nl, path, sizeof(path)) < 0)
		return false;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return false;
	held = trusted(fd, NULL) && fcntl(fd, F_OFD_GETLK, &fl) == 0 && fl.l_type == F_WRLCK;
	close(fd);
	return held;
}
