/*
 * rtnetlink through libmnl: the few link operations the helper and the
 * admin tool need (dumps filtered by the kernel, one link by name, the
 * changes the helper makes to its tap and to the bridge).  Every attribute
 * is type-checked before it is read.
 */
#ifndef BRIDGE_AUTH_NETLINK_H
#define BRIDGE_AUTH_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NL_ALIAS_MAX 256 /* IFALIASZ */
#define NL_ADDR_MAX 32   /* MAX_ADDR_LEN */
#define NL_ALTNAME_MAX 128 /* ALTIFNAMSIZ */
#define NL_OUR_ALTNAME "bridge-auth." /* the prefix of the alternative names we give (quota.h) */

struct nl;

struct nl_link {
	unsigned index;
	char name[IFNAMSIZ];
	unsigned master;        /* 0: none */
	unsigned mtu;
	bool up;
	char kind[16];          /* IFLA_INFO_KIND, "" when none */
	char alias[NL_ALIAS_MAX];
	unsigned char addr[NL_ADDR_MAX];
	unsigned addr_len;
	bool tun_persist;       /* kind "tun": IFLA_TUN_PERSIST */
	bool tun_has_owner;
	uint32_t tun_owner;
	int isolated;           /* bridge port flag, -1: not asked or not a port */
	char ours[NL_ALTNAME_MAX]; /* its first alternative name starting NL_OUR_ALTNAME, or "" */
};

/* Open a NETLINK_ROUTE socket.  NULL with ERR on failure. */
struct nl *nl_open(char *err, size_t errlen);
void nl_close(struct nl *nl);

typedef int (*nl_link_fn)(void *ctx, const struct nl_link *l);

/*
 * Every link whose master is MASTER (0: any) and kind is KIND (NULL: any),
 * asked of the kernel as a filtered dump, the filters checked again here.
 * FN's negative return stops the walk and is returned.  A dump that the
 * kernel marks interrupted (links came or went meanwhile) is started again,
 * and FN is first called with L == NULL: it must forget every link it was
 * given, so a count made from it is exact.  -1 with ERR on failure.
 */
int nl_links(struct nl *nl, unsigned master, const char *kind, nl_link_fn fn, void *ctx,
	     char *err, size_t errlen);

/* The bridge port flags (isolated) of every port, by index: FN sees index and isolated only. */
int nl_ports(struct nl *nl, nl_link_fn fn, void *ctx, char *err, size_t errlen);

/* One link by name: 0, -1 with errno ENODEV when there is none, -1 with ERR otherwise. */
int nl_link_get(struct nl *nl, const char *name, struct nl_link *l, char *err, size_t errlen);

/* What nl_link_set changes: only the members set. */
struct nl_change {
	const char *alias;
	unsigned mtu;                /* 0: unchanged */
	unsigned master;             /* 0: unchanged */
	const unsigned char *addr;   /* NULL: unchanged */
	unsigned addr_len;
	bool up;                     /* bring it up */
};

/* Apply C to link INDEX (one RTM_NEWLINK, acknowledged).  -1 with errno on failure. */
int nl_link_set(struct nl *nl, unsigned index, const struct nl_change *c);

/* Set the bridge port flag "isolated" on port INDEX.  -1 with errno on failure. */
int nl_port_isolate(struct nl *nl, unsigned index);

/*
 * Give link INDEX the alternative name NAME (RTM_NEWLINKPROP).  Names are
 * unique in the network namespace: -1 with errno EEXIST when another link
 * has it; -1 with errno on any other failure.
 */
int nl_altname_add(struct nl *nl, unsigned index, const char *name);

/* Delete link INDEX.  -1 with errno on failure. */
int nl_link_del(struct nl *nl, unsigned index);

/*
 * The network namespace of NL's socket (made in ours), as the inode number
 * of its nsfs file: from /proc/self/ns/net, else ioctl SIOCGSKNS (needs
 * CAP_NET_ADMIN there, no /proc).  -1 with errno.
 */
int nl_netns(struct nl *nl, unsigned long long *ino);

/*
 * A socket that only listens: subscribed to the link notifications of its
 * network namespace (RTNLGRP_LINK), its receive buffer raised to RCVBUF
 * bytes (SO_RCVBUFFORCE: CAP_NET_ADMIN).  NULL with ERR on failure.
 */
struct nl *nl_open_link_events(int rcvbuf, char *err, size_t errlen);

/*
 * Wait for the next notifications on NL (nl_open_link_events) and run FN on
 * every link they announce (RTM_NEWLINK).  0, or -1 with errno: ENOBUFS when
 * the kernel dropped notifications because the buffer was full (the socket
 * goes on), EPROTO for a malformed one, EINTR, or what recv(2) says; FN's
 * negative return stops the batch and is returned.
 */
int nl_link_events(struct nl *nl, nl_link_fn fn, void *ctx);

#endif
