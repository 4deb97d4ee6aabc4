/*
 * bridge-auth(8): what the files of the administrator's tool share.
 * main.c parses the command line and runs one command; each command has
 * its file (check.c, explain.c, list.c, taps.c, reap.c).
 */
#ifndef BRIDGE_AUTH_ADMIN_H
#define BRIDGE_AUTH_ADMIN_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "caller.h"
#include "policy.h"
#include "stack.h"

#define PROG "bridge-auth"
#define POLICY_FILE POLICYDIR "/bridge-auth.conf"
/* As the helper: a hung module or name service cannot hold us (seconds per decision). */
#define DECISION_TIMEOUT 30

/* Exit status (bridge-auth(8)). */
enum {
	EX_OK = 0,      /* clean, or allowed */
	EX_NO = 1,      /* problems found, or denied */
	EX_USAGE = 2,   /* bad command line */
	EX_CANNOT = 3,  /* not permitted, unknown user, out of memory */
};

/* The command line (main.c). */
struct options {
	int json;
	const char *command;
	const char *file;   /* check FILE, or --config FILE */
	const char *user;   /* --user */
	const char *bridge; /* --bridge */
};
extern struct options opt;

/* The message (sanitized) on stderr, the usage too for EX_USAGE, and exit with STATUS (main.c). */
void die(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* ------------------------------------------------------------------ common.c */

/* Ourselves, exactly as the helper sees its caller; and our real uid. */
extern struct caller self;
extern uid_t self_uid;

/* Whom to ask about: ourselves, or (root only) USER; dies on failure. */
void identify(struct caller *c, const char *user);
/* Free what identify() made, unless it was our own identity. */
void forget(struct caller *c);
/* C's name, or "uid N". */
const char *who(const struct caller *c);
/* The policy asked about (--config, or the helper's), and its modules' directory. */
struct policy_source source(void);
/* UID's name, or its number, in BUF. */
const char *user_name(uid_t uid, char *buf, size_t size);

/* ------------------------------------------------------------------ decide.c */

struct step {
	int reached;
	enum bridge_auth_verdict verdict;
	char reason[BRIDGE_AUTH_MSG_MAX];
	enum stack_effect effect;
	char **log;
	size_t nlog;
};

struct run {
	struct policy p;
	int loaded;
	char err[BRIDGE_AUTH_MSG_MAX + 200]; /* fits in a stack_result's reason */
	struct step *steps;
	struct stack_result res;
};

/* stack_set_log() callback: the lines modules log, kept for the step that runs. */
void collect_log(void *ctx, const char *module, int priority, const char *line);
/* policy_load() for BRIDGE (NULL: no bridge, the top-level stack) into R. */
void load(struct run *r, const char *bridge);
/* What the helper decides for C and BRIDGE, each step of the stack recorded in R. */
void decide(struct run *r, const struct caller *c, const char *bridge);
void free_steps(struct run *r);
/* The module of the entry that decided, or NULL. */
const char *decider_module(const struct run *r);

/* ------------------------------------------------------------------ section.c */

/* The section of P that matched (P->section), as text lines or as a JSON member "section". */
void admin_section_text(FILE *out, const struct policy *p);
void admin_section_json(FILE *out, const struct policy *p);

/* "OK" summary of the sections of P for check. */
void admin_sections_summary(FILE *out, const struct policy *p);

/* ------------------------------------------------------------------ the commands */

/* Each returns the exit status. */
int cmd_check(void);
int cmd_explain(void);
int cmd_list(void);
/* Every tap the helper made for root, one's own for a user (UID). */
int cmd_taps(bool json, uid_t uid);
/* Remove the persistent ones (root). */
int cmd_reap(bool json);

#endif
