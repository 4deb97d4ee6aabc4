/*
 * bench-floor: the unavoidable part of a bridge helper, for bench/bench.c.
 *
 *   bench-floor [--use-vnet] --fd=N --br=BRIDGE
 *
 * Linked -static and installed setuid root like the real helpers, it does
 * only what any helper must: open /dev/net/tun, create a tap (tap%d,
 * IFF_TAP|IFF_NO_PI, IFF_VNET_HDR when asked and supported), copy the
 * bridge's MTU, set the first MAC byte to 0xFE, attach it to the bridge,
 * bring it up and pass its fd on socket N.  No policy, no privilege drop,
 * no logging, no checks beyond the return values: a benchmark floor, never
 * a helper to install.
 */
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static void name(struct ifreq *ifr, const char *n)
{
	memset(ifr, 0, sizeof(*ifr));
	strncpy(ifr->ifr_name, n, IFNAMSIZ - 1);
}

int main(int argc, char **argv)
{
	const char *bridge = NULL;
	int sock = -1, vnet = 0, tun, ctl, mtu;
	unsigned int features = 0;
	char tap[IFNAMSIZ];
	struct ifreq ifr;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--use-vnet") == 0)
			vnet = 1;
		else if (strncmp(argv[i], "--fd=", 5) == 0)
			sock = atoi(argv[i] + 5);
		else if (strncmp(argv[i], "--br=", 5) == 0)
			bridge = argv[i] + 5;
	}
	if (sock < 3 || bridge == NULL || strlen(bridge) >= IFNAMSIZ)
		return 2;

	tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (tun < 0 || ctl < 0)
		return 4;
	name(&ifr, bridge);
	if (ioctl(ctl, SIOCGIFMTU, &ifr) < 0)
		return 4;
	mtu = ifr.ifr_mtu;

	name(&ifr, "tap%d");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (vnet && ioctl(tun, TUNGETFEATURES, &features) == 0 && (features & IFF_VNET_HDR))
		ifr.ifr_flags |= IFF_VNET_HDR;
	if (ioctl(tun, TUNSETIFF, &ifr) < 0)
		return 4;
	memcpy(tap, ifr.ifr_name, IFNAMSIZ);
	tap[IFNAMSIZ - 1] = '\0';

	name(&ifr, tap);
	ifr.ifr_mtu = mtu;
	if (ioctl(ctl, SIOCSIFMTU, &ifr) < 0)
		return 4;
	name(&ifr, tap);
	if (ioctl(ctl, SIOCGIFHWADDR, &ifr) < 0)
		return 4;
	ifr.ifr_hwaddr.sa_data[0] = (char)0xFE;
	if (ioctl(ctl, SIOCSIFHWADDR, &ifr) < 0)
		return 4;
	name(&ifr, bridge);
	ifr.ifr_ifindex = (int)if_nametoindex(tap);
	if (ifr.ifr_ifindex == 0 || ioctl(ctl, SIOCBRADDIF, &ifr) < 0)
		return 4;
	name(&ifr, tap);
	if (ioctl(ctl, SIOCGIFFLAGS, &ifr) < 0)
		return 4;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(ctl, SIOCSIFFLAGS, &ifr) < 0)
		return 4;

	{
		union {
			char buf[CMSG_SPACE(sizeof(int))];
			struct cmsghdr align;
		} c;
		char byte = 0;
		struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
				      .msg_control = c.buf, .msg_controllen = sizeof(c.buf) };
		struct cmsghdr *cm;

		memset(&c, 0, sizeof(c));
		cm = CMSG_FIRSTHDR(&msg);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &tun, sizeof(int));
		if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
			return 4;
	}
	return 0;
}
