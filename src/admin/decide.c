/*
 * bridge-auth(8) explain and list: what the helper decides (policy_load,
 * then stack_run), traced entry by entry, with the lines modules log.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"
#include "log.h"

/* ------------------------------------------------------------------ module logs */

/* Lines modules log while a step runs: shown with that step. */
static struct {
	char **line;
	size_t n;
} logbuf;

void collect_log(void *ctx, const char *module, int priority, const char *line)
{
	char **more;

	if (logbuf.n >= 64)
		return;
	more = realloc(logbuf.line, (logbuf.n + 1) * sizeof(char *));
	if (more == NULL)
		return;
	logbuf.line = more;
	logbuf.line[logbuf.n] = strdup(line);
	if (logbuf.line[logbuf.n] != NULL)
		logbuf.n++;
}

/* ------------------------------------------------------------------ the decision */

static void on_step(void *ctx, size_t i, enum bridge_auth_verdict v, const char *reason,
		    enum stack_effect effect)
{
	struct run *r = ctx;
	struct step *s = &r->steps[i];

	s->reached = effect != STACK_NOT_REACHED;
	s->verdict = v;
	s->effect = effect;
	snprintf(s->reason, sizeof(s->reason), "%s", reason);
	log_sanitize(s->reason);
	s->log = logbuf.line;
	s->nlog = logbuf.n;
	logbuf.line = NULL;
	logbuf.n = 0;
}

void free_steps(struct run *r)
{
	for (size_t i = 0; r->steps && i < r->p.n; i++) {
		for (size_t j = 0; j < r->steps[i].nlog; j++)
			free(r->steps[i].log[j]);
		free(r->steps[i].log);
	}
	free(r->steps);
	r->steps = NULL;
}

/* What the helper does: policy_load, then stack_run, traced. */
void decide(struct run *r, const struct caller *c, const char *bridge)
{
	struct bridge_auth_request req = { &c->id, bridge };
	struct stack_trace trace = { on_step, r };

	free_steps(r);
	r->res = (struct stack_result){ .decider = STACK_NO_ENTRY, .verdict = BRIDGE_AUTH_ERROR };
	if (!r->loaded) {
		snprintf(r->res.reason, sizeof(r->res.reason), "policy: %s", r->err);
		return;
	}
	r->steps = calloc(r->p.n + 1, sizeof(*r->steps));
	if (r->steps == NULL)
		die(EX_CANNOT, "out of memory");
	alarm(DECISION_TIMEOUT);
	/* As in the helper; C's name was asked already (identify, main): read only. */
	stack_set_namer(caller_namer, (void *)c);
	stack_run(&r->p, &req, &r->res, &trace);
	alarm(0);
	log_sanitize(r->res.reason);
}

void load(struct run *r, const char *bridge)
{
	struct policy_source src = source();

	src.bridge = bridge; /* its section's stack decides */
	r->loaded = policy_load(&src, &r->p, r->err, sizeof(r->err)) == 0;
	log_sanitize(r->err);
}

const char *decider_module(const struct run *r)
{
	return r->loaded && r->res.decider != STACK_NO_ENTRY ? r->p.entries[r->res.decider].module
							      : NULL;
}
