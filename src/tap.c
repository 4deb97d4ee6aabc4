#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tap.h"

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

/* Exists, is a bridge (its ethtool driver is "bridge"), and has MTU *mtu. */
static int bridge_probe(int ctl, const char *bridge, int *mtu, char *err, size_t errlen)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr;

	ifr_for(&ifr, bridge);
	if (ioctl(ctl, SIOCGIFINDEX, &ifr) < 0) {
		if (errno == ENODEV)
			snprintf(err, errlen, "bridge %s does not exist", bridge);
		else
			snprintf(err, errlen, "cannot look up bridge %s: %s", bridge, strerror(errno));
		return -1;
	}
	ifr_for(&ifr, bridge);
	ifr.ifr_data = (void *)&info;
	if (ioctl(ctl, SIOCETHTOOL, &ifr) < 0 || strcmp(info.driver, "bridge") != 0) {
		snprintf(err, errlen, "%s is not a bridge", bridge);
		return -1;
	}
	ifr_for(&ifr, bridge);
	if (ioctl(ctl, SIOCGIFMTU, &ifr) < 0) {
		snprintf(err, errlen, "cannot read the MTU of bridge %s: %s", bridge, strerror(errno));
		return -1;
	}
	*mtu = ifr.ifr_mtu;
	return 0;
}

int tap_attach(int tunfd, const struct tap_config *c, char name[IFNAMSIZ], char *err,
	       size_t errlen)
{
	unsigned int features = 0;
	struct ifreq ifr;
	int ctl, mtu, index, rc = -1;

	ctl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (ctl < 0) {
		snprintf(err, errlen, "cannot open a control socket: %s", strerror(errno));
		return -1;
	}
	if (bridge_probe(ctl, c->bridge, &mtu, err, errlen) < 0)
		goto done;

	ifr_for(&ifr, "tap%d");
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (c->use_vnet && ioctl(tunfd, TUNGETFEATURES, &features) == 0 &&
	    (features & IFF_VNET_HDR))
		ifr.ifr_flags |= IFF_VNET_HDR;
	if (ioctl(tunfd, TUNSETIFF, &ifr) < 0) {
		snprintf(err, errlen, "cannot create a tap device: %s", strerror(errno));
		goto done;
	}
	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	name[IFNAMSIZ - 1] = '\0';

	if (ioctl(tunfd, TUNSETOWNER, (unsigned long)c->owner) < 0) {
		snprintf(err, errlen, "cannot set the owner of %s: %s", name, strerror(errno));
		goto done;
	}
	ifr_for(&ifr, name);
	ifr.ifr_mtu = mtu;
	if (ioctl(ctl, SIOCSIFMTU, &ifr) < 0) {
		snprintf(err, errlen, "cannot set the MTU of %s to %d: %s", name, mtu, strerror(errno));
		goto done;
	}
	/* The bridge takes the lowest port MAC: keep ours high so it never changes. */
	ifr_for(&ifr, name);
	if (ioctl(ctl, SIOCGIFHWADDR, &ifr) < 0) {
		snprintf(err, errlen, "cannot read the MAC address of %s: %s", name, strerror(errno));
		goto done;
	}
	ifr.ifr_hwaddr.sa_data[0] = (char)0xFE;
	if (ioctl(ctl, SIOCSIFHWADDR, &ifr) < 0) {
		snprintf(err, errlen, "cannot set the MAC address of %s: %s", name, strerror(errno));
		goto done;
	}
	index = (int)if_nametoindex(name);
	if (index == 0) {
		snprintf(err, errlen, "cannot find %s: %s", name, strerror(errno));
		goto done;
	}
	ifr_for(&ifr, c->bridge);
	ifr.ifr_ifindex = index;
	if (ioctl(ctl, SIOCBRADDIF, &ifr) < 0) {
		if (errno == EOPNOTSUPP)
			snprintf(err, errlen, "%s is not a bridge", c->bridge);
		else if (errno == ENODEV)
			snprintf(err, errlen, "bridge %s does not exist", c->bridge);
		else
			snprintf(err, errlen, "cannot attach %s to bridge %s: %s", name, c->bridge,
				 strerror(errno));
		goto done;
	}
	ifr_for(&ifr, name);
	if (ioctl(ctl, SIOCGIFFLAGS, &ifr) < 0) {
		snprintf(err, errlen, "cannot read the flags of %s: %s", name, strerror(errno));
		goto done;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(ctl, SIOCSIFFLAGS, &ifr) < 0) {
		snprintf(err, errlen, "cannot bring %s up: %s", name, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	close(ctl);
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
