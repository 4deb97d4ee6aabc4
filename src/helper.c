/*
 * qemu-bridge-helper: give an unprivileged QEMU a tap on a host bridge,
 * when the module stack of bridge-auth.conf says so.
 *
 * The privileged flow is main(), top to bottom: scrub, parse, identify,
 * load policy, decide, drop, act.  Every step that fails ends the process
 * on the spot with one message and its own exit status (exitcodes.h).
 */
#include "config.h"

#include <cap-ng.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "caller.h"
#include "exitcodes.h"
#include "log.h"
#include "policy.h"
#include "sections.h"
#include "stack.h"
#include "tap.h"

#define PROG "qemu-bridge-helper"
#define POLICY_FILE POLICYDIR "/bridge-auth.conf"
#define SAFE_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define REQUEST_TIMEOUT 30 /* seconds: a hung module or name service cannot hold a request */

/* What the syslog line of this request says; filled in as the request goes. */
static struct {
	struct caller *caller;       /* NULL until identified: nothing to log before */
	const char *bridge;
	const char *tap;
	const char *module;
	const char *reason;
	const char *detail;          /* logged instead of the message the caller sees */
} request;

static void usage(FILE *out)
{
	fprintf(out, "Usage: " PROG " [--use-vnet] --br=BRIDGE --fd=FD\n"
		     "       " PROG " --help | --version\n"
		     "Create a tap device on BRIDGE and pass it on the unix socket FD, when the\n"
		     "policy in " POLICY_FILE " allows the calling user.\n"
		     "See qemu-bridge-helper(8) and bridge-auth.conf(5).\n");
}

/* No request is served unlogged: say so (errno: why) and nothing else. */
static void __attribute__((noreturn)) unlogged(void)
{
	fprintf(stderr, PROG ": cannot write to the system log (" LOG_SOCKET ": %s): every request "
		"is refused until a syslog daemon listens there (start rsyslog or systemd-journald)\n",
		strerror(errno));
	exit(EXIT_INTERNAL);
}

/*
 * The caller's name for a message or the log line: asked of the name
 * service only now, on a refusal or failure (a grant by a stack that needs
 * no name never asks); "uid N" when it does not answer.
 */
static const char *who(struct caller *c)
{
	static char uid[32];

	if (caller_name(c, NULL, 0) == 0 && c->id.user != NULL)
		return c->id.user;
	snprintf(uid, sizeof(uid), "uid %u", (unsigned)c->id.uid);
	return uid;
}

/*
 * The request's line, before the caller learns anything (fail closed).  A
 * grant names the user only when a module asked for the name (user=-: the
 * uid is the identity); a refusal or failure asks now.
 */
static void audit(const char *verdict, const char *reason)
{
	struct caller *c = request.caller;
	const char *user;

	if (strcmp(verdict, "granted") == 0)
		user = c->name_asked ? c->id.user : "-";
	else
		user = caller_name(c, NULL, 0) == 0 ? c->id.user : NULL;
	if (log_request(user, c->id.uid, request.bridge, request.tap, verdict, request.module,
			reason) < 0)
		unlogged();
}

/* Log the request if it got that far, then say why; exit with STATUS. */
static void __attribute__((noreturn, format(printf, 2, 3))) fail(int status, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_sanitize(msg);
	if (request.caller)
		audit(status == EXIT_DENIED ? "denied" : "failed", request.detail ? request.detail :
		      status == EXIT_DENIED ? request.reason : msg);
	fprintf(stderr, PROG ": %s\n", msg);
	if (status == EXIT_USAGE)
		usage(stderr);
	if (status == EXIT_DENIED) /* the bridge name is valid: printable, no space */
		fprintf(stderr, PROG ": see: bridge-auth explain --bridge %s\n", request.bridge);
	exit(status);
}

static void timed_out(int sig)
{
	static const char msg[] = PROG ": the request took too long and was abandoned\n";

	(void)sig;
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	_exit(EXIT_INTERNAL);
}

/* Whatever the caller left us: standard fds, signals, environment, umask, cwd. */
static void scrub_process(void)
{
	struct sigaction alarm_action = { .sa_handler = timed_out };
	struct sigaction dfl = { .sa_handler = SIG_DFL };
	sigset_t none;

	/* Closed 0-2 would let the next open() become "stderr". */
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			_exit(EXIT_INTERNAL);
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		fail(EXIT_INTERNAL, "cannot make the process non-dumpable: %s", strerror(errno));
	for (int sig = 1; sig < NSIG; sig++)
		sigaction(sig, &dfl, NULL); /* fails harmlessly for KILL, STOP, and RT holes */
	sigemptyset(&none);
	/* Also replaces any alarm the caller left pending across exec. */
	if (sigaction(SIGALRM, &alarm_action, NULL) < 0)
		fail(EXIT_INTERNAL, "cannot set the request timeout: %s", strerror(errno));
	alarm(REQUEST_TIMEOUT);
	if (sigprocmask(SIG_SETMASK, &none, NULL) < 0 || clearenv() != 0 ||
	    setenv("PATH", SAFE_PATH, 1) < 0 || chdir("/") < 0)
		fail(EXIT_INTERNAL, "cannot reset the process state: %s", strerror(errno));
	umask(077);
}

/* The caller could open PATH (EINVAL: opened, but not a regular file: no contents). */
static bool caller_may_read(const struct bridge_auth_caller *c, const char *path)
{
	int fd = caller_open(c, path);

	if (fd < 0)
		return errno == EINVAL;
	close(fd);
	return true;
}

/*
 * Policy errors and module start-up errors quote the policy (settings,
 * module arguments).  A caller who may not read it is told where, not
 * what; the system log has it all.  (Asked only when there is something to
 * tell: a granted request pays nothing for it.)
 */
static void __attribute__((noreturn)) fail_policy(const struct bridge_auth_caller *c, const char *err)
{
	if (caller_may_read(c, POLICY_FILE))
		fail(EXIT_CONFIG, "policy: %s", err);
	request.detail = err;
	fail(EXIT_CONFIG, "policy: " POLICY_FILE " cannot be used (the system log says why)");
}

/*
 * A refusal quotes the policy (a module's file, group, service...).  A
 * caller who may not read the policy is told which module refused, not
 * why; the system log has the reason.
 */
static void set_reason(const struct policy *p, const struct stack_result *v,
		       const struct bridge_auth_caller *c)
{
	bool open_failed = false;

	request.reason = v->reason;
	if (v->granted || caller_may_read(c, POLICY_FILE))
		return;
	for (size_t i = 0; i < p->n; i++)
		open_failed |= p->entries[i].open_failed;
	request.detail = v->reason;
	request.reason = open_failed ? "a module could not start (the system log says why)" :
			 v->decider != STACK_NO_ENTRY ? "the system log says why" :
			 "no module allowed it (the system log says why)";
}

/* Keep 0-2 and the socket; every other inherited descriptor goes. */
static void close_inherited_fds(int keep)
{
	if (keep > 3 && close_range(3, (unsigned)keep - 1, 0) < 0)
		fail(EXIT_INTERNAL, "cannot close inherited descriptors: %s", strerror(errno));
	if (close_range((unsigned)keep + 1, ~0U, 0) < 0)
		fail(EXIT_INTERNAL, "cannot close inherited descriptors: %s", strerror(errno));
}

static void check_socket(int fd)
{
	int type = 0, domain = 0, listening = 1;
	socklen_t len = sizeof(int), len2 = sizeof(int), len3 = sizeof(int);
	struct sockaddr_storage peer;
	socklen_t peerlen = sizeof(peer);
	struct stat st;

	if (fstat(fd, &st) < 0)
		fail(EXIT_USAGE, "--fd=%d: not an open file descriptor", fd);
	if (!S_ISSOCK(st.st_mode) || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len2) < 0 ||
	    getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len3) < 0 ||
	    domain != AF_UNIX || type != SOCK_STREAM || listening ||
	    getpeername(fd, (struct sockaddr *)&peer, &peerlen) < 0)
		fail(EXIT_USAGE, "--fd=%d: not a connected unix stream socket", fd);
}

/*
 * Irrevocably become the caller, keeping CAP_NET_ADMIN only; check that it
 * held.  As root: no supplementary groups (nothing after the drop needs
 * them), an empty bounding set; then the ids, the permitted set kept across
 * setresuid (PR_SET_KEEPCAPS); then libcap-ng applies CAP_NET_ADMIN alone.
 * (capng_change_id() does the same but reads /proc/self/status four times:
 * 0.18 ms a request.)
 */
static void drop_privileges(const struct bridge_auth_caller *c)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct caps[2] = { { 0 } }; /* valgrind sees only caps[0] written */
	uid_t ruid, euid, suid;
	gid_t rgid, egid, sgid;
	int cap, last;

	if (setgroups(0, NULL) < 0)
		fail(EXIT_PRIVILEGE, "cannot drop the supplementary groups: %s", strerror(errno));
	for (cap = 0; prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0; cap++)
		; /* EINVAL past the kernel's last capability */
	last = cap - 1;
	if (errno != EINVAL || last < CAP_NET_ADMIN || prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 ||
	    setresgid(c->gid, c->gid, c->gid) < 0 || setresuid(c->uid, c->uid, c->uid) < 0 ||
	    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
		fail(EXIT_PRIVILEGE, "cannot drop privileges to uid %u: %s", (unsigned)c->uid,
		     strerror(errno));
	capng_clear(CAPNG_SELECT_CAPS);
	if (capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED, CAP_NET_ADMIN) < 0 ||
	    capng_apply(CAPNG_SELECT_CAPS) != 0)
		fail(EXIT_PRIVILEGE, "cannot drop privileges to uid %u", (unsigned)c->uid);
	/* Checked from the kernel's answers (capget, not libcap-ng's state). */
	if (getresuid(&ruid, &euid, &suid) < 0 || getresgid(&rgid, &egid, &sgid) < 0 ||
	    ruid != c->uid || euid != c->uid || suid != c->uid || rgid != c->gid ||
	    egid != c->gid || sgid != c->gid || getgroups(0, NULL) != 0 ||
	    (c->uid != 0 && setuid(0) == 0) || syscall(SYS_capget, &hdr, caps) != 0 ||
	    caps[0].effective != 1U << CAP_NET_ADMIN || caps[0].permitted != 1U << CAP_NET_ADMIN ||
	    caps[0].inheritable != 0 || caps[1].effective != 0 || caps[1].permitted != 0 ||
	    caps[1].inheritable != 0 || prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) != 0 ||
	    prctl(PR_SET_DUMPABLE, 0) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		fail(EXIT_PRIVILEGE, "privileges were not dropped as required; stopping");
	for (cap = 0; cap <= last; cap++)
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 0)
			fail(EXIT_PRIVILEGE, "privileges were not dropped as required; stopping");
}

int main(int argc, char **argv)
{
	struct policy_source source = { POLICY_FILE, MODULEDIR, 0, NULL };
	struct helper_args args;
	struct caller caller;
	struct policy policy;
	struct bridge_auth_request req;
	struct stack_result verdict;
	struct port_settings port;
	char err[1024], tap[IFNAMSIZ] = "", decider[64] = "";
	int tunfd, rc;

	if (argc < 1 || argv[0] == NULL)
		_exit(EXIT_USAGE); /* no argv at all: nothing to trust (CVE-2021-4034) */
	scrub_process();
	if (args_parse(argc, argv, &args, err, sizeof(err)) < 0)
		fail(EXIT_USAGE, "%s", err);
	if (args.action == ACTION_HELP) {
		usage(stdout);
		return fflush(stdout) == 0 ? EXIT_GRANTED : EXIT_INTERNAL;
	}
	if (args.action == ACTION_VERSION) {
		printf(PROG " (" PACKAGE_NAME ") " PACKAGE_VERSION "\npolicy: " POLICY_FILE
		       "\nmodules: " MODULEDIR "\nmodule ABI: %u.%u\n",
		       BRIDGE_AUTH_ABI_MAJOR, BRIDGE_AUTH_ABI_MINOR);
		return fflush(stdout) == 0 ? EXIT_GRANTED : EXIT_INTERNAL;
	}
	close_inherited_fds(args.fd);
	check_socket(args.fd);
	if (geteuid() != 0)
		fail(EXIT_PRIVILEGE, "not running with root privileges: the helper must be "
				     "installed setuid root (chown root; chmod u+s)");

	if (caller_identify(&caller, err, sizeof(err)) < 0)
		fail(EXIT_INTERNAL, "cannot identify the caller: %s", err);
	if (log_open(PROG, LOG_SOCKET) < 0) /* before the drop; kept */
		unlogged();
	request.caller = &caller;
	request.bridge = source.bridge = args.bridge;
	stack_set_namer(caller_namer, &caller); /* names only for modules that need them */

	if (policy_load(&source, &policy, err, sizeof(err)) < 0)
		fail_policy(&caller.id, err);
	req = (struct bridge_auth_request){ .caller = &caller.id, .bridge = args.bridge };
	stack_run(&policy, &req, &verdict, NULL);
	if (verdict.decider != STACK_NO_ENTRY) {
		snprintf(decider, sizeof(decider), "%s", policy.entries[verdict.decider].module);
		request.module = decider;
	}
	set_reason(&policy, &verdict, &caller.id);
	sections_port(&policy, &port);
	policy_release(&policy); /* modules closed while still root, as they were opened */
	if (!verdict.granted) {
		if (request.module)
			fail(EXIT_DENIED, "access to bridge %s denied for %s by module %s: %s",
			     args.bridge, who(&caller), request.module, request.reason);
		fail(EXIT_DENIED, "access to bridge %s denied for %s: %s", args.bridge,
		     who(&caller), request.reason);
	}

	/* Opened as root because distros differ (0666 or 0600); used only after the drop. */
	tunfd = tun_open(err, sizeof(err));
	if (tunfd < 0)
		fail(EXIT_NETWORK, "%s", err);
	drop_privileges(&caller.id);

	request.tap = tap;
	rc = tap_attach(tunfd, &(struct tap_config){ args.bridge, args.use_vnet, caller.id.uid, &port },
			tap, err, sizeof(err));
	if (rc != 0)
		fail(rc, "%s", request.reason = err);
	audit("granted", verdict.reason);
	if (send_fd(args.fd, tunfd, err, sizeof(err)) < 0)
		fail(EXIT_NETWORK, "%s", err); /* logged again: failed */
	caller_free(&caller); /* nothing owed at exit: sanitized builds check that */
	return EXIT_GRANTED;
}
