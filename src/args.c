#include "config.h"

#include <limits.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>

#include "args.h"
#include "ifname.h"

/* Decimal digits only: no sign, no blanks, no base prefix, no overflow. */
static int parse_fd(const char *s, int *fd)
{
	long v = 0;

	if (*s == '\0')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return -1;
	}
	*fd = (int)v;
	return 0;
}

int args_parse(int argc, char *const argv[], struct helper_args *args, char *err, size_t errlen)
{
	*args = (struct helper_args){ .action = ACTION_RUN, .fd = -1 };

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		/* Repeated options: the last one wins, as upstream. */
		if (strcmp(a, "--use-vnet") == 0) {
			args->use_vnet = true;
		} else if (strncmp(a, "--br=", 5) == 0) {
			args->bridge = a + 5;
		} else if (strncmp(a, "--fd=", 5) == 0) {
			if (parse_fd(a + 5, &args->fd) < 0) {
				snprintf(err, errlen, "--fd: '%.32s' is not a file descriptor number", a + 5);
				return -1;
			}
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			args->action = ACTION_HELP;
			return 0;
		} else if (strcmp(a, "--version") == 0) {
			args->action = ACTION_VERSION;
			return 0;
		} else {
			snprintf(err, errlen, "unknown argument '%.64s'", a);
			return -1;
		}
	}
	if (args->bridge == NULL) {
		snprintf(err, errlen, "missing --br=BRIDGE");
		return -1;
	}
	if (args->fd < 0) {
		snprintf(err, errlen, "missing --fd=FD");
		return -1;
	}
	if (strnlen(args->bridge, IFNAMSIZ) >= IFNAMSIZ) {
		snprintf(err, errlen, "bridge name '%.32s...' is too long (at most %d bytes)",
			 args->bridge, IFNAMSIZ - 1);
		return -1;
	}
	if (!ifname_valid(args->bridge)) {
		snprintf(err, errlen, "'%s' is not a valid bridge name", args->bridge);
		return -1;
	}
	if (args->fd <= 2) {
		snprintf(err, errlen, "--fd=%d: standard streams cannot carry the tap", args->fd);
		return -1;
	}
	return 0;
}
