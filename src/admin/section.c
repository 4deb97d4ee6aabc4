/*
 * bridge-auth(8): the bridge sections of a policy (src/sections.h) as the
 * tool shows them: the one that matched for explain, all of them for check.
 */
#include "config.h"

#include <stdio.h>

#include "admin.h"
#include "json.h"
#include "sections.h"

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
