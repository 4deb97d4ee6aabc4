/*
 * acl: QEMU's bridge.conf, parsed and evaluated (see acl_parse.h).
 *
 * Same syntax and decisions as QEMU's qemu-bridge-helper (parse_acl_file),
 * but fail closed where upstream fails open: every error in any file,
 * include cycles, unbounded nesting and an include that cannot be opened
 * for any reason but "the caller may not read it" make the decision ERROR.
 *
 * Nothing is stored but the first matching deny and allow: each decision
 * reads the files afresh, so edits take effect at once.
 */
#include "config.h"

#include <errno.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acl_parse.h"
#include "msg.h"
#include "ifname.h"

/* acl_validate() stops after this many problems. */
#define ACL_MAX_PROBLEMS 100
/* read_line(): the line is bad but the file goes on; the file cannot be read. */
#define LINE_BAD (-1)
#define FILE_BAD (-2)

struct walk {
	const struct acl_source *src;
	const char *bridge;
	size_t bridgelen;
	char *msg;
	size_t msgsize;
	char deny[BRIDGE_AUTH_MSG_MAX];  /* reason of the first matching deny, or "" */
	char allow[BRIDGE_AUTH_MSG_MAX]; /* reason of the first matching allow, or "" */
	struct {
		dev_t dev;
		ino_t ino;
	} chain[ACL_MAX_DEPTH];          /* the files open on the include chain */
	int depth;
	unsigned files;
	unsigned long rules;
	/* acl_validate(): every error goes here, and the walk goes on. */
	void (*problem)(void *ctx, const char *text);
	void *problem_ctx;
	unsigned problems;
};

static int fail(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct walk *w, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, w->msgsize, fmt, ap);
	va_end(ap);
	if (w->problem != NULL) {
		if (w->problems < ACL_MAX_PROBLEMS)
			w->problem(w->problem_ctx, w->msg);
		else if (w->problems == ACL_MAX_PROBLEMS)
			w->problem(w->problem_ctx, "too many problems; the rest were not checked");
		w->problems++;
	}
	return -1;
}

static void debug(struct walk *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void debug(struct walk *w, const char *fmt, ...)
{
	char line[BRIDGE_AUTH_MSG_MAX];
	va_list ap;

	if (w->src->debug == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	w->src->debug(w->src->ctx, line);
}

static int is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static int has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

/* open() errors that only say "the caller may not read this path". */
static int may_not_read(int e)
{
	return e == EACCES || e == EPERM || e == ENOENT || e == ENOTDIR || e == ELOOP ||
	       e == ENAMETOOLONG;
}

int acl_parse_args(int argc, const char *const *argv, char **file, char *err, size_t errsize)
{
	const char *path = NULL;
	char tok[MSG_SHOW + 4];
	int i;

	*file = NULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (a == NULL) {
			snprintf(err, errsize, "argument %d is missing", i + 1);
			return -1;
		}
		if (strncmp(a, "file=", 5) != 0) {
			snprintf(err, errsize, "unknown argument \"%s\"", msg_show(tok, a, SIZE_MAX));
			return -1;
		}
		if (path != NULL) {
			snprintf(err, errsize, "duplicate argument \"file=\"");
			return -1;
		}
		path = a + 5;
		if (path[0] != '/' || has_control(path)) {
			snprintf(err, errsize, "file= needs an absolute path, not \"%s\"",
				 msg_show(tok, path, SIZE_MAX));
			return -1;
		}
	}
	*file = strdup(path != NULL ? path : ACL_DEFAULT_FILE);
	if (*file == NULL) {
		snprintf(err, errsize, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * One open file, read a block at a time.  Every include level has its own:
 * a line stays in place while the include it names is read.
 */
struct reader {
	int fd;
	char *buf;         /* ACL_READ_BLOCK bytes, and one for a NUL */
	size_t start, end; /* bytes read and not yet used */
	int eof;
};
/* fill() always has room: the bytes it keeps are less than a line. */
_Static_assert(ACL_READ_BLOCK > ACL_LINE_MAX, "a read block holds a whole line");

/* Keep the unused bytes, moved to the front, and read more after them. */
static int fill(struct reader *r)
{
	ssize_t n;

	memmove(r->buf, r->buf + r->start, r->end - r->start);
	r->end -= r->start;
	r->start = 0;
	do
		n = read(r->fd, r->buf + r->end, ACL_READ_BLOCK - r->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	r->end += (size_t)n;
	r->eof = n == 0;
	return 0;
}

/* Validating: go on after a bad line, from the next one. */
static int skip_line(struct walk *w, struct reader *r, const char *path, unsigned lineno)
{
	char *nl;

	if (w->problem == NULL)
		return LINE_BAD;
	while ((nl = memchr(r->buf + r->start, '\n', r->end - r->start)) == NULL) {
		r->start = r->end;
		if (r->eof)
			return LINE_BAD;
		if (fill(r) < 0) {
			fail(w, "%s:%u: read error: %s", path, lineno, strerror(errno));
			return FILE_BAD;
		}
	}
	r->start = (size_t)(nl + 1 - r->buf);
	return LINE_BAD;
}

/*
 * Read one line of R: *LINE points to it in R's buffer, without its newline
 * and NUL-terminated (*LINELEN bytes), until the next call.  Returns 1 for a line, 0 at end
 * of file, LINE_BAD or FILE_BAD with the error in W->msg.
 */
static int read_line(struct walk *w, struct reader *r, char **line, size_t *linelen,
		     const char *path, unsigned lineno)
{
	size_t len, scanned = 0;
	char *p, *nl, *nul;

	for (;;) {
		p = r->buf + r->start;
		len = r->end - r->start;
		nl = memchr(p + scanned, '\n', len - scanned);
		if (nl != NULL) {
			len = (size_t)(nl - p);
			break;
		}
		/* Without a newline, ACL_LINE_MAX - 1 bytes are enough to judge. */
		if (r->eof || len >= ACL_LINE_MAX - 1)
			break;
		scanned = len;
		if (fill(r) < 0) {
			fail(w, "%s:%u: read error: %s", path, lineno, strerror(errno));
			return FILE_BAD;
		}
	}
	if (len == 0 && nl == NULL)
		return 0; /* end of file; a last line without newline counts */
	/* What a byte-by-byte reader meets first: a NUL up to where the line
	 * becomes too long, then the length. */
	nul = memchr(p, '\0', len < ACL_LINE_MAX - 1 ? len : ACL_LINE_MAX - 1);
	if (nul != NULL) {
		fail(w, "%s:%u: NUL byte in line", path, lineno);
		return skip_line(w, r, path, lineno);
	}
	if (len > ACL_LINE_MAX - 2) {
		fail(w, "%s:%u: line too long (more than %d bytes)", path, lineno,
		     ACL_LINE_MAX - 2);
		return skip_line(w, r, path, lineno);
	}
	p[len] = '\0';
	r->start += len + (nl != NULL);
	*line = p;
	*linelen = len;
	return 1;
}

static int parse_fd(struct walk *w, const char *path, int fd);

/*
 * Open PATH, named at FROM:LINE (FROM is NULL for the top-level file), and
 * read its rules.  Returns 0, or -1 with the error in W->msg.
 */
static int read_file(struct walk *w, const char *path, const char *from, unsigned line)
{
	char why[BRIDGE_AUTH_MSG_MAX];
	struct stat st;
	int fd, e, i, r;

	if (w->depth >= ACL_MAX_DEPTH)
		return fail(w, "%s:%u: include nesting deeper than %d files", from, line,
			    ACL_MAX_DEPTH);
	if (w->files >= ACL_MAX_FILES)
		return fail(w, "%s:%u: too many files included (more than %d)", from, line,
			    ACL_MAX_FILES);

	errno = 0;
	why[0] = '\0';
	fd = w->src->open_trusted != NULL ? w->src->open_trusted(w->src->ctx, path, why) :
					    w->src->open(w->src->ctx, path);
	if (fd == BRIDGE_AUTH_UNTRUSTED) {
		/* WHY names only what the caller could see: say it, fail closed. */
		if (from == NULL)
			return fail(w, "%s: not trusted: %s", path, why);
		return fail(w, "%s:%u: include %s: not trusted: %s", from, line, path, why);
	}
	if (fd < 0) {
		e = errno != 0 ? errno : EIO;
		if (may_not_read(e)) {
			/* One answer whatever the reason: no existence oracle. */
			if (from == NULL) {
				if (w->src->user != NULL)
					return fail(w, "%s cannot be read by user %s", path,
						    w->src->user);
				return fail(w, "%s cannot be read by uid %lu", path,
					    (unsigned long)w->src->uid);
			}
			/* Root reads everything: a missing include is worth a word. */
			if (w->problem != NULL && w->src->uid == 0)
				return fail(w, "%s:%u: include %s: %s (skipped)", from, line, path,
					    strerror(e));
			debug(w, "%s:%u: include not readable by the caller, skipped", from, line);
			return 0;
		}
		if (e == EINVAL)
			goto not_regular;
		if (from == NULL)
			return fail(w, "%s: %s", path, strerror(e));
		return fail(w, "%s:%u: include %s: %s", from, line, path, strerror(e));
	}

	if (fstat(fd, &st) < 0) {
		e = errno;
		close(fd);
		if (from == NULL)
			return fail(w, "%s: fstat: %s", path, strerror(e));
		return fail(w, "%s:%u: include %s: fstat: %s", from, line, path, strerror(e));
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		goto not_regular;
	}
	/* Whoever may write a rule file decides who uses which bridge: a
	 * decision uses only files of root (or of whoever runs it: a user
	 * asking bridge-auth about themselves) that nobody else may write. */
	if (w->problem == NULL &&
	    ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)))) {
		close(fd);
		if (from == NULL)
			return fail(w, "%s: not trusted: owned by uid %lu, mode %04o (must be root's, "
				    "writable by root only)", path, (unsigned long)st.st_uid,
				    (unsigned)(st.st_mode & 07777));
		return fail(w, "%s:%u: include %s: not trusted: owned by uid %lu, mode %04o (must be "
			    "root's, writable by root only)", from, line, path,
			    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777));
	}
	if (w->problem != NULL && st.st_uid != 0)
		fail(w, "%s: owned by uid %lu, not root: that user can grant themselves any bridge",
		     path, (unsigned long)st.st_uid);
	if (w->problem != NULL && (st.st_mode & (S_IWGRP | S_IWOTH)))
		fail(w, "%s: writable by group or others (mode %04o): they can grant themselves any bridge",
		     path, (unsigned)(st.st_mode & 07777));
	for (i = 0; i < w->depth; i++) {
		if (w->chain[i].dev == st.st_dev && w->chain[i].ino == st.st_ino) {
			close(fd);
			return fail(w, "%s:%u: include cycle: %s", from, line, path);
		}
	}

	w->chain[w->depth].dev = st.st_dev;
	w->chain[w->depth].ino = st.st_ino;
	w->depth++;
	w->files++;
	r = parse_fd(w, path, fd);
	w->depth--;
	return r;

not_regular:
	if (from == NULL)
		return fail(w, "%s: not a regular file", path);
	return fail(w, "%s:%u: include %s: not a regular file", from, line, path);
}

/*
 * One line of PATH: LEN bytes at P, without its newline, NUL-terminated.
 * Lengths are known, so a rule costs one pass and no strlen(): at 10,000
 * rules the parse is most of a decision's CPU time.
 */
static int parse_line(struct walk *w, char *p, size_t len, const char *path, unsigned lineno)
{
	char tok[MSG_SHOW + 4];
	char *cmd, *arg, *sep, *end = p + len;
	size_t cmdlen, arglen;
	char *slot;
	int deny;

	while (p < end && is_space(*p))
		p++;
	/*
	 * Upstream: the command ends at the first space of the line, trailing
	 * blanks included; only a line with no space at all is split at its
	 * first tab.  So "allow<TAB>br0<SPACE>" has the command "allow<TAB>br0",
	 * which upstream rejects (and with it the whole file): unknown here too.
	 */
	sep = memchr(p, ' ', (size_t)(end - p));
	if (sep == NULL)
		sep = memchr(p, '\t', (size_t)(end - p));
	while (end > p && is_space(end[-1]))
		end--;
	*end = '\0';
	if (p == end || *p == '#')
		return 0;

	cmd = p;
	p = sep != NULL && sep < end ? sep : end;
	cmdlen = (size_t)(p - cmd);
	if (p < end)
		*p++ = '\0';
	while (p < end && is_space(*p))
		p++;
	arg = p;
	arglen = (size_t)(end - p);

	if (cmdlen == 5 && memcmp(cmd, "allow", 5) == 0)
		deny = 0;
	else if (cmdlen == 4 && memcmp(cmd, "deny", 4) == 0)
		deny = 1;
	else if (cmdlen == 7 && memcmp(cmd, "include", 7) == 0)
		deny = -1;
	else if (memchr(cmd, '\t', cmdlen) != NULL)
		return fail(w, "%s:%u: unknown command \"%s\" (a line with a space ends its command "
			    "at the first space, not at a tab, as in QEMU's helper)", path, lineno,
			    msg_show(tok, cmd, SIZE_MAX));
	else
		return fail(w, "%s:%u: unknown command \"%s\"", path, lineno, msg_show(tok, cmd, SIZE_MAX));

	if (arglen == 0)
		return fail(w, "%s:%u: missing argument to \"%s\"", path, lineno, cmd);
	if (++w->rules > ACL_MAX_RULES)
		return fail(w, "%s:%u: too many rules (more than %lu)", path, lineno,
			    ACL_MAX_RULES);

	if (deny < 0) {
		if (arg[0] != '/')
			return fail(w, "%s:%u: include path must be absolute", path, lineno);
		if (has_control(arg))
			return fail(w, "%s:%u: control character in include path", path, lineno);
		/* ARG lives in this file's read buffer, untouched until we return:
		 * the include is read into a buffer of its own. */
		return read_file(w, arg, path, lineno);
	}

	if (arglen != 3 || memcmp(arg, "all", 3) != 0) {
		if (arglen >= IFNAMSIZ)
			return fail(w, "%s:%u: name too long (%zu bytes, at most %d)", path, lineno,
				    arglen, IFNAMSIZ - 1);
		/* The bridge was checked by acl_decide(): equal to it is valid. */
		if (arglen != w->bridgelen || memcmp(arg, w->bridge, arglen) != 0) {
			if (!ifname_valid(arg))
				return fail(w, "%s:%u: invalid interface name \"%s\"", path, lineno,
					    msg_show(tok, arg, SIZE_MAX));
			return 0;
		}
	}
	slot = deny ? w->deny : w->allow;
	if (slot[0] == '\0')
		msg_put(slot, BRIDGE_AUTH_MSG_MAX, "%s by %s:%u (%s %s)", deny ? "denied" : "allowed",
		     path, lineno, cmd, arg);
	return 0;
}

/* Read the rules of FD (named PATH), then close it. */
static int parse_fd(struct walk *w, const char *path, int fd)
{
	struct reader rd = { .fd = fd };
	unsigned lineno = 0;
	char *line = NULL;
	size_t linelen = 0;
	int r;

	/* On the heap: includes recurse ACL_MAX_DEPTH deep. */
	rd.buf = malloc(ACL_READ_BLOCK + 1);
	if (rd.buf == NULL) {
		r = errno;
		close(fd);
		return fail(w, "%s: %s", path, strerror(r));
	}
	for (;;) {
		lineno++;
		r = read_line(w, &rd, &line, &linelen, path, lineno);
		if (r == LINE_BAD && w->problem != NULL)
			continue;
		if (r <= 0)
			break;
		r = parse_line(w, line, linelen, path, lineno);
		if (r < 0 && (w->problem == NULL || w->problems > ACL_MAX_PROBLEMS))
			break;
	}
	if (w->problem != NULL && r == LINE_BAD)
		r = 0; /* counted in W->problems */
	free(rd.buf);
	/* Read-only: a failing close() changes nothing read. */
	(void)close(fd);
	return r;
}

enum bridge_auth_verdict acl_decide(const char *file, const char *bridge,
				    const struct acl_source *src, char *msg, size_t msgsize)
{
	struct walk *w;
	enum bridge_auth_verdict v;
	char tok[MSG_SHOW + 4];

	if (file[0] != '/') {
		snprintf(msg, msgsize, "%s: path must be absolute", msg_show(tok, file, SIZE_MAX));
		return BRIDGE_AUTH_ERROR;
	}
	if (!ifname_valid(bridge)) {
		snprintf(msg, msgsize, "invalid bridge name \"%s\"", msg_show(tok, bridge, SIZE_MAX));
		return BRIDGE_AUTH_ERROR;
	}
	/* Two reasons and the chain: kept off the stack, which the recursion uses. */
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		snprintf(msg, msgsize, "%s: %s", file, strerror(errno));
		return BRIDGE_AUTH_ERROR;
	}
	w->src = src;
	w->bridge = bridge;
	w->bridgelen = strlen(bridge);
	w->msg = msg;
	w->msgsize = msgsize;

	if (read_file(w, file, NULL, 0) < 0) {
		v = BRIDGE_AUTH_ERROR;
	} else if (w->deny[0] != '\0') {
		snprintf(msg, msgsize, "%s", w->deny);
		v = BRIDGE_AUTH_DENY;
	} else if (w->allow[0] != '\0') {
		snprintf(msg, msgsize, "%s", w->allow);
		v = BRIDGE_AUTH_ALLOW;
	} else {
		snprintf(msg, msgsize, "no rule for bridge %s in %s", bridge, file);
		v = BRIDGE_AUTH_IGNORE;
	}
	free(w);
	return v;
}

unsigned acl_validate(const char *file, const struct acl_source *src,
		      void (*problem)(void *ctx, const char *text), void *ctx)
{
	char msg[BRIDGE_AUTH_MSG_MAX];
	struct walk *w;
	unsigned n;

	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		snprintf(msg, sizeof(msg), "%s: %s", file, strerror(errno));
		problem(ctx, msg);
		return 1;
	}
	w->src = src;
	w->bridge = ""; /* matches no rule: only the syntax counts */
	w->msg = msg;
	w->msgsize = sizeof(msg);
	w->problem = problem;
	w->problem_ctx = ctx;
	if (file[0] != '/')
		fail(w, "%s: path must be absolute", file);
	else
		(void)read_file(w, file, NULL, 0); /* every error went to PROBLEM */
	n = w->problems;
	free(w);
	return n;
}
