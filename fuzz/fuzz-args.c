/*
 * libFuzzer target: the helper's command line (src/args.c).  The input is
 * argv[1..], NUL-separated (at most 64 arguments).  Checks the parser's own
 * promises: a bridge it accepts is a valid name shorter than IFNAMSIZ, an
 * fd it accepts is above 2, an error always comes with a message.
 */
#include "config.h"

#include <net/if.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[66], err[1024];
	struct helper_args a;
	int argc = 1;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "qemu-bridge-helper";
	for (char *p = buf; argc < 65 && p <= buf + size; p += strlen(p) + 1)
		argv[argc++] = p;
	argv[argc] = NULL;
	err[0] = '\0';
	if (args_parse(argc, argv, &a, err, sizeof(err)) == 0) {
		if (a.action == ACTION_RUN &&
		    (a.bridge == NULL || strlen(a.bridge) >= IFNAMSIZ || !ifname_valid(a.bridge) ||
		     a.fd <= 2))
			abort();
	} else if (err[0] == '\0') {
		abort();
	}
	for (int i = 1; i < argc; i++)
		if (ifname_valid(argv[i]) && (strlen(argv[i]) >= IFNAMSIZ || strchr(argv[i], '/')))
			abort();
	free(buf);
	return 0;
}
