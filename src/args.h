/* Command line of qemu-bridge-helper: upstream's forms, parsed strictly. */
#ifndef BRIDGE_AUTH_ARGS_H
#define BRIDGE_AUTH_ARGS_H

#include <stdbool.h>
#include <stddef.h>

#include "ifname.h" /* ifname_valid(), for the callers that check names too */

enum helper_action { ACTION_RUN, ACTION_HELP, ACTION_VERSION };

struct helper_args {
	enum helper_action action;
	bool use_vnet;
	int fd;             /* the unix socket to send the tap fd on; -1 if absent */
	const char *bridge; /* points into argv; NULL if absent */
};

/* Fill ARGS from ARGV.  On error return -1 with a message in ERR. */
int args_parse(int argc, char *const argv[], struct helper_args *args, char *err, size_t errlen);

#endif
