#include "config.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "netlink.h"

#define NL_BUF 32768      /* a dump part: the kernel's own upper bound for one recv */
#define NL_DUMP_TRIES 64  /* interrupted dumps started again, at most */

struct nl {
	struct mnl_socket *sock;
	unsigned portid;
	unsigned seq;
	char buf[NL_BUF];
};

struct nl *nl_open(char *err, size_t errlen)
{
	struct nl *nl = calloc(1, sizeof(*nl));

	if (nl == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl->sock == NULL || mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "cannot open a netlink socket: %s", strerror(errno));
		nl_close(nl);
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned)time(NULL);
	return nl;
}

void nl_close(struct nl *nl)
{
	if (nl == NULL)
		return;
	if (nl->sock)
		mnl_socket_close(nl->sock);
	free(nl);
}

/* ------------------------------------------------------------------ parsing */

/* Which attributes are read, and the type each must have (the rest is skipped). */
struct attr_table {
	const struct nlattr **tb;
	uint16_t max;
	const enum mnl_attr_data_type *want; /* MNL_TYPE_UNSPEC: not read */
};

static const enum mnl_attr_data_type link_types[IFLA_MAX + 1] = {
	[IFLA_IFNAME] = MNL_TYPE_NUL_STRING, [IFLA_IFALIAS] = MNL_TYPE_NUL_STRING,
	[IFLA_MASTER] = MNL_TYPE_U32, [IFLA_MTU] = MNL_TYPE_U32,
	[IFLA_LINKINFO] = MNL_TYPE_NESTED, [IFLA_PROTINFO] = MNL_TYPE_NESTED,
	[IFLA_ADDRESS] = MNL_TYPE_BINARY, [IFLA_PROP_LIST] = MNL_TYPE_NESTED,
};
static const enum mnl_attr_data_type info_types[IFLA_INFO_MAX + 1] = {
	[IFLA_INFO_KIND] = MNL_TYPE_NUL_STRING, [IFLA_INFO_DATA] = MNL_TYPE_NESTED,
};
static const enum mnl_attr_data_type tun_types[IFLA_TUN_MAX + 1] = {
	[IFLA_TUN_PERSIST] = MNL_TYPE_U8, [IFLA_TUN_OWNER] = MNL_TYPE_U32,
};
static const enum mnl_attr_data_type port_types[IFLA_BRPORT_MAX + 1] = {
	[IFLA_BRPORT_ISOLATED] = MNL_TYPE_U8,
};

static int table_attr(const struct nlattr *a, void *data)
{
	const struct attr_table *t = data;
	uint16_t type = mnl_attr_get_type(a);

	if (mnl_attr_type_valid(a, t->max) < 0 || t->want[type] == MNL_TYPE_UNSPEC)
		return MNL_CB_OK; /* newer than this header, or not read: skipped */
	if (mnl_attr_validate(a, t->want[type]) < 0)
		return MNL_CB_ERROR;
	t->tb[type] = a;
	return MNL_CB_OK;
}

static int parse_nested(const struct nlattr *nest, const struct nlattr **tb, uint16_t max,
			const enum mnl_attr_data_type *want)
{
	struct attr_table t = { tb, max, want };

	return mnl_attr_parse_nested(nest, table_attr, &t);
}

static void copy_str(char *dst, size_t size, const struct nlattr *a)
{
	snprintf(dst, size, "%s", a ? mnl_attr_get_str(a) : "");
}

/* The first alternative name of ours in the list PROPS, into L->ours. */
static int our_altname(const struct nlattr *props, struct nl_link *l)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, props) {
		if (mnl_attr_get_type(a) != IFLA_ALT_IFNAME)
			continue;
		if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) < 0 ||
		    mnl_attr_get_payload_len(a) > NL_ALTNAME_MAX)
			return -1;
		if (l->ours[0] == '\0' &&
		    strncmp(mnl_attr_get_str(a), NL_OUR_ALTNAME, strlen(NL_OUR_ALTNAME)) == 0)
			copy_str(l->ours, sizeof(l->ours), a);
	}
	return 0;
}

/* One RTM_NEWLINK message into L; -1 when it is malformed. */
static int parse_link(const struct nlmsghdr *nlh, struct nl_link *l)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[IFLA_MAX + 1] = { 0 };
	const struct nlattr *info[IFLA_INFO_MAX + 1] = { 0 };

	struct attr_table t = { tb, IFLA_MAX, link_types };

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*ifm)) ||
	    mnl_attr_parse(nlh, sizeof(*ifm), table_attr, &t) < 0)
		return -1;
	*l = (struct nl_link){ .index = (unsigned)ifm->ifi_index, .isolated = -1,
			       .up = (ifm->ifi_flags & IFF_UP) != 0 };
	if (tb[IFLA_IFNAME] == NULL || mnl_attr_get_payload_len(tb[IFLA_IFNAME]) > IFNAMSIZ)
		return -1;
	copy_str(l->name, sizeof(l->name), tb[IFLA_IFNAME]);
	copy_str(l->alias, sizeof(l->alias), tb[IFLA_IFALIAS]);
	l->master = tb[IFLA_MASTER] ? mnl_attr_get_u32(tb[IFLA_MASTER]) : 0;
	l->mtu = tb[IFLA_MTU] ? mnl_attr_get_u32(tb[IFLA_MTU]) : 0;
	if (tb[IFLA_ADDRESS]) {
		l->addr_len = mnl_attr_get_payload_len(tb[IFLA_ADDRESS]);
		if (l->addr_len > NL_ADDR_MAX)
			return -1;
		memcpy(l->addr, mnl_attr_get_payload(tb[IFLA_ADDRESS]), l->addr_len);
	}
	if (tb[IFLA_PROTINFO]) {
		const struct nlattr *port[IFLA_BRPORT_MAX + 1] = { 0 };

		if (parse_nested(tb[IFLA_PROTINFO], port, IFLA_BRPORT_MAX, port_types) < 0)
			return -1;
		if (port[IFLA_BRPORT_ISOLATED])
			l->isolated = mnl_attr_get_u8(port[IFLA_BRPORT_ISOLATED]) != 0;
	}
	if (tb[IFLA_PROP_LIST] && our_altname(tb[IFLA_PROP_LIST], l) < 0)
		return -1;
	if (tb[IFLA_LINKINFO] == NULL)
		return 0;
	if (parse_nested(tb[IFLA_LINKINFO], info, IFLA_INFO_MAX, info_types) < 0)
		return -1;
	copy_str(l->kind, sizeof(l->kind), info[IFLA_INFO_KIND]);
	if (strcmp(l->kind, "tun") == 0 && info[IFLA_INFO_DATA]) {
		const struct nlattr *tun[IFLA_TUN_MAX + 1] = { 0 };

		if (parse_nested(info[IFLA_INFO_DATA], tun, IFLA_TUN_MAX, tun_types) < 0)
			return -1;
		l->tun_persist = tun[IFLA_TUN_PERSIST] && mnl_attr_get_u8(tun[IFLA_TUN_PERSIST]);
		l->tun_has_owner = tun[IFLA_TUN_OWNER] != NULL;
		if (l->tun_has_owner)
			l->tun_owner = mnl_attr_get_u32(tun[IFLA_TUN_OWNER]);
	}
	return 0;
}

/* ------------------------------------------------------------------ requests */

static struct nlmsghdr *request(struct nl *nl, uint16_t type, uint16_t flags, unsigned char family,
				unsigned index)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(nl->buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++nl->seq;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = family;
	ifm->ifi_index = (int)index;
	return nlh;
}

/* Send NLH and run FN on every answer until the end; -1 with errno. */
static int exchange(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t fn, void *ctx)
{
	unsigned seq = nlh->nlmsg_seq;
	int rc;

	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -1;
	do {
		ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));

		if (n < 0)
			return -1;
		rc = mnl_cb_run(nl->buf, (size_t)n, seq, nl->portid, fn, ctx);
	} while (rc > MNL_CB_STOP);
	return rc < 0 ? -1 : 0;
}

struct walk {
	unsigned master;
	const char *kind;
	nl_link_fn fn;
	void *ctx;
	int stopped;    /* FN's negative return */
	bool malformed;
};

static int on_link(const struct nlmsghdr *nlh, void *data)
{
	struct walk *w = data;
	struct nl_link l;
	int rc;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (parse_link(nlh, &l) < 0) {
		w->malformed = true;
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	if ((w->master && l.master != w->master) || (w->kind && strcmp(l.kind, w->kind) != 0))
		return MNL_CB_OK;
	rc = w->fn(w->ctx, &l);
	if (rc < 0) {
		w->stopped = rc;
		return MNL_CB_STOP;
	}
	return MNL_CB_OK;
}

/* Read what is left of an abandoned dump, so the socket can be used again. */
static void drain(struct nl *nl)
{
	struct mnl_socket *fresh = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);

	/* Simplest and exact: a new socket; the old one's queue goes with it. */
	if (fresh != NULL && mnl_socket_bind(fresh, 0, MNL_SOCKET_AUTOPID) == 0) {
		mnl_socket_close(nl->sock);
		nl->sock = fresh;
		nl->portid = mnl_socket_get_portid(fresh);
	} else if (fresh != NULL) {
		mnl_socket_close(fresh);
	}
}

static int dump(struct nl *nl, unsigned char family, unsigned master, const char *kind,
		nl_link_fn fn, void *ctx, char *err, size_t errlen)
{
	for (int tries = 0; tries < NL_DUMP_TRIES; tries++) {
		struct walk w = { master, kind, fn, ctx, 0, false };
		struct nlmsghdr *nlh = request(nl, RTM_GETLINK, NLM_F_DUMP, family, 0);

		if (family == AF_UNSPEC) {
			/* The kernel filters by master and kind (NLM_F_DUMP_FILTERED). */
			mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
			if (master)
				mnl_attr_put_u32(nlh, IFLA_MASTER, master);
			if (kind) {
				struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);

				mnl_attr_put_strz(nlh, IFLA_INFO_KIND, kind);
				mnl_attr_nest_end(nlh, nest);
			}
		}
		if (exchange(nl, nlh, on_link, &w) == 0)
			return 0;
		if (w.stopped < 0) {
			drain(nl);
			return w.stopped;
		}
		if (errno != EINTR || w.malformed) {
			snprintf(err, errlen, "netlink: cannot list the network devices: %s",
				 strerror(errno));
			drain(nl);
			return -1;
		}
		drain(nl); /* NLM_F_DUMP_INTR: links came or went during the dump */
		if (fn(ctx, NULL) < 0) /* what FN saw is forgotten: it starts over */
			return -1;
	}
	snprintf(err, errlen, "netlink: the list of network devices kept changing (%d tries)",
		 NL_DUMP_TRIES);
	return -1;
}

int nl_links(struct nl *nl, unsigned master, const char *kind, nl_link_fn fn, void *ctx,
	     char *err, size_t errlen)
{
	return dump(nl, AF_UNSPEC, master, kind, fn, ctx, err, errlen);
}

int nl_ports(struct nl *nl, nl_link_fn fn, void *ctx, char *err, size_t errlen)
{
	return dump(nl, AF_BRIDGE, 0, NULL, fn, ctx, err, errlen);
}

static int on_one(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type != RTM_NEWLINK || parse_link(nlh, data) < 0) {
		errno = EPROTO;
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

int nl_link_get(struct nl *nl, const char *name, struct nl_link *l, char *err, size_t errlen)
{
	/* Acknowledged: the answer, then the ack that ends the exchange. */
	struct nlmsghdr *nlh = request(nl, RTM_GETLINK, NLM_F_ACK, AF_UNSPEC, 0);

	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	l->index = 0;
	if (exchange(nl, nlh, on_one, l) < 0 || l->index == 0) {
		int e = l->index == 0 && errno == 0 ? EPROTO : errno;

		if (e != ENODEV)
			snprintf(err, errlen, "netlink: cannot look up %s: %s", name, strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

int nl_link_set(struct nl *nl, unsigned index, const struct nl_change *c)
{
	struct nlmsghdr *nlh = request(nl, RTM_NEWLINK, NLM_F_ACK, AF_UNSPEC, index);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	if (c->alias)
		mnl_attr_put_strz(nlh, IFLA_IFALIAS, c->alias);
	if (c->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, c->mtu);
	if (c->master)
		mnl_attr_put_u32(nlh, IFLA_MASTER, c->master);
	if (c->addr)
		mnl_attr_put(nlh, IFLA_ADDRESS, c->addr_len, c->addr);
	if (c->up) {
		ifm->ifi_flags = IFF_UP;
		ifm->ifi_change = IFF_UP;
	}
	return exchange(nl, nlh, NULL, NULL);
}

int nl_port_isolate(struct nl *nl, unsigned index)
{
	struct nlmsghdr *nlh = request(nl, RTM_SETLINK, NLM_F_ACK, AF_BRIDGE, index);
	struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_PROTINFO | NLA_F_NESTED);

	mnl_attr_put_u8(nlh, IFLA_BRPORT_ISOLATED, 1);
	mnl_attr_nest_end(nlh, nest);
	return exchange(nl, nlh, NULL, NULL);
}

int nl_altname_add(struct nl *nl, unsigned index, const char *name)
{
	struct nlmsghdr *nlh = request(nl, RTM_NEWLINKPROP, NLM_F_ACK, AF_UNSPEC, index);
	struct nlattr *nest = mnl_attr_nest_start(nlh, IFLA_PROP_LIST | NLA_F_NESTED);

	mnl_attr_put_strz(nlh, IFLA_ALT_IFNAME, name);
	mnl_attr_nest_end(nlh, nest);
	return exchange(nl, nlh, NULL, NULL);
}

int nl_link_del(struct nl *nl, unsigned index)
{
	return exchange(nl, request(nl, RTM_DELLINK, NLM_F_ACK, AF_UNSPEC, index), NULL, NULL);
}

int nl_netns(struct nl *nl, unsigned long long *ino)
{
	struct stat st;
	int fd, rc, e;

	/* The same inode either way; /proc first, since valgrind knows no SIOCGSKNS. */
	if (stat("/proc/self/ns/net", &st) == 0) {
		*ino = (unsigned long long)st.st_ino;
		return 0;
	}
	fd = ioctl(mnl_socket_get_fd(nl->sock), SIOCGSKNS);
	if (fd < 0)
		return -1;
	rc = fstat(fd, &st);
	e = errno;
	close(fd);
	errno = e;
	if (rc == 0)
		*ino = (unsigned long long)st.st_ino;
	return rc;
}

/* ------------------------------------------------------------------ notifications */

struct nl *nl_open_link_events(int rcvbuf, char *err, size_t errlen)
{
	struct nl *nl = calloc(1, sizeof(*nl));

	if (nl == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	nl->sock = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl->sock == NULL || setsockopt(mnl_socket_get_fd(nl->sock), SOL_SOCKET, SO_RCVBUFFORCE,
					   &rcvbuf, sizeof(rcvbuf)) < 0 ||
	    mnl_socket_bind(nl->sock, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		snprintf(err, errlen, "cannot listen to the network devices' changes (netlink): %s",
			 strerror(errno));
		nl_close(nl);
		return NULL;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	return nl;
}

int nl_link_events(struct nl *nl, nl_link_fn fn, void *ctx)
{
	struct walk w = { 0, NULL, fn, ctx, 0, false };
	ssize_t n = mnl_socket_recvfrom(nl->sock, nl->buf, sizeof(nl->buf));
	int rc;

	if (n < 0)
		return -1;
	/* Notifications carry sequence 0 and port 0: mnl_cb_run checks neither. */
	rc = mnl_cb_run(nl->buf, (size_t)n, 0, 0, on_link, &w);
	if (w.stopped < 0)
		return w.stopped;
	return rc < 0 ? -1 : 0;
}
