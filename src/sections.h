/*
 * Per-bridge sections of bridge-auth.conf: the `bridges` list, each section
 * parsed and every value checked (file:line), the first match chosen.
 */
#ifndef BRIDGE_AUTH_SECTIONS_H
#define BRIDGE_AUTH_SECTIONS_H

#include <libconfig.h>
#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "policy.h"
#include "tap.h"

#define SECTIONS_MAX 256
#define TAP_NAME_DEFAULT "tap%d"
/* The kernel numbers a template's %d up to 32767: five digits must fit. */
#define TAP_NAME_DIGITS 5

/* Where a problem goes: -1 to stop at once, 0 to go on (the admin tool). */
typedef int (*section_problem_fn)(void *ctx, const char *text);

/*
 * Parse the `bridges` list LIST of the file PATH into P->sections.  Every
 * problem goes to PROBLEM; -1 when PROBLEM said stop (ERR holds it) or on
 * what ends the reading (ERR).
 */
int sections_parse(const char *path, const config_setting_t *list, struct policy *p,
		   section_problem_fn problem, void *ctx, char *err, size_t errlen);

/* The first section whose match fits BRIDGE; NULL when none. */
const struct bridge_section *sections_match(const struct policy *p, const char *bridge);

/* A tap name template: exactly one %d, no other %, a valid name once expanded. */
bool tap_template_valid(const char *t);

/* What P's matched section (P->section) sets for the tap: PS (defaults without one). */
void sections_port(const struct policy *p, struct port_settings *ps);

/* Free what sections_parse() made (not the sections' stacks). */
void sections_free(struct policy *p);

#endif
