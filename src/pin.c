#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pin.h"

#define NET_ADDR_SET 3 /* include/linux/netdevice.h */

/* A small sysfs attribute of BR as a number; -1 when unreadable. */
static long sysfs_number(const char *bridge, const char *attr)
{
	char path[128], buf[32], *end;
	ssize_t n;
	long v;
	int fd;

	snprintf(path, sizeof(path), "/sys/class/net/%s/%s", bridge, attr);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	v = strtol(buf, &end, 10);
	return end != buf && (*end == '\n' || *end == '\0') ? v : -1;
}

bool bridge_mac_pinned(const struct nl_link *br)
{
	/*
	 * The kernel says it in sysfs only.  A /sys of another network
	 * namespace (not remounted) could describe another device of the same
	 * name: the index must agree too, or we pin (setting the address it
	 * already has is harmless).
	 */
	return sysfs_number(br->name, "ifindex") == (long)br->index &&
	       sysfs_number(br->name, "addr_assign_type") == NET_ADDR_SET;
}

int bridge_mac_pin(struct nl *nl, const struct nl_link *br)
{
	if (bridge_mac_pinned(br))
		return 0;
	return nl_link_set(nl, br->index, &(struct nl_change){ .addr = br->addr,
							       .addr_len = br->addr_len });
}
