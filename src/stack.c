#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "caller.h"
#include "log.h"
#include "stack.h"

static void (*log_hook)(void *ctx, const char *module, int priority, const char *line);
static void *log_hook_ctx;
static int (*namer)(void *ctx, const struct bridge_auth_caller *who, char *err, size_t errlen);
static void *namer_ctx;

void stack_set_namer(int (*fn)(void *ctx, const struct bridge_auth_caller *who, char *err,
			       size_t errlen),
		     void *ctx)
{
	namer = fn;
	namer_ctx = ctx;
}

void stack_set_log(void (*fn)(void *ctx, const char *module, int priority, const char *line),
		   void *ctx)
{
	log_hook = fn;
	log_hook_ctx = ctx;
}

static void vlog_module(const char *module, int priority, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
static void vlog_module(const char *module, int priority, const char *fmt, va_list ap)
{
	char line[1024];

	if (log_hook == NULL) {
		log_vmodule(module, priority, fmt, ap);
		return;
	}
	vsnprintf(line, sizeof(line), fmt, ap);
	log_sanitize(line);
	log_hook(log_hook_ctx, module, priority, line);
}

const char *effect_name(enum stack_effect e)
{
	switch (e) {
	case STACK_YES: return "counts as a yes";
	case STACK_OPTIONAL_YES: return "counts as a yes only if no other module decides";
	case STACK_WILL_FAIL: return "request will fail";
	case STACK_FAIL_NOW: return "fail now";
	case STACK_GRANT_NOW: return "granted now";
	case STACK_OVERRULED: return "ignored: an earlier failure stands";
	case STACK_IGNORED: return "ignored";
	case STACK_NO_OPINION: return "no opinion";
	case STACK_NOT_REACHED: return "not reached";
	}
	return "?";
}

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

static int host_as_caller(const struct bridge_auth_host *host,
			  const struct bridge_auth_caller *caller, int (*fn)(void *arg), void *arg)
{
	return caller_as(caller, fn, arg);
}

static int host_open_trusted(const struct bridge_auth_host *host,
			     const struct bridge_auth_caller *caller, const char *path, char *why)
{
	return caller_open_trusted(caller, path, why, BRIDGE_AUTH_MSG_MAX);
}

static void host_log(const struct bridge_auth_host *host, int priority, const char *fmt, ...)
{
	const struct stack_entry *e = host->priv;
	va_list ap;

	va_start(ap, fmt);
	vlog_module(e->module, priority, fmt, ap);
	va_end(ap);
}

static void log_module(const char *module, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void log_module(const char *module, int priority, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog_module(module, priority, fmt, ap);
	va_end(ap);
}

static struct bridge_auth_host host_for(struct stack_entry *e)
{
	return (struct bridge_auth_host){
		.version = BRIDGE_AUTH_ABI_VERSION,
		.open_as_caller = host_open_as_caller,
		.log = host_log,
		.priv = e,
		.as_caller = host_as_caller,
		.open_trusted = host_open_trusted,
	};
}

/* Open E once.  -1 with the module's message in ERR (size BRIDGE_AUTH_MSG_MAX). */
static int entry_open(struct stack_entry *e, const struct bridge_auth_host *host, char *err)
{
	err[0] = '\0';
	if (!e->opened && e->mod->open &&
	    e->mod->open(&e->state, e->argc, (const char *const *)e->argv, host, err) != 0) {
		err[BRIDGE_AUTH_MSG_MAX - 1] = '\0';
		if (err[0] == '\0')
			snprintf(err, BRIDGE_AUTH_MSG_MAX, "no reason given");
		return -1;
	}
	e->opened = true;
	return 0;
}

/* Open (once) and ask one entry; anything but the four verdicts is an ERROR. */
static enum bridge_auth_verdict ask(struct stack_entry *e, const struct bridge_auth_request *req,
				    char reason[BRIDGE_AUTH_MSG_MAX])
{
	struct bridge_auth_host host = host_for(e);
	char err[BRIDGE_AUTH_MSG_MAX];
	enum bridge_auth_verdict v;

	reason[0] = '\0';
	if (entry_open(e, &host, err) < 0) {
		e->open_failed = true;
		snprintf(reason, BRIDGE_AUTH_MSG_MAX, "cannot start: %.240s", err);
		return BRIDGE_AUTH_ERROR;
	}
	/* A module that reads the name gets it, or is not asked (fail closed). */
	if (!e->name_unused && namer != NULL &&
	    namer(namer_ctx, req->caller, reason, BRIDGE_AUTH_MSG_MAX) < 0)
		return BRIDGE_AUTH_ERROR;
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
static void trace_step(const struct stack_trace *t, size_t i, enum bridge_auth_verdict v,
		       const char *reason, enum stack_effect effect)
{
	if (t != NULL && t->step != NULL)
		t->step(t->ctx, i, v, reason, effect);
}

void stack_run(struct policy *p, const struct bridge_auth_request *req, struct stack_result *res,
	       const struct stack_trace *trace)
{
	size_t i;
	struct mark fail = { STACK_NO_ENTRY, "" }, yes = { STACK_NO_ENTRY, "" };
	struct mark opt_yes = { STACK_NO_ENTRY, "" }, silent = { STACK_NO_ENTRY, "" };
	enum bridge_auth_verdict fail_verdict = BRIDGE_AUTH_DENY;
	bool others_decided = false; /* a verdict other than IGNORE or an optional ALLOW */

	*res = (struct stack_result){ .decider = STACK_NO_ENTRY, .verdict = BRIDGE_AUTH_DENY };
	for (i = 0; i < p->n; i++) {
		struct stack_entry *e = &p->entries[i];
		char reason[BRIDGE_AUTH_MSG_MAX];
		enum bridge_auth_verdict v = ask(e, req, reason);
		bool allow = v == BRIDGE_AUTH_ALLOW;

		if (v == BRIDGE_AUTH_IGNORE) {
			trace_step(trace, i, v, reason, STACK_NO_OPINION);
			mark_first(&silent, i, reason);
			continue;
		}
		/* An ERROR the control flag ignores still reaches the log (a tool's trace has it). */
		if (v == BRIDGE_AUTH_ERROR && log_hook == NULL)
			log_module(e->module, LOG_WARNING, "error (%s, line %d): %s",
				   control_name(e->control), e->line, reason);
		if (!(allow && e->control == CONTROL_OPTIONAL))
			others_decided = true;
		switch (e->control) {
		case CONTROL_REQUIRED:
		case CONTROL_REQUISITE:
			if (allow) {
				trace_step(trace, i, v, reason, STACK_YES);
				mark_first(&yes, i, reason);
				break;
			}
			if (fail.i == STACK_NO_ENTRY)
				fail_verdict = v;
			mark_first(&fail, i, reason);
			if (e->control == CONTROL_REQUISITE) {
				trace_step(trace, i, v, reason, STACK_FAIL_NOW);
				i++;
				goto done;
			}
			trace_step(trace, i, v, reason, STACK_WILL_FAIL);
			break;
		case CONTROL_SUFFICIENT:
			if (allow && fail.i == STACK_NO_ENTRY) {
				trace_step(trace, i, v, reason, STACK_GRANT_NOW);
				res->granted = true;
				set_result(res, i, v, reason);
				for (i++; i < p->n; i++)
					trace_step(trace, i, 0, "", STACK_NOT_REACHED);
				return;
			}
			trace_step(trace, i, v, reason, allow ? STACK_OVERRULED : STACK_IGNORED);
			mark_first(&silent, i, reason);
			break;
		case CONTROL_OPTIONAL:
			trace_step(trace, i, v, reason, allow ? STACK_OPTIONAL_YES : STACK_IGNORED);
			if (allow)
				mark_first(&opt_yes, i, reason);
			else
				mark_first(&silent, i, reason);
			break;
		}
	}
done:
	for (; i < p->n; i++)
		trace_step(trace, i, 0, "", STACK_NOT_REACHED);
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

/* A problem of entry E, for stack_validate()'s caller. */
struct validate_ctx {
	void (*problem)(void *ctx, size_t entry, const char *text);
	void *ctx;
	size_t entry;
	unsigned count;
};

static void validate_problem(void *ctx, const char *text)
{
	struct validate_ctx *v = ctx;
	char line[1024];

	snprintf(line, sizeof(line), "%s", text ? text : "(no text)");
	log_sanitize(line);
	v->problem(v->ctx, v->entry, line);
	v->count++;
}

unsigned stack_validate(struct policy *p, const struct bridge_auth_caller *as,
			void (*problem)(void *ctx, size_t entry, const char *text), void *ctx)
{
	struct validate_ctx v = { problem, ctx, 0, 0 };

	for (size_t i = 0; i < p->n; i++) {
		struct stack_entry *e = &p->entries[i];
		struct bridge_auth_host host;
		char err[BRIDGE_AUTH_MSG_MAX];
		unsigned before = v.count;

		if (e->mod == NULL)
			continue; /* not loaded: policy_check() said why */
		host = host_for(e);
		v.entry = i;
		if (entry_open(e, &host, err) < 0) { /* its arguments, most likely */
			validate_problem(&v, err);
			continue;
		}
		if (e->validate == NULL)
			continue;
		if (e->validate(e->state, &host, as, validate_problem, &v) != 0 && v.count == before)
			validate_problem(&v, "validation failed (no reason given)");
	}
	return v.count;
}
