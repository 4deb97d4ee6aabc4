#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "caller.h"
#include "log.h"
#include "stack.h"

const char *verdict_name(enum bridge_auth_verdict v)
{
	switch (v) {
	case BRIDGE_AUTH_ALLOW: return "allow";
	case BRIDGE_AUTH_DENY: return "deny";
	case BRIDGE_AUTH_IGNORE: return "ignore";
	case BRIDGE_AUTH_ERROR: return "error";
	}
	return "error";
}

static int host_open_as_caller(const struct bridge_auth_host *host,
			       const struct bridge_auth_caller *caller, const char *path)
{
	return caller_open(caller, path);
}

static void host_log(const struct bridge_auth_host *host, int priority, const char *fmt, ...)
{
	const struct stack_entry *e = host->priv;
	va_list ap;

	va_start(ap, fmt);
	log_vmodule(e->module, priority, fmt, ap);
	va_end(ap);
}

static void log_module(const char *module, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void log_module(const char *module, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmodule(module, priority, fmt, ap);
	va_end(ap);
}

/* Open (once) and ask one entry; anything but the four verdicts is an ERROR. */
static enum bridge_auth_verdict ask(struct stack_entry *e, const struct bridge_auth_request *req,
				    char reason[BRIDGE_AUTH_MSG_MAX])
{
	struct bridge_auth_host host = {
		.version = BRIDGE_AUTH_ABI_VERSION,
		.open_as_caller = host_open_as_caller,
		.log = host_log,
		.priv = e,
	};
	enum bridge_auth_verdict v;

	reason[0] = '\0';
	if (!e->opened && e->mod->open) {
		char err[BRIDGE_AUTH_MSG_MAX] = "";

		if (e->mod->open(&e->state, e->argc, (const char *const *)e->argv, &host, err) != 0) {
			err[BRIDGE_AUTH_MSG_MAX - 1] = '\0';
			snprintf(reason, BRIDGE_AUTH_MSG_MAX, "cannot start: %s",
				 err[0] ? err : "no reason given");
			return BRIDGE_AUTH_ERROR;
		}
	}
	e->opened = true;
	v = e->mod->check(e->state, req, &host, reason);
	reason[BRIDGE_AUTH_MSG_MAX - 1] = '\0';
	switch (v) {
	case BRIDGE_AUTH_ALLOW:
	case BRIDGE_AUTH_DENY:
	case BRIDGE_AUTH_IGNORE:
	case BRIDGE_AUTH_ERROR:
		return v;
	}
	snprintf(reason, BRIDGE_AUTH_MSG_MAX, "returned an invalid verdict (%d)", (int)v);
	return BRIDGE_AUTH_ERROR;
}

static void set_result(struct stack_result *res, size_t i, enum bridge_auth_verdict v,
		       const char *reason)
{
	res->decider = i;
	res->verdict = v;
	snprintf(res->reason, sizeof(res->reason), "%s", reason);
}

/* Keep the first entry of a kind, with its reason. */
struct mark {
	size_t i;
	char reason[BRIDGE_AUTH_MSG_MAX];
};

static void mark_first(struct mark *m, size_t i, const char *reason)
{
	if (m->i != STACK_NO_ENTRY)
		return;
	m->i = i;
	snprintf(m->reason, sizeof(m->reason), "%s", reason);
}

/*
 * PAM's control flags (bridge-auth.conf(5) has the table):
 *   required    ALLOW: a yes;  DENY/ERROR: the request will fail, go on
 *   requisite   ALLOW: a yes;  DENY/ERROR: fail now
 *   sufficient  ALLOW: grant now, unless a required already failed;  DENY/ERROR: ignored
 *   optional    ALLOW: a yes only if no other module decided;  DENY/ERROR: ignored
 * IGNORE never counts.  Granted only with a yes and no failure.
 */
void stack_run(struct policy *p, const struct bridge_auth_request *req, struct stack_result *res)
{
	struct mark fail = { STACK_NO_ENTRY, "" }, yes = { STACK_NO_ENTRY, "" };
	struct mark opt_yes = { STACK_NO_ENTRY, "" }, silent = { STACK_NO_ENTRY, "" };
	enum bridge_auth_verdict fail_verdict = BRIDGE_AUTH_DENY;
	bool others_decided = false; /* a verdict other than IGNORE or an optional ALLOW */

	*res = (struct stack_result){ .decider = STACK_NO_ENTRY, .verdict = BRIDGE_AUTH_DENY };
	for (size_t i = 0; i < p->n; i++) {
		struct stack_entry *e = &p->entries[i];
		char reason[BRIDGE_AUTH_MSG_MAX];
		enum bridge_auth_verdict v = ask(e, req, reason);
		bool allow = v == BRIDGE_AUTH_ALLOW;

		if (v == BRIDGE_AUTH_IGNORE) {
			mark_first(&silent, i, reason);
			continue;
		}
		/* An ERROR the control flag ignores still reaches the log. */
		if (v == BRIDGE_AUTH_ERROR)
			log_module(e->module, LOG_WARNING, "error (%s, line %d): %s",
				   control_name(e->control), e->line, reason);
		if (!(allow && e->control == CONTROL_OPTIONAL))
			others_decided = true;
		switch (e->control) {
		case CONTROL_REQUIRED:
		case CONTROL_REQUISITE:
			if (allow) {
				mark_first(&yes, i, reason);
				break;
			}
			if (fail.i == STACK_NO_ENTRY)
				fail_verdict = v;
			mark_first(&fail, i, reason);
			if (e->control == CONTROL_REQUISITE)
				goto done;
			break;
		case CONTROL_SUFFICIENT:
			if (allow && fail.i == STACK_NO_ENTRY) {
				res->granted = true;
				set_result(res, i, v, reason);
				return;
			}
			mark_first(&silent, i, reason);
			break;
		case CONTROL_OPTIONAL:
			if (allow)
				mark_first(&opt_yes, i, reason);
			else
				mark_first(&silent, i, reason);
			break;
		}
	}
done:
	if (fail.i != STACK_NO_ENTRY) {
		set_result(res, fail.i, fail_verdict, fail.reason);
	} else if (yes.i != STACK_NO_ENTRY) {
		res->granted = true;
		set_result(res, yes.i, BRIDGE_AUTH_ALLOW, yes.reason);
	} else if (opt_yes.i != STACK_NO_ENTRY && !others_decided) {
		res->granted = true;
		set_result(res, opt_yes.i, BRIDGE_AUTH_ALLOW, opt_yes.reason);
	} else if (silent.i != STACK_NO_ENTRY) {
		/* Nobody said yes: name the first module that did not, as context. */
		snprintf(res->reason, sizeof(res->reason), "no module allowed it (%s: %s)",
			 p->entries[silent.i].module, silent.reason);
	} else {
		snprintf(res->reason, sizeof(res->reason), "%s",
			 p->n ? "no module allowed it" : "the stack is empty");
	}
}
