/*
 * group: bridges mapped to Unix groups (see group_map.h).
 *
 * Nothing about users or groups is kept between requests: each decision
 * asks the name service (files, LDAP, SSSD through NSS) afresh, so a
 * member removed from a group is refused at the next request.
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <net/if.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "group_map.h"
#include "msg.h"
#include "ifname.h"

/* Largest buffer handed to getgrnam_r()/getpwnam_r() (a big LDAP group). */
#define NSS_BUF_MAX (16u << 20)
/* Most groups of one user we are prepared to read. */
#define USER_GROUPS_MAX 65536

/* Append to BUF (size SIZE, holding a string), truncating. */
static void addf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void addf(char *buf, size_t size, const char *fmt, ...)
{
	size_t len = strlen(buf);
	va_list ap;

	if (len + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + len, size - len, fmt, ap);
	va_end(ap);
}

/* A group name as written in map=: printable ASCII without blanks, ':' or ','. */
static int valid_group_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != ':' && c != ',';
}

/* ---------------------------------------------------------------- arguments */

struct parse {
	struct group_conf *conf;
	char *err;
	size_t errsize;
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errsize, fmt, ap);
	va_end(ap);
	return -1;
}

static struct group_map_entry *find_entry(const struct group_conf *c, const char *bridge)
{
	size_t i;

	for (i = 0; i < c->nmap; i++)
		if (strcmp(c->map[i].bridge, bridge) == 0)
			return &c->map[i];
	return NULL;
}

/* map=BRIDGE:GROUP[,GROUP...] */
static int parse_map(struct parse *p, const char *val)
{
	struct group_conf *c = p->conf;
	struct group_map_entry *e;
	const char *colon = strchr(val, ':'), *g, *end;
	char tok[MSG_SHOW + 4], bridge[IFNAMSIZ];
	size_t blen;

	if (colon == NULL)
		return fail(p, "map=%s: expected map=BRIDGE:GROUP[,GROUP...]", msg_show(tok, val, SIZE_MAX));
	blen = (size_t)(colon - val);
	if (blen == 0 || blen >= IFNAMSIZ)
		return fail(p, "map=%s: \"%s\" is not a valid bridge name", msg_show(tok, val, SIZE_MAX),
			    msg_show(tok, val, blen));
	memcpy(bridge, val, blen);
	bridge[blen] = '\0';
	if (!ifname_valid(bridge))
		return fail(p, "map=...: \"%s\" is not a valid bridge name", msg_show(tok, bridge, SIZE_MAX));
	if (colon[1] == '\0')
		return fail(p, "map=%s: no group for bridge %s", bridge, bridge);

	e = find_entry(c, bridge);
	if (e == NULL) {
		struct group_map_entry *m;

		if (c->nmap >= GROUP_MAX_MAPS)
			return fail(p, "more than %d map= arguments", GROUP_MAX_MAPS);
		m = realloc(c->map, (c->nmap + 1) * sizeof(*m));
		if (m == NULL)
			return fail(p, "out of memory");
		c->map = m;
		e = &m[c->nmap];
		memset(e, 0, sizeof(*e));
		e->bridge = strdup(bridge);
		if (e->bridge == NULL)
			return fail(p, "out of memory");
		c->nmap++;
	}
	for (g = colon + 1;; g = end + 1) {
		size_t len, i;
		char **gs;

		end = strchr(g, ',');
		if (end == NULL)
			end = g + strlen(g);
		len = (size_t)(end - g);
		if (len == 0)
			return fail(p, "map=%s:...: empty group name", bridge);
		if (len > GROUP_NAME_MAX)
			return fail(p, "map=%s:...: group name \"%s\" is longer than %d bytes", bridge,
				    msg_show(tok, g, len), GROUP_NAME_MAX);
		for (i = 0; i < len; i++)
			if (!valid_group_char((unsigned char)g[i]))
				return fail(p, "map=%s:...: \"%s\" is not a valid group name", bridge,
					    msg_show(tok, g, len));
		if (e->ngroups >= GROUP_MAX_PER_BRIDGE)
			return fail(p, "map=%s:...: more than %d groups for one bridge", bridge,
				    GROUP_MAX_PER_BRIDGE);
		gs = realloc(e->groups, (e->ngroups + 1) * sizeof(*gs));
		if (gs == NULL)
			return fail(p, "out of memory");
		e->groups = gs;
		gs[e->ngroups] = strndup(g, len);
		if (gs[e->ngroups] == NULL)
			return fail(p, "out of memory");
		e->ngroups++;
		if (*end == '\0')
			break;
	}
	return 0;
}

/* Split PATTERN at its one %b into unescaped PREFIX and SUFFIX (either may
 * be NULL to only validate).  Returns 0, or -1 with a message in ERR. */
static int split_pattern(const char *pattern, char **prefix, char **suffix, char *err,
			 size_t errsize)
{
	size_t len = strlen(pattern), i, n = 0;
	char *buf, *pre = NULL, *suf = NULL;
	int nb = 0;

	if (len == 0) {
		msg_put(err, errsize, "pattern= is empty");
		return -1;
	}
	if (len > GROUP_NAME_MAX) {
		msg_put(err, errsize, "pattern= is longer than %d bytes", GROUP_NAME_MAX);
		return -1;
	}
	buf = malloc(len + 2);
	if (buf == NULL) {
		msg_put(err, errsize, "out of memory");
		return -1;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)pattern[i];

		if (c == '%') {
			if (pattern[i + 1] == '%') {
				buf[n++] = '%';
				i++;
				continue;
			}
			if (pattern[i + 1] == 'b') {
				if (nb++) {
					msg_put(err, errsize, "pattern=: more than one %%b");
					goto bad;
				}
				buf[n++] = '\0';
				pre = buf;
				suf = buf + n;
				i++;
				continue;
			}
			msg_put(err, errsize, "pattern=: '%%' must be followed by 'b' or '%%' (at byte %zu)",
			     i + 1);
			goto bad;
		}
		if (!valid_group_char(c)) {
			msg_put(err, errsize, "pattern=: byte %zu is not allowed in a group name", i + 1);
			goto bad;
		}
		buf[n++] = (char)c;
	}
	buf[n] = '\0';
	if (nb == 0) {
		msg_put(err, errsize, "pattern= has no %%b (the bridge name)");
		goto bad;
	}
	if (strlen(pre) + strlen(suf) + IFNAMSIZ - 1 > GROUP_NAME_MAX) {
		msg_put(err, errsize, "pattern= makes group names longer than %d bytes", GROUP_NAME_MAX);
		goto bad;
	}
	if (prefix != NULL) {
		*prefix = strdup(pre);
		*suffix = strdup(suf);
		if (*prefix == NULL || *suffix == NULL) {
			free(*prefix);
			free(*suffix);
			*prefix = *suffix = NULL;
			msg_put(err, errsize, "out of memory");
			goto bad;
		}
	}
	free(buf);
	return 0;
bad:
	free(buf);
	return -1;
}

int group_parse_args(int argc, const char *const *argv, struct group_conf **conf, char *err,
		     size_t errsize)
{
	struct parse p = { NULL, err, errsize };
	char tok[MSG_SHOW + 4];
	int i;

	*conf = NULL;
	p.conf = calloc(1, sizeof(*p.conf));
	if (p.conf == NULL) {
		msg_put(err, errsize, "out of memory");
		return -1;
	}
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (a == NULL) {
			fail(&p, "argument %d is missing", i + 1);
			goto bad;
		}
		if (strncmp(a, "map=", 4) == 0) {
			if (parse_map(&p, a + 4) < 0)
				goto bad;
		} else if (strncmp(a, "pattern=", 8) == 0) {
			if (p.conf->has_pattern) {
				fail(&p, "duplicate argument \"pattern=\"");
				goto bad;
			}
			if (split_pattern(a + 8, &p.conf->prefix, &p.conf->suffix, err, errsize) < 0)
				goto bad;
			p.conf->has_pattern = 1;
		} else {
			fail(&p, "unknown argument \"%s\" (expected map= or pattern=)",
			     msg_show(tok, a, SIZE_MAX));
			goto bad;
		}
	}
	if (p.conf->nmap == 0 && !p.conf->has_pattern) {
		fail(&p, "no map= and no pattern=: no bridge has a group");
		goto bad;
	}
	*conf = p.conf;
	return 0;
bad:
	group_conf_free(p.conf);
	return -1;
}

void group_conf_free(struct group_conf *conf)
{
	size_t i, j;

	if (conf == NULL)
		return;
	for (i = 0; i < conf->nmap; i++) {
		for (j = 0; j < conf->map[i].ngroups; j++)
			free(conf->map[i].groups[j]);
		free(conf->map[i].groups);
		free(conf->map[i].bridge);
	}
	free(conf->map);
	free(conf->prefix);
	free(conf->suffix);
	free(conf);
}

int group_expand(const char *pattern, const char *bridge, char *out, size_t outsize)
{
	char err[BRIDGE_AUTH_MSG_MAX], *pre, *suf;
	int n;

	if (split_pattern(pattern, &pre, &suf, err, sizeof(err)) < 0)
		return -1;
	n = snprintf(out, outsize, "%s%s%s", pre, bridge, suf);
	free(pre);
	free(suf);
	return (n < 0 || (size_t)n >= outsize) ? -1 : 0;
}

size_t group_for_bridge(const struct group_conf *conf, const char *bridge, char *buf,
			size_t bufsize, const char *const **groups)
{
	const struct group_map_entry *e = find_entry(conf, bridge);
	static const char *one[1];
	int n;

	if (e != NULL) {
		*groups = (const char *const *)e->groups;
		return e->ngroups;
	}
	*groups = NULL;
	if (!conf->has_pattern)
		return 0;
	n = snprintf(buf, bufsize, "%s%s%s", conf->prefix, bridge, conf->suffix);
	if (n < 0 || (size_t)n >= bufsize)
		return 0;
	/* One slot, rewritten per call: the module is single-threaded. */
	one[0] = buf;
	*groups = one;
	return 1;
}

/* ---------------------------------------------------------------- deciding */

enum bridge_auth_verdict group_decide(const struct group_conf *conf, const char *bridge,
				      const char *user, uid_t uid, const struct group_nss *nss,
				      char *msg, size_t msgsize)
{
	char made[GROUP_NAME_MAX + 1];
	const char *const *groups;
	const char *lookup_failed = NULL;
	int lookup_errno = 0;
	size_t ng, i, j, nuser = 0, nexist = 0;
	gid_t primary, *ugids = NULL;
	char exists[GROUP_MAX_PER_BRIDGE];
	gid_t gids[GROUP_MAX_PER_BRIDGE];
	enum bridge_auth_verdict v;
	int r;

	ng = group_for_bridge(conf, bridge, made, sizeof(made), &groups);
	if (ng > GROUP_MAX_PER_BRIDGE)
		ng = GROUP_MAX_PER_BRIDGE; /* the parser allows no more */
	if (ng == 0) {
		msg_put(msg, msgsize, "no group for bridge %s", bridge);
		return BRIDGE_AUTH_IGNORE;
	}
	if (user == NULL) {
		msg_put(msg, msgsize, "uid %lu has no user name: its groups are unknown",
		     (unsigned long)uid);
		return BRIDGE_AUTH_IGNORE;
	}
	r = nss->user_primary_gid(nss->ctx, user, &primary);
	if (r < 0) {
		msg_put(msg, msgsize, "cannot look up user %s: %s", user, strerror(errno));
		return BRIDGE_AUTH_ERROR;
	}
	if (r == 0) {
		msg_put(msg, msgsize, "user %s has no account: its groups are unknown", user);
		return BRIDGE_AUTH_IGNORE;
	}
	/* ALLOW if in any group; else ERROR if a lookup failed; else DENY if
	 * any group exists; else IGNORE.  The primary group and the groups'
	 * member lists answer most requests; the full group list (which asks
	 * every NSS source) only the rest. */
	msg[0] = '\0';
	for (i = 0; i < ng; i++) {
		int listed;

		exists[i] = 0;
		r = nss->group_by_name(nss->ctx, groups[i], user, &gids[i], &listed);
		if (r < 0) {
			if (lookup_failed == NULL) {
				lookup_failed = groups[i];
				lookup_errno = errno;
			}
			continue;
		}
		if (r == 0)
			continue;
		nexist++;
		exists[i] = 1;
		if (listed || gids[i] == primary) {
			msg_put(msg, msgsize, "%s is in group %s (for bridge %s)", user, groups[i],
			     bridge);
			return BRIDGE_AUTH_ALLOW;
		}
	}
	if (nexist > 0) {
		if (nss->user_groups(nss->ctx, user, primary, &ugids, &nuser) < 0) {
			msg_put(msg, msgsize, "cannot read the groups of %s: %s", user, strerror(errno));
			return BRIDGE_AUTH_ERROR;
		}
		for (i = 0; i < ng; i++)
			for (j = 0; exists[i] && j < nuser; j++)
				if (ugids[j] == gids[i]) {
					msg_put(msg, msgsize, "%s is in group %s (for bridge %s)", user,
					     groups[i], bridge);
					v = BRIDGE_AUTH_ALLOW;
					goto done;
				}
	}
	if (lookup_failed != NULL) {
		msg_put(msg, msgsize, "cannot look up group %s (for bridge %s): %s", lookup_failed,
		     bridge, strerror(lookup_errno));
		v = BRIDGE_AUTH_ERROR;
		goto done;
	}
	if (nexist == 0) {
		if (ng == 1) {
			msg_put(msg, msgsize, "group %s (for bridge %s) does not exist", groups[0], bridge);
		} else {
			msg_put(msg, msgsize, "none of the groups of bridge %s exists (", bridge);
			for (i = 0; i < ng; i++)
				addf(msg, msgsize, "%s%s", i ? ", " : "", groups[i]);
			addf(msg, msgsize, ")");
		}
		v = BRIDGE_AUTH_IGNORE;
		goto done;
	}
	/* Name the groups that exist. */
	msg_put(msg, msgsize, "%s is not in group ", user);
	for (i = 0, j = 0; i < ng; i++)
		if (exists[i])
			addf(msg, msgsize, "%s%s", j++ ? " or " : "", groups[i]);
	addf(msg, msgsize, ", which bridge %s requires", bridge);
	v = BRIDGE_AUTH_DENY;
done:
	free(ugids);
	return v;
}

/* ---------------------------------------------------------------- the system's NSS */

static size_t nss_buf_start(int which)
{
	long n = sysconf(which);

	return (n > 0 && n < (long)NSS_BUF_MAX) ? (size_t)n : 1024;
}

/* getgrnam_r() and getpwnam_r() say "not found" with 0 and a NULL result
 * (POSIX also allows ENOENT and ESRCH); anything else is an error. */
static int nss_answer(int rc, int found)
{
	if (rc == 0)
		return found;
	if (rc == ENOENT || rc == ESRCH)
		return 0;
	errno = rc;
	return -1;
}

static int sys_group_by_name(void *ctx, const char *name, const char *user, gid_t *gid,
			     int *listed)
{
	size_t size = nss_buf_start(_SC_GETGR_R_SIZE_MAX);
	struct group gr, *res;
	char *buf = NULL;
	int rc;

	for (;;) {
		char *nb = realloc(buf, size);

		if (nb == NULL) {
			free(buf);
			errno = ENOMEM;
			return -1;
		}
		buf = nb;
		res = NULL;
		rc = getgrnam_r(name, &gr, buf, size, &res);
		if (rc != ERANGE || size >= NSS_BUF_MAX)
			break;
		size *= 2;
	}
	*listed = 0;
	if (rc == 0 && res != NULL) {
		*gid = res->gr_gid;
		for (char **m = res->gr_mem; user != NULL && m != NULL && *m != NULL; m++)
			if (strcmp(*m, user) == 0)
				*listed = 1;
	}
	free(buf);
	return nss_answer(rc, res != NULL);
}

static int sys_user_primary_gid(void *ctx, const char *user, gid_t *gid)
{
	size_t size = nss_buf_start(_SC_GETPW_R_SIZE_MAX);
	struct passwd pw, *res;
	char *buf = NULL;
	int rc;

	for (;;) {
		char *nb = realloc(buf, size);

		if (nb == NULL) {
			free(buf);
			errno = ENOMEM;
			return -1;
		}
		buf = nb;
		res = NULL;
		rc = getpwnam_r(user, &pw, buf, size, &res);
		if (rc != ERANGE || size >= NSS_BUF_MAX)
			break;
		size *= 2;
	}
	if (rc == 0 && res != NULL)
		*gid = res->pw_gid;
	free(buf);
	return nss_answer(rc, res != NULL);
}

static int sys_user_groups(void *ctx, const char *user, gid_t primary, gid_t **list, size_t *n)
{
	int want = 64;

	*list = NULL;
	*n = 0;
	for (;;) {
		gid_t *l = realloc(*list, (size_t)want * sizeof(gid_t));
		int got = want;

		if (l == NULL) {
			free(*list);
			*list = NULL;
			errno = ENOMEM;
			return -1;
		}
		*list = l;
		if (getgrouplist(user, primary, l, &got) >= 0) {
			*n = (size_t)got;
			return 1;
		}
		/* Too small: GOT is now the number needed. */
		if (got <= want)
			want *= 2;
		else
			want = got;
		if (want > USER_GROUPS_MAX) {
			free(*list);
			*list = NULL;
			errno = E2BIG;
			return -1;
		}
	}
}

const struct group_nss group_nss_system = {
	.group_by_name = sys_group_by_name,
	.user_primary_gid = sys_user_primary_gid,
	.user_groups = sys_user_groups,
	.ctx = NULL,
};
