/*
 * Unit tests: policy loading and the stack's truth table, with test
 * modules built as real .so files (tests/modules/), loaded by dlopen.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "policy.h"
#include "stack.h"
#include "tap-test.h"

static char dir[64], moddir[128], conf[128];

static void copy_module(const char *from_dir, const char *name)
{
	char src[512], dst[512], buf[65536];
	int in, out;
	ssize_t n;

	snprintf(src, sizeof(src), "%s/%s.so", from_dir, name);
	snprintf(dst, sizeof(dst), "%s/%s.so", moddir, name);
	in = open(src, O_RDONLY);
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (in < 0 || out < 0) {
		printf("Bail out! cannot copy %s to %s: %s\n", src, dst, strerror(errno));
		exit(99);
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			exit(99);
	close(in);
	close(out);
}

static void write_conf(const char *text, mode_t mode)
{
	FILE *f;

	unlink(conf);
	f = fopen(conf, "w");
	if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0 || chmod(conf, mode) < 0) {
		printf("Bail out! cannot write %s\n", conf);
		exit(99);
	}
}

static int load(const char *text, struct policy *p, char *err)
{
	struct policy_source src = { conf, moddir, getuid() };

	write_conf(text, 0644);
	return policy_load(&src, p, err, 1024);
}

/* Run TEXT's stack for alice on br0. */
static int decide(const char *text, struct stack_result *res, char *err)
{
	gid_t groups[1] = { 100 };
	struct bridge_auth_caller alice = { 4001, 4001, "alice", groups, 1 };
	struct bridge_auth_request req = { &alice, "br0" };
	struct policy p;

	if (load(text, &p, err) < 0)
		return -1;
	stack_run(&p, &req, res, NULL);
	policy_free(&p);
	return 0;
}

/* A stack of entries "control:verdict ..." in the verdict module. */
static const char *stack_of(const char *spec)
{
	static char text[4096];
	char copy[512], *save = NULL;
	size_t len;

	snprintf(copy, sizeof(copy), "%s", spec);
	len = (size_t)snprintf(text, sizeof(text), "stack = (\n");
	for (char *tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':');

		*colon = '\0';
		len += (size_t)snprintf(text + len, sizeof(text) - len,
					"%s{ module = \"verdict\"; control = \"%s\"; args = [ \"%s\" ]; }\n",
					len > 10 ? "," : "", tok, colon + 1);
	}
	snprintf(text + len, sizeof(text) - len, ");\n");
	return text;
}

/* SPEC decides GRANTED, by entry DECIDER (-1: none). */
static void row(const char *spec, int granted, int decider)
{
	struct stack_result res;
	char err[1024] = "", name[600];

	snprintf(name, sizeof(name), "[%s] -> %s by %d", spec, granted ? "granted" : "denied", decider);
	if (decide(stack_of(spec), &res, err) < 0) {
		OK(0, "%s (load failed: %s)", name, err);
		return;
	}
	OK(res.granted == granted && (int)(res.decider == STACK_NO_ENTRY ? -1 : (long)res.decider) == decider,
	   "%s", name);
	if (res.granted != granted || (res.decider == STACK_NO_ENTRY ? -1 : (long)res.decider) != decider)
		printf("#   seen %s by %ld (%s)\n", res.granted ? "granted" : "denied",
		       res.decider == STACK_NO_ENTRY ? -1L : (long)res.decider, res.reason);
}

static void truth_table(void)
{
	/* One module, each control, each verdict. */
	static const char *const controls[] = { "required", "requisite", "sufficient", "optional" };
	for (int c = 0; c < 4; c++) {
		char spec[64];

		snprintf(spec, sizeof(spec), "%s:allow", controls[c]);
		row(spec, 1, 0);
		snprintf(spec, sizeof(spec), "%s:ignore", controls[c]);
		row(spec, 0, -1);
		snprintf(spec, sizeof(spec), "%s:deny", controls[c]);
		row(spec, 0, c < 2 ? 0 : -1);
		snprintf(spec, sizeof(spec), "%s:error", controls[c]);
		row(spec, 0, c < 2 ? 0 : -1);
		snprintf(spec, sizeof(spec), "%s:bogus", controls[c]);
		row(spec, 0, c < 2 ? 0 : -1);
		snprintf(spec, sizeof(spec), "%s:open-fails", controls[c]);
		row(spec, 0, c < 2 ? 0 : -1);
	}
	/* required: a failure is final but the stack goes on. */
	row("required:allow required:allow", 1, 0);
	row("required:deny required:allow", 0, 0);
	row("required:allow required:deny", 0, 1);
	row("required:error required:allow", 0, 0);
	row("required:ignore required:allow", 1, 1);
	row("required:ignore required:ignore", 0, -1);
	row("required:deny sufficient:allow", 0, 0);
	/* requisite: a failure stops the stack. */
	row("requisite:deny sufficient:allow", 0, 0);
	row("requisite:allow sufficient:allow", 1, 1);
	row("requisite:ignore required:allow", 1, 1);
	/* sufficient: grants at once, unless a required failed before. */
	row("sufficient:allow required:deny", 1, 0);
	row("sufficient:deny required:allow", 1, 1);
	row("sufficient:error required:allow", 1, 1);
	row("sufficient:ignore required:deny", 0, 1);
	row("required:allow sufficient:allow required:deny", 1, 1);
	row("sufficient:deny sufficient:deny", 0, -1);
	row("sufficient:deny sufficient:allow", 1, 1);
	/* optional: a yes counts only when no other module decided. */
	row("optional:allow required:ignore", 1, 0);
	row("optional:allow optional:allow", 1, 0);
	row("optional:allow required:deny", 0, 1);
	row("optional:allow sufficient:deny", 0, -1);
	row("optional:allow optional:deny", 0, -1);
	row("optional:deny required:allow", 1, 1);
	row("optional:error required:allow", 1, 1);
	row("optional:allow required:allow", 1, 1);
	/* The shipped shape: acl required alone; IGNORE everywhere is a refusal. */
	row("required:ignore sufficient:ignore optional:ignore requisite:ignore", 0, -1);
}

static void requisite_stops(void)
{
	struct stack_result res;
	char err[1024], text[1024], mark[192];

	snprintf(mark, sizeof(mark), "%s/ran", dir);
	unlink(mark);
	snprintf(text, sizeof(text),
		 "stack = ( { module = \"verdict\"; control = \"requisite\"; args = [\"deny\"]; },\n"
		 "  { module = \"verdict\"; control = \"required\"; args = [\"allow\", \"touch=%s\"]; } );\n",
		 mark);
	ASSERT_INT_EQ(0, decide(text, &res, err), "requisite stack loads");
	ASSERT_INT_EQ(-1, access(mark, F_OK), "a failed requisite stops the stack: later module not run");
	snprintf(text, sizeof(text),
		 "stack = ( { module = \"verdict\"; control = \"required\"; args = [\"deny\"]; },\n"
		 "  { module = \"verdict\"; control = \"required\"; args = [\"allow\", \"touch=%s\"]; } );\n",
		 mark);
	ASSERT_INT_EQ(0, decide(text, &res, err), "required stack loads");
	ASSERT_INT_EQ(0, access(mark, F_OK), "a failed required goes on: later module run");
	ASSERT_INT_EQ(0, res.granted, "... and the request still fails");
}

static void reasons(void)
{
	struct stack_result res;
	char err[1024];

	decide(stack_of("required:deny"), &res, err);
	ASSERT_STR_EQ("verdict 2 for br0", res.reason, "the denying module's reason is kept");
	decide(stack_of("required:ignore"), &res, err);
	ASSERT_STR_EQ("no module allowed it (verdict: verdict 3 for br0)", res.reason,
		      "nobody allowed: reason names a silent module");
	decide(stack_of("required:open-fails"), &res, err);
	ASSERT_STR_EQ("cannot start: asked to fail", res.reason, "open failure is an ERROR with its message");
	ASSERT_INT_EQ(BRIDGE_AUTH_ERROR, res.verdict, "open failure verdict");
	decide(stack_of("required:bogus"), &res, err);
	ASSERT_STR_CONTAINS("invalid verdict (99)", res.reason, "unknown verdict is an ERROR");
	decide("stack = ( );\n", &res, err);
	ASSERT_INT_EQ(0, res.granted, "empty stack is denied");
	ASSERT_STR_EQ("the stack is empty", res.reason, "empty stack reason");
}

/* Configuration errors: each refused at load, with file:line. */
static void load_error(const char *text, const char *expect, const char *name)
{
	struct policy p;
	char err[1024] = "";

	if (load(text, &p, err) == 0) {
		OK(0, "%s (loaded)", name);
		policy_free(&p);
		return;
	}
	ASSERT_STR_CONTAINS(expect, err, name);
}

static void loading(void)
{
	char expect[256];

	snprintf(expect, sizeof(expect), "%s:2: ", conf);
	load_error("stack = (\n  { module = ; control = \"required\"; } );\n", expect,
		   "libconfig syntax error located");
	load_error("stack = ( { module = \"verdict\"; control = \"mandatory\"; } );\n",
		   "unknown control 'mandatory'", "unknown control flag");
	load_error("stack = ( { module = \"nope\"; control = \"required\"; } );\n",
		   "module nope: ", "missing module fails the load");
	load_error("stack = ( { module = \"../verdict\"; control = \"required\"; } );\n",
		   "is not a module name", "module names cannot walk out of the directory");
	load_error("stack = ( { module = \"nosym\"; control = \"required\"; } );\n",
		   "does not export bridge_auth_module", "module without the symbol");
	load_error("stack = ( { module = \"abi2\"; control = \"required\"; } );\n",
		   "built for ABI 2.0, this helper speaks 1.x", "module of another ABI major");
	load_error("stack = ( { module = \"verdict\"; control = \"required\"; colour = 1; } );\n",
		   "unknown setting 'colour'", "unknown entry setting");
	load_error("stack = ( { module = \"verdict\"; } );\n", "needs both module and control",
		   "entry without control");
	load_error("stacks = ( );\n", "unknown setting 'stacks'", "unknown top-level setting");
	load_error("# nothing\n", "no stack", "no stack at all");
	load_error("stack = ( { module = \"verdict\"; control = \"required\"; args = [ 1 ]; } );\n",
		   "args must be", "non-string args");
	load_error("\n @include \"/etc/passwd\"\nstack = ( );\n", ":2: @include is not allowed",
		   "@include is refused");

	struct policy p;
	char err[1024] = "";
	struct stack_result res;

	ASSERT_INT_EQ(0, decide("stack = ( { module = \"newminor\"; control = \"required\"; args = [\"allow\"]; } );\n",
				&res, err), "module built for ABI 1.99 loads");
	ASSERT_INT_EQ(1, res.granted, "... and decides");
	ASSERT_INT_EQ(0, decide("stack = ( { module = \"v11\"; control = \"required\"; args = [\"allow\"]; } );\n",
				&res, err), "module built for ABI 1.1 loads");
	ASSERT_INT_EQ(1, res.granted, "... and decides");

	/* Trust: the file and its directory, as opened. */
	/* Two different modules in one stack each get their own object. */
	ASSERT_INT_EQ(0, decide("stack = ( { module = \"verdict\"; control = \"required\"; args = [\"deny\"]; },\n"
				"  { module = \"newminor\"; control = \"optional\"; args = [\"allow\"]; } );\n",
				&res, err), "two modules load");
	ASSERT_INT_EQ(0, res.granted, "two modules: the first one's deny holds");
	ASSERT_INT_EQ(0, (long)res.decider, "two modules: decided by the first");

	write_conf(stack_of("required:allow"), 0666);
	{
		struct policy_source src = { conf, moddir, getuid() };

		ASSERT_INT_EQ(-1, policy_load(&src, &p, err, sizeof(err)), "world-writable config refused");
		ASSERT_STR_CONTAINS("writable by group or others", err, "world-writable message");
		chmod(conf, 0620);
		ASSERT_INT_EQ(-1, policy_load(&src, &p, err, sizeof(err)), "group-writable config refused");
		chmod(conf, 0644);
		chmod(dir, 0777);
		ASSERT_INT_EQ(-1, policy_load(&src, &p, err, sizeof(err)), "world-writable directory refused");
		ASSERT_STR_CONTAINS("directory is writable", err, "directory message");
		chmod(dir, 0700);

		char link[160];

		snprintf(link, sizeof(link), "%s/link.conf", dir);
		unlink(link);
		if (symlink(conf, link) == 0) {
			struct policy_source l = { link, moddir, getuid() };

			ASSERT_INT_EQ(-1, policy_load(&l, &p, err, sizeof(err)), "symlinked config refused");
			ASSERT_STR_CONTAINS("symbolic link", err, "symlink message");
			unlink(link);
		}
		struct policy_source other = { conf, moddir, getuid() + 1 };

		ASSERT_INT_EQ(-1, policy_load(&other, &p, err, sizeof(err)), "config of another owner refused");
		ASSERT_STR_CONTAINS("is owned by uid", err, "owner message");

		char mod[192];

		snprintf(mod, sizeof(mod), "%s/verdict.so", moddir);
		chmod(mod, 0666);
		ASSERT_INT_EQ(-1, policy_load(&src, &p, err, sizeof(err)), "world-writable module refused");
		ASSERT_STR_CONTAINS("verdict.so: file is writable", err, "module trust message");
		chmod(mod, 0644);
	}
}

/* ------------------------------------------------------------ the trace explain prints */

static char effects[512];

static void on_step(void *ctx, size_t i, enum bridge_auth_verdict v, const char *reason,
		    enum stack_effect e)
{
	static const char *const codes[] = {
		[STACK_YES] = "yes", [STACK_OPTIONAL_YES] = "opt-yes",
		[STACK_WILL_FAIL] = "will-fail", [STACK_FAIL_NOW] = "fail-now",
		[STACK_GRANT_NOW] = "grant-now", [STACK_OVERRULED] = "overruled",
		[STACK_IGNORED] = "ignored", [STACK_NO_OPINION] = "no-opinion",
		[STACK_NOT_REACHED] = "not-reached",
	};
	size_t *next = ctx;
	size_t len = strlen(effects);

	if (i != (*next)++)
		snprintf(effects + len, sizeof(effects) - len, "%sOUT-OF-ORDER", len ? "," : "");
	else
		snprintf(effects + len, sizeof(effects) - len, "%s%s", len ? "," : "", codes[e]);
}

/* SPEC's traced run shows EXPECT, and decides as the untraced run. */
static void trace_row(const char *spec, const char *expect)
{
	gid_t groups[1] = { 100 };
	struct bridge_auth_caller alice = { 4001, 4001, "alice", groups, 1 };
	struct bridge_auth_request req = { &alice, "br0" };
	struct stack_result traced, plain;
	size_t next = 0;
	struct stack_trace trace = { on_step, &next };
	struct policy p;
	char err[1024] = "", name[600];

	effects[0] = '\0';
	snprintf(name, sizeof(name), "trace [%s]: %s", spec, expect);
	if (load(stack_of(spec), &p, err) < 0) {
		OK(0, "%s (load failed: %s)", name, err);
		return;
	}
	stack_run(&p, &req, &traced, &trace);
	policy_free(&p);
	ASSERT_STR_EQ(expect, effects, name);
	decide(stack_of(spec), &plain, err);
	OK(traced.granted == plain.granted && traced.decider == plain.decider &&
	   strcmp(traced.reason, plain.reason) == 0, "trace [%s]: same decision as without a trace", spec);
}

static void tracing(void)
{
	trace_row("required:allow", "yes");
	trace_row("required:deny required:allow", "will-fail,yes");
	trace_row("required:error requisite:deny required:allow", "will-fail,fail-now,not-reached");
	trace_row("requisite:open-fails optional:allow", "fail-now,not-reached");
	trace_row("sufficient:allow required:deny optional:allow", "grant-now,not-reached,not-reached");
	trace_row("required:deny sufficient:allow", "will-fail,overruled");
	trace_row("sufficient:deny optional:error optional:allow required:ignore",
		  "ignored,ignored,opt-yes,no-opinion");
	trace_row("optional:bogus sufficient:ignore", "ignored,no-opinion");
	trace_row("required:allow sufficient:allow required:deny", "yes,grant-now,not-reached");
}

/* ------------------------------------------------------------ check: every problem */

static char problems[8192];

static void add_problem(void *ctx, const char *text)
{
	size_t len = strlen(problems);

	snprintf(problems + len, sizeof(problems) - len, "%s\n", text);
}

static void add_entry_problem(void *ctx, size_t entry, const char *text)
{
	size_t len = strlen(problems);

	snprintf(problems + len, sizeof(problems) - len, "[%zu] %s\n", entry, text);
}

static void checking(void)
{
	struct policy_source src = { conf, moddir, getuid() };
	struct policy p;
	gid_t groups[1] = { 100 };
	struct bridge_auth_caller as = { getuid(), getgid(), "tester", groups, 1 };
	char expect[512];
	unsigned n;
	uid_t me = getuid();

	problems[0] = '\0';
	write_conf("stack = (\n"
		   "  { module = \"verdict\"; control = \"required\"; args = [\"allow\", \"problems\"]; },\n"
		   "  { module = \"nope\"; control = \"required\"; },\n"
		   "  { module = \"verdict\"; control = \"sometimes\"; },\n"
		   "  { module = \"verdict\"; control = \"optional\"; args = [\"open-fails\"]; },\n"
		   "  { module = \"old10\"; control = \"optional\"; },\n"
		   "  { module = \"verdict\"; control = \"optional\"; args = [\"allow\", \"validate-fails\"]; },\n"
		   "  { module = \"abi2\"; control = \"optional\"; args = [\"allow\"]; },\n"
		   "  { module = \"verdict\"; colour = 1; }\n"
		   ");\n"
		   "colour = 1;\n", 0644);
	n = policy_check(&src, NULL, &p, add_problem, NULL);
	ASSERT_INT_EQ(6, n, "check: every problem of the file, not the first");
	snprintf(expect, sizeof(expect), "%s:11: unknown setting 'colour'\n", conf);
	ASSERT_STR_CONTAINS(expect, problems, "check: unknown top-level setting, located");
	snprintf(expect, sizeof(expect), "%s:3: module nope: ", conf);
	ASSERT_STR_CONTAINS(expect, problems, "check: missing module, located");
	snprintf(expect, sizeof(expect), "%s:4: unknown control 'sometimes'", conf);
	ASSERT_STR_CONTAINS(expect, problems, "check: unknown control, located");
	snprintf(expect, sizeof(expect), "%s:8: module abi2: built for ABI 2.0, this helper speaks 1.x", conf);
	ASSERT_STR_CONTAINS(expect, problems, "check: other ABI major, located");
	snprintf(expect, sizeof(expect), "%s:9: unknown setting 'colour' in a stack entry", conf);
	ASSERT_STR_CONTAINS(expect, problems, "check: two problems of one entry: the setting...");
	snprintf(expect, sizeof(expect), "%s:9: a stack entry needs both module and control", conf);
	ASSERT_STR_CONTAINS(expect, problems, "check: ... and the missing control");
	ASSERT_INT_EQ(8, p.n, "check: every entry is kept");
	OK(p.entries[1].mod == NULL && p.entries[2].mod == NULL && p.entries[6].mod == NULL &&
	   p.entries[7].mod == NULL, "check: the entries in error have no module");
	OK(p.entries[4].mod != NULL && p.entries[4].validate == NULL,
	   "check: a 1.0 module loads, and its (absent) validate is never read");
	OK(p.entries[0].validate != NULL, "check: a 1.1 module's validate is read");

	problems[0] = '\0';
	n = stack_validate(&p, &as, add_entry_problem, NULL);
	ASSERT_INT_EQ(4, n, "validate: open() errors and modules' problems");
	ASSERT_STR_CONTAINS("[0] /nowhere/verdict.conf:7: first problem\n", problems,
			    "validate: a module's located problem");
	ASSERT_STR_CONTAINS("[0] second problem, ?[31mwith no place\n", problems,
			    "validate: a second problem of the same module, control bytes made inert");
	ASSERT_STR_CONTAINS("[3] asked to fail\n", problems, "validate: open() error of its entry");
	ASSERT_STR_CONTAINS("[5] validation failed (no reason given)\n", problems,
			    "validate: a failure without a problem still counts");
	policy_free(&p);

	/* A user's own file: trusted when ALSO names them, never otherwise. */
	write_conf("stack = ( );\n", 0644);
	src.owner = me + 1;
	problems[0] = '\0';
	ASSERT_INT_EQ(0, policy_check(&src, &me, &p, add_problem, NULL),
		      "check: a file of the user's own, for that user");
	policy_free(&p);
	/* Directory and file are both reported, and the file read all the same. */
	ASSERT_INT_EQ(2, policy_check(&src, NULL, &p, add_problem, NULL),
		      "check: the same file, for root's rules");
	ASSERT_STR_CONTAINS("is owned by uid", problems, "check: ... says who owns it");
	ASSERT_STR_CONTAINS("directory is owned by uid", problems, "check: ... and its directory");
	policy_free(&p);
	ASSERT_INT_EQ(-1, policy_load(&src, &p, expect, sizeof(expect)),
		      "the helper's policy_load never trusts the user's file");
}

/* ------------------------------------------------------------ host->as_caller (ABI 1.2) */

static void write_file(const char *path, uid_t uid, gid_t gid, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, "x\n", 2) != 2 || close(fd) < 0 ||
	    (geteuid() == 0 && chown(path, uid, gid) < 0) || chmod(path, mode) < 0) {
		printf("Bail out! cannot write %s: %s\n", path, strerror(errno));
		exit(99);
	}
}

/* Our supplementary groups, as text: they must be the same after a request. */
static const char *groups_now(void)
{
	static char text[1024];
	gid_t g[256];
	int n = getgroups(256, g);
	size_t len = 0;

	text[0] = '\0';
	for (int i = 0; i < n && len < sizeof(text) - 16; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%u ", (unsigned)g[i]);
	return n < 0 ? "(error)" : text;
}

static char secret[160], shared[160], maps[64];

/* A stack of the ascaller module, with the argument MORE if not NULL. */
static const char *ascaller_stack(const char *more)
{
	static char text[1024];

	snprintf(text, sizeof(text), "stack = ( { module = \"ascaller\"; control = \"required\"; "
		 "args = [ \"secret=%s\", \"shared=%s\", \"maps=%s\"%s%s%s ]; } );\n", secret, shared, maps,
		 more ? ", \"" : "", more ? more : "", more ? "\"" : "");
	return text;
}

/* The ascaller test module, for alice (4001, groups 100), says what it saw. */
static void as_caller(void)
{
	char err[1024] = "", before[1024];
	struct stack_result res;
	const char *text;
	pid_t child;

	snprintf(secret, sizeof(secret), "%s/secret", dir);
	snprintf(shared, sizeof(shared), "%s/shared", dir);
	write_file(secret, 0, 0, 0600);
	write_file(shared, 0, 100, 0640);
	chmod(dir, 0711); /* alice passes through to the files */
	/* A process of ours (root's when we are), dumpable again after its
	 * exec (our fsuid switches made us not): its maps open to
	 * CAP_SYS_PTRACE. */
	child = fork();
	if (child == 0) {
		execl("/bin/sleep", "sleep", "60", (char *)NULL);
		_exit(127);
	}
	if (child < 0) {
		printf("Bail out! fork: %s\n", strerror(errno));
		exit(99);
	}
	snprintf(maps, sizeof(maps), "/proc/%ld/maps", (long)child);
	usleep(100000); /* let it exec */
	text = ascaller_stack(NULL);
	snprintf(before, sizeof(before), "%s", groups_now());
	if (geteuid() != 0) {
		/* Nobody but root may become alice: the function is never called. */
		char expect[256];

		ASSERT_INT_EQ(0, decide(text, &res, err), "as_caller: the stack loads");
		snprintf(expect, sizeof(expect), "r=-1/EPERM calls=0 after: fsuid=%u capeff=none secret=ok",
			 (unsigned)geteuid());
		ASSERT_STR_EQ(expect, res.reason, "as_caller: no identity, no call: -1, EPERM");
		TAP_SKIP("not root: as_caller as another user");
		chmod(dir, 0700);
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
		return;
	}
	ASSERT_INT_EQ(0, decide(text, &res, err), "as_caller: the stack loads");
	/* In FN: alice's fsuid and groups (the secret is closed, the group's file
	 * open) and her powers: no effective capability, so PID 1's maps stay
	 * closed (CAP_SYS_PTRACE would open them); nested for alice, even
	 * through a copy: FN runs; for someone else: EINVAL.  After: root
	 * again, every capability as it was, groups as they were. */
	ASSERT_STR_EQ("r=42/- calls=3 fsuid=4001 fsgid=4001 capeff=none maps=EACCES "
		      "raw-secret=EACCES secret=EACCES shared=ok/ok nested=7/ok copy=7 "
		      "other=-1/EINVAL other-open=EINVAL after: fsuid=0 capeff=same secret=ok",
		      res.reason, "as_caller: FN runs as the caller, with no capability; root after");
	ASSERT_STR_EQ(before, groups_now(), "as_caller: our groups are back");
	/* FN taking fsuid 0 back, or its capabilities (a module must not):
	 * its result is void, and we are exactly ourselves after. */
	for (int i = 0; i < 2; i++) {
		const char *how = i == 0 ? "change" : "raise";

		ASSERT_INT_EQ(0, decide(ascaller_stack(how), &res, err), "as_caller: the stack loads");
		ASSERT_STR_CONTAINS("r=-1/EPERM calls=3 ", res.reason, how);
		ASSERT_STR_CONTAINS(" after: fsuid=0 capeff=same secret=ok", res.reason,
				    "... and root again after, every capability back");
	}
	chmod(dir, 0700);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
}

int main(void)
{
	const char *built = getenv("BA_BUILT_MODULES");

	if (built == NULL)
		built = "tests/modules/.libs";
	snprintf(dir, sizeof(dir), "/tmp/ba-stack-XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(moddir, sizeof(moddir), "%s/modules", dir);
	snprintf(conf, sizeof(conf), "%s/bridge-auth.conf", dir);
	if (mkdir(moddir, 0755) < 0)
		return 99;
	copy_module(built, "verdict");
	copy_module(built, "newminor");
	copy_module(built, "abi2");
	copy_module(built, "nosym");
	copy_module(built, "old10");
	copy_module(built, "v11");
	copy_module(built, "ascaller");

	truth_table();
	requisite_stops();
	reasons();
	loading();
	tracing();
	checking();
	as_caller();

	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		OK(0, "cleanup of %s", dir);
	return tap_done();
}
