/*
 * ba-client: plays QEMU's (or libvirt's) part in front of a bridge helper.
 *
 *   ba-client [-k] [-K] HELPER [ARG...] [--- CMD [ARG...]]
 *
 * Creates socketpair(AF_UNIX, SOCK_STREAM), forks, and the child executes
 * HELPER with ARGs, where every occurrence of "@FD@" in an argument (HELPER
 * included) is replaced by the number of the child's end of the socket pair.
 * So both QEMU's order (--use-vnet --fd=@FD@ --br=br0) and libvirt's
 * (--use-vnet --br=br0 --fd=@FD@) can be written, and QEMU's "helper string
 * with a space" form too: /bin/sh -c 'HELPER --use-vnet --fd=@FD@ --br=br0'.
 * Descriptors the client inherited are passed on untouched (tests use that
 * to hand the helper a regular file as --fd); the client's own end of the
 * pair is close-on-exec.
 *
 * The parent reads the socket until EOF, counting the descriptors received
 * through SCM_RIGHTS and the payload bytes, waits for the child and prints
 * one line on stdout:
 *
 *   status=N fd=yes|no|many nfds=K payload=B tap=NAME flags=0xXXXX iff=LIST
 *
 * N is the helper's exit status (128+signal when killed); fd=yes means
 * exactly one descriptor arrived; NAME and flags come from TUNGETIFF on it
 * ("-" when there is no usable fd); LIST decodes the flags (TAP, TUN, NO_PI,
 * VNET_HDR, PERSIST, MULTI_QUEUE).
 *
 * With -K, the client kills the helper (SIGKILL) the moment a descriptor
 * arrives, as a caller who shares its real uid can: whatever the helper
 * meant to do after sending the tap does not happen.  The line then ends
 * with " pid=PID", the helper's process ID (for matching its log line).
 *
 * With -k, when a descriptor was received, it stays open after the line is
 * printed, until stdin reaches EOF, so that the caller can inspect the live
 * tap (without a descriptor there is nothing to keep: the client exits).
 *
 * With "--- CMD [ARG...]" after the helper's arguments, the client then plays
 * libvirt's part too: when the helper exited 0 and sent exactly one tap fd,
 * it executes CMD with that fd open (not close-on-exec), every "@TAPFD@" in
 * CMD's arguments replaced by its number (e.g. QEMU with
 * -netdev tap,id=n0,fd=@TAPFD@); CMD's exit status is then the client's.
 * Otherwise CMD is not run and the status below applies.
 *
 * Exit status: the helper's status, except
 *   123  the helper exited 0 but did not send exactly one fd with a 1-byte
 *        payload, or TUNGETIFF failed on the fd it sent (a broken helper);
 *   125  the client itself failed (usage, socketpair, fork, ...).
 * If the exec of HELPER fails the child exits 127 (as a shell would).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define EXIT_PROTOCOL 123
#define EXIT_CLIENT 125
#define MAX_FDS 16

static void usage(void)
{
	fprintf(stderr, "usage: ba-client [-k] [-K] HELPER [ARG...] [--- CMD [ARG...]]\n"
			"  @FD@ in the helper's arguments: the socket fd; @TAPFD@ in CMD's: the tap fd\n");
	exit(EXIT_CLIENT);
}

/* ARG with every TOK replaced by FD; NULL on allocation failure. */
static char *subst_fd(const char *arg, const char *tok, int fd)
{
	size_t toklen = strlen(tok);
	char num[16];
	size_t n = 0, len, nlen;
	const char *p, *q;
	char *out, *o;

	nlen = (size_t)snprintf(num, sizeof(num), "%d", fd);
	for (p = arg; (q = strstr(p, tok)) != NULL; p = q + toklen)
		n++;
	len = strlen(arg) + n * nlen + 1;
	out = malloc(len);
	if (out == NULL)
		return NULL;
	o = out;
	for (p = arg; (q = strstr(p, tok)) != NULL; p = q + toklen) {
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, num, nlen);
		o += nlen;
	}
	strcpy(o, p);
	return out;
}

static void iff_list(short flags, char *buf, size_t size)
{
	static const struct {
		short bit;
		const char *name;
	} names[] = {
		{ IFF_TUN, "TUN" },         { IFF_TAP, "TAP" },
		{ IFF_NO_PI, "NO_PI" },     { IFF_VNET_HDR, "VNET_HDR" },
		{ IFF_PERSIST, "PERSIST" }, { IFF_MULTI_QUEUE, "MULTI_QUEUE" },
	};
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (!(flags & names[i].bit))
			continue;
		used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "," : "", names[i].name);
		if (used >= size)
			break;
	}
	if (buf[0] == '\0')
		snprintf(buf, size, "-");
}

int main(int argc, char **argv)
{
	int keep = 0, kill_on_fd = 0, opt, sv[2], i, nfds = 0, fds[MAX_FDS], status, code, ret;
	int hend, cmd = -1;
	size_t payload = 0;
	char **cargv;
	pid_t pid, w;
	struct ifreq ifr;
	int have_ifr = 0;
	char iff[128];

	while ((opt = getopt(argc, argv, "+kK")) != -1) {
		switch (opt) {
		case 'k':
			keep = 1;
			break;
		case 'K':
			kill_on_fd = 1;
			break;
		default:
			usage();
		}
	}
	if (optind >= argc)
		usage();
	/* The helper's argv ends at "---"; CMD follows. */
	for (hend = optind; hend < argc && strcmp(argv[hend], "---") != 0; hend++)
		;
	if (hend == optind)
		usage();
	if (hend < argc) {
		cmd = hend + 1;
		if (cmd >= argc)
			usage();
	}

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		perror("ba-client: socketpair");
		return EXIT_CLIENT;
	}
	/* The child's end is inherited across exec, exactly as QEMU leaves it. */
	if (fcntl(sv[1], F_SETFD, 0) < 0) {
		perror("ba-client: fcntl");
		return EXIT_CLIENT;
	}

	cargv = calloc((size_t)(hend - optind + 1), sizeof(*cargv));
	if (cargv == NULL) {
		perror("ba-client: calloc");
		return EXIT_CLIENT;
	}
	for (i = optind; i < hend; i++) {
		cargv[i - optind] = subst_fd(argv[i], "@FD@", sv[1]);
		if (cargv[i - optind] == NULL) {
			perror("ba-client: malloc");
			return EXIT_CLIENT;
		}
	}

	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		perror("ba-client: fork");
		return EXIT_CLIENT;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		execvp(cargv[0], cargv);
		fprintf(stderr, "ba-client: exec %s: %s\n", cargv[0], strerror(errno));
		_exit(127);
	}
	close(sv[1]);
	for (i = 0; cargv[i] != NULL; i++)
		free(cargv[i]);
	free(cargv);

	/* Read until EOF: every fd and every payload byte the helper sends. */
	for (;;) {
		union {
			char buf[CMSG_SPACE(MAX_FDS * sizeof(int))];
			struct cmsghdr align;
		} ctl;
		char data[64];
		struct iovec iov = { .iov_base = data, .iov_len = sizeof(data) };
		struct msghdr msg = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		struct cmsghdr *c;
		ssize_t n;

		n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("ba-client: recvmsg");
			break;
		}
		for (c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
			size_t k, cnt;

			if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
				continue;
			cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (k = 0; k < cnt; k++) {
				int fd;

				memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
				if (nfds < MAX_FDS)
					fds[nfds] = fd;
				else
					close(fd);
				nfds++;
			}
		}
		if (kill_on_fd && nfds > 0)
			kill(pid, SIGKILL); /* at once: before looking at anything else */
		if (msg.msg_flags & MSG_CTRUNC) {
			fprintf(stderr, "ba-client: control data truncated: too many fds\n");
			nfds += MAX_FDS; /* certainly more than one */
		}
		if (n == 0)
			break;
		payload += (size_t)n;
	}
	close(sv[0]);

	do
		w = waitpid(pid, &status, 0);
	while (w < 0 && errno == EINTR);
	if (w < 0) {
		perror("ba-client: waitpid");
		return EXIT_CLIENT;
	}
	if (WIFEXITED(status)) {
		code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		code = 128 + WTERMSIG(status);
		fprintf(stderr, "ba-client: helper killed by signal %d\n", WTERMSIG(status));
	} else {
		code = EXIT_CLIENT;
	}

	memset(&ifr, 0, sizeof(ifr));
	if (nfds == 1) {
		if (ioctl(fds[0], TUNGETIFF, &ifr) == 0)
			have_ifr = 1;
		else
			fprintf(stderr, "ba-client: TUNGETIFF on the received fd: %s\n", strerror(errno));
	}
	if (have_ifr)
		iff_list(ifr.ifr_flags, iff, sizeof(iff));
	else
		snprintf(iff, sizeof(iff), "-");
	if (have_ifr)
		printf("status=%d fd=yes nfds=%d payload=%zu tap=%.*s flags=0x%04x iff=%s", code, nfds,
		       payload, IFNAMSIZ, ifr.ifr_name, (unsigned)(unsigned short)ifr.ifr_flags, iff);
	else
		printf("status=%d fd=%s nfds=%d payload=%zu tap=- flags=- iff=-", code,
		       nfds == 0 ? "no" : nfds == 1 ? "yes" : "many", nfds, payload);
	if (kill_on_fd)
		printf(" pid=%ld", (long)pid);
	putchar('\n');
	if (fflush(stdout) != 0) {
		perror("ba-client: stdout");
		return EXIT_CLIENT;
	}

	ret = code;
	if (code == 0 && (nfds != 1 || payload != 1 || !have_ifr)) {
		fprintf(stderr, "ba-client: helper exited 0 but sent %d fd(s) with %zu payload byte(s)%s\n",
			nfds, payload, nfds == 1 && !have_ifr ? " (not a tun/tap fd)" : "");
		ret = EXIT_PROTOCOL;
	}

	if (cmd > 0 && ret == 0) {
		char **xargv = calloc((size_t)(argc - cmd + 1), sizeof(*xargv));

		if (xargv == NULL) {
			perror("ba-client: calloc");
			return EXIT_CLIENT;
		}
		for (i = cmd; i < argc; i++) {
			xargv[i - cmd] = subst_fd(argv[i], "@TAPFD@", fds[0]);
			if (xargv[i - cmd] == NULL) {
				perror("ba-client: malloc");
				return EXIT_CLIENT;
			}
		}
		if (fcntl(fds[0], F_SETFD, 0) < 0) {
			perror("ba-client: fcntl");
			return EXIT_CLIENT;
		}
		execvp(xargv[0], xargv);
		fprintf(stderr, "ba-client: exec %s: %s\n", xargv[0], strerror(errno));
		return EXIT_CLIENT;
	}

	if (keep && nfds >= 1) {
		char buf[256];
		ssize_t n;

		do
			n = read(STDIN_FILENO, buf, sizeof(buf));
		while (n > 0 || (n < 0 && errno == EINTR));
	}
	for (i = 0; i < nfds && i < MAX_FDS; i++)
		close(fds[i]);
	return ret;
}
