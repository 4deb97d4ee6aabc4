/*
 * A syslog sink for tests: bind a unix datagram socket at PATH and append
 * every message received, one per line, to OUT.  Writes "ready" on stdout
 * once bound, then runs until killed.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char buf[4096];
	FILE *out;
	int s;

	if (argc != 3 || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: ba-syslogd SOCKET OUTFILE\n");
		return 2;
	}
	memcpy(addr.sun_path, argv[1], strlen(argv[1]));
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&addr, sizeof(addr)) < 0 || chmod(argv[1], 0666) < 0) {
		perror("ba-syslogd: bind");
		return 1;
	}
	out = fopen(argv[2], "a");
	if (out == NULL) {
		perror("ba-syslogd: open");
		return 1;
	}
	setvbuf(out, NULL, _IOLBF, 0);
	printf("ready\n");
	fflush(stdout);
	for (;;) {
		ssize_t n = recv(s, buf, sizeof(buf) - 1, 0);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("ba-syslogd: recv");
			return 1;
		}
		buf[n] = '\0';
		fprintf(out, "%s\n", buf);
	}
}
