/*
 * Unit tests of the acl parser and evaluator: no root, no dlopen.  Files live
 * in a private mkdtemp() directory; the open function opens them for real
 * unless a test makes it fail with a chosen errno for a chosen path.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include "acl_parse.h"
#include "ifname.h"
#include "tap-test.h"

static char dir[PATH_MAX];
static char msg[BRIDGE_AUTH_MSG_MAX];

/* The open function's script: PATH fails with ERR. */
#define MAX_FAKES 8
static struct {
	const char *path;
	int err;
} fakes[MAX_FAKES];
static int nfakes;
static char debug_log[4096];

static void bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(99);
}

/* DIR/NAME, in one of a ring of buffers (enough for one test case). */
static const char *tp(const char *name)
{
	static char ring[16][PATH_MAX];
	static int next;
	char *p = ring[next++ % 16];

	if ((size_t)snprintf(p, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		bail("path too long");
	return p;
}

static void wraw(const char *name, const char *buf, size_t len)
{
	FILE *f = fopen(tp(name), "w");

	if (f == NULL || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
		bail(name);
}

/* Write NAME in the test directory; "@" in FMT stands for the directory. */
static void wfile(const char *name, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void wfile(const char *name, const char *fmt, ...)
{
	char *text = NULL, *out, *p, *o;
	size_t n = 0;
	va_list ap;
	int len;

	va_start(ap, fmt);
	len = vasprintf(&text, fmt, ap);
	va_end(ap);
	if (len < 0)
		bail("vasprintf");
	for (p = text; *p; p++)
		n += *p == '@';
	out = malloc((size_t)len + n * strlen(dir) + 1);
	if (out == NULL)
		bail("malloc");
	for (p = text, o = out; *p; p++) {
		if (*p == '@')
			o = stpcpy(o, dir);
		else
			*o++ = *p;
	}
	*o = '\0';
	wraw(name, out, strlen(out));
	free(out);
	free(text);
}

static void fake(const char *name, int err)
{
	if (nfakes == MAX_FAKES)
		bail("too many fakes");
	fakes[nfakes].path = tp(name);
	fakes[nfakes].err = err;
	nfakes++;
}

static int test_open(void *ctx, const char *path)
{
	int i;

	for (i = 0; i < nfakes; i++) {
		if (strcmp(fakes[i].path, path) == 0) {
			errno = fakes[i].err;
			return -1;
		}
	}
	return open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
}

static void test_debug(void *ctx, const char *line)
{
	size_t used = strlen(debug_log);

	snprintf(debug_log + used, sizeof(debug_log) - used, "%s\n", line);
}

static const char *vname(int v)
{
	switch (v) {
	case BRIDGE_AUTH_ALLOW: return "ALLOW";
	case BRIDGE_AUTH_DENY: return "DENY";
	case BRIDGE_AUTH_IGNORE: return "IGNORE";
	case BRIDGE_AUTH_ERROR: return "ERROR";
	}
	return "?";
}

static int decide_as(const char *user, const char *file, const char *bridge)
{
	struct acl_source src = {
		.open = test_open, .debug = test_debug, .ctx = NULL, .user = user, .uid = 1001,
	};

	memset(msg, 'x', sizeof(msg)); /* a missing NUL would show */
	return acl_decide(file, bridge, &src, msg, sizeof(msg));
}

static void check_as(const char *user, int want, const char *file, const char *bridge,
		     const char *fmt, const char *name)
{
	char want_msg[2 * PATH_MAX];
	const char *p;
	char *o;
	int v = decide_as(user, file, bridge);
	int ok;

	/* "@" stands for the test directory. */
	for (p = fmt, o = want_msg; *p; p++) {
		if (*p == '@')
			o = stpcpy(o, dir);
		else
			*o++ = *p;
	}
	*o = '\0';
	ok = v == want && strcmp(msg, want_msg) == 0;
	tap_result(ok, __FILE__, __LINE__, "%s", name);
	if (!ok)
		printf("#   expected %s \"%s\"\n#   seen     %s \"%s\"\n", vname(want), want_msg,
		       vname(v), msg);
	nfakes = 0;
}

/* FILE (a name in the test directory) decides WANT for BRIDGE with reason FMT. */
static void check(int want, const char *file, const char *bridge, const char *fmt,
		  const char *name)
{
	check_as("alice", want, tp(file), bridge, fmt, name);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((e = readdir(d)) != NULL)
		n++;
	closedir(d);
	return n;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

/* ------------------------------------------------------------------------ */

static void test_rules(void)
{
	wfile("a", "allow br0\n");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow br0)", "allow NAME matches");
	check(BRIDGE_AUTH_IGNORE, "a", "br1", "no rule for bridge br1 in @/a",
	      "allow NAME: other bridge has no rule");

	wfile("a", "allow all\n");
	check(BRIDGE_AUTH_ALLOW, "a", "virbr7", "allowed by @/a:1 (allow all)", "allow all");

	wfile("a", "deny br0\n");
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/a:1 (deny br0)", "deny NAME matches");
	check(BRIDGE_AUTH_IGNORE, "a", "br1", "no rule for bridge br1 in @/a",
	      "deny NAME: other bridge has no rule");

	wfile("a", "deny all\n");
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/a:1 (deny all)", "deny all");

	wfile("a", "allow all\ndeny br1\n");
	check(BRIDGE_AUTH_DENY, "a", "br1", "denied by @/a:2 (deny br1)", "allow all, deny NAME");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow all)",
	      "allow all, deny other NAME");

	wfile("a", "deny br0\nallow br0\n");
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/a:1 (deny br0)", "deny before allow");
	wfile("a", "allow br0\ndeny br0\n");
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/a:2 (deny br0)", "deny after allow");
	wfile("a", "allow br0\ndeny all\n");
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/a:2 (deny all)", "deny all beats allow NAME");
	wfile("a", "deny br0\ndeny all\nallow all\n");
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/a:1 (deny br0)", "first matching deny named");

	wfile("a", "# comment\n\n   \t\n  # indented comment\n\tallow \t br0 \t\r\n");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:5 (allow br0)",
	      "comments, blank lines, tabs, trailing whitespace and CR");
	wfile("a", "allow br0");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow br0)", "no final newline");

	wfile("a", "allow br0\n");
	check(BRIDGE_AUTH_IGNORE, "a", "br01", "no rule for bridge br01 in @/a", "br0 does not match br01");
	check(BRIDGE_AUTH_IGNORE, "a", "br", "no rule for bridge br in @/a", "br0 does not match br");
	wfile("a", "allow br01\nallow br\n");
	check(BRIDGE_AUTH_IGNORE, "a", "br0", "no rule for bridge br0 in @/a",
	      "neither br01 nor br match br0");
	wfile("a", "allow All\nallow BR0\n");
	check(BRIDGE_AUTH_IGNORE, "a", "br0", "no rule for bridge br0 in @/a",
	      "names and all are case-sensitive");

	wraw("a", "", 0);
	check(BRIDGE_AUTH_IGNORE, "a", "br0", "no rule for bridge br0 in @/a", "empty file");
	wfile("a", "# nothing\n\n");
	check(BRIDGE_AUTH_IGNORE, "a", "br0", "no rule for bridge br0 in @/a", "comments only");

	wfile("a", "allow br0\n");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow br0)", "before an edit");
	wfile("a", "deny br0\n");
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/a:1 (deny br0)", "edit takes effect at once");
}

static void test_names(void)
{
	wfile("a", "allow abcdefghijklmno\n");
	check(BRIDGE_AUTH_ALLOW, "a", "abcdefghijklmno", "allowed by @/a:1 (allow abcdefghijklmno)",
	      "name of 15 bytes");
	wfile("a", "allow br0\nallow abcdefghijklmnop\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: name too long (16 bytes, at most 15)",
	      "name of 16 bytes");
	wfile("a", "deny abcdefghijklmnopqrstuvwxyz\n");
	check(BRIDGE_AUTH_ERROR, "a", "abcdefghijklmno", "@/a:1: name too long (26 bytes, at most 15)",
	      "long deny name is not truncated to a match");
	wfile("a", "allow .\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: invalid interface name \".\"", "name .");
	wfile("a", "allow ..\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: invalid interface name \"..\"", "name ..");
	wfile("a", "allow br/0\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: invalid interface name \"br/0\"", "name with /");
	wfile("a", "allow br:0\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: invalid interface name \"br:0\"", "name with :");
	wfile("a", "allow br0 br1\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: invalid interface name \"br0?br1\"",
	      "name with a space");
	wfile("a", "allow br0 #x\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: invalid interface name \"br0?#x\"",
	      "a trailing comment is not a comment");
	wfile("a", "allow br\0330\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: invalid interface name \"br?0\"",
	      "name with a control byte");
	wfile("a", "allow br\303\251\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: invalid interface name \"br??\"",
	      "name with non-ASCII bytes");
	wfile("a", "allow br0\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0/x", "invalid bridge name \"br0/x\"",
	      "invalid bridge asked");
	check(BRIDGE_AUTH_ERROR, "a", "abcdefghijklmnop", "invalid bridge name \"abcdefghijklmnop\"",
	      "bridge of 16 bytes asked");
	OK(ifname_valid("br0") && !ifname_valid("") && !ifname_valid("a b") &&
	   !ifname_valid("a\tb") && ifname_valid("br-0.1_x@") && !ifname_valid(".."),
	   "ifname_valid");
}

static void test_syntax(void)
{
	static char big[10000];

	wfile("a", "allow br0\nallowx br0\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: unknown command \"allowx\"", "unknown command");
	wfile("a", "Allow br0\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: unknown command \"Allow\"", "commands are case-sensitive");
	/* QEMU's helper ends the command at the line's first space, and at a
	 * tab only when the line has no space: these lines make it reject
	 * the whole file, so they must never grant here. */
	wfile("a", "allow\tbr0 \n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: unknown command \"allow?br0\" (a line with a "
	      "space ends its command at the first space, not at a tab, as in QEMU's helper)",
	      "allow<TAB>br0<SPACE>: the command is \"allow<TAB>br0\"");
	wfile("a", "deny br1\nallow\tbr0\t \t\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: unknown command \"allow?br0\" (a line with a "
	      "space ends its command at the first space, not at a tab, as in QEMU's helper)",
	      "a space among trailing tabs counts too");
	wfile("a", "allow\t br0\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: unknown command \"allow?\" (a line with a "
	      "space ends its command at the first space, not at a tab, as in QEMU's helper)",
	      "allow<TAB><SPACE>br0: the command is \"allow<TAB>\"");
	wfile("a", "allow\tbr0\t\r\n");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow br0)",
	      "no space on the line: the command ends at the first tab");
	wfile("a", "allow \tbr0\n");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow br0)",
	      "a space, then a tab: the command ends at the space");
	wfile("a", "\n  allow\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: missing argument to \"allow\"", "allow alone");
	wfile("a", "deny \t \n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: missing argument to \"deny\"",
	      "deny with only whitespace");
	wfile("a", "allow br0\r\ndeny\r\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: missing argument to \"deny\"",
	      "deny alone, CRLF line end");
	wfile("a", "include\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: missing argument to \"include\"", "include alone");
	wfile("a", "include b\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: include path must be absolute", "relative include");
	wfile("a", "include ./b\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: include path must be absolute", "relative include ./");
	wfile("a", "include /tmp/\001x\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: control character in include path",
	      "control byte in include path");

	/* 4094 bytes and a newline fill upstream's 4096-byte buffer. */
	memset(big, 0, sizeof(big));
	strcpy(big, "allow br0\n#");
	memset(big + 11, 'x', ACL_LINE_MAX - 3);
	strcat(big, "\n");
	wraw("a", big, strlen(big));
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow br0)", "line of 4094 bytes");
	memset(big, 0, sizeof(big));
	strcpy(big, "allow br0\n#");
	memset(big + 11, 'x', ACL_LINE_MAX - 2);
	strcat(big, "\n");
	wraw("a", big, strlen(big));
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: line too long (more than 4094 bytes)",
	      "line of 4095 bytes");
	big[strlen(big) - 1] = '\0';
	wraw("a", big, strlen(big));
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: line too long (more than 4094 bytes)",
	      "last line of 4095 bytes without newline");
	memset(big, 0, sizeof(big));
	memset(big, ' ', 9000);
	strcat(big, "allow br0\n");
	wraw("a", big, strlen(big));
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: line too long (more than 4094 bytes)",
	      "whitespace counts in a line's length");

	wraw("a", "allow br0\nallow br1\0allow br0\n", 30);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: NUL byte in line", "NUL byte");
	wraw("a", "# \0\n", 4);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: NUL byte in line", "NUL byte in a comment");
}

/*
 * NAME: comment lines up to byte AT exactly, then TEXT (LEN bytes).
 * Returns the line TEXT starts on.
 */
static unsigned write_at(const char *name, size_t at, const char *text, size_t len)
{
	static char buf[4 * ACL_READ_BLOCK];
	size_t off = 0, n;
	unsigned line = 1;

	if (at + len > sizeof(buf))
		bail("write_at: too big");
	while (off < at) {
		n = at - off > 100 ? 100 : at - off;
		memset(buf + off, 'x', n);
		buf[off] = '#';
		buf[off + n - 1] = '\n'; /* one byte: an empty line */
		off += n;
		line++;
	}
	memcpy(buf + off, text, len);
	wraw(name, buf, off + len);
	return line;
}

/* check(), with the reason given by a format. */
static void check_line(int want, const char *file, const char *bridge, const char *name,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void check_line(int want, const char *file, const char *bridge, const char *name,
		       const char *fmt, ...)
{
	char text[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	check(want, file, bridge, text, name);
}

/* The reader takes ACL_READ_BLOCK bytes at a time: lines across the seams. */
static void test_blocks(void)
{
	static char text[5 * ACL_READ_BLOCK];
	const size_t B = ACL_READ_BLOCK;
	unsigned l;
	size_t n;

	/* TEXT starts BACK bytes before the end of the first block; the reason
	 * is "@/a:L" between BEFORE and AFTER, L its line LINE (0: the first). */
	static const struct {
		size_t back;
		const char *text;
		size_t len;
		int want;
		const char *before;
		unsigned line;
		const char *after, *name;
	} seams[] = {
		{ 4, "allow br0\n", 10, BRIDGE_AUTH_ALLOW, "allowed by ", 0, " (allow br0)",
		  "a rule across the end of the first block" },
		{ 10, "allow br0\ndeny br0\n", 19, BRIDGE_AUTH_DENY, "denied by ", 1, " (deny br0)",
		  "a line that starts a block exactly" },
		{ 9, "deny\tbr0\r\n", 10, BRIDGE_AUTH_DENY, "denied by ", 0, " (deny br0)",
		  "CRLF split by the end of a block" },
		{ 9, "allow br0", 9, BRIDGE_AUTH_ALLOW, "allowed by ", 0, " (allow br0)",
		  "a last line without newline that ends the first block" },
		{ 8, "allow br0", 9, BRIDGE_AUTH_ALLOW, "allowed by ", 0, " (allow br0)",
		  "a last line without newline, one byte into the second block" },
		{ 4, "# a\0\n", 5, BRIDGE_AUTH_ERROR, "", 0, ": NUL byte in line",
		  "a NUL byte in the last byte of a block" },
		{ 5, "# abcde\0\n", 9, BRIDGE_AUTH_ERROR, "", 0, ": NUL byte in line",
		  "a NUL byte in the second block of a line started in the first" },
	};

	for (n = 0; n < sizeof(seams) / sizeof(seams[0]); n++) {
		l = write_at("a", B - seams[n].back, seams[n].text, seams[n].len);
		check_line(seams[n].want, "a", "br0", seams[n].name, "%s@/a:%u%s", seams[n].before,
			   l + seams[n].line, seams[n].after);
	}
	(void)write_at("a", B, "", 0);
	check(BRIDGE_AUTH_IGNORE, "a", "br0", "no rule for bridge br0 in @/a",
	      "a file of exactly one block of comments");

	/* Lines of the limit, and one more byte, starting near a block's end. */
	memset(text, 'x', ACL_LINE_MAX);
	text[0] = '#';
	for (n = ACL_LINE_MAX - 2; n <= ACL_LINE_MAX - 1; n++) {
		memcpy(text + n, "\nallow br0\n", 11);
		l = write_at("a", B - 2000, text, n + 11);
		text[n] = 'x';
		if (n == ACL_LINE_MAX - 2)
			check_line(BRIDGE_AUTH_ALLOW, "a", "br0", "a line of 4094 bytes across a block's end",
				   "allowed by @/a:%u (allow br0)", l + 1);
		else
			check_line(BRIDGE_AUTH_ERROR, "a", "br0", "a line of 4095 bytes across a block's end",
				   "@/a:%u: line too long (more than 4094 bytes)", l);
	}
	l = write_at("a", B - 1, text, ACL_LINE_MAX - 1);
	check_line(BRIDGE_AUTH_ERROR, "a", "br0",
		   "a last line of 4095 bytes without newline, from a block's last byte",
		   "@/a:%u: line too long (more than 4094 bytes)", l);
	/* A NUL is reported up to a line's byte 4095; after it, the length. */
	memset(text, 'x', 2 * ACL_LINE_MAX);
	text[0] = '#';
	text[ACL_LINE_MAX - 2] = '\0';
	text[2 * ACL_LINE_MAX - 1] = '\n';
	l = write_at("a", B - 100, text, 2 * ACL_LINE_MAX);
	check_line(BRIDGE_AUTH_ERROR, "a", "br0", "a NUL byte as byte 4095 of a line: the NUL",
		   "@/a:%u: NUL byte in line", l);
	text[ACL_LINE_MAX - 2] = 'x';
	text[ACL_LINE_MAX - 1] = '\0';
	l = write_at("a", B - 100, text, 2 * ACL_LINE_MAX);
	check_line(BRIDGE_AUTH_ERROR, "a", "br0", "a NUL byte as byte 4096 of a line: too long",
		   "@/a:%u: line too long (more than 4094 bytes)", l);

	/* Many blocks: 4000 lines, the deny last, without its newline. */
	for (n = 0, l = 0; l < 4000; l++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "allow vm%u\n", l);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "deny br0");
	OK(n > 2 * B, "the many-line file spans %zu blocks", n / B + 1);
	wraw("a", text, n);
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/a:4001 (deny br0)", "4001 lines over several blocks");

	/* An include named across a block's end, its file of 3 blocks read
	 * while the line naming it stays in its own block: the lines after it
	 * still parse, with their numbers. */
	wraw("b", text, n);
	snprintf(text, sizeof(text), "include %s\nallow br1\nbogus\n", tp("b"));
	l = write_at("a", B - 10, text, strlen(text) - 6);
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/b:4001 (deny br0)",
	      "an include named across a block's end");
	check_line(BRIDGE_AUTH_ALLOW, "a", "br1", "... and the including file goes on where it was",
		   "allowed by @/a:%u (allow br1)", l + 1);
	l = write_at("a", B - 10, text, strlen(text));
	check_line(BRIDGE_AUTH_ERROR, "a", "br1", "... with its line numbers",
		   "@/a:%u: unknown command \"bogus\"", l + 2);
}

static void test_includes(void)
{
	static const int may_not_read[] = { EACCES, EPERM, ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG };
	char name[32];
	unsigned i;
	int ok;

	wfile("a", "include @/b\n");
	wfile("b", "allow br0\n");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/b:1 (allow br0)", "include");

	wfile("a", "allow br0\n  include \t@/b \t\n");
	wfile("b", "# b\ninclude @/c\n");
	wfile("c", "deny br0\n");
	check(BRIDGE_AUTH_DENY, "a", "br0", "denied by @/c:1 (deny br0)", "nested include denies");

	wfile("a", "include @/b\ninclude @/b\n");
	wfile("b", "allow br0\n");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/b:1 (allow br0)",
	      "same file included twice is no cycle");

	/* Files the caller may not read: nothing, and not a word about them. */
	wfile("a", "allow br0\ninclude @/secret\n");
	wfile("secret", "deny br0\n");
	ok = 1;
	for (i = 0; i < sizeof(may_not_read) / sizeof(may_not_read[0]); i++) {
		debug_log[0] = '\0';
		fake("secret", may_not_read[i]);
		ok &= decide_as("alice", tp("a"), "br0") == BRIDGE_AUTH_ALLOW;
		ok &= strstr(msg, "secret") == NULL && strstr(msg, strerror(may_not_read[i])) == NULL;
		ok &= strstr(debug_log, "secret") == NULL &&
		      strstr(debug_log, strerror(may_not_read[i])) == NULL;
		nfakes = 0;
	}
	OK(ok, "unreadable include (each errno) contributes nothing, says nothing");
	fake("secret", EACCES);
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow br0)",
	      "unreadable include holding a deny is skipped (as upstream)");
	fake("secret", EACCES);
	check(BRIDGE_AUTH_IGNORE, "a", "br1", "no rule for bridge br1 in @/a",
	      "unreadable include: message free of errno text");
	OK(strstr(msg, "Permission denied") == NULL && strstr(msg, "No such file") == NULL,
	   "no errno text in the reason");
	debug_log[0] = '\0';
	fake("secret", EACCES);
	(void)decide_as("alice", tp("a"), "br0");
	ASSERT_STR_EQ(tp("a:2: include not readable by the caller, skipped\n"), debug_log,
		      "debug line names the including file:line only");

	wfile("a", "allow br0\ninclude @/missing\n");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow br0)",
	      "missing include (real ENOENT) is skipped");
	OK(strstr(msg, "No such file") == NULL && strstr(msg, "missing") == NULL,
	   "missing include not named");
	wfile("a", "allow br0\ninclude @/b/not-a-dir\n");
	check(BRIDGE_AUTH_ALLOW, "a", "br0", "allowed by @/a:1 (allow br0)",
	      "include through a file (real ENOTDIR) is skipped");

	/* Errors of includes fail closed, located at the include line. */
	wfile("a", "allow br0\ninclude @/b\n");
	fake("b", EMFILE);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: include @/b: Too many open files",
	      "EMFILE on an include");
	fake("b", ENFILE);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: include @/b: Too many open files in system",
	      "ENFILE on an include");
	fake("b", ENOMEM);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: include @/b: Cannot allocate memory",
	      "ENOMEM on an include");
	fake("b", EINVAL);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: include @/b: not a regular file",
	      "EINVAL: include not a regular file");
	if (mkdir(tp("d"), 0700) < 0)
		bail("mkdir");
	wfile("a", "allow br0\ninclude @/d\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: include @/d: not a regular file",
	      "include of a directory");

	wfile("a", "allow br0\ninclude @/b\n");
	wfile("b", "allow br1\nfrob br0\ndeny br0\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/b:2: unknown command \"frob\"",
	      "syntax error inside an include");
	wfile("b", "allow abcdefghijklmnop\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/b:1: name too long (16 bytes, at most 15)",
	      "long name inside an include");

	/* Cycles, found by inode whatever the spelling of the path. */
	wfile("a", "allow br0\ninclude @/a\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:2: include cycle: @/a", "self-include");
	wfile("a", "include @/b\n");
	wfile("b", "allow br0\ninclude @/a\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/b:2: include cycle: @/a", "A -> B -> A");
	if (symlink(tp("a"), tp("link")) < 0)
		bail("symlink");
	wfile("a", "include @/b\n");
	wfile("b", "include @/link\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/b:1: include cycle: @/link", "cycle through a symlink");
	wfile("a", "include @/./a\n");
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a:1: include cycle: @/./a", "cycle through another path");

	/* Depth: ACL_MAX_DEPTH files on a chain, the top-level one included. */
	for (i = 0; i < ACL_MAX_DEPTH; i++) {
		snprintf(name, sizeof(name), "n%u", i);
		if (i + 1 < ACL_MAX_DEPTH)
			wfile(name, "include @/n%u\n", i + 1);
		else
			wfile(name, "allow br0\n");
	}
	check(BRIDGE_AUTH_ALLOW, "n0", "br0", "allowed by @/n15:1 (allow br0)", "16 files deep");
	wfile("n15", "include @/n16\n");
	wfile("n16", "allow br0\n");
	check(BRIDGE_AUTH_ERROR, "n0", "br0", "@/n15:1: include nesting deeper than 16 files",
	      "17 files deep");
	fake("n16", ENOENT);
	check(BRIDGE_AUTH_ERROR, "n0", "br0", "@/n15:1: include nesting deeper than 16 files",
	      "depth error whether or not the include exists");

	/* A diamond doubling at each level: 2^11 - 1 files to read. */
	for (i = 0; i <= 10; i++) {
		snprintf(name, sizeof(name), "m%u", i);
		if (i < 10)
			wfile(name, "include @/m%u\ninclude @/m%u\n", i + 1, i + 1);
		else
			wfile(name, "allow br0\n");
	}
	(void)decide_as("alice", tp("m0"), "br0");
	ASSERT_STR_CONTAINS(": too many files included (more than 1024)", msg,
			    "exponential includes stop");
}

static void test_top_level(void)
{
	char *path;

	wfile("a", "allow br0\n");
	fake("a", EACCES);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a cannot be read by user alice", "top level EACCES");
	check(BRIDGE_AUTH_ERROR, "nonexistent", "br0", "@/nonexistent cannot be read by user alice",
	      "top level ENOENT: same message");
	fake("a", EPERM);
	check_as(NULL, BRIDGE_AUTH_ERROR, tp("a"), "br0", "@/a cannot be read by uid 1001",
		 "top level, caller without a name");
	fake("a", EMFILE);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a: Too many open files", "top level EMFILE");
	fake("a", EINVAL);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/a: not a regular file", "top level EINVAL");
	check(BRIDGE_AUTH_ERROR, "d", "br0", "@/d: not a regular file", "top level directory");
	check_as("alice", BRIDGE_AUTH_ERROR, "bridge.conf", "br0", "bridge.conf: path must be absolute",
		 "top level relative path");

	/* A long path: the reason is cut, never overflows. */
	path = malloc(PATH_MAX);
	if (path == NULL)
		bail("malloc");
	memset(path, 'x', 401);
	path[200] = '\0';
	if (mkdir(tp(path), 0700) < 0)
		bail("mkdir");
	path[200] = '/';
	path[401] = '\0';
	wfile(path, "allow br0\n");
	OK(decide_as("alice", tp(path), "br0") == BRIDGE_AUTH_ALLOW &&
	   strlen(msg) == BRIDGE_AUTH_MSG_MAX - 1 && strncmp(msg, "allowed by /", 12) == 0,
	   "reason naming a long path is truncated");
	free(path);
}

static void test_limits(void)
{
	static char rules[1000 * 8 + 1];
	char *top;
	size_t i, n;

	/* 1001 includes of a file of 1000 rules: more than ACL_MAX_RULES lines. */
	for (i = 0; i < 1000; i++)
		memcpy(rules + 8 * i, "allow x\n", 8);
	wraw("r", rules, 8000);
	n = strlen(tp("r")) + 9;
	top = malloc(1001 * n + 1);
	if (top == NULL)
		bail("malloc");
	for (i = 0; i < 1001; i++)
		snprintf(top + i * n, n + 1, "include %s\n", tp("r"));
	wraw("a", top, 1001 * n);
	free(top);
	check(BRIDGE_AUTH_ERROR, "a", "br0", "@/r:1: too many rules (more than 1000000)",
	      "too many rules");
}

static void test_args(void)
{
	static const char *const one[] = { "file=/srv/qemu/bridge.conf" };
	static const char *const unknown[] = { "foo" };
	static const char *const relative[] = { "file=bridge.conf" };
	static const char *const empty[] = { "file=" };
	static const char *const twice[] = { "file=/a", "file=/b" };
	static const char *const ctl[] = { "file=/a\nb" };
	static const char *const prefix[] = { "files=/a" };
	static const char *const null[] = { NULL };
	char err[BRIDGE_AUTH_MSG_MAX];
	char *file;
	int r;

	r = acl_parse_args(0, NULL, &file, err, sizeof(err));
	ASSERT_STR_EQ(ACL_DEFAULT_FILE, r == 0 ? file : err, "no argument: the default file");
	OK(ACL_DEFAULT_FILE[0] == '/' && strstr(ACL_DEFAULT_FILE, "/bridge.conf") != NULL,
	   "default file is POLICYDIR/bridge.conf: %s", ACL_DEFAULT_FILE);
	free(file);
	r = acl_parse_args(1, one, &file, err, sizeof(err));
	ASSERT_STR_EQ("/srv/qemu/bridge.conf", r == 0 ? file : err, "file=PATH");
	free(file);

#define ARG_ERROR(argv, text, name)                                                       \
	do {                                                                              \
		r = acl_parse_args(sizeof(argv) / sizeof(argv[0]), argv, &file, err,      \
				   sizeof(err));                                          \
		ASSERT_STR_EQ(text, r < 0 && file == NULL ? err : "(accepted)", name);     \
	} while (0)
	ARG_ERROR(unknown, "unknown argument \"foo\"", "unknown argument");
	ARG_ERROR(prefix, "unknown argument \"files=/a\"", "argument is not a prefix match");
	ARG_ERROR(relative, "file= needs an absolute path, not \"bridge.conf\"", "relative file=");
	ARG_ERROR(empty, "file= needs an absolute path, not \"\"", "empty file=");
	ARG_ERROR(twice, "duplicate argument \"file=\"", "duplicate file=");
	ARG_ERROR(ctl, "file= needs an absolute path, not \"/a?b\"", "control byte in file=");
	ARG_ERROR(null, "argument 1 is missing", "NULL argument");
#undef ARG_ERROR
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	int fds;

	snprintf(dir, sizeof(dir), "%s/test-acl-parse.XXXXXX", tmp && *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		bail("mkdtemp");
	fds = count_fds();

	test_rules();
	test_names();
	test_syntax();
	test_blocks();
	test_includes();
	test_top_level();
	test_limits();
	test_args();

	ASSERT_INT_EQ(fds, count_fds(), "no file descriptor left open");
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
		bail("removing the test directory");
	return tap_done();
}
