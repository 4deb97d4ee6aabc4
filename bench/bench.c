/*
 * bench: time bridge helpers the way QEMU calls them (bench/run.sh drives it).
 *
 *   bench [options] --row=NAME:HELPER:USER:CONF ... [--conc=NAME:HELPER:USER:CONF ...]
 *
 * A request is what QEMU does for one NIC: socketpair(AF_UNIX, SOCK_STREAM),
 * fork, and execve(HELPER, --use-vnet --fd=N --br=BRIDGE) in the child; the
 * parent reads the socket to EOF (the tap fd arrives by SCM_RIGHTS) and
 * waits for the helper to exit.  As QEMU is a process of its user, every
 * request is made by a "caller" process that became USER (groups, gid, uid:
 * unprivileged) once, before the first request: the driver (root, which
 * installs the policies) tells the caller of each row what to run over a
 * pipe and reads back the figures.  So setting 1,000 groups, which costs the
 * kernel about 0.25 ms, is not counted in every request of that user.  The time is CLOCK_MONOTONIC from just
 * before fork() to waitpid() returning.  Then, untimed: the request must
 * have exited 0 and sent exactly one fd on which TUNGETIFF works, else the
 * benchmark stops; the fd is closed, which tears the tap down.
 *
 * CONF ("-" for none) is a file installed as the policy (--policy, by a hard
 * link and rename(), untimed) before each request of the row, so rows with
 * different stacks can be interleaved.
 *
 * Sequential rows (--row) are interleaved: each round runs one request of
 * every row, starting at a different row each round, so drift and noise
 * from other work on the machine hit all rows alike.  --warmup rounds are
 * run first and not counted.
 *
 * Concurrent rows (--conc): bursts of --burst requests with --inflight of
 * them in flight at once (one driver keeps that many helpers running: as
 * many QEMUs starting together); throughput is requests per second from the
 * first fork to the last exit, every tap fd kept open until the burst ends
 * (teardown untimed).  Bursts of the rows alternate, --conc-rounds rounds.
 *
 * Output: one table (median, p10, p90 in ms; ratios of medians to the rows
 * named by --ref-qemu and --ref-floor; the medians of the helper's page
 * faults and user + system CPU time, from wait4()) and one line per --target:
 *   --target=ROW:REF:MAX   median(ROW) <= MAX * median(REF)
 *   --target-tput=ROW:REF:MIN   median throughput(ROW) >= MIN * that of REF
 * --phases passes BENCH_T0=<CLOCK_MONOTONIC ns just before fork> in the
 * helper's environment, for a build instrumented to print its phases
 * (docs/performance.md, "Where the time goes").  --summary=FILE writes one
 * line per sequential row, "NAME N MEDIAN P10 P90" (tab-separated, ms), for
 * run.sh's own tables.
 *
 *   bench --hold=MAX --bridge=BRIDGE --row=NAME:HELPER:USER:-
 *
 * is the holder of a busy host's taps instead: it becomes USER (as a caller
 * does), then reads counts from stdin, one a line; for each K it makes K
 * more requests of the row, keeps their tap fds open (up to MAX in all:
 * RLIMIT_NOFILE is raised for them) and prints "held TOTAL".  At EOF it
 * closes them all (the taps go) and exits 0.  The policy is whatever is
 * installed when a count is sent (the holder, no longer root, installs none).
 *
 * Exit status: 0 when every target holds, 1 when one fails, 2 when the
 * benchmark itself could not run (a request failed, bad arguments).
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_ROWS 32
#define MAX_TARGETS 32

struct row {
	char *name, *helper, *user, *conf; /* conf NULL: leave the policy alone */
	uid_t uid;
	gid_t gid;
	gid_t *groups;
	int ngroups;
	double *v; /* samples: ms (sequential) or requests/s (concurrent) */
	double *faults, *cpu; /* sequential: the helper's page faults and CPU ms (wait4) */
	size_t n;
	struct caller *caller; /* the process that makes this row's requests */
};

/* A process of one user that makes requests on the driver's word. */
struct caller {
	uid_t uid;
	pid_t pid;
	int cmd, res; /* driver -> caller: struct order; caller -> driver: struct figures */
};

struct order {
	int conc; /* 0: one request of rows[row]; 1: one burst of concs[row] */
	int row;
};

struct figures {
	double value; /* ms (request) or requests/s (burst) */
	double faults, cpu;
};

struct target {
	char *row, *ref;
	double limit;
	int tput;
};

static struct row rows[MAX_ROWS], concs[MAX_ROWS];
static int nrows, nconcs;
static struct caller callers[2 * MAX_ROWS];
static int ncallers;
static struct target targets[MAX_TARGETS];
static int ntargets;
static const char *bridge = "br0", *policy = NULL, *ref_qemu, *ref_floor, *raw_path;
static int rounds = 300, warmup = 10, burst_size = 320, inflight = 64, conc_rounds = 10;
static char *child_env[] = { "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/", "LANG=C", NULL, NULL };
static int phases; /* --phases: pass BENCH_T0 (the fork time, ns) to instrumented helpers */

static void __attribute__((noreturn, format(printf, 1, 2))) die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fputs("bench: ", stderr);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* NAME:HELPER:USER:CONF */
static void parse_row(struct row *r, char *spec)
{
	struct passwd *pw;
	char *f[4];
	int n;

	for (int i = 0; i < 4; i++) {
		f[i] = strsep(&spec, ":");
		if (f[i] == NULL || (i < 3 && *f[i] == '\0'))
			die("a row is NAME:HELPER:USER:CONF ('-' for no CONF)");
	}
	r->name = f[0];
	r->helper = f[1];
	r->user = f[2];
	r->conf = strcmp(f[3], "-") == 0 ? NULL : f[3];
	if (access(r->helper, X_OK) < 0)
		die("%s: %s: %s", r->name, r->helper, strerror(errno));
	pw = getpwnam(r->user);
	if (pw == NULL)
		die("%s: no user %s", r->name, r->user);
	r->uid = pw->pw_uid;
	r->gid = pw->pw_gid;
	n = 0;
	getgrouplist(r->user, r->gid, NULL, &n);
	r->groups = calloc((size_t)n + 1, sizeof(gid_t));
	if (r->groups == NULL || getgrouplist(r->user, r->gid, r->groups, &n) < 0)
		die("%s: cannot read the groups of %s", r->name, r->user);
	r->ngroups = n;
	if (r->uid == 0)
		die("%s: the caller must not be root", r->name);
}

static void parse_target(char *spec, int tput)
{
	struct target *t = &targets[ntargets++];
	char *lim;

	if (ntargets > MAX_TARGETS)
		die("too many targets");
	t->row = strsep(&spec, ":");
	t->ref = strsep(&spec, ":");
	lim = strsep(&spec, ":");
	if (t->ref == NULL || lim == NULL)
		die("a target is ROW:REF:LIMIT");
	t->limit = strtod(lim, NULL);
	t->tput = tput;
}

static void install_policy(const struct row *r)
{
	static const struct row *installed;
	char tmp[4096];

	if (r->conf == NULL || installed == r)
		return;
	snprintf(tmp, sizeof(tmp), "%s.bench-new", policy);
	unlink(tmp);
	if (link(r->conf, tmp) < 0 || rename(tmp, policy) < 0)
		die("%s: cannot install %s as %s: %s", r->name, r->conf, policy, strerror(errno));
	installed = r;
}

/* fork + exec the helper on socket SOCK (in a caller process).  Returns the pid. */
static pid_t spawn(const struct row *r, int sock)
{
	char fdarg[32], brarg[64];
	char *argv[] = { r->helper, "--use-vnet", fdarg, brarg, NULL };
	pid_t pid;

	snprintf(fdarg, sizeof(fdarg), "--fd=%d", sock);
	snprintf(brarg, sizeof(brarg), "--br=%s", bridge);
	if (phases) {
		static char t0[64];
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		snprintf(t0, sizeof(t0), "BENCH_T0=%lld", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
		child_env[3] = t0;
	}
	pid = fork();
	if (pid < 0)
		die("fork: %s", strerror(errno));
	if (pid == 0) {
		execve(r->helper, argv, child_env);
		_exit(127);
	}
	return pid;
}

/* Read SOCK; store a received fd in *FD (more than one: *FD = -2).  0 at EOF, 1 if more to read. */
static int receive(int sock, int *fd)
{
	union {
		char buf[CMSG_SPACE(4 * sizeof(int))];
		struct cmsghdr align;
	} ctl;
	char data[64];
	struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
	ssize_t n;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		die("recvmsg: %s", strerror(errno));
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		for (size_t k = 0; k < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); k++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
			if (*fd != -1) {
				close(got);
				if (*fd >= 0)
					close(*fd);
				*fd = -2;
			} else {
				*fd = got;
			}
		}
	}
	return n != 0;
}

static void reap(const struct row *r, pid_t pid, int fd, struct rusage *ru)
{
	struct rusage ignored;
	int status;

	while (wait4(pid, &status, 0, ru ? ru : &ignored) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		die("%s: %s exited with status %d (signal %d): not granted; see its message above",
		    r->name, r->helper, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		    WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	if (fd < 0)
		die("%s: %s exited 0 but sent %s", r->name, r->helper, fd == -1 ? "no fd" : "several fds");
}

static void check_tap(const struct row *r, int fd)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr) < 0 || !(ifr.ifr_flags & IFF_TAP))
		die("%s: the fd %s sent is not a tap", r->name, r->helper);
}

static void socks(int sv[2])
{
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair: %s", strerror(errno));
	if (fcntl(sv[1], F_SETFD, 0) < 0) /* the helper's end survives exec, as QEMU leaves it */
		die("fcntl: %s", strerror(errno));
}

/* One timed request; returns ms, and what the helper cost in *RU.  The tap's
 * fd goes to *KEEP when KEEP is not NULL, else it is closed. */
static double request(const struct row *r, struct rusage *ru, int *keep)
{
	int sv[2], fd = -1;
	double t0, t1;
	pid_t pid;

	socks(sv);
	t0 = now_ms();
	pid = spawn(r, sv[1]);
	close(sv[1]);
	while (receive(sv[0], &fd))
		;
	reap(r, pid, fd, ru);
	t1 = now_ms();
	close(sv[0]);
	check_tap(r, fd);
	if (keep != NULL)
		*keep = fd;
	else
		close(fd); /* tap teardown: untimed */
	return t1 - t0;
}

/* One burst: BURST requests, INFLIGHT at a time; returns requests per second. */
static double burst(const struct row *r)
{
	struct slot {
		pid_t pid;
		int sock, fd;
	} *slot = calloc((size_t)inflight, sizeof(*slot));
	struct pollfd *pfd = calloc((size_t)inflight, sizeof(*pfd));
	int *taps = calloc((size_t)burst_size, sizeof(int));
	int started = 0, done = 0, active = 0;
	double t0, t1;

	if (slot == NULL || pfd == NULL || taps == NULL)
		die("out of memory");
	for (int i = 0; i < inflight; i++)
		slot[i].pid = 0;
	t0 = now_ms();
	while (done < burst_size) {
		for (int i = 0; i < inflight && started < burst_size; i++) {
			int sv[2];

			if (slot[i].pid != 0)
				continue;
			socks(sv);
			slot[i].pid = spawn(r, sv[1]);
			close(sv[1]);
			slot[i].sock = sv[0];
			slot[i].fd = -1;
			started++;
			active++;
		}
		for (int i = 0; i < inflight; i++) {
			pfd[i].fd = slot[i].pid ? slot[i].sock : -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, (nfds_t)inflight, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll: %s", strerror(errno));
		}
		for (int i = 0; i < inflight; i++) {
			if (slot[i].pid == 0 || pfd[i].revents == 0)
				continue;
			if (receive(slot[i].sock, &slot[i].fd))
				continue;
			reap(r, slot[i].pid, slot[i].fd, NULL);
			close(slot[i].sock);
			taps[done++] = slot[i].fd;
			slot[i].pid = 0;
			active--;
		}
	}
	t1 = now_ms();
	for (int i = 0; i < done; i++) {
		check_tap(r, taps[i]);
		close(taps[i]);
	}
	free(slot);
	free(pfd);
	free(taps);
	return burst_size / ((t1 - t0) / 1e3);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The Q-quantile of the N values V (sorted in place), by linear interpolation. */
static double quantile_of(double *v, size_t n, double q)
{
	double pos, frac;
	size_t i;

	if (n == 0)
		return 0;
	qsort(v, n, sizeof(double), cmp_double);
	pos = q * (double)(n - 1);
	i = (size_t)pos;
	frac = pos - (double)i;
	return i + 1 < n ? v[i] * (1 - frac) + v[i + 1] * frac : v[i];
}

static double quantile(struct row *r, double q)
{
	return quantile_of(r->v, r->n, q);
}

static struct row *find(struct row *set, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(set[i].name, name) == 0)
			return &set[i];
	return NULL;
}

static void progress(const char *what, int done, int total)
{
	if (isatty(STDERR_FILENO))
		fprintf(stderr, "\r%s %d/%d", what, done, total);
	else if (done == total || done % 100 == 0)
		fprintf(stderr, "%s %d/%d\n", what, done, total);
	if (done == total && isatty(STDERR_FILENO))
		fputc('\n', stderr);
}

/* Exactly LEN bytes from/to FD; 0, or -1 at EOF or on error. */
static int full_io(int fd, void *buf, size_t len, int writing)
{
	char *p = buf;

	while (len > 0) {
		ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Become R's user: an unprivileged process, as QEMU is (no uid 0 anywhere, so no capabilities). */
static void become(const struct row *r)
{
	if (setgroups((size_t)r->ngroups, r->groups) < 0 || setresgid(r->gid, r->gid, r->gid) < 0 ||
	    setresuid(r->uid, r->uid, r->uid) < 0)
		die("cannot become %s: %s", r->user, strerror(errno));
}

/* The caller process: become R's user once, then run orders until EOF. */
static void __attribute__((noreturn)) caller_main(const struct row *r, int cmd, int res)
{
	struct order o;

	become(r);
	while (full_io(cmd, &o, sizeof(o), 0) == 0) {
		struct figures f = { 0 };
		struct rusage ru;

		if (o.conc) {
			f.value = burst(&concs[o.row]);
		} else {
			f.value = request(&rows[o.row], &ru, NULL);
			f.faults = (double)ru.ru_minflt + (double)ru.ru_majflt;
			f.cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
				(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
		}
		if (full_io(res, &f, sizeof(f), 1) < 0)
			die("cannot report to the driver: %s", strerror(errno));
	}
	exit(0);
}

/* One caller process per user of the rows R[0..N-1]. */
static void start_callers(struct row *r, int n)
{
	for (int i = 0; i < n; i++) {
		int cmd[2], res[2];
		struct caller *c = NULL;

		for (int k = 0; k < ncallers && c == NULL; k++)
			if (callers[k].uid == r[i].uid)
				c = &callers[k];
		if (c != NULL) {
			r[i].caller = c;
			continue;
		}
		c = &callers[ncallers++];
		if (pipe2(cmd, O_CLOEXEC) < 0 || pipe2(res, O_CLOEXEC) < 0)
			die("pipe: %s", strerror(errno));
		fflush(NULL);
		c->uid = r[i].uid;
		c->pid = fork();
		if (c->pid < 0)
			die("fork: %s", strerror(errno));
		if (c->pid == 0) {
			for (int k = 0; k < ncallers - 1; k++) {
				close(callers[k].cmd);
				close(callers[k].res);
			}
			close(cmd[1]);
			close(res[0]);
			caller_main(&r[i], cmd[0], res[1]);
		}
		close(cmd[0]);
		close(res[1]);
		c->cmd = cmd[1];
		c->res = res[0];
		r[i].caller = c;
	}
}

/* Install the policy of R and have its caller run one request (or burst). */
static struct figures ask(struct row *r, int conc)
{
	struct order o = { conc, (int)(r - (conc ? concs : rows)) };
	struct figures f;

	install_policy(r);
	if (full_io(r->caller->cmd, &o, sizeof(o), 1) < 0 ||
	    full_io(r->caller->res, &f, sizeof(f), 0) < 0)
		die("%s: the caller process of %s stopped (see its message above)", r->name, r->user);
	return f;
}

static void stop_callers(void)
{
	for (int k = 0; k < ncallers; k++) {
		int status;

		close(callers[k].cmd);
		close(callers[k].res);
		if (waitpid(callers[k].pid, &status, 0) < 0 || !WIFEXITED(status) ||
		    WEXITSTATUS(status) != 0)
			die("a caller process failed");
	}
}

/* At least NEED open files (root may raise the hard limit too). */
static void raise_nofile(rlim_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("getrlimit: %s", strerror(errno));
	if (rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max > need ? rl.rlim_max : need;
	if (rl.rlim_max < need)
		rl.rlim_max = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("cannot raise RLIMIT_NOFILE to %llu: %s", (unsigned long long)need, strerror(errno));
}

/* --hold: keep up to MAX taps of row R open, K more for each count read on stdin. */
static int hold(struct row *r, int max)
{
	int *fds = calloc((size_t)max + 1, sizeof(int));
	char line[64];
	int held = 0;

	if (fds == NULL)
		die("out of memory");
	raise_nofile((rlim_t)max + 64);
	become(r);
	while (fgets(line, sizeof(line), stdin) != NULL) {
		char *end;
		long k = strtol(line, &end, 10);

		if (end == line || (*end != '\n' && *end != '\0') || k < 0 || k > max - held)
			die("--hold: '%.*s' is not a count of taps from 0 to %d", (int)strcspn(line, "\n"),
			    line, max - held);
		for (long i = 0; i < k; i++)
			(void)request(r, NULL, &fds[held++]);
		printf("held %d\n", held);
		if (fflush(stdout) == EOF)
			die("--hold: cannot answer: %s", strerror(errno));
	}
	for (int i = 0; i < held; i++)
		close(fds[i]);
	free(fds);
	return 0;
}

/* --summary: NAME N MEDIAN P10 P90 of each sequential row, tab-separated. */
static void summary(const char *path)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		die("%s: %s", path, strerror(errno));
	for (int i = 0; i < nrows; i++)
		fprintf(f, "%s\t%zu\t%.4f\t%.4f\t%.4f\n", rows[i].name, rows[i].n,
			quantile(&rows[i], 0.5), quantile(&rows[i], 0.1), quantile(&rows[i], 0.9));
	if (fclose(f) == EOF)
		die("%s: %s", path, strerror(errno));
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "row", required_argument, NULL, 'r' },
		{ "conc", required_argument, NULL, 'c' },
		{ "policy", required_argument, NULL, 'p' },
		{ "bridge", required_argument, NULL, 'b' },
		{ "rounds", required_argument, NULL, 'n' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "burst", required_argument, NULL, 'B' },
		{ "inflight", required_argument, NULL, 'i' },
		{ "conc-rounds", required_argument, NULL, 'R' },
		{ "ref-qemu", required_argument, NULL, 'q' },
		{ "ref-floor", required_argument, NULL, 'f' },
		{ "target", required_argument, NULL, 't' },
		{ "target-tput", required_argument, NULL, 'T' },
		{ "raw", required_argument, NULL, 'o' },
		{ "phases", no_argument, NULL, 'P' },
		{ "summary", required_argument, NULL, 's' },
		{ "hold", required_argument, NULL, 'H' },
		{ NULL, 0, NULL, 0 },
	};
	struct row *q, *fl;
	const char *summary_path = NULL;
	FILE *raw = NULL;
	int opt, failed = 0, hold_max = -1;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'r':
			if (nrows == MAX_ROWS)
				die("too many rows");
			parse_row(&rows[nrows++], optarg);
			break;
		case 'c':
			if (nconcs == MAX_ROWS)
				die("too many rows");
			parse_row(&concs[nconcs++], optarg);
			break;
		case 'p': policy = optarg; break;
		case 'b': bridge = optarg; break;
		case 'n': rounds = atoi(optarg); break;
		case 'w': warmup = atoi(optarg); break;
		case 'B': burst_size = atoi(optarg); break;
		case 'i': inflight = atoi(optarg); break;
		case 'R': conc_rounds = atoi(optarg); break;
		case 'q': ref_qemu = optarg; break;
		case 'f': ref_floor = optarg; break;
		case 't': parse_target(optarg, 0); break;
		case 'T': parse_target(optarg, 1); break;
		case 'o': raw_path = optarg; break;
		case 'P': phases = 1; break;
		case 's': summary_path = optarg; break;
		case 'H': hold_max = atoi(optarg); break;
		default: die("unknown option (see the comment at the top of bench/bench.c)");
		}
	}
	if (hold_max >= 0) {
		if (nrows != 1 || nconcs != 0 || rows[0].conf)
			die("--hold takes one --row, with no CONF");
		return hold(&rows[0], hold_max);
	}
	if (nrows == 0 || rounds < 1 || warmup < 0 || burst_size < 1 || inflight < 1 || conc_rounds < 0)
		die("nothing to do, or a bad count");
	for (int i = 0; i < nrows; i++)
		if (rows[i].conf && !policy)
			die("--policy is needed for rows with a CONF");
	/* BURST tap fds and INFLIGHT sockets at once. */
	raise_nofile((rlim_t)burst_size + 2 * (rlim_t)inflight + 64);
	for (int i = 0; i < nrows; i++)
		if ((rows[i].v = calloc((size_t)rounds, sizeof(double))) == NULL ||
		    (rows[i].faults = calloc((size_t)rounds, sizeof(double))) == NULL ||
		    (rows[i].cpu = calloc((size_t)rounds, sizeof(double))) == NULL)
			die("out of memory");
	for (int i = 0; i < nconcs; i++)
		if ((concs[i].v = calloc((size_t)conc_rounds + 1, sizeof(double))) == NULL)
			die("out of memory");

	start_callers(rows, nrows);
	start_callers(concs, nconcs);
	for (int w = 0; w < warmup; w++)
		for (int i = 0; i < nrows; i++)
			(void)ask(&rows[i], 0);
	for (int k = 0; k < rounds; k++) {
		for (int j = 0; j < nrows; j++) {
			struct row *r = &rows[(j + k) % nrows];
			struct figures f = ask(r, 0);

			r->v[r->n] = f.value;
			r->faults[r->n] = f.faults;
			r->cpu[r->n] = f.cpu;
			r->n++;
		}
		progress("sequential rounds", k + 1, rounds);
	}
	for (int k = 0; k < conc_rounds; k++) {
		for (int j = 0; j < nconcs; j++) {
			struct row *r = &concs[(j + k) % nconcs];

			r->v[r->n++] = ask(r, 1).value;
		}
		progress("concurrent rounds", k + 1, conc_rounds);
	}

	stop_callers();
	if (raw_path && (raw = fopen(raw_path, "w")) == NULL)
		die("%s: %s", raw_path, strerror(errno));
	for (int i = 0; raw && i < nrows; i++)
		for (size_t k = 0; k < rows[i].n; k++)
			fprintf(raw, "%s\t%zu\t%.4f\t%.0f\t%.3f\n", rows[i].name, k, rows[i].v[k],
				rows[i].faults[k], rows[i].cpu[k]);
	for (int i = 0; raw && i < nconcs; i++)
		for (size_t k = 0; k < concs[i].n; k++)
			fprintf(raw, "%s\t%zu\t%.1f\n", concs[i].name, k, concs[i].v[k]);
	if (raw)
		fclose(raw);
	if (summary_path)
		summary(summary_path);

	q = ref_qemu ? find(rows, nrows, ref_qemu) : NULL;
	fl = ref_floor ? find(rows, nrows, ref_floor) : NULL;
	printf("\n%-30s %5s %9s %9s %9s %8s %8s %8s %8s\n", "sequential (ms per request)", "n",
	       "median", "p10", "p90", "x qemu", "x floor", "faults", "cpu ms");
	for (int i = 0; i < nrows; i++) {
		struct row *r = &rows[i];
		double med = quantile(r, 0.5);

		printf("%-30s %5zu %9.3f %9.3f %9.3f", r->name, r->n, med, quantile(r, 0.1),
		       quantile(r, 0.9));
		if (q)
			printf(" %8.2f", med / quantile(q, 0.5));
		if (fl)
			printf(" %8.2f", med / quantile(fl, 0.5));
		/* Medians of the helper's own rusage: page faults, user + system CPU. */
		printf(" %8.0f %8.3f\n", quantile_of(r->faults, r->n, 0.5), quantile_of(r->cpu, r->n, 0.5));
	}
	if (nconcs) {
		struct row *qc = ref_qemu ? find(concs, nconcs, ref_qemu) : NULL;

		printf("\n%-30s %5s %9s %9s %9s %8s   (%d in flight, %d requests per burst)\n",
		       "concurrent (requests/s)", "bursts", "median", "min", "max", "x qemu", inflight,
		       burst_size);
		for (int i = 0; i < nconcs; i++) {
			struct row *r = &concs[i];
			double med = quantile(r, 0.5);

			printf("%-30s %5zu %9.0f %9.0f %9.0f", r->name, r->n, med, quantile(r, 0),
			       quantile(r, 1));
			if (qc)
				printf(" %8.2f", med / quantile(qc, 0.5));
			printf("\n");
		}
	}
	if (ntargets)
		printf("\ntargets (ratios of medians, this run)\n");
	for (int i = 0; i < ntargets; i++) {
		struct target *t = &targets[i];
		struct row *a = find(t->tput ? concs : rows, t->tput ? nconcs : nrows, t->row);
		struct row *b = find(t->tput ? concs : rows, t->tput ? nconcs : nrows, t->ref);
		double ratio;
		int ok;

		if (a == NULL || b == NULL) {
			printf("  ?     %s vs %s: no such row\n", t->row, t->ref);
			failed = 1;
			continue;
		}
		ratio = quantile(a, 0.5) / quantile(b, 0.5);
		ok = t->tput ? ratio >= t->limit : ratio <= t->limit;
		printf("  %-4s  %-26s %s %4.2f x %-26s (seen %.2f x)\n", ok ? "PASS" : "FAIL", t->row,
		       t->tput ? ">=" : "<=", t->limit, t->ref, ratio);
		failed |= !ok;
	}
	fflush(stdout);
	return failed;
}
