/*
 * Unit tests of the group module's worker: argument parsing, pattern
 * expansion and the decision, with a scripted name service (no NSS, no
 * root).  The real name service is tested by test-group.sh.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "group_map.h"
#include "tap-test.h"

static char err[BRIDGE_AUTH_MSG_MAX];
static char msg[BRIDGE_AUTH_MSG_MAX];

/* ---------------------------------------------------------------- a scripted name service */

static const struct {
	const char *name;
	gid_t gid;
} fake_groups[] = {
	{ "alice", 4001 }, { "bob", 4002 }, { "kvm", 100 }, { "lab", 200 },
	{ "br-br0", 300 }, { "vm%br1", 301 }, { "netadm", 400 },
};

static const struct {
	const char *name;
	gid_t primary;
	gid_t groups[8];
	size_t n;
} fake_users[] = {
	{ "alice", 4001, { 4001, 100, 300 }, 3 },
	{ "bob", 4002, { 4002, 200 }, 2 },
	/* carol's primary group is lab, and getgrouplist() omits it (it must
	 * still count: the numeric primary-gid check). */
	{ "carol", 200, { 4003 }, 1 },
	{ "many", 5000, { 0 }, 0 }, /* filled in main() */
};

static const char *fail_group; /* lookups of this group fail with EIO */
static int fail_user;          /* user lookups fail with EIO */
static int calls_grouplist;
static gid_t many[3000];

static int fake_group_by_name(void *ctx, const char *name, const char *user, gid_t *gid,
			      int *listed)
{
	size_t i;

	*listed = 0; /* every membership goes through the group list */
	if (fail_group != NULL && strcmp(name, fail_group) == 0) {
		errno = EIO;
		return -1;
	}
	for (i = 0; i < sizeof(fake_groups) / sizeof(fake_groups[0]); i++)
		if (strcmp(fake_groups[i].name, name) == 0) {
			*gid = fake_groups[i].gid;
			return 1;
		}
	return 0;
}

static int fake_user_primary_gid(void *ctx, const char *user, gid_t *gid)
{
	size_t i;

	if (fail_user) {
		errno = EIO;
		return -1;
	}
	for (i = 0; i < sizeof(fake_users) / sizeof(fake_users[0]); i++)
		if (strcmp(fake_users[i].name, user) == 0) {
			*gid = fake_users[i].primary;
			return 1;
		}
	return 0;
}

static int fake_user_groups(void *ctx, const char *user, gid_t primary, gid_t **list, size_t *n)
{
	size_t i;

	calls_grouplist++;
	if (strcmp(user, "many") == 0) {
		*list = malloc(sizeof(many));
		if (*list == NULL)
			return -1;
		memcpy(*list, many, sizeof(many));
		*n = sizeof(many) / sizeof(many[0]);
		return 1;
	}
	for (i = 0; i < sizeof(fake_users) / sizeof(fake_users[0]); i++)
		if (strcmp(fake_users[i].name, user) == 0) {
			*list = malloc(sizeof(gid_t) * (fake_users[i].n + 1));
			if (*list == NULL)
				return -1;
			memcpy(*list, fake_users[i].groups, sizeof(gid_t) * fake_users[i].n);
			*n = fake_users[i].n;
			return 1;
		}
	*list = NULL;
	*n = 0;
	return 1;
}

static const struct group_nss fake = {
	fake_group_by_name, fake_user_primary_gid, fake_user_groups, NULL,
};

/* ---------------------------------------------------------------- helpers */

static struct group_conf *parse(int argc, const char *const *argv)
{
	struct group_conf *c = NULL;

	err[0] = '\0';
	if (group_parse_args(argc, argv, &c, err, sizeof(err)) < 0)
		return NULL;
	return c;
}

/* The arguments must be refused with a message containing NEEDLE. */
static void refused(const char *name, const char *needle, int argc, const char *const *argv)
{
	struct group_conf *c = parse(argc, argv);
	char t[160];

	snprintf(t, sizeof(t), "refused: %s", name);
	OK(c == NULL, "%s", t);
	snprintf(t, sizeof(t), "refused: %s: message names the fault", name);
	ASSERT_STR_CONTAINS(needle, err, t);
	group_conf_free(c);
}

#define REFUSED(name, needle, ...)                                                  \
	do {                                                                        \
		const char *const a_[] = { __VA_ARGS__ };                           \
		refused(name, needle, (int)(sizeof(a_) / sizeof(a_[0])), a_);       \
	} while (0)

static void decide(const struct group_conf *c, const char *bridge, const char *user,
		   enum bridge_auth_verdict expect, const char *reason, const char *name)
{
	enum bridge_auth_verdict v;
	char t[200];

	msg[0] = '\0';
	v = group_decide(c, bridge, user, 4009, &fake, msg, sizeof(msg));
	snprintf(t, sizeof(t), "%s: verdict", name);
	ASSERT_INT_EQ(expect, v, t);
	snprintf(t, sizeof(t), "%s: reason", name);
	ASSERT_STR_EQ(reason, msg, t);
}

static void expand(const char *pattern, const char *bridge, const char *want)
{
	char out[GROUP_NAME_MAX + 1];
	char t[200];
	int r = group_expand(pattern, bridge, out, sizeof(out));

	snprintf(t, sizeof(t), "expand \"%s\" for %s", pattern, bridge);
	if (want == NULL) {
		ASSERT_INT_EQ(-1, r, t);
	} else {
		ASSERT_INT_EQ(0, r, t);
		ASSERT_STR_EQ(want, r == 0 ? out : "(failed)", t);
	}
}

int main(void)
{
	struct group_conf *c;
	size_t i;

	for (i = 0; i < sizeof(many) / sizeof(many[0]); i++)
		many[i] = (gid_t)(10000 + i);
	many[2999] = 301;

	/* ------------------------------------------------ pattern expansion */
	expand("br-%b", "br0", "br-br0");
	expand("%b", "br0", "br0");
	expand("vm-%b-users", "lan", "vm-lan-users");
	expand("vm%%%b", "br1", "vm%br1");
	expand("%%%b%%", "x", "%x%");
	expand("", "br0", NULL);
	expand("br-", "br0", NULL);
	expand("%b%b", "br0", NULL);
	expand("%x%b", "br0", NULL);
	expand("br-%b%", "br0", NULL);
	expand("br %b", "br0", NULL);
	expand("br:%b", "br0", NULL);
	expand("br,%b", "br0", NULL);

	/* ------------------------------------------------ arguments */
	{
		const char *const a[] = { "map=br0:kvm", "map=br1:kvm,lab", "map=br0:netadm",
					  "pattern=br-%b" };
		const char *const *g;
		char buf[GROUP_NAME_MAX + 1];

		c = parse(4, a);
		OK(c != NULL, "map= twice for br0, map= with two groups and a pattern parse (%s)", err);
		if (c != NULL) {
			ASSERT_INT_EQ(2, c->nmap, "two bridges in the map");
			ASSERT_INT_EQ(2, group_for_bridge(c, "br0", buf, sizeof(buf), &g),
				      "br0 has the groups of both its map= arguments");
			ASSERT_STR_EQ("kvm", g[0], "br0's first group");
			ASSERT_STR_EQ("netadm", g[1], "br0's second group");
			ASSERT_INT_EQ(2, group_for_bridge(c, "br1", buf, sizeof(buf), &g),
				      "br1 has two groups");
			ASSERT_STR_EQ("lab", g[1], "br1's second group");
			ASSERT_INT_EQ(1, group_for_bridge(c, "br7", buf, sizeof(buf), &g),
				      "an unmapped bridge gets the pattern's group");
			ASSERT_STR_EQ("br-br7", g[0], "the pattern's group for br7");
		}
		group_conf_free(c);
	}
	{
		const char *const a[] = { "map=br0:kvm" };
		const char *const *g;
		char buf[GROUP_NAME_MAX + 1];

		c = parse(1, a);
		OK(c != NULL, "a map alone parses");
		if (c != NULL)
			ASSERT_INT_EQ(0, group_for_bridge(c, "br1", buf, sizeof(buf), &g),
				      "without a pattern, an unmapped bridge has no group");
		group_conf_free(c);
	}
	{
		const char *const a[] = { "map=brexactly15char:kvm", "pattern=%b" };

		c = parse(2, a);
		OK(c != NULL, "a 15-byte bridge name and pattern=%%b parse (%s)", err);
		group_conf_free(c);
	}

	OK(parse(0, NULL) == NULL, "no arguments: refused");
	ASSERT_STR_CONTAINS("no map= and no pattern=", err, "no arguments: message");
	REFUSED("empty pattern", "pattern= is empty", "pattern=");
	REFUSED("pattern without %b", "has no %b", "pattern=kvm");
	REFUSED("pattern without %b beside a map", "has no %b", "map=br0:kvm", "pattern=kvm");
	REFUSED("pattern with two %b", "more than one %b", "pattern=%b-%b");
	REFUSED("pattern with %x", "'%' must be followed", "pattern=br-%x%b");
	REFUSED("pattern with a blank", "not allowed in a group name", "pattern=br %b");
	REFUSED("two patterns", "duplicate argument \"pattern=\"", "pattern=a%b", "pattern=b%b");
	REFUSED("unknown key", "unknown argument \"group=kvm\"", "group=kvm");
	REFUSED("unknown key after good ones", "unknown argument \"Map=br0:kvm\"", "map=br1:kvm",
		"Map=br0:kvm");
	REFUSED("bare word", "unknown argument \"kvm\"", "kvm");
	REFUSED("map without colon", "expected map=BRIDGE:GROUP", "map=br0");
	REFUSED("map without bridge", "not a valid bridge name", "map=:kvm");
	REFUSED("map without group", "no group for bridge br0", "map=br0:");
	REFUSED("map with an empty group", "empty group name", "map=br0:kvm,");
	REFUSED("map with an empty group in the middle", "empty group name", "map=br0:kvm,,lab");
	REFUSED("map with a 16-byte bridge", "not a valid bridge name", "map=brexactly16chars:kvm");
	REFUSED("map with bridge '..'", "not a valid bridge name", "map=..:kvm");
	REFUSED("map with bridge containing '/'", "not a valid bridge name", "map=br/0:kvm");
	REFUSED("map with a blank in a group", "not a valid group name", "map=br0:k vm");
	REFUSED("map with a second colon", "not a valid group name", "map=br0:kvm:lab");
	REFUSED("map with a control byte", "not a valid group name", "map=br0:kv\tm");
	REFUSED("empty string", "unknown argument", "");
	{
		const char *const a[] = { "map=br0:kvm", NULL };

		OK(parse(2, a) == NULL, "a NULL argument: refused");
		ASSERT_STR_CONTAINS("argument 2 is missing", err, "a NULL argument: message");
	}
	{
		char big[400];

		memset(big, 'g', sizeof(big));
		memcpy(big, "map=br0:", 8);
		big[sizeof(big) - 1] = '\0';
		REFUSED("group name of 391 bytes", "longer than 255 bytes", big);
		memcpy(big, "pattern=%b", 10);
		REFUSED("pattern of 391 bytes", "longer than 255 bytes", big);
	}

	/* ------------------------------------------------ decisions */
	{
		const char *const a[] = { "map=br0:kvm", "map=br1:lab,kvm", "map=br2:nosuch",
					  "map=br3:nosuch,nothere", "map=br4:nosuch,lab",
					  "map=br5:bob", "pattern=br-%b" };

		c = parse(7, a);
		OK(c != NULL, "the decision table's arguments parse (%s)", err);
		if (c == NULL)
			return tap_done();

		decide(c, "br0", "alice", BRIDGE_AUTH_ALLOW, "alice is in group kvm (for bridge br0)",
		       "supplementary group in the map");
		decide(c, "br0", "bob", BRIDGE_AUTH_DENY,
		       "bob is not in group kvm, which bridge br0 requires",
		       "mapped group the user is not in");
		decide(c, "br1", "bob", BRIDGE_AUTH_ALLOW, "bob is in group lab (for bridge br1)",
		       "second user, first of two groups");
		decide(c, "br1", "alice", BRIDGE_AUTH_ALLOW, "alice is in group kvm (for bridge br1)",
		       "second of two groups");
		decide(c, "br1", "many", BRIDGE_AUTH_DENY,
		       "many is not in group lab or kvm, which bridge br1 requires",
		       "in neither of two groups: both named");
		decide(c, "br1", "carol", BRIDGE_AUTH_ALLOW, "carol is in group lab (for bridge br1)",
		       "primary group missing from the group list still counts");
		decide(c, "br5", "bob", BRIDGE_AUTH_ALLOW, "bob is in group bob (for bridge br5)",
		       "primary group");
		decide(c, "br2", "alice", BRIDGE_AUTH_IGNORE,
		       "group nosuch (for bridge br2) does not exist", "non-existent group");
		decide(c, "br3", "alice", BRIDGE_AUTH_IGNORE,
		       "none of the groups of bridge br3 exists (nosuch, nothere)",
		       "non-existent groups");
		decide(c, "br4", "alice", BRIDGE_AUTH_DENY,
		       "alice is not in group lab, which bridge br4 requires",
		       "one group missing, one the user is not in");
		decide(c, "br0", "many", BRIDGE_AUTH_DENY,
		       "many is not in group kvm, which bridge br0 requires",
		       "3000 groups, not the mapped one");
		decide(c, "br1", "many", BRIDGE_AUTH_DENY,
		       "many is not in group lab or kvm, which bridge br1 requires",
		       "3000 groups, none of two mapped ones");
		decide(c, "br0", "alice", BRIDGE_AUTH_ALLOW, "alice is in group kvm (for bridge br0)",
		       "map first: br0 is mapped, the pattern (br-br0) is not asked");
		decide(c, "br9", "alice", BRIDGE_AUTH_IGNORE,
		       "group br-br9 (for bridge br9) does not exist", "pattern's group does not exist");
		decide(c, "br0", NULL, BRIDGE_AUTH_IGNORE,
		       "uid 4009 has no user name: its groups are unknown", "no user name");
		decide(c, "br0", "ghost", BRIDGE_AUTH_IGNORE,
		       "user ghost has no account: its groups are unknown", "no account");

		calls_grouplist = 0;
		decide(c, "br0", "alice", BRIDGE_AUTH_ALLOW, "alice is in group kvm (for bridge br0)",
		       "asked again");
		decide(c, "br0", "alice", BRIDGE_AUTH_ALLOW, "alice is in group kvm (for bridge br0)",
		       "asked a third time");
		ASSERT_INT_EQ(2, calls_grouplist, "the group list is read afresh for every check");

		fail_group = "kvm";
		decide(c, "br0", "alice", BRIDGE_AUTH_ERROR,
		       "cannot look up group kvm (for bridge br0): Input/output error",
		       "group lookup fails");
		decide(c, "br1", "bob", BRIDGE_AUTH_ALLOW, "bob is in group lab (for bridge br1)",
		       "one lookup fails but the other group says yes");
		decide(c, "br1", "many", BRIDGE_AUTH_ERROR,
		       "cannot look up group kvm (for bridge br1): Input/output error",
		       "one lookup fails, the other group says no: error, not deny");
		fail_group = NULL;
		fail_user = 1;
		decide(c, "br0", "alice", BRIDGE_AUTH_ERROR,
		       "cannot look up user alice: Input/output error", "user lookup fails");
		decide(c, "br8", "alice", BRIDGE_AUTH_ERROR, "cannot look up user alice: Input/output error",
		       "user lookup fails for the pattern's group too");
		fail_user = 0;
		group_conf_free(c);
	}
	{
		const char *const a[] = { "map=br0:kvm" };

		c = parse(1, a);
		if (c != NULL) {
			decide(c, "br1", "alice", BRIDGE_AUTH_IGNORE, "no group for bridge br1",
			       "no map entry and no pattern");
			decide(c, "br1", NULL, BRIDGE_AUTH_IGNORE, "no group for bridge br1",
			       "no group, no user name");
		}
		group_conf_free(c);
	}
	{
		const char *const a[] = { "pattern=vm%%%b" };

		c = parse(1, a);
		if (c != NULL)
			decide(c, "br1", "many", BRIDGE_AUTH_ALLOW, "many is in group vm%br1 (for bridge br1)",
			       "pattern with %% and the last of 3000 groups");
		group_conf_free(c);
	}
	return tap_done();
}
