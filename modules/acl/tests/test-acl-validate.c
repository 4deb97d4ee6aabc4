/*
 * Unit tests of acl_validate(), the acl module's part of `bridge-auth check`:
 * every problem of every file, with file:line, and the walk going on after
 * each one.  No root needed (the owner case runs only as root).
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

#include "acl_parse.h"
#include "tap-test.h"

static char dir[64] = "/tmp/ba-acl-validate-XXXXXX";
static char seen[16384];
static unsigned seen_n, all_n;

static int open_plain(void *ctx, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	struct stat st;

	if (fd >= 0 && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* Collect problems; those about the file owner only as root (elsewhere every file is ours). */
static void problem(void *ctx, const char *text)
{
	size_t len = strlen(seen);

	all_n++;
	if (getuid() != 0 && strstr(text, ", not root:") != NULL)
		return;
	seen_n++;
	snprintf(seen + len, sizeof(seen) - len, "%s\n", text);
}

static const char *path(const char *name)
{
	static char ring[8][128];
	static int next;
	char *p = ring[next++ % 8];

	snprintf(p, 128, "%s/%s", dir, name);
	return p;
}

static void write_file(const char *name, const char *text, size_t len)
{
	FILE *f = fopen(path(name), "w");

	if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", name);
		exit(99);
	}
	chmod(path(name), 0644);
}

#define WRITE(name, text) write_file(name, text, sizeof(text) - 1)

static unsigned validate(const char *top, uid_t uid)
{
	struct acl_source src = { .open = open_plain, .user = "tester", .uid = uid };

	seen[0] = '\0';
	seen_n = all_n = 0;
	return acl_validate(path(top), &src, problem, NULL);
}

static void has(const char *fmt, const char *name, const char *what)
{
	char expect[512];

	snprintf(expect, sizeof(expect), fmt, path(name));
	ASSERT_STR_CONTAINS(expect, seen, what);
}

int main(void)
{
	char big[5000], include[256];
	unsigned n;

	if (mkdtemp(dir) == NULL)
		return 99;
	chmod(dir, 0755);

	WRITE("clean.conf", "# fine\nallow br0\ndeny all\n");
	n = validate("clean.conf", 0);
	ASSERT_INT_EQ(0, seen_n, "a clean file: no problem");
	OK(n == seen_n || getuid() != 0, "the count returned is the count reported");

	WRITE("many.conf", "alow br0\nallow br0\ndeny\nallow br-name-far-too-long\ninclude x.conf\n");
	validate("many.conf", 0);
	ASSERT_INT_EQ(4, seen_n, "every bad line of a file, not the first");
	has("%s:1: unknown command \"alow\"", "many.conf", "line 1: unknown command");
	has("%s:3: missing argument to \"deny\"", "many.conf", "line 3: missing argument");
	has("%s:4: name too long", "many.conf", "line 4: name too long");
	has("%s:5: include path must be absolute", "many.conf", "line 5: relative include");

	/* A tab before a trailing space: QEMU's helper rejects the file; named here. */
	WRITE("tab.conf", "allow br1\nallow\tbr0 \ndeny br2\n");
	validate("tab.conf", 0);
	ASSERT_INT_EQ(1, seen_n, "allow<TAB>br0<SPACE>: one problem");
	has("%s:2: unknown command \"allow?br0\" (a line with a space", "tab.conf",
	    "allow<TAB>br0<SPACE> named with file:line");

	memset(big, 'x', sizeof(big));
	memcpy(big, "allow ", 6);
	big[sizeof(big) - 1] = '\n';
	write_file("long.conf", big, sizeof(big));
	FILE *f = fopen(path("long.conf"), "a");
	fputs("allow br0\nbogus\n", f);
	fwrite("deny b\0r\nalso bogus\n", 1, 20, f);
	fclose(f);
	validate("long.conf", 0);
	ASSERT_INT_EQ(4, seen_n, "a line too long and a NUL byte are skipped, the file goes on");
	has("%s:1: line too long", "long.conf", "line 1: too long");
	has("%s:3: unknown command \"bogus\"", "long.conf", "line 3 read after the long line");
	has("%s:4: NUL byte in line", "long.conf", "line 4: NUL byte");
	has("%s:5: unknown command \"also\"", "long.conf", "line 5 read after the NUL byte");

	/* Going on after a bad line reads on over blocks' ends. */
	static char huge[3 * ACL_READ_BLOCK];
	size_t off;

	memset(huge, 'x', sizeof(huge));
	memcpy(huge, "allow ", 6);
	off = 2 * ACL_READ_BLOCK + 100;
	memcpy(huge + off, "\n# fine\ndeny b\0", 16);
	off += 16 + ACL_READ_BLOCK / 2;
	memcpy(huge + off, "\nbogus\n", 7);
	write_file("huge.conf", huge, off + 7);
	validate("huge.conf", 0);
	ASSERT_INT_EQ(3, seen_n, "bad lines longer than a read block are skipped, the file goes on");
	has("%s:1: line too long", "huge.conf", "line 1: too long, over two blocks");
	has("%s:3: NUL byte in line", "huge.conf", "line 3: NUL byte, then half a block");
	has("%s:4: unknown command \"bogus\"", "huge.conf", "line 4 read after them");

	snprintf(include, sizeof(include), "include %s\nalow br1\ninclude %s\n", path("inner.conf"),
		 path("missing.conf"));
	write_file("outer.conf", include, strlen(include));
	snprintf(include, sizeof(include), "allow br0\ninclude %s\n\ndeny\n", path("outer.conf"));
	write_file("inner.conf", include, strlen(include));
	validate("outer.conf", 0);
	has("%s:2: include cycle", "inner.conf", "an include cycle, located in the including file");
	has("%s:4: missing argument", "inner.conf", "a problem in an include, after the cycle");
	has("%s:2: unknown command \"alow\"", "outer.conf", "the including file goes on after its include");
	has("%s:3: include ", "outer.conf", "a missing include, for root");
	ASSERT_INT_EQ(4, seen_n, "... and nothing else");
	validate("outer.conf", 4001);
	ASSERT_INT_EQ(3, seen_n, "a user is not told about an include they cannot read");

	chmod(path("clean.conf"), 0666);
	validate("clean.conf", 0);
	has("%s: writable by group or others (mode 0666)", "clean.conf", "a world-writable rule file");
	chmod(path("clean.conf"), 0644);
	if (getuid() == 0) {
		chown(path("clean.conf"), 4001, 4001);
		validate("clean.conf", 0);
		has("%s: owned by uid 4001, not root", "clean.conf", "a rule file owned by a user");
		chown(path("clean.conf"), 0, 0);
	} else {
		TAP_SKIP("not root: cannot give a file away");
	}

	FILE *g = fopen(path("flood.conf"), "w");
	for (int i = 0; i < 300; i++)
		fputs("bogus\n", g);
	fclose(g);
	validate("flood.conf", 0);
	ASSERT_INT_EQ(101, all_n, "at most 100 problems, then one line saying so");
	ASSERT_STR_CONTAINS("too many problems", seen, "... which says so");

	validate("nosuch.conf", 4001);
	has("%s cannot be read by user tester", "nosuch.conf", "an unreadable top-level file");

	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		OK(0, "cleanup");
	return tap_done();
}
