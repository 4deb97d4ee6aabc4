#include "config.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifname.h"
#include "sections.h"

#define MAX_TAPS_LIMIT 65535 /* more than any host holds: a typo, not a policy */
#define MTU_MIN 68           /* IPv4's minimum, the kernel's for Ethernet */
#define MTU_MAX 65535
#define MATCH_MAX 64

bool tap_template_valid(const char *t)
{
	const char *d = strstr(t, "%d");
	char expanded[IFNAMSIZ + TAP_NAME_DIGITS + 2];
	size_t len = strlen(t);

	if (d == NULL || strchr(d + 2, '%') != NULL || strchr(t, '%') != d ||
	    len - 2 + TAP_NAME_DIGITS >= IFNAMSIZ)
		return false;
	/* With the widest number the kernel may put there. */
	snprintf(expanded, sizeof(expanded), "%.*s99999%s", (int)(d - t), t, d + 2);
	return ifname_valid(expanded);
}

/* A match is an interface name, or a pattern whose brackets close. */
static const char *match_problem(const char *m)
{
	size_t len = strlen(m);

	if (len == 0)
		return "is empty";
	if (len > MATCH_MAX)
		return "is too long";
	if (strpbrk(m, "*?[") == NULL)
		return ifname_valid(m) ? NULL : "is not a valid interface name (and not a pattern)";
	for (const char *c = m; *c; c++)
		if (*c <= ' ' || *c > '~' || *c == '/' || *c == ':')
			return "holds a character no interface name has";
	/* fnmatch(3) would read an unclosed [ as a plain character: say so instead. */
	for (const char *c = m; (c = strchr(c, '[')) != NULL; c++)
		if (strchr(c + 1, ']') == NULL)
			return "has a [ without ]";
	return NULL;
}

struct ctx {
	const char *path;
	section_problem_fn problem;
	void *pctx;
	char *err;
	size_t errlen;
	bool bad;
	int list_line; /* libconfig places a scalar element of a list on a later line */
};

static int __attribute__((format(printf, 3, 4))) say(struct ctx *c, int line, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(c->err, c->errlen, "%s:%d: %s", c->path, line, text);
	c->bad = true;
	return c->problem(c->pctx, c->err);
}

static bool is_int(const config_setting_t *m)
{
	return config_setting_type(m) == CONFIG_TYPE_INT || config_setting_type(m) == CONFIG_TYPE_INT64;
}

/* One member NAME = value of a section; -1 to stop. */
static int member(struct ctx *c, config_setting_t *m, struct bridge_section *s,
		  const char **match, const char **tap_name)
{
	const char *name = config_setting_name(m);
	int line = (int)config_setting_source_line(m);
	long long v;

	if (strcmp(name, "match") == 0 || strcmp(name, "tap_name") == 0) {
		if (config_setting_type(m) != CONFIG_TYPE_STRING)
			return say(c, line, "%s must be a string", name);
		*(name[0] == 'm' ? match : tap_name) = config_setting_get_string(m);
	} else if (strcmp(name, "stack") == 0) {
		if (!config_setting_is_list(m))
			return say(c, line, "stack must be a list ( { ... }, ... )");
		s->has_stack = true;
		s->setting = m;
	} else if (strcmp(name, "isolated") == 0) {
		if (config_setting_type(m) != CONFIG_TYPE_BOOL)
			return say(c, line, "isolated must be true or false");
		s->isolated = config_setting_get_bool(m) != 0;
	} else if (strcmp(name, "max_taps_per_user") == 0) {
		v = config_setting_get_int64(m);
		if (!is_int(m) || v < 0 || v > MAX_TAPS_LIMIT)
			return say(c, line, "max_taps_per_user must be a whole number from 0 to %d",
				   MAX_TAPS_LIMIT);
		s->max_taps = (long)v;
	} else if (strcmp(name, "mtu") == 0) {
		v = config_setting_get_int64(m);
		if (!is_int(m) || v < MTU_MIN || v > MTU_MAX)
			return say(c, line, "mtu must be a whole number from %d to %d", MTU_MIN,
				   MTU_MAX);
		s->mtu = (unsigned)v;
	} else {
		return say(c, line, "unknown setting '%s' in a bridges section (match, stack, "
				    "max_taps_per_user, isolated, mtu, tap_name)", name);
	}
	return 0;
}

static int section(struct ctx *c, config_setting_t *g, struct bridge_section *s)
{
	const char *match = NULL, *tap_name = NULL, *why;

	*s = (struct bridge_section){ .line = (int)config_setting_source_line(g), .max_taps = -1 };
	if (!config_setting_is_group(g))
		return say(c, c->list_line, "bridges holds a value that is not a section: each "
					    "must be a group { match = \"...\"; ... }");
	for (int i = 0; i < config_setting_length(g); i++)
		if (member(c, config_setting_get_elem(g, (unsigned)i), s, &match, &tap_name) < 0)
			return -1;
	if (match == NULL)
		return say(c, s->line, "a bridges section needs match = \"NAME or PATTERN\"");
	why = match_problem(match);
	if (why != NULL)
		return say(c, s->line, "match \"%s\" %s", match, why);
	if (tap_name != NULL && !tap_template_valid(tap_name))
		return say(c, s->line, "tap_name \"%s\" must hold exactly one %%d and no other %%, and "
				       "stay a valid interface name (at most %d other characters)",
			   tap_name, IFNAMSIZ - 1 - TAP_NAME_DIGITS);
	s->match = strdup(match);
	s->tap_name = tap_name ? strdup(tap_name) : NULL;
	if (s->match == NULL || (tap_name && s->tap_name == NULL)) {
		snprintf(c->err, c->errlen, "out of memory");
		return -1;
	}
	return 0;
}

int sections_parse(const char *path, const config_setting_t *list, struct policy *p,
		   section_problem_fn problem, void *pctx, char *err, size_t errlen)
{
	struct ctx c = { path, problem, pctx, err, errlen, false,
			 (int)config_setting_source_line(list) };
	int n = config_setting_length(list);

	if (!config_setting_is_list(list)) {
		snprintf(err, errlen, "%s:%d: bridges must be a list ( { match = ...; }, ... )", path,
			 (int)config_setting_source_line(list));
		return -1;
	}
	if (n > SECTIONS_MAX) {
		snprintf(err, errlen, "%s:%d: more than %d bridges sections", path,
			 (int)config_setting_source_line(list), SECTIONS_MAX);
		return -1;
	}
	p->sections = calloc((size_t)n + 1, sizeof(*p->sections));
	if (p->sections == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (int i = 0; i < n; i++) {
		struct bridge_section *s = &p->sections[p->nsections];

		c.bad = false;
		if (section(&c, config_setting_get_elem(list, (unsigned)i), s) < 0)
			return -1;
		if (c.bad) { /* reported, and the caller goes on: the section is left out */
			free(s->match);
			free(s->tap_name);
			*s = (struct bridge_section){ 0 };
			continue;
		}
		p->nsections++;
	}
	return 0;
}

const struct bridge_section *sections_match(const struct policy *p, const char *bridge)
{
	for (size_t i = 0; i < p->nsections; i++) {
		const char *m = p->sections[i].match;

		/* A plain name is compared whole: never a prefix, never a pattern. */
		if (strpbrk(m, "*?[") ? fnmatch(m, bridge, 0) == 0 : strcmp(m, bridge) == 0)
			return &p->sections[i];
	}
	return NULL;
}

void sections_free(struct policy *p)
{
	for (size_t i = 0; p->sections && i < p->nsections; i++) {
		free(p->sections[i].match);
		free(p->sections[i].tap_name);
	}
	free(p->sections);
	p->sections = NULL;
	p->nsections = 0;
	p->section = NULL;
}

void sections_port(const struct policy *p, struct port_settings *ps)
{
	const struct bridge_section *s = p->section;

	*ps = (struct port_settings){ .tap_name = TAP_NAME_DEFAULT, .max_taps = -1 };
	if (s == NULL)
		return;
	if (s->tap_name) /* checked by tap_template_valid: fits */
		snprintf(ps->tap_name, sizeof(ps->tap_name), "%s", s->tap_name);
	ps->mtu = s->mtu;
	ps->max_taps = s->max_taps;
	ps->isolated = s->isolated;
}
