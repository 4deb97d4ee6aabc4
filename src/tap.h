/* The tap: created, configured like upstream's, attached to the bridge. */
#ifndef BRIDGE_AUTH_TAP_H
#define BRIDGE_AUTH_TAP_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define TUN_PATH "/dev/net/tun"

/* What the bridge's section of bridge-auth.conf sets for its ports (defaults without one). */
struct port_settings {
	char tap_name[IFNAMSIZ]; /* name template, one %d */
	unsigned mtu;            /* 0: the bridge's */
	long max_taps;           /* max_taps_per_user; -1: no limit */
	bool isolated;
};

struct tap_config {
	const char *bridge;
	bool use_vnet; /* add IFF_VNET_HDR when the kernel offers it */
	uid_t owner;   /* TUNSETOWNER: whose tap this is */
	const struct port_settings *port;
};

/* Open the tun clone device and check that it is one. */
int tun_open(char *err, size_t errlen);

/*
 * Turn TUNFD into a tap on C->bridge: named from the template (tap%d),
 * IFF_TAP|IFF_NO_PI, the bridge's MTU (or the section's, never above it),
 * first MAC byte 0xFE, owner, attached, up, not persistent.  Needs
 * CAP_NET_ADMIN only.  0, or an exit status (exitcodes.h) with ERR; on
 * failure the tap vanishes with TUNFD.
 */
int tap_attach(int tunfd, const struct tap_config *c, char name[IFNAMSIZ], char *err,
	       size_t errlen);

/* Pass FD over the unix stream socket SOCK with a 1-byte payload, as QEMU expects. */
int send_fd(int sock, int fd, char *err, size_t errlen);

#endif
