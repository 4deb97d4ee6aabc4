/*
 * Building one-line messages that may carry hostile text (a name from a
 * file, an argument): shared by the modules (compiled into each).
 */
#ifndef BRIDGE_AUTH_MSG_H
#define BRIDGE_AUTH_MSG_H

#include <stddef.h>
#include <stdint.h> /* SIZE_MAX: "all of S" */

/* Longest piece of foreign text echoed in a message; buffers hold MSG_SHOW + 4. */
#define MSG_SHOW 32

/* snprintf() that truncates by design: a message may name a long path. */
void msg_put(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The first N bytes of S (stopping at its NUL) for a message: printable
 * ASCII only (anything else shown as '?'), at most MSG_SHOW bytes, "..." if
 * cut.  Returns OUT.
 */
const char *msg_show(char out[MSG_SHOW + 4], const char *s, size_t n);

#endif
