/*
 * bridge-auth: the administrator's and the user's view of the policy of
 * qemu-bridge-helper (bridge-auth(8)).
 *
 *   check [FILE]                 every problem of a bridge-auth.conf and of
 *                                every file its modules read, with file:line
 *   explain [--user U] --bridge B   the stack's run for U and B, entry by entry
 *   list [--user U]              the host's bridges, and which U may use
 *   taps                         the taps the helper made (all, or one's own)
 *   reap                         removes those left persistent (root)
 *
 * Not setuid, and refuses to run so: everything runs with the privileges of
 * whoever runs it.  explain and list use the helper's own code (policy_load,
 * stack_run), never a copy of it, and touch no network device.
 *
 * Here: the command line, and the dispatch to the command's file (check.c,
 * explain.c, list.c, taps.c, reap.c); admin.h is what they share.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "ifname.h"
#include "log.h"

struct options opt;

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

void die(int status, const char *fmt, ...)
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
		rc = cmd_taps(opt.json, self_uid);
	else if (strcmp(opt.command, "reap") == 0)
		rc = cmd_reap(opt.json);
	else
		rc = cmd_list();
	if (fflush(stdout) != 0)
		die(EX_CANNOT, "cannot write the output: %s", strerror(errno));
	return rc;
}
