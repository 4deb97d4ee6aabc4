/*
 * A file opened through a path only root could have laid out (trust.h).
 *
 * The kernel resolves a path in one call and says nothing about the way it
 * took; a rule file is only as trustworthy as every directory and symlink
 * that led to it.  So the walk is ours: one O_PATH|O_NOFOLLOW open per
 * component, relative to the directory judged before it, symlinks read and
 * resolved here, each object judged on its descriptor (fstat, fstatfs), so
 * what is judged is what is walked.  A directory judged trusted can only be
 * changed by root, which makes the rest of the walk stable.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "trust.h"

/* Symlinks followed in one walk: the kernel's own limit. */
#define TRUST_MAX_LINKS 40

/*
 * Filesystems are judged by an allow-list of statfs() f_type values: an
 * unknown one is refused (fail closed).  On these, an owner is the kernel's
 * record of who made or was given a file, so "root's and writable by root
 * only" means only root could have put it there.  The disk filesystems of
 * real hosts, the memory ones, and overlayfs (containers, the test harness:
 * it shows the owners of its own layers' files).
 */
static const struct fs_name {
	uint32_t magic;
	const char *name;
} owned_fs[] = {
	{ 0xEF53, "ext2/ext3/ext4" }, { 0x58465342, "xfs" },     { 0x9123683E, "btrfs" },
	{ 0xF2F52010, "f2fs" },       { 0x2FC12FC1, "zfs" },     { 0xCA451A4E, "bcachefs" },
	{ 0x3153464A, "jfs" },        { 0x52654973, "reiserfs" }, { 0x01021994, "tmpfs" },
	{ 0x858458F6, "ramfs" },      { 0x794C7630, "overlayfs" }, { 0x73717368, "squashfs" },
	{ 0xE0F5E1E2, "erofs" },
},
/*
 * The kernel's own filesystems: an owner there is a process's (procfs) or
 * nobody's in particular, content is made by the kernel on read, often
 * from what a process chose (its name, its command line).  Never rules;
 * but what the caller cannot open there is answered as anywhere else.
 */
kernel_fs[] = {
	{ 0x9FA0, "procfs" },       { 0x62656572, "sysfs" },   { 0x64626720, "debugfs" },
	{ 0x74726163, "tracefs" },  { 0x73636673, "securityfs" }, { 0x0027E0EB, "cgroupfs" },
	{ 0x63677270, "cgroup2" },  { 0x62656570, "configfs" }, { 0xCAFE4A11, "bpffs" },
	{ 0x6165676C, "pstore" },   { 0xDE5E81E4, "efivarfs" }, { 0x00001CD1, "devpts" },
	{ 0x42494E4D, "binfmt_misc" }, { 0xF97CFF8C, "selinuxfs" }, { 0x6E736673, "nsfs" },
},
/* Refused like any unknown type; named so the administrator knows which. */
other_fs[] = {
	{ 0x65735546, "FUSE" }, { 0x6969, "NFS" },        { 0xFF534D42, "CIFS" },
	{ 0xFE534D42, "SMB2" }, { 0x01021997, "9p" },     { 0x00C36400, "ceph" },
	{ 0x517B, "SMB" },      { 0x5346414F, "AFS" },    { 0x6B414653, "AFS" },
};

static const char *fs_lookup(const struct fs_name *list, size_t n, uint32_t magic)
{
	for (size_t i = 0; i < n; i++)
		if (list[i].magic == magic)
			return list[i].name;
	return NULL;
}

#define FS_LOOKUP(list, magic) fs_lookup(list, sizeof(list) / sizeof(list[0]), magic)

struct walk {
	uid_t trusted;       /* besides root, the owner we trust: our euid */
	char *why;
	size_t whylen;
	bool deferred;       /* on a kernel filesystem: refused if the file opens */
	char where[PATH_MAX]; /* the resolved path of the current directory */
};

static int refuse(struct walk *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int refuse(struct walk *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(t->why, t->whylen, fmt, ap);
	va_end(ap);
	/* Names come from symlinks: shown printable-ASCII only. */
	for (char *p = t->why; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	return TRUST_REFUSED;
}

/*
 * Judge the object FD (stat ST) named NAME: 0 to go on, TRUST_REFUSED, or
 * -1 with errno.  FILE: the final file, whose owner and mode are the
 * caller's to judge.
 */
static int judge(struct walk *t, int fd, const struct stat *st, const char *name, bool file)
{
	struct statfs fs;
	const char *fsname;
	char other[32];

	if (fstatfs(fd, &fs) < 0)
		return -1;
	if ((fsname = FS_LOOKUP(kernel_fs, (uint32_t)fs.f_type)) != NULL) {
		if (!t->deferred)
			(void)refuse(t, "%s is on %s, whose files nobody wrote as rules", name, fsname);
		t->deferred = true;
		return 0;
	}
	if (FS_LOOKUP(owned_fs, (uint32_t)fs.f_type) == NULL) {
		fsname = FS_LOOKUP(other_fs, (uint32_t)fs.f_type);
		if (fsname == NULL) {
			snprintf(other, sizeof(other), "a filesystem of type 0x%x",
				 (unsigned)(uint32_t)fs.f_type);
			fsname = other;
		}
		return refuse(t, "%s is on %s, whose owners say nothing about who wrote a file",
			      name, fsname);
	}
	if (fs.f_flags & ST_NOSUID)
		return refuse(t, "%s is on a filesystem mounted nosuid: nobody vouches for its owners",
			      name);
	if (file)
		return 0;
	if (st->st_uid != 0 && st->st_uid != t->trusted)
		return refuse(t, "%s is owned by uid %lu, not root", name, (unsigned long)st->st_uid);
	if (S_ISDIR(st->st_mode) && (st->st_mode & (S_IWGRP | S_IWOTH)))
		return refuse(t, "%s is writable by group or others (mode %04o)", name,
			      (unsigned)(st->st_mode & 07777));
	return 0;
}

/* WHERE, then "/" and NAME: the path of an entry of the current directory. */
static int entry_path(const struct walk *t, const char *name, char *out, size_t size)
{
	int n = snprintf(out, size, "%s%s%s", t->where, strcmp(t->where, "/") ? "/" : "", name);

	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	return 0;
}

/* Start (again) at "/": *DIR is its descriptor. */
static int at_root(struct walk *t, int *dir)
{
	int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	struct stat st;
	int r;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || (r = judge(t, fd, &st, "/", false)) == -1) {
		close(fd);
		return -1;
	}
	if (r != 0) {
		close(fd);
		return r;
	}
	if (*dir >= 0)
		close(*dir);
	*dir = fd;
	strcpy(t->where, "/");
	return 0;
}

/* The last component, opened for reading through DIR: the walk's end. */
static int open_last(struct walk *t, int dir, const char *name, const struct stat *seen)
{
	struct stat st;
	int fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0)
		goto fail;
	if (st.st_dev != seen->st_dev || st.st_ino != seen->st_ino) {
		errno = ESTALE;
		goto fail;
	}
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto fail;
	}
	if (t->deferred) {
		close(fd);
		return TRUST_REFUSED; /* WHY was written when it was met */
	}
	if (fcntl(fd, F_SETFL, 0) < 0)
		goto fail;
	return fd;
fail:
	{
		int e = errno;

		close(fd);
		errno = e;
	}
	return -1;
}

/*
 * The directory where the last walk ended (no symlink followed, nothing on
 * a kernel filesystem): the next path in the same directory, under the same
 * identity, is judged from there on.  Walking again would find the same:
 * every directory on the way was judged owned by root and writable by
 * nobody else, so only root could change them.  trust_forget() drops it
 * whenever the identity changes (caller.c).
 */
static struct {
	int fd;
	char dir[PATH_MAX];   /* as the path spelled it */
	char where[PATH_MAX]; /* as the walk resolved it */
} last = { -1, "", "" };

void trust_forget(void)
{
	if (last.fd >= 0)
		close(last.fd);
	last.fd = -1;
}

/* PATH's last component NAME in last.dir: opened as the walk would; 1 when it cannot say. */
static int open_in_last(const char *path, char *why, size_t whylen)
{
	struct walk t = { .trusted = geteuid(), .why = why, .whylen = whylen };
	const char *name = strrchr(path, '/') + 1;
	size_t dirlen = (size_t)(name - path) - (name - path > 1);
	char entry[PATH_MAX];
	struct stat st;
	int fd, r, e;

	if (last.fd < 0 || strlen(last.dir) != dirlen || memcmp(last.dir, path, dirlen) != 0 ||
	    *name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    strlen(name) > NAME_MAX)
		return 1;
	fd = openat(last.fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)) { /* the whole walk says what follows */
		close(fd);
		return 1;
	}
	strcpy(t.where, last.where);
	r = entry_path(&t, name, entry, sizeof(entry));
	if (r == 0)
		r = judge(&t, fd, &st, entry, true);
	if (r == 0)
		r = open_last(&t, last.fd, name, &st);
	e = errno;
	close(fd);
	errno = e;
	return r;
}

int trust_open(const char *path, char *why, size_t whylen)
{
	struct walk t = { .trusted = geteuid(), .why = why, .whylen = whylen };
	char todo[PATH_MAX], next[PATH_MAX], name[NAME_MAX + 1], entry[PATH_MAX];
	char target[PATH_MAX];
	struct stat st;
	const char *p, *rest;
	int dir = -1, fd = -1, links = 0, r, e;
	size_t len;
	ssize_t n;

	why[0] = '\0';
	if (path[0] != '/') {
		errno = EINVAL;
		return -1;
	}
	if (strlen(path) >= sizeof(todo)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	r = open_in_last(path, why, whylen);
	if (r != 1)
		return r;
	strcpy(todo, path);
	r = at_root(&t, &dir);
	if (r != 0)
		return r;
	p = todo;
	for (;;) {
		while (*p == '/')
			p++;
		if (*p == '\0') { /* the path names a directory */
			errno = EINVAL;
			r = -1;
			break;
		}
		len = strcspn(p, "/");
		if (len > NAME_MAX) {
			errno = ENAMETOOLONG;
			r = -1;
			break;
		}
		memcpy(name, p, len);
		name[len] = '\0';
		rest = p + len;
		if (strcmp(name, ".") == 0) {
			p = rest;
			continue;
		}
		fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0) {
			r = -1;
			break;
		}
		if (strcmp(name, "..") == 0) {
			char *slash = strrchr(t.where, '/');

			/* The lexical parent is the real one: no symlink in WHERE. */
			if (slash != NULL)
				slash[slash == t.where] = '\0';
			snprintf(entry, sizeof(entry), "%s", t.where);
		} else if (entry_path(&t, name, entry, sizeof(entry)) < 0) {
			r = -1;
			break;
		}
		r = judge(&t, fd, &st, entry, !S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode));
		if (r != 0)
			break;
		if (S_ISLNK(st.st_mode)) {
			if (++links > TRUST_MAX_LINKS) {
				errno = ELOOP;
				r = -1;
				break;
			}
			n = readlinkat(fd, "", target, sizeof(target));
			if (n <= 0 || (size_t)n >= sizeof(target)) {
				errno = n < 0 ? errno : n == 0 ? ENOENT : ENAMETOOLONG;
				r = -1;
				break;
			}
			target[n] = '\0';
			/* The target, then the rest of the path, resolved from the link's directory. */
			if ((size_t)snprintf(next, sizeof(next), "%s%s", target, rest) >= sizeof(next)) {
				errno = ENAMETOOLONG;
				r = -1;
				break;
			}
			strcpy(todo, next);
			p = todo;
			close(fd);
			fd = -1;
			if (target[0] == '/' && (r = at_root(&t, &dir)) != 0)
				break;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			snprintf(t.where, sizeof(t.where), "%s", entry);
			close(dir);
			dir = fd;
			fd = -1;
			p = rest;
			continue;
		}
		/* Anything else ends the path. */
		if (*rest != '\0') {
			errno = ENOTDIR;
			r = -1;
			break;
		}
		r = open_last(&t, dir, name, &st);
		break;
	}
	e = errno;
	if (fd >= 0)
		close(fd);
	if (r >= 0 && links == 0 && !t.deferred) {
		/* Opened where the path said, every directory judged: kept for the next. */
		trust_forget();
		last.fd = dir;
		snprintf(last.dir, sizeof(last.dir), "%.*s",
			 (int)(strrchr(path, '/') - path) + (strrchr(path, '/') == path), path);
		strcpy(last.where, t.where);
	} else {
		close(dir);
	}
	errno = e;
	return r;
}
