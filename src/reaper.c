/*
 * bridge-auth-reaper: delete, as soon as the kernel announces it, every tap
 * qemu-bridge-helper made whose holder made it persistent (TUNSETPERSIST),
 * so that requests need not look for them (DESIGN §11).
 *
 * main(), top to bottom: listen, lock, reap what is there, then reap each
 * tap the kernel announces as persistent.  Root, in the foreground (systemd
 * Type=simple); SIGTERM and SIGINT end it with status 0, and the kernel
 * drops its lock however it ends.  Taps without the helper's mark (mark.h)
 * are never touched.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "mark.h"
#include "netlink.h"
#include "watch.h"

#define PROG "bridge-auth-reaper"
#define EVENT_BUFFER (4 * 1024 * 1024) /* bytes of notifications queued while we delete */

static bool logging;

static void usage(FILE *out)
{
	fprintf(out, "Usage: " PROG "\n"
		     "       " PROG " --help | --version\n"
		     "Delete every tap made by qemu-bridge-helper as soon as its holder makes it\n"
		     "persistent; runs as root in the foreground, until SIGTERM.\n"
		     "See bridge-auth-reaper(8).\n");
}

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (logging)
		(void)log_line(LOG_ERR, "stopping: %s", msg);
	fprintf(stderr, PROG ": %s\n", msg);
	exit(EXIT_FAILURE);
}

static void stop(int sig)
{
	(void)sig;
	_exit(EXIT_SUCCESS); /* nothing to undo: the kernel drops the lock */
}

/* One line per tap, in the words of `bridge-auth reap`. */
static void report(const struct nl_link *l, const struct mark *m, int error)
{
	struct passwd pw, *found = NULL;
	char buf[4096], user[32];
	const char *name = user;

	if (error) {
		(void)log_line(LOG_ERR, "cannot remove %s: %s", l->name, strerror(error));
		return;
	}
	snprintf(user, sizeof(user), "uid %u", (unsigned)m->uid);
	if (getpwuid_r(m->uid, &pw, buf, sizeof(buf), &found) == 0 && found)
		name = found->pw_name;
	(void)log_line(LOG_NOTICE, "removed %s (persistent; requested by %s for %s)", l->name, name,
		       m->bridge);
}

static void reaped(void *ctx, const struct nl_link *l, const struct mark *m, int error)
{
	(void)ctx;
	report(l, m, error);
}

/* Every marked persistent tap of the namespace: one dump. */
static void reap_all(struct nl *nl)
{
	char err[512];
	unsigned n;

	if (mark_reap(nl, &n, reaped, NULL, err, sizeof(err)) < 0)
		die("%s", err);
}

/* An announced link: a tap of ours, persistent?  Then it goes now. */
static int announced(void *ctx, const struct nl_link *l)
{
	struct nl *nl = ctx;
	struct mark m;

	if (strcmp(l->kind, "tun") != 0 || !l->tun_persist || !mark_parse(l->alias, &m))
		return 0;
	if (nl_link_del(nl, l->index) == 0)
		report(l, &m, 0);
	else if (errno != ENODEV) /* gone already: announced again while it went */
		report(l, &m, errno);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = stop };
	char err[512], lock[PATH_MAX];
	struct nl *events, *nl;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf(PROG " (" PACKAGE_NAME ") " PACKAGE_VERSION "\nlock: " RUNSTATEDIR
		       "/bridge-auth-reaper.NETNS.lock\n");
		return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
	}
	if (argc > 1) {
		fprintf(stderr, PROG ": unknown argument '%s'\n", argv[1]);
		usage(stderr);
		return 2;
	}
	if (getuid() != 0 || geteuid() != 0)
		die("only root may run it: it deletes network devices and keeps its lock in "
		    RUNSTATEDIR);
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGINT, &sa, NULL) < 0)
		die("cannot handle SIGTERM: %s", strerror(errno));
	umask(022);
	if (log_open(PROG, LOG_SOCKET) < 0)
		die("cannot write to the system log (" LOG_SOCKET ": %s)", strerror(errno));
	logging = true;

	/* Listening first: from here on no tap becomes persistent unannounced. */
	events = nl_open_link_events(EVENT_BUFFER, err, sizeof(err));
	if (events == NULL || (nl = nl_open(err, sizeof(err))) == NULL)
		die("%s", err);
	/* Then the lock: requests in this namespace stop looking... */
	if (watch_lock_path(events, lock, sizeof(lock)) < 0)
		die("cannot tell which network namespace this is: %s", strerror(errno));
	if (watch_lock_take(lock, err, sizeof(err)) < 0)
		die("%s", err);
	/* ...so what became persistent before goes now. */
	reap_all(nl);
	(void)log_line(LOG_INFO, "watching for persistent taps (lock %s)", lock);

	for (;;) {
		if (nl_link_events(events, announced, nl) == 0 || errno == EINTR)
			continue;
		if (errno != ENOBUFS && errno != EPROTO && errno != ENOSPC)
			die("cannot read the network devices' changes: %s", strerror(errno));
		/* Announcements were lost: any tap may be among them. */
		(void)log_line(LOG_WARNING, "changes of network devices were lost (%s): "
					    "looking at every tap again", strerror(errno));
		reap_all(nl);
	}
}
