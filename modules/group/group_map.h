/*
 * group: bridges mapped to Unix groups, membership from the group database.
 *
 * The worker of the group module, apart from its entry points so that unit
 * tests drive it with their own name-service functions (no NSS, no root).
 * The configuration is parsed once, in open; every decision asks the name
 * service afresh, so a change to the group database counts at the next
 * request.
 */
#ifndef BRIDGE_AUTH_GROUP_MAP_H
#define BRIDGE_AUTH_GROUP_MAP_H

#include <stddef.h>
#include <sys/types.h>

#include <bridge-auth/module.h>

/* Longest group name accepted in a map= or made by the pattern. */
#define GROUP_NAME_MAX 255
/* Most groups one map= may name, and most map= entries. */
#define GROUP_MAX_PER_BRIDGE 64
#define GROUP_MAX_MAPS 1024

struct group_map_entry {
	char *bridge;
	char **groups;
	size_t ngroups;
};

struct group_conf {
	struct group_map_entry *map;
	size_t nmap;
	int has_pattern;
	char *prefix; /* the pattern around its %b, %% already unescaped */
	char *suffix;
};

/* The name service, as the worker uses it.  Each function returns 1 when
 * the entry was found, 0 when it does not exist, -1 with errno when the
 * lookup failed. */
struct group_nss {
	/* The group called NAME: its gid in *GID; *LISTED says whether USER is
	 * among its listed members (a shortcut: getgrouplist() is the truth). */
	int (*group_by_name)(void *ctx, const char *name, const char *user, gid_t *gid,
			     int *listed);
	/* The account called USER: its primary gid in *GID. */
	int (*user_primary_gid)(void *ctx, const char *user, gid_t *gid);
	/* Every group of USER, PRIMARY included: a malloc()ed array in *LIST
	 * of *N gids (1 on success; 0 is never returned). */
	int (*user_groups)(void *ctx, const char *user, gid_t primary, gid_t **list, size_t *n);
	void *ctx;
};

/* The real name service: getgrnam_r(), getpwnam_r(), getgrouplist(). */
extern const struct group_nss group_nss_system;

/*
 * Parse the module arguments: "map=BRIDGE:GROUP[,GROUP...]" (repeatable; a
 * bridge mapped twice gets the groups of both) and "pattern=PREFIX%bSUFFIX"
 * (at most once; exactly one %b, %% for a literal %).  At least one of
 * them.  On success set *CONF and return 0; on error write one line to ERR
 * (size ERRSIZE) and return -1.
 */
int group_parse_args(int argc, const char *const *argv, struct group_conf **conf, char *err,
		     size_t errsize);
void group_conf_free(struct group_conf *conf);

/*
 * The groups of BRIDGE: the map's when it names BRIDGE, else the one the
 * pattern makes (written to BUF, size BUFSIZE), else none.  Sets *GROUPS
 * (valid until CONF is freed or BUF reused) and returns their number.
 */
size_t group_for_bridge(const struct group_conf *conf, const char *bridge, char *buf,
			size_t bufsize, const char *const **groups);

/*
 * Expand PATTERN (as written in pattern=) for BRIDGE into OUT.  Returns 0,
 * or -1 when PATTERN is not a valid pattern or the result does not fit.
 */
int group_expand(const char *pattern, const char *bridge, char *out, size_t outsize);

/*
 * May USER (NULL when the uid has no name; UID is then named) use BRIDGE?
 * Writes the reason to MSG (size MSGSIZE) and returns:
 *   BRIDGE_AUTH_ALLOW   "alice is in group kvm (for bridge br0)"
 *   BRIDGE_AUTH_DENY    "alice is not in group kvm, which bridge br0 requires"
 *   BRIDGE_AUTH_IGNORE  "no group for bridge br5", "group kvm (for bridge
 *                       br0) does not exist", "uid 4009 has no user name"
 *   BRIDGE_AUTH_ERROR   "cannot look up group kvm: <strerror>"
 */
enum bridge_auth_verdict group_decide(const struct group_conf *conf, const char *bridge,
				      const char *user, uid_t uid, const struct group_nss *nss,
				      char *msg, size_t msgsize);

#endif /* BRIDGE_AUTH_GROUP_MAP_H */
