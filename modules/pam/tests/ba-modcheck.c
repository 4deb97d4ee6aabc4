/*
 * ba-modcheck: ask one bridge-auth module, as the helper would, without the
 * helper (the root-only tests use it to drive the real Linux-PAM and NSS).
 *
 *   ba-modcheck MODULE.so USER BRIDGE [ARG...]
 *
 * dlopen()s MODULE.so (RTLD_NOW), checks its ABI major, calls open with the
 * ARGs, check for USER (a login name, resolved with getpwnam(); "uid:N" for
 * a uid without a name) on BRIDGE, and close.  Prints on stdout:
 *
 *   verdict=allow|deny|ignore|error|open-failed
 *   reason=TEXT
 *
 * and each line the module logs on stderr as "log[PRIORITY]: TEXT".
 * Exit status: 0 allow, 1 deny, 2 ignore, 3 error, 4 open failed,
 * 125 usage or a failure of this program.
 */
#include "config.h"

#include <dlfcn.h>
#include <grp.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bridge-auth/module.h>

static void host_log(const struct bridge_auth_host *host, int priority, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "log[%d]: ", priority);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static int host_open_as_caller(const struct bridge_auth_host *host,
			       const struct bridge_auth_caller *caller, const char *path)
{
	return -1; /* no module under test reads files as the caller */
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "?", "allow", "deny", "ignore", "error" };
	struct bridge_auth_host host = {
		.version = BRIDGE_AUTH_ABI_VERSION,
		.open_as_caller = host_open_as_caller,
		.log = host_log,
	};
	struct bridge_auth_caller caller = { 0 };
	struct bridge_auth_request req = { &caller, NULL };
	const struct bridge_auth_module *mod;
	char reason[BRIDGE_AUTH_MSG_MAX] = "";
	void *dl, *state = NULL;
	gid_t groups[1024];
	int ngroups = 1024, v;

	if (argc < 4) {
		fprintf(stderr, "usage: ba-modcheck MODULE.so USER BRIDGE [ARG...]\n");
		return 125;
	}
	dl = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
	if (dl == NULL) {
		fprintf(stderr, "ba-modcheck: %s\n", dlerror());
		return 125;
	}
	mod = dlsym(dl, BRIDGE_AUTH_MODULE_SYMBOL);
	if (mod == NULL || BRIDGE_AUTH_ABI_MAJOR_OF(mod->abi_version) != BRIDGE_AUTH_ABI_MAJOR) {
		fprintf(stderr, "ba-modcheck: %s: no module of ABI %d\n", argv[1], BRIDGE_AUTH_ABI_MAJOR);
		return 125;
	}
	if (strncmp(argv[2], "uid:", 4) == 0) {
		caller.uid = (uid_t)strtoul(argv[2] + 4, NULL, 10);
		caller.gid = caller.uid;
	} else {
		struct passwd *pw = getpwnam(argv[2]);

		if (pw == NULL) {
			fprintf(stderr, "ba-modcheck: no user %s\n", argv[2]);
			return 125;
		}
		caller.uid = pw->pw_uid;
		caller.gid = pw->pw_gid;
		caller.user = argv[2];
		if (getgrouplist(argv[2], pw->pw_gid, groups, &ngroups) < 0) {
			fprintf(stderr, "ba-modcheck: %s has too many groups\n", argv[2]);
			return 125;
		}
		caller.groups = groups;
		caller.ngroups = (size_t)ngroups;
	}
	req.bridge = argv[3];
	if (mod->open != NULL &&
	    mod->open(&state, argc - 4, (const char *const *)argv + 4, &host, reason) != 0) {
		printf("verdict=open-failed\nreason=%s\n", reason);
		return 4;
	}
	v = mod->check(state, &req, &host, reason);
	if (mod->close != NULL)
		mod->close(state);
	printf("verdict=%s\nreason=%s\n", (v >= 1 && v <= 4) ? names[v] : "invalid", reason);
	return (v >= 1 && v <= 4) ? v - 1 : 125;
}
