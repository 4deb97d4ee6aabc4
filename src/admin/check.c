/* bridge-auth(8) check: every problem of a policy and of every file its modules read. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "json.h"
#include "net.h"

struct check_ctx {
	const struct policy *p;
	unsigned n;
};

/* Split "FILE:LINE: text" / "FILE: text" (FILE absolute) for --json. */
static void split_location(const char *text, char *file, size_t filesize, long *line,
			   const char **rest)
{
	const char *p;

	file[0] = '\0';
	*line = 0;
	*rest = text;
	if (text[0] != '/')
		return;
	for (p = text; (p = strchr(p, ':')) != NULL; p++) {
		char *end;
		long l = strtol(p + 1, &end, 10);

		if (end != p + 1 && *end == ':' && l > 0) {
			snprintf(file, filesize, "%.*s", (int)(p - text), text);
			*line = l;
			*rest = end[1] == ' ' ? end + 2 : end + 1;
			return;
		}
		if (p[1] == ' ') {
			snprintf(file, filesize, "%.*s", (int)(p - text), text);
			*rest = p + 2;
			return;
		}
	}
}

static void report(struct check_ctx *c, const struct stack_entry *e, const char *text)
{
	char file[4096], entry[4200] = "";
	const char *rest;
	long line;

	if (e)
		snprintf(entry, sizeof(entry), "%s:%d", c->p->path, e->line);
	if (opt.json) {
		split_location(text, file, sizeof(file), &line, &rest);
		fputs(c->n ? ",{" : "{", stdout);
		json_member_str(stdout, 1, "file", file[0] ? file : NULL);
		json_key(stdout, 0, "line");
		if (line > 0)
			printf("%ld", line);
		else
			fputs("null", stdout);
		json_member_str(stdout, 0, "message", rest);
		json_member_str(stdout, 0, "text", text);
		json_member_str(stdout, 0, "module", e ? e->module : NULL);
		json_member_str(stdout, 0, "entry", e ? entry : NULL);
		putchar('}');
	} else if (e == NULL) {
		printf("%s\n", text);
	} else if (text[0] == '/') {
		printf("%s (module %s, %s)\n", text, e->module, entry);
	} else {
		printf("%s: module %s: %s\n", entry, e->module, text);
	}
	c->n++;
}

static void policy_problem(void *ctx, const char *text)
{
	report(ctx, NULL, text);
}

static void entry_problem(void *ctx, size_t i, const char *text)
{
	struct check_ctx *c = ctx;

	report(c, &c->p->entries[i], text);
}

static void check_json_entries(const struct policy *p, unsigned n)
{
	fputc(']', stdout);
	json_key(stdout, 0, "entries");
	fputc('[', stdout);
	for (size_t i = 0; i < p->n; i++) {
		const struct stack_entry *e = &p->entries[i];

		fputs(i ? ",{" : "{", stdout);
		json_member_int(stdout, 1, "line", e->line);
		json_member_str(stdout, 0, "module", e->module);
		json_member_str(stdout, 0, "control", e->module ? control_name(e->control) : NULL);
		json_member_bool(stdout, 0, "loaded", e->mod != NULL);
		json_key(stdout, 0, "abi");
		if (e->mod)
			printf("\"%u.%u\"", BRIDGE_AUTH_ABI_MAJOR_OF(e->mod->abi_version),
			       BRIDGE_AUTH_ABI_MINOR_OF(e->mod->abi_version));
		else
			fputs("null", stdout);
		json_member_bool(stdout, 0, "validates", e->validate != NULL);
		json_key(stdout, 0, "args");
		fputc('[', stdout);
		for (int j = 0; e->argv && j < e->argc; j++) {
			if (j)
				fputc(',', stdout);
			json_string(stdout, e->argv[j]);
		}
		fputs("]}", stdout);
	}
	fputc(']', stdout);
	json_member_bool(stdout, 0, "ok", n == 0);
	fputs("}\n", stdout);
}

static void check_text_summary(const struct policy *p, const char *path, unsigned n)
{
	/* Not a problem, but the administrator should know what was not looked at. */
	for (size_t i = 0; i < p->n; i++)
		if (p->entries[i].mod && BRIDGE_AUTH_ABI_MINOR_OF(p->entries[i].mod->abi_version) < 1)
			printf("%s:%d: note: module %s is built for ABI 1.0: it cannot check "
			       "what it reads\n", path, p->entries[i].line, p->entries[i].module);
	if (n > 0) {
		printf("%s: %u problem%s\n", path, n, n == 1 ? "" : "s");
		return;
	}
	printf("%s: OK, %zu stack entr%s", path, p->n, p->n == 1 ? "y" : "ies");
	for (size_t i = 0; i < p->n; i++)
		printf("%s %s (%s)", i ? "," : ":", p->entries[i].module,
		       control_name(p->entries[i].control));
	putchar('\n');
}

int cmd_check(void)
{
	struct policy_source src = source();
	struct policy p = { 0 };
	struct check_ctx c = { &p, 0 };
	unsigned n;

	if (opt.json) {
		fputc('{', stdout);
		json_member_str(stdout, 1, "file", src.path);
		json_member_int(stdout, 0, "uid", self.id.uid);
		json_key(stdout, 0, "problems");
		fputc('[', stdout);
	}
	alarm(2 * DECISION_TIMEOUT);
	n = policy_check(&src, self_uid != 0 ? &self_uid : NULL, &p, policy_problem, &c);
	if (p.path != NULL) /* NULL: out of memory, and reported */
		n += stack_validate(&p, &self.id, entry_problem, &c);
	for (size_t i = 0; p.path != NULL && i < p.nsections; i++) {
		/* Each section's own stack, validated the same way. */
		struct policy view = { .path = p.path, .entries = p.sections[i].entries,
				       .n = p.sections[i].n };
		struct check_ctx vc = { &view, c.n };

		n += stack_validate(&view, &self.id, entry_problem, &vc);
		c.n = vc.n;
	}
	if (opt.json)
		check_json_entries(&p, n);
	else
		check_text_summary(&p, src.path, n);
	if (!opt.json && n == 0)
		admin_sections_summary(stdout, &p);
	if (!opt.json && opt.file == NULL)
		admin_mac_warnings(); /* the host's bridges, for the host's policy */
	policy_free(&p);
	return n == 0 ? EX_OK : EX_NO;
}
