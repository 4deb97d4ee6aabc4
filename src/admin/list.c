/* bridge-auth(8) list: the host's bridges, and which a user may use. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "admin.h"
#include "json.h"
#include "net.h"

int cmd_list(void)
{
	struct run r = { 0 };
	struct caller c;
	size_t n;
	char **names, err[1024];
	int usable;

	identify(&c, opt.user);
	names = admin_bridges(&n, err, sizeof(err));
	if (names == NULL)
		die(EX_CANNOT, "%s", err);
	load(&r, NULL); /* whether the file can be used at all */
	usable = r.loaded;
	if (opt.json) {
		fputc('{', stdout);
		json_member_str(stdout, 1, "user", c.id.user);
		json_member_int(stdout, 0, "uid", c.id.uid);
		json_member_str(stdout, 0, "policy", source().path);
		json_member_str(stdout, 0, "policy_error", r.loaded ? NULL : r.err);
		json_key(stdout, 0, "bridges");
		fputc('[', stdout);
	} else {
		printf("bridges on this host, for %s (uid %u):\n", who(&c), (unsigned)c.id.uid);
		if (!r.loaded)
			printf("  the policy cannot be used: %s\n", r.err);
		if (n == 0)
			printf("  (none)\n");
	}
	for (size_t i = 0; i < n; i++) {
		const char *mod;

		if (r.loaded) {
			free_steps(&r);
			policy_free(&r.p);
		}
		load(&r, names[i]); /* each bridge: its section, its stack */
		decide(&r, &c, names[i]);
		mod = decider_module(&r);
		if (opt.json) {
			fputs(i ? ",{" : "{", stdout);
			json_member_str(stdout, 1, "name", names[i]);
			json_member_bool(stdout, 0, "allowed", r.res.granted);
			json_member_str(stdout, 0, "module", mod);
			json_member_str(stdout, 0, "reason", r.res.reason);
			json_key(stdout, 0, "max_taps_per_user");
			if (r.loaded && r.p.section && r.p.section->max_taps >= 0)
				printf("%ld", r.p.section->max_taps);
			else
				fputs("null", stdout);
			json_member_int(stdout, 0, "held", admin_held(names[i], c.id.uid));
			putchar('}');
		} else {
			printf("  %-15s %-7s %s%s%s", names[i], r.res.granted ? "allowed" : "denied",
			       mod ? mod : "", mod ? ": " : "", r.res.reason);
			if (r.loaded && r.p.section && r.p.section->max_taps >= 0)
				printf(" (at most %ld taps per user, %s holds %ld)",
				       r.p.section->max_taps, who(&c), admin_held(names[i], c.id.uid));
			putchar('\n');
		}
		free(names[i]);
	}
	if (opt.json)
		fputs("]}\n", stdout);
	free(names);
	free_steps(&r);
	if (r.loaded)
		policy_free(&r.p);
	forget(&c);
	return usable ? EX_OK : EX_NO;
}
