/*
 * Unit tests of the polkit module's worker without a bus: arguments, the
 * /proc/PID/stat parser (hostile command names), verdicts and error
 * reasons.  The real polkitd is tested by test-polkit.sh.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "polkit_check.h"
#include "tap-test.h"

static char err[BRIDGE_AUTH_MSG_MAX];
static char msg[BRIDGE_AUTH_MSG_MAX];

static int parse(struct pk_conf *c, int argc, const char *const *argv)
{
	err[0] = '\0';
	memset(c, 0x55, sizeof(*c));
	return pk_parse_args(argc, argv, c, err, sizeof(err));
}

static void test_args(void)
{
	struct pk_conf c;
	static const struct {
		const char *args[3];
		const char *error;
	} bad[] = {
		{ { "action=" }, "action=: not a polkit action ID" },
		{ { "action=Org.Example" }, "action=Org.Example: not a polkit action ID" },
		{ { "action=org/x" }, "not a polkit action ID" },
		{ { "action=org.x." }, "not a polkit action ID" },
		{ { "action=org x" }, "action=org?x: not a polkit action ID" },
		{ { "action=a", "action=b" }, "duplicate argument \"action=\"" },
		{ { "timeout=5", "timeout=5" }, "duplicate argument \"timeout=\"" },
		{ { "timeout=0" }, "timeout=0: not a number of milliseconds from 1 to 20000" },
		{ { "timeout=20001" }, "timeout=20001: not a number" },
		{ { "timeout=-5" }, "timeout=-5: not a number" },
		{ { "timeout=+5" }, "timeout=+5: not a number" },
		{ { "timeout=5ms" }, "timeout=5ms: not a number" },
		{ { "timeout=" }, "timeout=: not a number" },
		{ { "timeout=99999999999999999999" }, "not a number" },
		{ { "Action=x" }, "unknown argument \"Action=x\" (expected action= or timeout=)" },
		{ { "action" }, "unknown argument \"action\"" },
	};
	char longid[PK_ACTION_MAX + 9];

	ASSERT_INT_EQ(0, parse(&c, 0, (const char *const[]){ NULL }), "no arguments");
	ASSERT_STR_EQ(PK_DEFAULT_ACTION, c.action, "default action");
	ASSERT_INT_EQ(PK_TIMEOUT_DEFAULT, c.timeout_ms, "default timeout");
	ASSERT_INT_EQ(0, parse(&c, 2, (const char *const[]){ "timeout=300", "action=org.example.x-1", NULL }),
		      "both arguments, any order");
	ASSERT_STR_EQ("org.example.x-1", c.action, "action= taken");
	ASSERT_INT_EQ(300, c.timeout_ms, "timeout= taken");
	ASSERT_INT_EQ(0, parse(&c, 1, (const char *const[]){ "timeout=20000", NULL }), "timeout at the maximum");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int n = bad[i].args[1] ? 2 : 1;

		ASSERT_INT_EQ(-1, parse(&c, n, bad[i].args), bad[i].args[0]);
		ASSERT_STR_CONTAINS(bad[i].error, err, "its message");
	}
	ASSERT_INT_EQ(-1, parse(&c, 1, (const char *const[]){ NULL, NULL }), "a missing argument");
	ASSERT_STR_EQ("argument 1 is missing", err, "its message");
	memset(longid, 'a', sizeof(longid));
	memcpy(longid, "action=", 7);
	longid[7 + PK_ACTION_MAX] = '\0';
	ASSERT_INT_EQ(0, parse(&c, 1, (const char *const[]){ longid, NULL }), "action ID of the maximum length");
	longid[7 + PK_ACTION_MAX] = 'a';
	longid[8 + PK_ACTION_MAX] = '\0';
	ASSERT_INT_EQ(-1, parse(&c, 1, (const char *const[]){ longid, NULL }), "action ID one byte too long");
}

static int start_of(const char *line, uint64_t *v)
{
	*v = 0;
	return pk_parse_start_time(line, strlen(line), v);
}

static void test_stat(void)
{
	/* Fields 3..21 then 22 = 4242 and more. */
	const char *tail = " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 19 20\n";
	char line[512];
	uint64_t v;
	static const char *comms[] = { "(sh)", "(a b)", "(x) 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 99 (y)",
				       "())", "((((()", "( )" };

	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		snprintf(line, sizeof(line), "1234 %s%s", comms[i], tail);
		ASSERT_INT_EQ(0, start_of(line, &v), comms[i]);
		ASSERT_INT_EQ(4242, v, "start time after the last ')'");
	}
	ASSERT_INT_EQ(-1, start_of("1234 (sh) S 1 2 3\n", &v), "a line that ends early");
	ASSERT_INT_EQ(-1, start_of("1234 sh S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 4242 19\n", &v),
		      "no ')' at all");
	ASSERT_INT_EQ(-1, start_of("1 (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x42 19\n", &v),
		      "a start time that is not a number");
	ASSERT_INT_EQ(-1, start_of("1 (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 42x 19\n", &v),
		      "a start time with trailing junk");
	ASSERT_INT_EQ(-1, start_of("1 (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 99999999999999999999 1\n", &v),
		      "a start time beyond 64 bits");
	ASSERT_INT_EQ(-1, start_of("1 (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 42", &v),
		      "a start time cut off by the end of the buffer");
	ASSERT_INT_EQ(0, start_of("1 (sh) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 18446744073709551615\n", &v),
		      "the largest 64-bit start time");
	OK(v == UINT64_MAX, "is read whole");

	/* This process: /proc/self/stat agrees with /proc/PID/stat read here. */
	{
		char path[64], buf[2048];
		uint64_t self, other;
		FILE *f;
		size_t n;

		snprintf(path, sizeof(path), "/proc/%d/stat", (int)getpid());
		f = fopen(path, "r");
		n = f ? fread(buf, 1, sizeof(buf), f) : 0;
		if (f)
			fclose(f);
		ASSERT_INT_EQ(0, pk_self_start_time(&self), "this process's start time");
		ASSERT_INT_EQ(0, pk_parse_start_time(buf, n, &other), "read through /proc/PID/stat");
		OK(self == other && self > 0, "the same, and not 0");
	}
}

static void test_verdicts(void)
{
	struct pk_conf c = { PK_DEFAULT_ACTION, 250 };

	ASSERT_INT_EQ(BRIDGE_AUTH_ALLOW, pk_verdict(&c, "br0", &(struct pk_answer){ true, false }, msg, sizeof(msg)),
		      "authorized: ALLOW");
	ASSERT_STR_EQ("polkitd authorizes org.qemu.bridge-auth.use-bridge on bridge br0", msg, "its reason");
	ASSERT_INT_EQ(BRIDGE_AUTH_DENY, pk_verdict(&c, "br0", &(struct pk_answer){ false, false }, msg, sizeof(msg)),
		      "not authorized: DENY");
	ASSERT_STR_EQ("polkitd does not authorize org.qemu.bridge-auth.use-bridge on bridge br0", msg, "its reason");
	ASSERT_INT_EQ(BRIDGE_AUTH_DENY, pk_verdict(&c, "br0", &(struct pk_answer){ false, true }, msg, sizeof(msg)),
		      "challenge: DENY");
	ASSERT_STR_CONTAINS("requires authentication", msg, "its reason says authentication was required");
	ASSERT_STR_CONTAINS("does not prompt", msg, "and that the helper does not prompt");

	ASSERT_INT_EQ(BRIDGE_AUTH_ERROR, pk_error(&c, "polkitd", "org.freedesktop.DBus.Error.NoReply", "x", msg, sizeof(msg)),
		      "no reply: ERROR");
	ASSERT_STR_EQ("cannot ask polkitd about org.qemu.bridge-auth.use-bridge: no answer from polkitd within 250 ms",
		      msg, "its reason names the timeout");
	pk_error(&c, "the system bus", "org.freedesktop.DBus.Error.FileNotFound", "No such file", msg, sizeof(msg));
	ASSERT_STR_CONTAINS("no system bus at /run/dbus/system_bus_socket (No such file)", msg, "no bus");
	pk_error(&c, "polkitd", "org.freedesktop.DBus.Error.ServiceUnknown", "not provided", msg, sizeof(msg));
	ASSERT_STR_CONTAINS("polkitd is not running, and the bus did not start it", msg, "no polkitd");
	pk_error(&c, "polkitd", "org.freedesktop.PolicyKit1.Error.Failed", "Action x is not registered", msg, sizeof(msg));
	ASSERT_STR_CONTAINS("polkitd: Action x is not registered", msg, "polkitd's own error");
	pk_error(&c, "polkitd", "org.freedesktop.PolicyKit1.Error.NotAuthorized", "Only trusted callers", msg, sizeof(msg));
	ASSERT_STR_CONTAINS("only for root", msg, "an untrusted caller");
	pk_error(&c, "polkitd", "org.example.Odd", "a\nb\033c", msg, sizeof(msg));
	ASSERT_STR_CONTAINS("polkitd: org.example.Odd (a?b?c)", msg, "other errors: named, control bytes shown as '?'");
	ASSERT_INT_EQ(BRIDGE_AUTH_ERROR, pk_error(&c, "polkitd", NULL, NULL, msg, sizeof(msg)), "no error name: ERROR");
}

int main(void)
{
	test_args();
	test_stat();
	test_verdicts();
	return tap_done();
}
