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
	bool opened;      /* open() was called and succeeded: close() is owed */
	void *state;      /* the module's, from open() */
};

struct policy {
	char *path;
	struct stack_entry *entries;
	size_t n;
};

struct policy_source {
	const char *path;      /* the configuration file */
	const char *moduledir; /* where NAME.so modules live */
	uid_t owner;           /* who must own both: root, except in unit tests */
};

/* Load and trust-check the configuration and every module.  -1 with ERR on any problem. */
int policy_load(const struct policy_source *src, struct policy *p, char *err, size_t errlen);
void policy_free(struct policy *p);

const char *control_name(enum control c);

#endif
