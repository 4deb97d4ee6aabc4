#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "exitcodes.h"
#include "mark.h"
#include "netlink.h"
#include "pin.h"
#include "quota.h"
#include "tap.h"
#include "watch.h"

#define TUN_MAJOR 10
#define TUN_MINOR 200

int tun_open(char *err, size_t errlen)
{
	struct stat st;
	int fd = open(TUN_PATH, O_RDWR | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", TUN_PATH, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != TUN_MAJOR ||
	    minor(st.st_rdev) != TUN_MINOR) {
		snprintf(err, errlen, "%s is not the tun device (10,200)", TUN_PATH);
		close(fd);
		return -1;
	}
	return fd;
}

static void ifr_for(struct ifreq *ifr, const char *name)
{
	memset(ifr, 0, sizeof(*ifr));
	/* Names were validated shorter than IFNAMSIZ: this copies them whole. */
	memcpy(ifr->ifr_name, name, strnlen(name, IFNAMSIZ - 1));
}

/* Exists and is a bridge (link kind "bridge"): its index, MTU and address in BR. */
static int bridge_probe(struct nl *nl, const char *bridge, struct nl_link *br, char *err,
			size_t errlen)
{
	if (nl_link_get(nl, bridge, br, err, errlen) < 0) {
		if (errno == ENODEV)
			snprintf(err, errlen, "bridge %s does not exist", bridge);
		return -1;
	}
	if (strcmp(br->kind, "bridge") != 0) {
		snprintf(err, errlen, "%s is not a bridge", bridge);
		return -1;
	}
	return 0;
}

/* TUNSETIFF from the template, TUNSETOWNER: the tap exists, named NAME. */
static int tap_create(int tunfd, const struct tap_config *c, char name[IFNAMSIZ], char *err,
		      size_t errlen)
{
	unsigned int features = 0;
	struct ifreq ifr;

	ifr_for(&ifr, c->port->tap_name);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (c->use_vnet && ioctl(tunfd, TUNGETFEATURES, &features) == 0 &&
	    (features & IFF_VNET_HDR))
		ifr.ifr_flags |= IFF_VNET_HDR;
	if (ioctl(tunfd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen, "cannot create a tap device (%s): %s", c->port->tap_name,
			 strerror(errno));
		return -1;
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';
	if (ioctl(tunfd, TUNSETOWNER, (unsigned long)c->owner) < 0) {
		snprintf(err, errlen, "cannot set the owner of %s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

/*
 * max_taps_per_user (quota.h): a free slot of the user's on the bridge for
 * link TAP (0 when the limit is 0: nothing to claim); EXIT_DENIED, saying
 * how many they hold, when there is none.
 */
static int quota_take(struct nl *nl, const struct tap_config *c, unsigned tap, char *err,
		      size_t errlen)
{
	long max = c->port->max_taps;
	unsigned held;
	int r = max > 0 ? quota_claim(nl, tap, c->owner, c->bridge, max, err, errlen) : 1;

	if (r <= 0)
		return r < 0 ? EXIT_NETWORK : 0;
	if (quota_held(nl, c->owner, c->bridge, &held, err, errlen) < 0)
		return EXIT_NETWORK;
	snprintf(err, errlen, "bridge %s allows at most %ld tap%s per user, and uid %u holds %u there",
		 c->bridge, max, max == 1 ? "" : "s", (unsigned)c->owner, held);
	return EXIT_DENIED;
}

static int failed(char *err, size_t errlen, const char *what, const char *name)
{
	snprintf(err, errlen, "cannot %s %s: %s", what, name, strerror(errno));
	return EXIT_NETWORK;
}

int tap_attach(int tunfd, const struct tap_config *c, char name[IFNAMSIZ], char *err,
	       size_t errlen)
{
	struct nl_link br, tap;
	struct nl *nl;
	char mark[NL_ALIAS_MAX];
	unsigned mtu, reaped;
	int rc = EXIT_NETWORK;

	nl = nl_open(err, errlen);
	if (nl == NULL)
		return EXIT_NETWORK;
	/*
	 * Taps of ours that a holder made persistent go first, on every request,
	 * unless bridge-auth-reaper watches this network namespace: it deleted
	 * each one as the kernel announced it (watch.h).
	 */
	if ((!watch_running(nl) && mark_reap(nl, &reaped, NULL, NULL, err, errlen) < 0) ||
	    bridge_probe(nl, c->bridge, &br, err, errlen) < 0)
		goto done;
	mtu = c->port->mtu ? c->port->mtu : br.mtu;
	if (mtu > br.mtu) {
		snprintf(err, errlen, "the policy's mtu %u for bridge %s is above the bridge's MTU %u",
			 mtu, c->bridge, br.mtu);
		rc = EXIT_CONFIG;
		goto done;
	}
	if (c->port->max_taps == 0) { /* refused before any tap is made */
		rc = quota_take(nl, c, 0, err, errlen);
		goto done;
	}
	if (tap_create(tunfd, c, name, err, errlen) < 0 ||
	    nl_link_get(nl, name, &tap, err, errlen) < 0)
		goto done;
	/* Its slot first: a tap refused here is never marked nor attached, and goes at exit. */
	if (c->port->max_taps > 0 && (rc = quota_take(nl, c, tap.index, err, errlen)) != 0)
		goto done;
	rc = EXIT_NETWORK;
	/* The bridge takes the lowest port MAC: keep ours high so it never changes. */
	if (tap.addr_len != 6) {
		snprintf(err, errlen, "%s has no Ethernet address", name);
		goto done;
	}
	tap.addr[0] = 0xFE;
	/* The mark first: who asked, for which bridge, when (mark.h). */
	mark_format(mark, sizeof(mark), c->owner, c->bridge, time(NULL));
	if (nl_link_set(nl, tap.index, &(struct nl_change){ .alias = mark, .mtu = mtu,
							    .addr = tap.addr,
							    .addr_len = tap.addr_len }) < 0) {
		rc = failed(err, errlen, "mark and set the MTU and MAC address of", name);
		goto done;
	}
	/* Whatever address a holder gives their tap, the bridge's stays. */
	if (bridge_mac_pin(nl, &br) < 0) {
		rc = failed(err, errlen, "fix the MAC address of bridge", c->bridge);
		goto done;
	}
	if (nl_link_set(nl, tap.index, &(struct nl_change){ .master = br.index }) < 0) {
		snprintf(err, errlen, "cannot attach %s to bridge %s: %s", name, c->bridge,
			 strerror(errno));
		goto done;
	}
	/* Isolated before the port comes up: no frame ever passes unisolated. */
	if (c->port->isolated && nl_port_isolate(nl, tap.index) < 0) {
		rc = failed(err, errlen, "isolate the bridge port", name);
		goto done;
	}
	if (nl_link_set(nl, tap.index, &(struct nl_change){ .up = true }) < 0) {
		rc = failed(err, errlen, "bring up", name);
		goto done;
	}
	rc = 0;
done:
	nl_close(nl);
	return rc;
}

int send_fd(int sock, int fd, char *err, size_t errlen)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} control;
	char byte = 0;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = control.buf,
		.msg_controllen = sizeof(control.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&control, 0, sizeof(control));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != 1) {
		snprintf(err, errlen, "cannot pass the tap to the caller on --fd=%d: %s", sock,
			 n < 0 ? strerror(errno) : "short write");
		return -1;
	}
	return 0;
}
