/*
 * The policy: bridge-auth.conf read from a trusted file, its stack of
 * modules loaded from the module directory.
 */
#ifndef BRIDGE_AUTH_POLICY_H
#define BRIDGE_AUTH_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "bridge-auth/module.h"

enum control { CONTROL_REQUIRED, CONTROL_REQUISITE, CONTROL_SUFFICIENT, CONTROL_OPTIONAL };

struct stack_entry {
	char *module;     /* name as configured, e.g. "acl" */
	enum control control;
	int argc;
	char **argv;      /* NULL-terminated */
	int line;         /* where it stands in the configuration */
	void *dl;         /* dlopen handle */
	int fd;           /* the checked module file, open while loaded (its name in /proc) */
	const struct bridge_auth_module *mod;
	/* mod->validate, read only from a module built for ABI 1.1 or later */
	int (*validate)(void *state, const struct bridge_auth_host *host,
			const struct bridge_auth_caller *as, bridge_auth_problem_fn *problem,
			void *ctx);
	bool opened;      /* open() was called and succeeded: close() is owed */
	bool open_failed; /* open() refused its arguments: its reason quotes the policy */
	bool name_unused; /* mod->flags (ABI 1.3) has BRIDGE_AUTH_NAME_UNUSED */
	void *state;      /* the module's, from open() */
};

/* One section of the `bridges` list (bridge-auth.conf(5)): what it sets for the bridges it matches. */
struct bridge_section {
	char *match;          /* an exact name or an fnmatch(3) pattern */
	int line;
	long max_taps;        /* max_taps_per_user; -1: no limit */
	bool isolated;
	unsigned mtu;         /* 0: the bridge's */
	char *tap_name;       /* NULL: tap%d */
	bool has_stack;       /* its own stack; else the top-level one */
	void *setting;        /* its stack's libconfig setting, while the file is read */
	struct stack_entry *entries; /* its stack, loaded by policy_check only */
	size_t n;
};

struct policy {
	char *path;
	struct stack_entry *entries; /* the stack that decides (the bridge's, or the top-level one) */
	size_t n;
	struct bridge_section *sections;
	size_t nsections;
	const struct bridge_section *section; /* the one that matched the bridge; NULL: none */
	bool has_stack;                       /* the file has a top-level stack */
};

struct policy_source {
	const char *path;      /* the configuration file */
	const char *moduledir; /* where NAME.so modules live */
	uid_t owner;           /* who must own both: root, except in unit tests */
	const char *bridge;    /* the bridge asked for (its section's stack decides); NULL: none */
};

/* Load and trust-check the configuration and every module.  -1 with ERR on any problem. */
int policy_load(const struct policy_source *src, struct policy *p, char *err, size_t errlen);
void policy_free(struct policy *p);
/*
 * Like policy_free(), but the modules' objects stay mapped: for a process
 * that loads no other module and exits soon (the helper), where dlclose()
 * would only unmap what exit() unmaps anyway.
 */
void policy_release(struct policy *p);

/*
 * For `bridge-auth check`: load what can be loaded, and report every problem
 * (one line each, "FILE:LINE: ..." where there is a line) to PROBLEM instead
 * of stopping at the first.  Returns the number of problems.  Entries that
 * failed keep mod == NULL: P describes the file, it must never decide.
 * policy_free() P afterwards in every case.
 *
 * ALSO, when not NULL, is a second uid accepted as the owner of the
 * configuration file and its directory: a user checking a file of their
 * own, with their own privileges.  Modules must still be SRC->owner's.
 */
unsigned policy_check(const struct policy_source *src, const uid_t *also, struct policy *p,
		      void (*problem)(void *ctx, const char *text), void *ctx);

const char *control_name(enum control c);

#endif
