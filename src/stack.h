/* Running the stack: PAM's control flags, fail closed. */
#ifndef BRIDGE_AUTH_STACK_H
#define BRIDGE_AUTH_STACK_H

#include <stdbool.h>

#include "bridge-auth/module.h"
#include "policy.h"

#define STACK_NO_ENTRY ((size_t)-1)

struct stack_result {
	bool granted;
	size_t decider;                  /* entry that decided, or STACK_NO_ENTRY */
	enum bridge_auth_verdict verdict; /* its verdict */
	char reason[2 * BRIDGE_AUTH_MSG_MAX]; /* its reason, or why nobody decided */
};

/* Ask the stack of P about REQ.  Modules are opened when first reached. */
void stack_run(struct policy *p, const struct bridge_auth_request *req, struct stack_result *res);

const char *verdict_name(enum bridge_auth_verdict v);

#endif
