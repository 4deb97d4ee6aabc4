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

/* What one entry's verdict did to the request, under its control flag. */
enum stack_effect {
	STACK_YES,         /* required/requisite ALLOW: counts as a yes */
	STACK_OPTIONAL_YES, /* optional ALLOW: counts only if no other module decides */
	STACK_WILL_FAIL,   /* required DENY/ERROR: the request will fail; the stack goes on */
	STACK_FAIL_NOW,    /* requisite DENY/ERROR: the request fails here */
	STACK_GRANT_NOW,   /* sufficient ALLOW: granted here */
	STACK_OVERRULED,   /* sufficient ALLOW after a failure: the failure stands */
	STACK_IGNORED,     /* sufficient/optional DENY/ERROR: ignored */
	STACK_NO_OPINION,  /* IGNORE: no opinion */
	STACK_NOT_REACHED, /* the stack ended before this entry (VERDICT and REASON unset) */
};

/*
 * Watches a run, entry by entry, in order: `bridge-auth explain` prints it.
 * STEP is called once for every entry of the stack, reached or not.
 */
struct stack_trace {
	void (*step)(void *ctx, size_t entry, enum bridge_auth_verdict verdict, const char *reason,
		     enum stack_effect effect);
	void *ctx;
};

/*
 * Ask the stack of P about REQ.  Modules are opened when first reached.
 * TRACE may be NULL (the helper's case); it never changes the decision.
 */
void stack_run(struct policy *p, const struct bridge_auth_request *req, struct stack_result *res,
	       const struct stack_trace *trace);

/*
 * For `bridge-auth check`: open every loaded entry of P (argument errors),
 * then ask each module's validate() about the files it reads as AS.  Every
 * problem goes to PROBLEM with its entry's index.  Returns how many.
 */
unsigned stack_validate(struct policy *p, const struct bridge_auth_caller *as,
			void (*problem)(void *ctx, size_t entry, const char *text), void *ctx);

/*
 * Where modules' log lines go: syslog (the default, FN NULL), or FN, for a
 * tool that shows them.  With FN set, the stack's own warning about an
 * ERROR verdict is left out: the trace shows the verdict.
 */
void stack_set_log(void (*fn)(void *ctx, const char *module, int priority, const char *line),
		   void *ctx);

/*
 * Who looks up the caller's name before a module that needs it (one
 * without BRIDGE_AUTH_NAME_UNUSED) is asked: FN(CTX, caller, err, errlen)
 * sets caller->user, or returns -1 with why in ERR, and the entry is then
 * an ERROR with that reason, its check() not called.  Unset (FN NULL),
 * modules get the caller as given.  caller_namer() is the usual FN.
 */
void stack_set_namer(int (*fn)(void *ctx, const struct bridge_auth_caller *who, char *err,
			       size_t errlen),
		     void *ctx);

const char *verdict_name(enum bridge_auth_verdict v);
/* A few words for an effect: "counts as a yes", "request will fail"... */
const char *effect_name(enum stack_effect e);

#endif
