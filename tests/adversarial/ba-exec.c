/*
 * ba-exec: a hostile caller for the adversarial tests.  It changes what a
 * local user controls about a process, then executes PROG:
 *
 *   ba-exec [OPTION...] -- PROG [ARG...]
 *
 *   -0          execute PROG with an empty argv (argc == 0, CVE-2021-4034)
 *   -p          print "pid N" on stdout before executing PROG (N is PROG's pid)
 *   -c FD       close FD first (0, 1, 2: closed standard streams)
 *   -s KIND:FD  put a descriptor of KIND at FD:
 *                 dgram      one end of an AF_UNIX SOCK_DGRAM pair
 *                 seqpacket  one end of an AF_UNIX SOCK_SEQPACKET pair
 *                 listen     a listening AF_UNIX stream socket (abstract name)
 *                 unbound    an AF_UNIX stream socket, never connected
 *                 orphan     an AF_UNIX stream pair whose other end is closed
 *                 inet       a TCP socket, not connected
 *                 udp        a UDP socket
 *                 pipe       the read end of a pipe
 *                 tun        /dev/net/tun, opened by the caller
 *                 full       an AF_UNIX stream pair whose other end a child
 *                            process holds for 60 s without reading, after
 *                            this end filled the buffer: a send on FD blocks
 *   -i SIG      ignore SIG;  -b SIG  block SIG;  -a SECS  alarm(SECS) pending
 *   -T          run PROG traced by this process (PTRACE_TRACEME): the kernel
 *               then executes a setuid PROG without its privileges; the
 *               tracer continues every stop and exits with PROG's status
 *   -P PID      do not execute anything: try to reach process PID the way a
 *               debugger would (ptrace attach and seize, /proc/PID/mem,
 *               environ, fd/, process_vm_readv) and print one line per
 *               attempt, "NAME ok" or "NAME errno-name"; exit 0
 *
 * Exit status: PROG's (it is executed), 125 for ba-exec's own failures.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#define FAIL 125

static void die(const char *what)
{
	fprintf(stderr, "ba-exec: %s: %s\n", what, strerror(errno));
	exit(FAIL);
}

static void put_at(int fd, int want)
{
	if (fd == want)
		return;
	if (dup2(fd, want) < 0)
		die("dup2");
	close(fd);
}

static void make_fd(const char *spec)
{
	const char *colon = strchr(spec, ':');
	int want, sv[2], fd = -1;
	size_t klen;

	if (colon == NULL)
		die("-s KIND:FD");
	klen = (size_t)(colon - spec);
	want = atoi(colon + 1);
#define IS(k) (klen == strlen(k) && strncmp(spec, k, klen) == 0)
	if (IS("dgram") || IS("seqpacket") || IS("orphan")) {
		int type = IS("dgram") ? SOCK_DGRAM : IS("seqpacket") ? SOCK_SEQPACKET : SOCK_STREAM;

		if (socketpair(AF_UNIX, type, 0, sv) < 0)
			die("socketpair");
		fd = sv[0];
		close(sv[1]); /* the peer: gone; for dgram/seqpacket it does not matter */
	} else if (IS("full")) {
		pid_t pid;

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
			die("socketpair");
		fcntl(sv[0], F_SETFL, O_NONBLOCK);
		for (;;) {
			static const char junk[4096];

			if (write(sv[0], junk, sizeof(junk)) < 0)
				break;
		}
		fcntl(sv[0], F_SETFL, 0);
		pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			close(sv[0]);
			sleep(60);
			_exit(0);
		}
		close(sv[1]);
		fd = sv[0];
	} else if (IS("listen")) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };

		snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "ba-exec-%d", (int)getpid());
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1) < 0)
			die("listening socket");
	} else if (IS("unbound")) {
		fd = socket(AF_UNIX, SOCK_STREAM, 0);
	} else if (IS("inet")) {
		fd = socket(AF_INET, SOCK_STREAM, 0);
	} else if (IS("udp")) {
		fd = socket(AF_INET, SOCK_DGRAM, 0);
	} else if (IS("pipe")) {
		if (pipe(sv) < 0)
			die("pipe");
		fd = sv[0];
		put_at(sv[1], want + 1); /* keep the write end open too */
	} else if (IS("tun")) {
		fd = open("/dev/net/tun", O_RDWR);
	} else {
		fprintf(stderr, "ba-exec: unknown kind in -s %s\n", spec);
		exit(FAIL);
	}
#undef IS
	if (fd < 0)
		die(spec);
	put_at(fd, want);
}

static void probe(pid_t pid)
{
	char path[64], buf[64];
	struct iovec local = { buf, sizeof(buf) }, remote = { (void *)0x400000, sizeof(buf) };
	int fd;

#define SAY(name, ok) printf("%s %s\n", name, (ok) ? "ok" : strerrorname_np(errno))
	errno = 0;
	if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) == 0) {
		SAY("attach", 1);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	} else {
		SAY("attach", 0);
	}
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) == 0) {
		SAY("seize", 1);
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
	} else {
		SAY("seize", 0);
	}
	snprintf(path, sizeof(path), "/proc/%d/mem", (int)pid);
	fd = open(path, O_RDONLY);
	SAY("mem", fd >= 0);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	fd = open(path, O_RDONLY);
	SAY("environ", fd >= 0);
	if (fd >= 0)
		close(fd);
	snprintf(path, sizeof(path), "/proc/%d/fd/0", (int)pid);
	fd = open(path, O_RDONLY);
	SAY("fd", fd >= 0);
	if (fd >= 0)
		close(fd);
	SAY("vm_readv", process_vm_readv(pid, &local, 1, &remote, 1, 0) >= 0);
#undef SAY
	fflush(stdout);
}

static int traced(char **argv)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (ptrace(PTRACE_TRACEME, 0, NULL, NULL) < 0)
			die("PTRACE_TRACEME");
		execv(argv[0], argv);
		die("exec");
	}
	for (;;) {
		int sig = 0;

		if (waitpid(pid, &status, 0) < 0)
			die("waitpid");
		if (WIFEXITED(status))
			return WEXITSTATUS(status);
		if (WIFSIGNALED(status))
			return 128 + WTERMSIG(status);
		if (WIFSTOPPED(status) && WSTOPSIG(status) != SIGTRAP)
			sig = WSTOPSIG(status);
		ptrace(PTRACE_CONT, pid, NULL, (void *)(long)sig);
	}
}

int main(int argc, char **argv)
{
	int opt, empty = 0, trace = 0, say_pid = 0;
	sigset_t block;
	char *empty_argv[] = { NULL };

	sigemptyset(&block);
	while ((opt = getopt(argc, argv, "+0pc:s:i:b:a:TP:")) != -1) {
		switch (opt) {
		case '0':
			empty = 1;
			break;
		case 'p':
			say_pid = 1;
			break;
		case 'c':
			close(atoi(optarg));
			break;
		case 's':
			make_fd(optarg);
			break;
		case 'i':
			signal(atoi(optarg), SIG_IGN);
			break;
		case 'b':
			sigaddset(&block, atoi(optarg));
			break;
		case 'a':
			alarm((unsigned)atoi(optarg));
			break;
		case 'T':
			trace = 1;
			break;
		case 'P':
			probe((pid_t)atoi(optarg));
			return 0;
		default:
			return FAIL;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "usage: ba-exec [-0] [-c FD] [-s KIND:FD] [-i SIG] [-b SIG] [-a SECS] [-T] -- PROG [ARG...]\n");
		return FAIL;
	}
	if (sigprocmask(SIG_BLOCK, &block, NULL) < 0)
		die("sigprocmask");
	if (trace)
		return traced(argv + optind);
	if (say_pid) {
		printf("pid %d\n", (int)getpid());
		fflush(stdout);
	}
	if (empty)
		execve(argv[optind], empty_argv, environ);
	else
		execv(argv[optind], argv + optind);
	fprintf(stderr, "ba-exec: exec %s: %s\n", argv[optind], strerror(errno));
	return 127;
}
