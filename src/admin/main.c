/*
 * bridge-auth: the administrator's and the user's view of the policy of
 * qemu-bridge-helper (bridge-auth(8)).
 *
 *   check [FILE]                 every problem of a bridge-auth.conf and of
 *                                every file its modules read, with file:line
 *   explain [--user U] --bridge B   the stack's run for U and B, entry by entry
 *   list [--user U]              the host's bridges, and which U may use
 *
 * Not setuid, and refuses to run so: everything runs with the privileges of
 * whoever runs it.  explain and list use the helper's own code (policy_load,
 * stack_run), never a copy of it, and touch no network device.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "json.h"
#include "net.h"
#include "taps.h"
#include "args.h"
#include "caller.h"
#include "log.h"
#include "policy.h"
#include "stack.h"

#define PROG "bridge-auth"
#define POLICY_FILE POLICYDIR "/bridge-auth.conf"
/* As the helper: a hung module or name service cannot hold us (seconds per decision). */
#define DECISION_TIMEOUT 30

/* Exit status (bridge-auth(8)). */
enum {
	EX_OK = 0,      /* clean, or allowed */
	EX_NO = 1,      /* problems found, or denied */
	EX_USAGE = 2,   /* bad command line */
	EX_CANNOT = 3,  /* not permitted, unknown user, out of memory */
};

static struct {
	int json;
	const char *command;
	const char *file;   /* check FILE, or --config FILE */
	const char *user;   /* --user */
	const char *bridge; /* --bridge */
} opt;

static void usage(FILE *out)
{
	fprintf(out, "Usage: " PROG " [--json] check [FILE]\n"
		     "       " PROG " [--json] explain [--user USER] --bridge BRIDGE [--config FILE]\n"
		     "       " PROG " [--json] list [--user USER] [--config FILE]\n"
		     "       " PROG " [--json] taps\n"
		     "       " PROG " [--json] reap\n"
		     "       " PROG " --help | --version\n"
		     "Check the policy of qemu-bridge-helper (default " POLICY_FILE "),\n"
		     "explain its decision for a user and a bridge, list the bridges a user may use.\n"
		     "See bridge-auth(8).\n");
}

static void timed_out(int sig)
{
	static const char msg[] = PROG ": a module took too long (a hung module or name service?); stopped\n";

	(void)sig;
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(3); /* EX_CANNOT */
}

static void __attribute__((noreturn, format(printf, 2, 3))) die(int status, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_sanitize(msg);
	fprintf(stderr, PROG ": %s\n", msg);
	if (status == EX_USAGE)
		usage(stderr);
	exit(status);
}

/* "--name=VALUE" or "--name VALUE". */
static int option_value(int argc, char **argv, int *i, const char *name, const char **value)
{
	size_t n = strlen(name);

	if (strncmp(argv[*i], name, n) != 0)
		return 0;
	if (argv[*i][n] == '=') {
		*value = argv[*i] + n + 1;
		return 1;
	}
	if (argv[*i][n] != '\0')
		return 0;
	if (*i + 1 >= argc)
		die(EX_USAGE, "%s needs a value", name);
	*value = argv[++*i];
	return 1;
}

static void parse_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--json") == 0) {
			opt.json = 1;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage(stdout);
			exit(fflush(stdout) == 0 ? EX_OK : EX_CANNOT);
		} else if (strcmp(a, "--version") == 0) {
			printf(PROG " (" PACKAGE_NAME ") " PACKAGE_VERSION "\npolicy: " POLICY_FILE
			       "\nmodules: " MODULEDIR "\nmodule ABI: %u.%u\n",
			       BRIDGE_AUTH_ABI_MAJOR, BRIDGE_AUTH_ABI_MINOR);
			exit(fflush(stdout) == 0 ? EX_OK : EX_CANNOT);
		} else if (option_value(argc, argv, &i, "--user", &opt.user) ||
			   option_value(argc, argv, &i, "--bridge", &opt.bridge) ||
			   option_value(argc, argv, &i, "--config", &opt.file)) {
			continue;
		} else if (a[0] == '-') {
			die(EX_USAGE, "unknown option '%s'", a);
		} else if (opt.command == NULL) {
			opt.command = a;
		} else if (strcmp(opt.command, "check") == 0 && opt.file == NULL) {
			opt.file = a;
		} else {
			die(EX_USAGE, "unexpected argument '%s'", a);
		}
	}
	if (opt.command == NULL)
		die(EX_USAGE, "no command given");
	if (strcmp(opt.command, "check") == 0) {
		if (opt.user || opt.bridge)
			die(EX_USAGE, "check takes a FILE only");
	} else if (strcmp(opt.command, "explain") == 0) {
		if (opt.bridge == NULL)
			die(EX_USAGE, "explain needs --bridge BRIDGE");
		if (!ifname_valid(opt.bridge))
			die(EX_USAGE, "'%s' is not a valid bridge name", opt.bridge);
	} else if (strcmp(opt.command, "list") == 0) {
		if (opt.bridge)
			die(EX_USAGE, "list takes no --bridge");
	} else if (strcmp(opt.command, "taps") == 0 || strcmp(opt.command, "reap") == 0) {
		if (opt.bridge || opt.user || opt.file)
			die(EX_USAGE, "%s takes no option but --json", opt.command);
	} else {
		die(EX_USAGE, "unknown command '%s'", opt.command);
	}
	if (opt.file && opt.file[0] != '/')
		die(EX_USAGE, "%s: the policy path must be absolute", opt.file);
}

/* ------------------------------------------------------------------ identity */

static struct caller self;

/*
 * Whom to ask about: ourselves, exactly as the helper sees its caller, or
 * (root only) USER with the groups of a login (getgrouplist).
 */
static void identify(struct caller *c, const char *user)
{
	struct passwd pw, *found = NULL;
	char buf[16384], *end;
	int n = 64, rc;
	gid_t *groups = NULL;

	if (user == NULL || (self.id.user && strcmp(user, self.id.user) == 0)) {
		*c = self;
		return;
	}
	errno = 0;
	unsigned long uid = strtoul(user, &end, 10);

	int numeric = user[0] >= '0' && user[0] <= '9' && *end == '\0' && errno == 0;

	if (numeric && uid == self.id.uid) {
		*c = self;
		return;
	}
	/* Another user: root only (asked before any lookup, so it says nothing of accounts). */
	if (getuid() != 0)
		die(EX_CANNOT, "only root may ask about another user (%s); without --user you "
			       "ask about yourself", user);
	if (numeric) {
		rc = getpwuid_r((uid_t)uid, &pw, buf, sizeof(buf), &found);
	} else {
		rc = getpwnam_r(user, &pw, buf, sizeof(buf), &found);
	}
	if (found == NULL)
		die(EX_CANNOT, "no such user '%s'%s%s", user, rc ? ": " : "", rc ? strerror(rc) : "");
	if (found->pw_uid == self.id.uid) {
		*c = self;
		return;
	}
	for (;;) {
		gid_t *more = realloc(groups, (size_t)n * sizeof(gid_t));

		if (more == NULL)
			die(EX_CANNOT, "out of memory");
		groups = more;
		if (getgrouplist(found->pw_name, found->pw_gid, groups, &n) >= 0)
			break;
		if (n > 65536)
			die(EX_CANNOT, "cannot read the groups of %s", found->pw_name);
		n *= 2;
	}
	*c = (struct caller){ .groups = groups, .user = strdup(found->pw_name), .name_asked = true };
	if (c->user == NULL)
		die(EX_CANNOT, "out of memory");
	c->id = (struct bridge_auth_caller){ found->pw_uid, found->pw_gid, c->user, groups,
					     (size_t)n };
}

/* Free what identify() made, unless it was our own identity. */
static void forget(struct caller *c)
{
	if (c->groups != self.groups)
		caller_free(c);
}

static const char *who(const struct caller *c)
{
	static char buf[64];

	if (c->id.user)
		return c->id.user;
	snprintf(buf, sizeof(buf), "uid %u", (unsigned)c->id.uid);
	return buf;
}

/* The trust rule of the helper: root-owned policy and modules. */
static struct policy_source source(void)
{
	return (struct policy_source){ opt.file ? opt.file : POLICY_FILE, MODULEDIR, 0, NULL };
}

/*
 * check run by a user may read a policy file of their own too (their
 * privileges are all it gets); modules must still be root's, in the
 * configured directory.
 */
static uid_t self_uid;

/* ------------------------------------------------------------------ module logs */

/* Lines modules log while a step runs: shown with that step. */
static struct {
	char **line;
	size_t n;
} logbuf;

static void collect_log(void *ctx, const char *module, int priority, const char *line)
{
	char **more;

	if (logbuf.n >= 64)
		return;
	more = realloc(logbuf.line, (logbuf.n + 1) * sizeof(char *));
	if (more == NULL)
		return;
	logbuf.line = more;
	logbuf.line[logbuf.n] = strdup(line);
	if (logbuf.line[logbuf.n] != NULL)
		logbuf.n++;
}

/* ------------------------------------------------------------------ check */

struct check_ctx {
	const struct policy *p;
	unsigned n;
};

/* Split "FILE:LINE: text" / "FILE: text" (FILE absolute) for --json. */
static void split_location(const char *text, char *file, size_t filesize, long *line,
			   const char **rest)
{
	const char *p;

	file[0] = '\0';
	*line = 0;
	*rest = text;
	if (text[0] != '/')
		return;
	for (p = text; (p = strchr(p, ':')) != NULL; p++) {
		char *end;
		long l = strtol(p + 1, &end, 10);

		if (end != p + 1 && *end == ':' && l > 0) {
			snprintf(file, filesize, "%.*s", (int)(p - text), text);
			*line = l;
			*rest = end[1] == ' ' ? end + 2 : end + 1;
			return;
		}
		if (p[1] == ' ') {
			snprintf(file, filesize, "%.*s", (int)(p - text), text);
			*rest = p + 2;
			return;
		}
	}
}

static void report(struct check_ctx *c, const struct stack_entry *e, const char *text)
{
	char file[4096], entry[4200] = "";
	const char *rest;
	long line;

	if (e)
		snprintf(entry, sizeof(entry), "%s:%d", c->p->path, e->line);
	if (opt.json) {
		split_location(text, file, sizeof(file), &line, &rest);
		fputs(c->n ? ",{" : "{", stdout);
		json_member_str(stdout, 1, "file", file[0] ? file : NULL);
		json_key(stdout, 0, "line");
		if (line > 0)
			printf("%ld", line);
		else
			fputs("null", stdout);
		json_member_str(stdout, 0, "message", rest);
		json_member_str(stdout, 0, "text", text);
		json_member_str(stdout, 0, "module", e ? e->module : NULL);
		json_member_str(stdout, 0, "entry", e ? entry : NULL);
		putchar('}');
	} else if (e == NULL) {
		printf("%s\n", text);
	} else if (text[0] == '/') {
		printf("%s (module %s, %s)\n", text, e->module, entry);
	} else {
		printf("%s: module %s: %s\n", entry, e->module, text);
	}
	c->n++;
}

static void policy_problem(void *ctx, const char *text)
{
	report(ctx, NULL, text);
}

static void entry_problem(void *ctx, size_t i, const char *text)
{
	struct check_ctx *c = ctx;

	report(c, &c->p->entries[i], text);
}

static void check_json_entries(const struct policy *p, unsigned n)
{
	fputc(']', stdout);
	json_key(stdout, 0, "entries");
	fputc('[', stdout);
	for (size_t i = 0; i < p->n; i++) {
		const struct stack_entry *e = &p->entries[i];

		fputs(i ? ",{" : "{", stdout);
		json_member_int(stdout, 1, "line", e->line);
		json_member_str(stdout, 0, "module", e->module);
		json_member_str(stdout, 0, "control", e->module ? control_name(e->control) : NULL);
		json_member_bool(stdout, 0, "loaded", e->mod != NULL);
		json_key(stdout, 0, "abi");
		if (e->mod)
			printf("\"%u.%u\"", BRIDGE_AUTH_ABI_MAJOR_OF(e->mod->abi_version),
			       BRIDGE_AUTH_ABI_MINOR_OF(e->mod->abi_version));
		else
			fputs("null", stdout);
		json_member_bool(stdout, 0, "validates", e->validate != NULL);
		json_key(stdout, 0, "args");
		fputc('[', stdout);
		for (int j = 0; e->argv && j < e->argc; j++) {
			if (j)
				fputc(',', stdout);
			json_string(stdout, e->argv[j]);
		}
		fputs("]}", stdout);
	}
	fputc(']', stdout);
	json_member_bool(stdout, 0, "ok", n == 0);
	fputs("}\n", stdout);
}

static void check_text_summary(const struct policy *p, const char *path, unsigned n)
{
	/* Not a problem, but the administrator should know what was not looked at. */
	for (size_t i = 0; i < p->n; i++)
		if (p->entries[i].mod && BRIDGE_AUTH_ABI_MINOR_OF(p->entries[i].mod->abi_version) < 1)
			printf("%s:%d: note: module %s is built for ABI 1.0: it cannot check "
			       "what it reads\n", path, p->entries[i].line, p->entries[i].module);
	if (n > 0) {
		printf("%s: %u problem%s\n", path, n, n == 1 ? "" : "s");
		return;
	}
	printf("%s: OK, %zu stack entr%s", path, p->n, p->n == 1 ? "y" : "ies");
	for (size_t i = 0; i < p->n; i++)
		printf("%s %s (%s)", i ? "," : ":", p->entries[i].module,
		       control_name(p->entries[i].control));
	putchar('\n');
}

static int cmd_check(void)
{
	struct policy_source src = source();
	struct policy p = { 0 };
	struct check_ctx c = { &p, 0 };
	unsigned n;

	if (opt.json) {
		fputc('{', stdout);
		json_member_str(stdout, 1, "file", src.path);
		json_member_int(stdout, 0, "uid", self.id.uid);
		json_key(stdout, 0, "problems");
		fputc('[', stdout);
	}
	alarm(2 * DECISION_TIMEOUT);
	n = policy_check(&src, self_uid != 0 ? &self_uid : NULL, &p, policy_problem, &c);
	if (p.path != NULL) /* NULL: out of memory, and reported */
		n += stack_validate(&p, &self.id, entry_problem, &c);
	for (size_t i = 0; p.path != NULL && i < p.nsections; i++) {
		/* Each section's own stack, validated the same way. */
		struct policy view = { .path = p.path, .entries = p.sections[i].entries,
				       .n = p.sections[i].n };
		struct check_ctx vc = { &view, c.n };

		n += stack_validate(&view, &self.id, entry_problem, &vc);
		c.n = vc.n;
	}
	if (opt.json)
		check_json_entries(&p, n);
	else
		check_text_summary(&p, src.path, n);
	if (!opt.json && n == 0)
		admin_sections_summary(stdout, &p);
	if (!opt.json && opt.file == NULL)
		admin_mac_warnings(); /* the host's bridges, for the host's policy */
	policy_free(&p);
	return n == 0 ? EX_OK : EX_NO;
}

/* ------------------------------------------------------------------ explain */

struct step {
	int reached;
	enum bridge_auth_verdict verdict;
	char reason[BRIDGE_AUTH_MSG_MAX];
	enum stack_effect effect;
	char **log;
	size_t nlog;
};

struct run {
	struct policy p;
	int loaded;
	char err[BRIDGE_AUTH_MSG_MAX + 200]; /* fits in a stack_result's reason */
	struct step *steps;
	struct stack_result res;
};

static void on_step(void *ctx, size_t i, enum bridge_auth_verdict v, const char *reason,
		    enum stack_effect effect)
{
	struct run *r = ctx;
	struct step *s = &r->steps[i];

	s->reached = effect != STACK_NOT_REACHED;
	s->verdict = v;
	s->effect = effect;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	log_sanitize(s->reason);
	s->log = logbuf.line;
	s->nlog = logbuf.n;
	logbuf.line = NULL;
	logbuf.n = 0;
}

static void free_steps(struct run *r)
{
	for (size_t i = 0; r->steps && i < r->p.n; i++) {
		for (size_t j = 0; j < r->steps[i].nlog; j++)
			free(r->steps[i].log[j]);
		free(r->steps[i].log);
	}
	free(r->steps);
	r->steps = NULL;
}

/* What the helper does: policy_load, then stack_run, traced. */
static void decide(struct run *r, const struct caller *c, const char *bridge)
{
	struct bridge_auth_request req = { &c->id, bridge };
	struct stack_trace trace = { on_step, r };

	free_steps(r);
	r->res = (struct stack_result){ .decider = STACK_NO_ENTRY, .verdict = BRIDGE_AUTH_ERROR };
	if (!r->loaded) {
		snprintf(r->res.reason, sizeof(r->res.reason), "policy: %s", r->err);
		return;
	}
	r->steps = calloc(r->p.n + 1, sizeof(*r->steps));
	if (r->steps == NULL)
		die(EX_CANNOT, "out of memory");
	alarm(DECISION_TIMEOUT);
	/* As in the helper; C's name was asked already (identify, main): read only. */
	stack_set_namer(caller_namer, (void *)c);
	stack_run(&r->p, &req, &r->res, &trace);
	alarm(0);
	log_sanitize(r->res.reason);
}

static void load(struct run *r, const char *bridge)
{
	struct policy_source src = source();

	src.bridge = bridge; /* its section's stack decides */
	r->loaded = policy_load(&src, &r->p, r->err, sizeof(r->err)) == 0;
	log_sanitize(r->err);
}

static const char *effect_code(enum stack_effect e)
{
	static const char *const codes[] = {
		[STACK_YES] = "yes", [STACK_OPTIONAL_YES] = "optional-yes",
		[STACK_WILL_FAIL] = "will-fail", [STACK_FAIL_NOW] = "fail-now",
		[STACK_GRANT_NOW] = "grant-now", [STACK_OVERRULED] = "overruled",
		[STACK_IGNORED] = "ignored", [STACK_NO_OPINION] = "no-opinion",
		[STACK_NOT_REACHED] = "not-reached",
	};

	return (unsigned)e <= STACK_NOT_REACHED ? codes[e] : "?";
}

static const char *decider_module(const struct run *r)
{
	return r->loaded && r->res.decider != STACK_NO_ENTRY ? r->p.entries[r->res.decider].module
							      : NULL;
}

static int cmd_explain(void)
{
	struct run r = { 0 };
	struct caller c;
	const char *mod;
	int exists;

	identify(&c, opt.user);
	load(&r, opt.bridge);
	decide(&r, &c, opt.bridge);
	mod = decider_module(&r);
	exists = admin_bridge_exists(opt.bridge);
	if (opt.json) {
		fputc('{', stdout);
		json_member_str(stdout, 1, "user", c.id.user);
		json_member_int(stdout, 0, "uid", c.id.uid);
		json_member_str(stdout, 0, "bridge", opt.bridge);
		json_member_str(stdout, 0, "policy", source().path);
		json_member_str(stdout, 0, "policy_error", r.loaded ? NULL : r.err);
		if (r.loaded)
			admin_section_json(stdout, &r.p);
		json_key(stdout, 0, "steps");
		fputc('[', stdout);
		for (size_t i = 0; r.loaded && i < r.p.n; i++) {
			const struct stack_entry *e = &r.p.entries[i];
			const struct step *s = &r.steps[i];

			fputs(i ? ",{" : "{", stdout);
			json_member_int(stdout, 1, "entry", (long long)i + 1);
			json_member_int(stdout, 0, "line", e->line);
			json_member_str(stdout, 0, "module", e->module);
			json_member_str(stdout, 0, "control", control_name(e->control));
			json_member_str(stdout, 0, "verdict", s->reached ? verdict_name(s->verdict) : NULL);
			json_member_str(stdout, 0, "reason", s->reached ? s->reason : NULL);
			json_member_str(stdout, 0, "effect", effect_code(s->effect));
			json_member_str(stdout, 0, "effect_text", effect_name(s->effect));
			json_key(stdout, 0, "log");
			fputc('[', stdout);
			for (size_t j = 0; j < s->nlog; j++) {
				if (j)
					fputc(',', stdout);
				json_string(stdout, s->log[j]);
			}
			fputs("]}", stdout);
		}
		fputc(']', stdout);
		json_member_bool(stdout, 0, "granted", r.res.granted);
		json_member_str(stdout, 0, "module", mod);
		json_member_str(stdout, 0, "reason", r.res.reason);
		json_member_bool(stdout, 0, "bridge_exists", exists);
		fputs("}\n", stdout);
	} else {
		printf("user %s (uid %u), bridge %s, policy %s\n", who(&c), (unsigned)c.id.uid,
		       opt.bridge, source().path);
		if (!r.loaded)
			printf("  the policy cannot be used: %s\n", r.err);
		else
			admin_section_text(stdout, &r.p);
		for (size_t i = 0; r.loaded && i < r.p.n; i++) {
			const struct stack_entry *e = &r.p.entries[i];
			const struct step *s = &r.steps[i];

			printf("  %zu. %s %s (line %d): ", i + 1, e->module, control_name(e->control),
			       e->line);
			if (!s->reached) {
				printf("not reached\n");
				continue;
			}
			printf("%s: %s\n", verdict_name(s->verdict), s->reason);
			for (size_t j = 0; j < s->nlog; j++)
				printf("       log: %s\n", s->log[j]);
			printf("     -> %s\n", effect_name(s->effect));
		}
		if (r.loaded && r.p.n == 0)
			printf("  (the stack is empty)\n");
		if (r.res.granted)
			printf("decision: granted by module %s: %s\n", mod, r.res.reason);
		else if (mod)
			printf("decision: denied by module %s: %s\n", mod, r.res.reason);
		else
			printf("decision: denied: %s\n", r.res.reason);
		if (!exists)
			printf("note: %s is not a bridge on this host (network namespace); the helper "
			       "checks that after the decision and would fail\n", opt.bridge);
	}
	free_steps(&r);
	if (r.loaded)
		policy_free(&r.p);
	forget(&c);
	return r.res.granted ? EX_OK : EX_NO;
}

/* ------------------------------------------------------------------ list */

static int cmd_list(void)
{
	struct run r = { 0 };
	struct caller c;
	size_t n;
	char **names, err[1024];
	int usable;

	identify(&c, opt.user);
	names = admin_bridges(&n, err, sizeof(err));
	if (names == NULL)
		die(EX_CANNOT, "%s", err);
	load(&r, NULL); /* whether the file can be used at all */
	usable = r.loaded;
	if (opt.json) {
		fputc('{', stdout);
		json_member_str(stdout, 1, "user", c.id.user);
		json_member_int(stdout, 0, "uid", c.id.uid);
		json_member_str(stdout, 0, "policy", source().path);
		json_member_str(stdout, 0, "policy_error", r.loaded ? NULL : r.err);
		json_key(stdout, 0, "bridges");
		fputc('[', stdout);
	} else {
		printf("bridges on this host, for %s (uid %u):\n", who(&c), (unsigned)c.id.uid);
		if (!r.loaded)
			printf("  the policy cannot be used: %s\n", r.err);
		if (n == 0)
			printf("  (none)\n");
	}
	for (size_t i = 0; i < n; i++) {
		const char *mod;

		if (r.loaded) {
			free_steps(&r);
			policy_free(&r.p);
		}
		load(&r, names[i]); /* each bridge: its section, its stack */
		decide(&r, &c, names[i]);
		mod = decider_module(&r);
		if (opt.json) {
			fputs(i ? ",{" : "{", stdout);
			json_member_str(stdout, 1, "name", names[i]);
			json_member_bool(stdout, 0, "allowed", r.res.granted);
			json_member_str(stdout, 0, "module", mod);
			json_member_str(stdout, 0, "reason", r.res.reason);
			json_key(stdout, 0, "max_taps_per_user");
			if (r.loaded && r.p.section && r.p.section->max_taps >= 0)
				printf("%ld", r.p.section->max_taps);
			else
				fputs("null", stdout);
			json_member_int(stdout, 0, "held", admin_held(names[i], c.id.uid));
			putchar('}');
		} else {
			printf("  %-15s %-7s %s%s%s", names[i], r.res.granted ? "allowed" : "denied",
			       mod ? mod : "", mod ? ": " : "", r.res.reason);
			if (r.loaded && r.p.section && r.p.section->max_taps >= 0)
				printf(" (at most %ld taps per user, %s holds %ld)",
				       r.p.section->max_taps, who(&c), admin_held(names[i], c.id.uid));
			putchar('\n');
		}
		free(names[i]);
	}
	if (opt.json)
		fputs("]}\n", stdout);
	free(names);
	free_steps(&r);
	if (r.loaded)
		policy_free(&r.p);
	forget(&c);
	return usable ? EX_OK : EX_NO;
}

int main(int argc, char **argv)
{
	char err[1024];
	int rc;

	if (argc < 1 || argv[0] == NULL)
		return EX_USAGE;
	/* Never with borrowed privileges: every check below assumes real == effective. */
	if (getuid() != geteuid() || getgid() != getegid())
		die(EX_CANNOT, "must not run setuid or setgid");
	parse_args(argc, argv);
	umask(077);
	self_uid = getuid();
	if (signal(SIGALRM, timed_out) == SIG_ERR)
		die(EX_CANNOT, "cannot set a timeout: %s", strerror(errno));
	if (caller_identify(&self, err, sizeof(err)) < 0)
		die(EX_CANNOT, "cannot identify the calling user: %s", err);
	(void)caller_name(&self, NULL, 0); /* unknown if it fails: modules that need it say so */
	stack_set_log(collect_log, NULL);

	if (strcmp(opt.command, "check") == 0)
		rc = cmd_check();
	else if (strcmp(opt.command, "explain") == 0)
		rc = cmd_explain();
	else if (strcmp(opt.command, "taps") == 0)
		rc = admin_taps(opt.json, self_uid);
	else if (strcmp(opt.command, "reap") == 0)
		rc = admin_reap(opt.json);
	else
		rc = cmd_list();
	if (fflush(stdout) != 0)
		die(EX_CANNOT, "cannot write the output: %s", strerror(errno));
	return rc;
}
