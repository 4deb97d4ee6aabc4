/* bridge-auth(8) explain: the stack's run for a user and a bridge, entry by entry. */
#include "config.h"

#include <stdio.h>

#include "admin.h"
#include "json.h"
#include "net.h"

static const char *effect_code(enum stack_effect e)
{
	static const char *const codes[] = {
		[STACK_YES] = "yes", [STACK_OPTIONAL_YES] = "optional-yes",
		[STACK_WILL_FAIL] = "will-fail", [STACK_FAIL_NOW] = "fail-now",
		[STACK_GRANT_NOW] = "grant-now", [STACK_OVERRULED] = "overruled",
		[STACK_IGNORED] = "ignored", [STACK_NO_OPINION] = "no-opinion",
		[STACK_NOT_REACHED] = "not-reached",
	};

	return (unsigned)e <= STACK_NOT_REACHED ? codes[e] : "?";
}

int cmd_explain(void)
{
	struct run r = { 0 };
	struct caller c;
	const char *mod;
	int exists;

	identify(&c, opt.user);
	load(&r, opt.bridge);
	decide(&r, &c, opt.bridge);
	mod = decider_module(&r);
	exists = admin_bridge_exists(opt.bridge);
	if (opt.json) {
		fputc('{', stdout);
		json_member_str(stdout, 1, "user", c.id.user);
		json_member_int(stdout, 0, "uid", c.id.uid);
		json_member_str(stdout, 0, "bridge", opt.bridge);
		json_member_str(stdout, 0, "policy", source().path);
		json_member_str(stdout, 0, "policy_error", r.loaded ? NULL : r.err);
		if (r.loaded)
			admin_section_json(stdout, &r.p);
		json_key(stdout, 0, "steps");
		fputc('[', stdout);
		for (size_t i = 0; r.loaded && i < r.p.n; i++) {
			const struct stack_entry *e = &r.p.entries[i];
			const struct step *s = &r.steps[i];

			fputs(i ? ",{" : "{", stdout);
			json_member_int(stdout, 1, "entry", (long long)i + 1);
			json_member_int(stdout, 0, "line", e->line);
			json_member_str(stdout, 0, "module", e->module);
			json_member_str(stdout, 0, "control", control_name(e->control));
			json_member_str(stdout, 0, "verdict", s->reached ? verdict_name(s->verdict) : NULL);
			json_member_str(stdout, 0, "reason", s->reached ? s->reason : NULL);
			json_member_str(stdout, 0, "effect", effect_code(s->effect));
			json_member_str(stdout, 0, "effect_text", effect_name(s->effect));
			json_key(stdout, 0, "log");
			fputc('[', stdout);
			for (size_t j = 0; j < s->nlog; j++) {
				if (j)
					fputc(',', stdout);
				json_string(stdout, s->log[j]);
			}
			fputs("]}", stdout);
		}
		fputc(']', stdout);
		json_member_bool(stdout, 0, "granted", r.res.granted);
		json_member_str(stdout, 0, "module", mod);
		json_member_str(stdout, 0, "reason", r.res.reason);
		json_member_bool(stdout, 0, "bridge_exists", exists);
		fputs("}\n", stdout);
	} else {
		printf("user %s (uid %u), bridge %s, policy %s\n", who(&c), (unsigned)c.id.uid,
		       opt.bridge, source().path);
		if (!r.loaded)
			printf("  the policy cannot be used: %s\n", r.err);
		else
			admin_section_text(stdout, &r.p);
		for (size_t i = 0; r.loaded && i < r.p.n; i++) {
			const struct stack_entry *e = &r.p.entries[i];
			const struct step *s = &r.steps[i];

			printf("  %zu. %s %s (line %d): ", i + 1, e->module, control_name(e->control),
			       e->line);
			if (!s->reached) {
				printf("not reached\n");
				continue;
			}
			printf("%s: %s\n", verdict_name(s->verdict), s->reason);
			for (size_t j = 0; j < s->nlog; j++)
				printf("       log: %s\n", s->log[j]);
			printf("     -> %s\n", effect_name(s->effect));
		}
		if (r.loaded && r.p.n == 0)
			printf("  (the stack is empty)\n");
		if (r.res.granted)
			printf("decision: granted by module %s: %s\n", mod, r.res.reason);
		else if (mod)
			printf("decision: denied by module %s: %s\n", mod, r.res.reason);
		else
			printf("decision: denied: %s\n", r.res.reason);
		if (!exists)
			printf("note: %s is not a bridge on this host (network namespace); the helper "
			       "checks that after the decision and would fail\n", opt.bridge);
	}
	free_steps(&r);
	if (r.loaded)
		policy_free(&r.p);
	forget(&c);
	return r.res.granted ? EX_OK : EX_NO;
}
