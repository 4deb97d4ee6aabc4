/* Hand-written JSON for bridge-auth(8) --json: strings escaped, UTF-8 kept valid. */
#ifndef BRIDGE_AUTH_ADMIN_JSON_H
#define BRIDGE_AUTH_ADMIN_JSON_H

#include <stdio.h>

/*
 * S as a JSON string, quotes included: '"' and '\' escaped, control bytes
 * (and DEL) as \u00XX, valid UTF-8 copied, every byte of an invalid UTF-8
 * sequence as \ufffd.  NULL is written as null.
 */
void json_string(FILE *out, const char *s);

/* "KEY": then the string S (or null), with a comma before unless FIRST. */
void json_member_str(FILE *out, int first, const char *key, const char *s);
void json_member_int(FILE *out, int first, const char *key, long long v);
void json_member_bool(FILE *out, int first, const char *key, int v);
/* "KEY": and nothing after it, for an object or array written next. */
void json_key(FILE *out, int first, const char *key);

#endif
