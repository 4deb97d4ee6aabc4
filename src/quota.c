#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mark.h"
#include "quota.h"

int quota_lock_open(const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open the quota lock %s: %s", path,
			 errno == ELOOP ? "it is a symbolic link" : strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1 ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		snprintf(err, errlen, "the quota lock %s is not a root-owned regular file that "
				      "only root may write", path);
		close(fd);
		return -1;
	}
	return fd;
}

static struct flock range(short type, uid_t uid)
{
	return (struct flock){ .l_type = type, .l_whence = SEEK_SET, .l_start = (off_t)uid,
			       .l_len = 1 };
}

int quota_lock(int fd, uid_t uid, unsigned wait_ms, char *err, size_t errlen)
{
	struct timespec pause = { 0, 500 * 1000 };
	unsigned waited_us = 0;

	for (;;) {
		struct flock fl = range(F_WRLCK, uid);

		if (fcntl(fd, F_OFD_SETLK, &fl) == 0)
			return 0;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR) {
			snprintf(err, errlen, "cannot take the quota lock: %s", strerror(errno));
			return -1;
		}
		if (waited_us / 1000 >= wait_ms) {
			snprintf(err, errlen, "the quota could not be counted: another request of "
					      "this user held the quota lock for %u s", wait_ms / 1000);
			return -1;
		}
		nanosleep(&pause, NULL);
		waited_us += (unsigned)(pause.tv_nsec / 1000);
		if (pause.tv_nsec < 8 * 1000 * 1000)
			pause.tv_nsec *= 2;
	}
}

void quota_unlock(int fd, uid_t uid)
{
	struct flock fl = range(F_UNLCK, uid);

	(void)fcntl(fd, F_OFD_SETLK, &fl); /* and released with the fd at exit in any case */
}

struct count {
	uid_t uid;
	unsigned held;
};

static int count_one(void *ctx, const struct nl_link *l)
{
	struct count *c = ctx;
	struct mark m;

	if (mark_parse(l->alias, &m) && m.uid == c->uid)
		c->held++;
	return 0;
}

int quota_count(struct nl *nl, unsigned master, uid_t uid, unsigned *held, char *err,
		size_t errlen)
{
	struct count c = { uid, 0 };

	if (nl_links(nl, master, "tun", count_one, &c, err, errlen) < 0)
		return -1;
	*held = c.held;
	return 0;
}
