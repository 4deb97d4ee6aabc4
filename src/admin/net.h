/*
 * bridge-auth(8): what the admin tool asks of rtnetlink (the bridges of
 * this network namespace) and how it shows a bridge's section.
 */
#ifndef BRIDGE_AUTH_ADMIN_NET_H
#define BRIDGE_AUTH_ADMIN_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "policy.h"

/* The bridges of this network namespace, sorted, from rtnetlink; NULL with ERR on failure. */
char **admin_bridges(size_t *n, char *err, size_t errlen);

/* Is NAME a bridge in this network namespace? */
bool admin_bridge_exists(const char *name);

/* The section of P that matched (P->section), as text lines or as a JSON member "section". */
void admin_section_text(FILE *out, const struct policy *p);
void admin_section_json(FILE *out, const struct policy *p);

/* "OK" summary of the sections of P for check. */
void admin_sections_summary(FILE *out, const struct policy *p);

#endif
