/*
 * Test module that misbehaves in check(), for the adversarial tests: built
 * twice, as crash.so (-DMISBEHAVE_CRASH: a SIGSEGV) and hang.so (sleeps for
 * ever).  args = [ "marker=PATH" ]: when check() starts, write the process
 * id to PATH, so a test knows the helper has reached the module, and which
 * process it is.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bridge-auth/module.h"

static const char *marker;

static int misbehave_open(void **state, int argc, const char *const *argv,
			  const struct bridge_auth_host *host, char *err)
{
	(void)host;
	(void)err;
	*state = NULL;
	if (argc > 0 && strncmp(argv[0], "marker=", 7) == 0)
		marker = argv[0] + 7;
	return 0;
}

static enum bridge_auth_verdict misbehave_check(void *state, const struct bridge_auth_request *req,
						const struct bridge_auth_host *host, char *reason)
{
	(void)state;
	(void)req;
	(void)host;
	if (marker != NULL) {
		int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

		if (fd >= 0) {
			dprintf(fd, "%d\n", (int)getpid());
			close(fd);
		}
	}
#ifdef MISBEHAVE_CRASH
	raise(SIGSEGV); /* as a wild pointer would, without undefined behaviour */
#else
	for (;;)
		pause();
#endif
	snprintf(reason, BRIDGE_AUTH_MSG_MAX, "unreachable");
	return BRIDGE_AUTH_ALLOW; /* were it ever reached: the worst answer */
}

const struct bridge_auth_module bridge_auth_module = {
	.abi_version = BRIDGE_AUTH_ABI_VERSION,
	.name = "misbehave",
	.open = misbehave_open,
	.check = misbehave_check,
};
