/*
 * The request's log line as it leaves the process: the syslog(3) format on
 * a datagram socket, values escaped (qemu-bridge-helper(8), "Syslog"), and
 * an error, not silence, when nobody listens.  Runs as anyone.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "tap-test.h"

static char dir[] = "/tmp/bridge-auth-test-log.XXXXXX";
static char path[sizeof(dir) + 8];

/* A listener on PATH; the fd. */
static int listener(void)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	memcpy(sa.sun_path, path, strlen(path));
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		perror("test-log: bind");
		exit(99);
	}
	return s;
}

/* The next datagram, without the "<PRI>Mmm dd hh:mm:ss " part (checked). */
static const char *next_line(int s, char *buf, size_t size, int pri)
{
	char head[16];
	ssize_t n = recv(s, buf, size - 1, MSG_DONTWAIT);

	if (n < 0)
		return "(nothing received)";
	buf[n] = '\0';
	snprintf(head, sizeof(head), "<%d>", pri);
	/* "<85>Dec  2 12:34:08 ": the stamp is 15 bytes and a space. */
	if (strncmp(buf, head, strlen(head)) != 0 || strlen(buf) < strlen(head) + 16 ||
	    buf[strlen(head) + 3] != ' ' || buf[strlen(head) + 9] != ':' ||
	    buf[strlen(head) + 15] != ' ')
		return buf;
	return buf + strlen(head) + 16;
}

static void module_line(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void module_line(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmodule("acl", LOG_DEBUG, fmt, ap);
	va_end(ap);
}

static void escape_cases(void)
{
	static const struct {
		const char *in;
		int quote;
		size_t size;
		const char *out, *name;
	} cases[] = {
		{ "br0", 0, 64, "br0", "a plain value stays bare" },
		{ "br0", 1, 64, "\"br0\"", "quoted when asked" },
		{ "", 0, 64, "\"\"", "the empty value is quoted" },
		{ "\"verdict=ok\"", 0, 64, "\"\\\"verdict=ok\\\"\"", "quotes escaped, the value quoted" },
		{ "a=b", 0, 64, "\"a=b\"", "'=' makes a value quoted" },
		{ "a\\b", 0, 64, "\"a\\\\b\"", "a backslash doubled" },
		{ "a b", 0, 64, "\"a b\"", "a space makes a value quoted" },
		{ "x\ny\033z\177", 0, 64, "\"x\\x0ay\\x1bz\\x7f\"", "control bytes and DEL as \\xHH" },
		{ "caf\303\251", 0, 64, "\"caf\303\251\"", "bytes above ASCII kept, the value quoted" },
		{ "abcdefghijklmnop", 1, 12, "\"abcdef...\"", "a long value cut, marked, its quote closed" },
		{ "\"\"\"\"\"\"", 1, 12, "\"\\\"\\\"\\\"...\"", "never half an escape" },
	};
	char out[64], name[128];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log_escape(out, cases[i].size, cases[i].in, cases[i].quote);
		snprintf(name, sizeof(name), "escape: %s", cases[i].name);
		ASSERT_STR_EQ(cases[i].out, out, name);
	}
}

int main(void)
{
	char buf[16384];
	const char *line;
	int s;

	escape_cases();
	if (mkdtemp(dir) == NULL) {
		perror("test-log: mkdtemp");
		return 99;
	}
	snprintf(path, sizeof(path), "%s/log", dir);

	/* Nobody listens: an error, with errno. */
	errno = 0;
	ASSERT_INT_EQ(-1, log_open("test-log", path), "log_open: no socket: -1");
	ASSERT_INT_EQ(ENOENT, errno, "log_open: no socket: ENOENT");
	ASSERT_INT_EQ(-1, log_request("alice", 4001, "br0", "", "denied", "acl", "x"),
		      "log_request: not connected: -1");

	s = listener();
	ASSERT_INT_EQ(0, log_open("test-log", path), "log_open: a listener: connected");
	ASSERT_INT_EQ(0, log_request("alice", 4001, "br0", "tap0", "granted", "acl", "allowed by x:1"),
		      "log_request: sent");
	line = next_line(s, buf, sizeof(buf), 85);
	snprintf(buf + 8192, 100, "test-log[%ld]: ", (long)getpid());
	ASSERT_STR_CONTAINS(buf + 8192, line, "line: IDENT[PID]: after <85> (authpriv.notice) and the time");
	ASSERT_STR_CONTAINS("user=alice uid=4001 bridge=br0 tap=tap0 verdict=granted module=acl "
			    "reason=\"allowed by x:1\"", line, "line: the fields");

	ASSERT_INT_EQ(0, log_request(NULL, 7, "\"verdict=ok\"", NULL, "denied", NULL,
				     "no rule for bridge \"verdict=ok\"\n\\"),
		      "log_request: hostile values sent");
	line = next_line(s, buf, sizeof(buf), 85);
	ASSERT_STR_CONTAINS("user=? uid=7 bridge=\"\\\"verdict=ok\\\"\" tap=- verdict=denied module=- "
			    "reason=\"no rule for bridge \\\"verdict=ok\\\"\\x0a\\\\\"", line,
			    "line: quotes, newline and backslash escaped; none for '-' and '?'");

	/* A module's free text: control bytes and backslashes escaped, quotes kept. */
	module_line("%s", "file \"x\"\tline\\");
	line = next_line(s, buf, sizeof(buf), LOG_AUTHPRIV | LOG_DEBUG);
	ASSERT_STR_CONTAINS("]: acl: file \"x\"\\x09line\\\\", line,
			    "module line: authpriv.debug, MODULE: TEXT, tab and backslash escaped");
	close(s);
	/* The listener is gone: the next line is an error, not silence. */
	errno = 0;
	ASSERT_INT_EQ(-1, log_request("alice", 4001, "br0", "", "denied", "acl", "x"),
		      "log_request: listener gone: -1");
	ASSERT_INT_EQ(ECONNREFUSED, errno, "log_request: listener gone: ECONNREFUSED");
	unlink(path);
	rmdir(dir);
	return tap_done();
}
