#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "net.h"
#include "ifname.h"
#include "netlink.h"
#include "sections.h"

struct names {
	char **v;
	size_t n;
	bool failed;
};

static int add_name(void *ctx, const struct nl_link *l)
{
	struct names *b = ctx;
	char **more;

	if (!ifname_valid(l->name))
		return 0;
	more = realloc(b->v, (b->n + 1) * sizeof(char *));
	if (more == NULL) {
		b->failed = true;
		return -1;
	}
	b->v = more;
	b->v[b->n] = strdup(l->name);
	if (b->v[b->n] == NULL) {
		b->failed = true;
		return -1;
	}
	b->n++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **admin_bridges(size_t *n, char *err, size_t errlen)
{
	struct names b = { 0 };
	struct nl *nl = nl_open(err, errlen);
	int rc;

	*n = 0;
	if (nl == NULL)
		return NULL;
	rc = nl_links(nl, 0, "bridge", add_name, &b, err, errlen);
	nl_close(nl);
	if (rc < 0 || b.failed) {
		if (b.failed)
			snprintf(err, errlen, "out of memory");
		for (size_t i = 0; i < b.n; i++)
			free(b.v[i]);
		free(b.v);
		return NULL;
	}
	if (b.n)
		qsort(b.v, b.n, sizeof(char *), by_name);
	*n = b.n;
	return b.v ? b.v : calloc(1, sizeof(char *));
}

bool admin_bridge_exists(const char *name)
{
	char err[256];
	struct nl_link l;
	struct nl *nl = nl_open(err, sizeof(err));
	bool yes;

	if (nl == NULL)
		return false;
	yes = nl_link_get(nl, name, &l, err, sizeof(err)) == 0 && strcmp(l.kind, "bridge") == 0;
	nl_close(nl);
	return yes;
}

static const char *tap_name(const struct bridge_section *s)
{
	return s && s->tap_name ? s->tap_name : TAP_NAME_DEFAULT;
}

void admin_section_text(FILE *out, const struct policy *p)
{
	const struct bridge_section *s = p->section;

	if (s == NULL) {
		fprintf(out, "  section: none matches (top-level stack; taps %s, the bridge's MTU, "
			     "no limit, not isolated)\n", TAP_NAME_DEFAULT);
		return;
	}
	fprintf(out, "  section: %s:%d, match \"%s\": %s stack; taps %s", p->path, s->line, s->match,
		s->has_stack ? "its own" : "the top-level", tap_name(s));
	if (s->mtu)
		fprintf(out, ", mtu %u", s->mtu);
	else
		fputs(", the bridge's MTU", out);
	if (s->max_taps >= 0)
		fprintf(out, ", max_taps_per_user %ld", s->max_taps);
	else
		fputs(", no limit", out);
	fputs(s->isolated ? ", isolated\n" : ", not isolated\n", out);
}

void admin_section_json(FILE *out, const struct policy *p)
{
	const struct bridge_section *s = p->section;

	json_key(out, 0, "section");
	if (s == NULL) {
		fputs("null", out);
		return;
	}
	fputc('{', out);
	json_member_int(out, 1, "line", s->line);
	json_member_str(out, 0, "match", s->match);
	json_member_bool(out, 0, "own_stack", s->has_stack);
	json_member_str(out, 0, "tap_name", tap_name(s));
	json_key(out, 0, "mtu");
	if (s->mtu)
		fprintf(out, "%u", s->mtu);
	else
		fputs("null", out);
	json_key(out, 0, "max_taps_per_user");
	if (s->max_taps >= 0)
		fprintf(out, "%ld", s->max_taps);
	else
		fputs("null", out);
	json_member_bool(out, 0, "isolated", s->isolated);
	fputc('}', out);
}

void admin_sections_summary(FILE *out, const struct policy *p)
{
	for (size_t i = 0; i < p->nsections; i++) {
		const struct bridge_section *s = &p->sections[i];

		fprintf(out, "%s:%d: bridges \"%s\": ", p->path, s->line, s->match);
		if (s->has_stack) {
			fprintf(out, "%zu stack entr%s", s->n, s->n == 1 ? "y" : "ies");
			for (size_t j = 0; j < s->n; j++)
				fprintf(out, "%s %s (%s)", j ? "," : ":", s->entries[j].module,
					control_name(s->entries[j].control));
		} else {
			fputs("top-level stack", out);
		}
		fprintf(out, "; taps %s", tap_name(s));
		if (s->mtu)
			fprintf(out, ", mtu %u", s->mtu);
		if (s->max_taps >= 0)
			fprintf(out, ", max_taps_per_user %ld", s->max_taps);
		if (s->isolated)
			fputs(", isolated", out);
		fputc('\n', out);
	}
}
