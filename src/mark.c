#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifname.h"
#include "mark.h"

void mark_format(char *buf, size_t size, uid_t uid, const char *bridge, time_t since)
{
	snprintf(buf, size, MARK_PREFIX "uid=%u bridge=%s since=%lld", (unsigned)uid, bridge,
		 (long long)since);
}

/* A decimal number without sign or leading zero, ending at END; *P moves past it. */
static bool number(const char **p, char end, unsigned long long max, unsigned long long *v)
{
	const char *s = *p;
	char *e;

	if (*s < '0' || *s > '9' || (s[0] == '0' && s[1] != end))
		return false;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno != 0 || *e != end || *v > max)
		return false;
	*p = e;
	return true;
}

bool mark_parse(const char *alias, struct mark *m)
{
	const char *p = alias, *sp;
	unsigned long long uid, since;
	size_t len;

	if (strncmp(p, MARK_PREFIX "uid=", sizeof(MARK_PREFIX "uid=") - 1) != 0)
		return false;
	p += sizeof(MARK_PREFIX "uid=") - 1;
	if (!number(&p, ' ', UINT32_MAX - 1, &uid) || strncmp(p, " bridge=", 8) != 0)
		return false;
	p += 8;
	sp = strchr(p, ' ');
	if (sp == NULL || (len = (size_t)(sp - p)) >= IFNAMSIZ)
		return false;
	memcpy(m->bridge, p, len);
	m->bridge[len] = '\0';
	if (!ifname_valid(m->bridge) || strncmp(sp, " since=", 7) != 0)
		return false;
	p = sp + 7;
	if (!number(&p, '\0', INT64_MAX, &since))
		return false;
	m->uid = (uid_t)uid;
	m->since = (long long)since;
	return true;
}

struct reap {
	unsigned *reaped;
	void (*names)(void *ctx, const struct nl_link *l, const struct mark *m, int error);
	void *ctx;
	struct nl_link victims[64];
	size_t n;
	bool more;
};

/* Collected first, deleted after the dump (no request in the middle of one). */
static int collect(void *ctx, const struct nl_link *l)
{
	struct reap *r = ctx;
	struct mark m;

	if (l == NULL) { /* the dump starts over */
		r->n = 0;
		r->more = false;
		return 0;
	}
	if (!l->tun_persist || !mark_parse(l->alias, &m))
		return 0;
	if (r->n == sizeof(r->victims) / sizeof(r->victims[0])) {
		r->more = true;
		return 0;
	}
	r->victims[r->n++] = *l;
	return 0;
}

int mark_reap(struct nl *nl, unsigned *reaped,
	      void (*names)(void *ctx, const struct nl_link *l, const struct mark *m, int error),
	      void *ctx, char *err, size_t errlen)
{
	struct reap *r = calloc(1, sizeof(*r));

	*reaped = 0;
	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	do {
		r->n = 0;
		r->more = false;
		if (nl_links(nl, 0, "tun", collect, r, err, errlen) < 0) {
			free(r);
			return -1;
		}
		for (size_t i = 0; i < r->n; i++) {
			struct mark m;
			int e = 0;

			if (nl_link_del(nl, r->victims[i].index) < 0)
				e = errno;
			if (e == 0)
				(*reaped)++;
			mark_parse(r->victims[i].alias, &m);
			if (names && e != ENODEV)
				names(ctx, &r->victims[i], &m, e);
		}
	} while (r->more && r->n > 0 && *reaped > 0);
	free(r);
	return 0;
}
