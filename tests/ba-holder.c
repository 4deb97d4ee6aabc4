/*
 * ba-holder: what the holder of a tap's fd can do with no capability at
 * all, done for real by an unprivileged process (run by ba-client after
 * "---", with the tap's fd).
 *
 *   ba-holder FD ACTION...
 *
 * Actions, in order; each prints one line "ACTION: ok" or "ACTION: error TEXT"
 * (or its result):
 *   persist            TUNSETPERSIST 1
 *   owner UID          TUNSETOWNER UID
 *   mac XX:XX:XX:XX:XX:XX   SIOCSIFHWADDR on the tun fd
 *   bcast MAC TEXT     write a broadcast frame (ethertype 0x88b5) carrying TEXT from MAC
 *   recv SECONDS TEXT  read frames for SECONDS: "recv: N" frames carrying TEXT
 *   ping MAC IP HOSTMAC HOSTIP   ICMP echo from MAC/IP to the host; "ping: pong" or "ping: none"
 *   sleep SECONDS
 *   wait               until stdin reaches EOF
 * Exit status 0, or 2 on a usage error.  Frames carry no vnet header
 * (request the tap without --use-vnet).
 */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <net/if_arp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define ETHERTYPE_TEST 0x88b5

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned v[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)v[i];
	return 0;
}

static uint16_t csum(const void *data, size_t len)
{
	const unsigned char *p = data;
	uint32_t sum = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (len & 1)
		sum += (uint32_t)(p[len - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Read one frame within the time left; its length, 0 on timeout. */
static ssize_t read_frame(int fd, unsigned char *buf, size_t size, double until)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	double left = until - now();

	if (left <= 0 || poll(&p, 1, (int)(left * 1000) + 1) <= 0)
		return 0;
	return read(fd, buf, size);
}

static void bcast(int fd, const char *macs, const char *text)
{
	unsigned char f[256] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	size_t len = strlen(text);

	if (parse_mac(macs, f + 6) < 0 || len > 200) {
		printf("bcast: error bad arguments\n");
		return;
	}
	f[12] = ETHERTYPE_TEST >> 8;
	f[13] = ETHERTYPE_TEST & 0xff;
	memcpy(f + 14, text, len);
	len = 14 + len < 60 ? 60 : 14 + len;
	if (write(fd, f, len) != (ssize_t)len)
		printf("bcast: error %s\n", strerror(errno));
	else
		printf("bcast: ok\n");
}

static void recv_text(int fd, double seconds, const char *text)
{
	unsigned char f[65536];
	double until = now() + seconds;
	unsigned n = 0;
	ssize_t len;

	while ((len = read_frame(fd, f, sizeof(f), until)) > 0 || now() < until) {
		if (len >= 14 && f[12] == ETHERTYPE_TEST >> 8 && f[13] == (ETHERTYPE_TEST & 0xff) &&
		    memmem(f + 14, (size_t)len - 14, text, strlen(text)) != NULL)
			n++;
	}
	printf("recv: %u\n", n);
}

static void ping(int fd, const char *macs, const char *ips, const char *hmacs, const char *hips)
{
	unsigned char f[98] = { 0 }, r[65536], mac[6], hmac[6];
	struct in_addr ip, hip;
	double until;
	ssize_t len;

	if (parse_mac(macs, mac) < 0 || parse_mac(hmacs, hmac) < 0 || inet_pton(AF_INET, ips, &ip) != 1 ||
	    inet_pton(AF_INET, hips, &hip) != 1) {
		printf("ping: error bad arguments\n");
		return;
	}
	memcpy(f, hmac, 6);
	memcpy(f + 6, mac, 6);
	f[12] = 0x08; /* IPv4 */
	unsigned char *iph = f + 14, *icmp = f + 34;

	iph[0] = 0x45;
	iph[3] = 84; /* total length: 20 + 64 */
	iph[8] = 64; /* ttl */
	iph[9] = 1;  /* ICMP */
	memcpy(iph + 12, &ip, 4);
	memcpy(iph + 16, &hip, 4);
	uint16_t c = htons(csum(iph, 20));
	memcpy(iph + 10, &c, 2);
	icmp[0] = 8; /* echo request */
	icmp[4] = 0x12;
	icmp[5] = 0x34;
	icmp[7] = 1;
	memcpy(icmp + 8, "bridge-auth ping", 16);
	c = htons(csum(icmp, 64));
	memcpy(icmp + 2, &c, 2);
	if (write(fd, f, sizeof(f)) != (ssize_t)sizeof(f)) {
		printf("ping: error %s\n", strerror(errno));
		return;
	}
	until = now() + 3;
	unsigned seen = 0;

	while ((len = read_frame(fd, r, sizeof(r), until)) > 0) {
		seen++;
		if (len >= 42 && memcmp(r, mac, 6) == 0 && r[12] == 0x08 && r[13] == 0 && r[23] == 1 &&
		    r[34] == 0 && r[38] == 0x12 && r[39] == 0x34) {
			printf("ping: pong\n");
			return;
		}
	}
	printf("ping: none (%u other frames)\n", seen);
}

int main(int argc, char **argv)
{
	int fd;

	if (argc < 3)
		return 2;
	fd = atoi(argv[1]);
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		int rc = 0;

		if (strcmp(a, "persist") == 0) {
			rc = ioctl(fd, TUNSETPERSIST, 1);
		} else if (strcmp(a, "owner") == 0 && i + 1 < argc) {
			rc = ioctl(fd, TUNSETOWNER, strtoul(argv[++i], NULL, 10));
		} else if (strcmp(a, "mac") == 0 && i + 1 < argc) {
			struct ifreq ifr = { 0 };

			if (parse_mac(argv[++i], (unsigned char *)ifr.ifr_hwaddr.sa_data) < 0)
				return 2;
			ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
			rc = ioctl(fd, SIOCSIFHWADDR, &ifr);
		} else if (strcmp(a, "bcast") == 0 && i + 2 < argc) {
			bcast(fd, argv[i + 1], argv[i + 2]);
			i += 2;
			continue;
		} else if (strcmp(a, "recv") == 0 && i + 2 < argc) {
			recv_text(fd, atof(argv[i + 1]), argv[i + 2]);
			i += 2;
			continue;
		} else if (strcmp(a, "ping") == 0 && i + 4 < argc) {
			ping(fd, argv[i + 1], argv[i + 2], argv[i + 3], argv[i + 4]);
			i += 4;
			continue;
		} else if (strcmp(a, "sleep") == 0 && i + 1 < argc) {
			usleep((useconds_t)(atof(argv[++i]) * 1e6));
			continue;
		} else if (strcmp(a, "wait") == 0) {
			char b;

			while (read(0, &b, 1) > 0)
				;
			continue;
		} else {
			fprintf(stderr, "ba-holder: bad action '%s'\n", a);
			return 2;
		}
		if (rc < 0)
			printf("%s: error %s\n", a, strerror(errno));
		else
			printf("%s: ok\n", a);
	}
	return 0;
}
