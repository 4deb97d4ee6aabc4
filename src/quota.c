#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "quota.h"

int quota_claim(struct nl *nl, unsigned tap, uid_t uid, const char *bridge, long max, char *err,
		size_t errlen)
{
	char name[NL_ALTNAME_MAX];

	for (long i = 0; i < max; i++) {
		long k = (long)((tap + (unsigned long)i) % (unsigned long)max);

		snprintf(name, sizeof(name), NL_OUR_ALTNAME "%u.%s.%ld", (unsigned)uid, bridge, k);
		if (nl_altname_add(nl, tap, name) == 0)
			return 0;
		if (errno != EEXIST) {
			snprintf(err, errlen, "cannot claim a quota slot (%s): %s", name,
				 strerror(errno));
			return -1;
		}
	}
	return 1;
}

struct slots {
	char prefix[NL_ALTNAME_MAX];
	size_t len;
	unsigned held;
};

/* PREFIX then digits only: a bridge name may hold dots, the slot number not. */
static int count_slot(void *ctx, const struct nl_link *l)
{
	struct slots *s = ctx;
	const char *k;

	if (l == NULL) { /* the dump starts over */
		s->held = 0;
		return 0;
	}
	k = l->ours + s->len;
	if (strncmp(l->ours, s->prefix, s->len) == 0 && *k != '\0' &&
	    strspn(k, "0123456789") == strlen(k))
		s->held++;
	return 0;
}

int quota_held(struct nl *nl, uid_t uid, const char *bridge, unsigned *held, char *err,
	       size_t errlen)
{
	struct slots s = { .held = 0 };

	snprintf(s.prefix, sizeof(s.prefix), NL_OUR_ALTNAME "%u.%s.", (unsigned)uid, bridge);
	s.len = strlen(s.prefix);
	if (nl_links(nl, 0, "tun", count_slot, &s, err, errlen) < 0)
		return -1;
	*held = s.held;
	return 0;
}
