/*
 * libFuzzer target: the bridge-auth.conf loader (src/policy.c: trust checks,
 * the NUL and @include screen, libconfig, the stack entries, module loading).
 *
 * Each input is written to a file in a private directory owned by the
 * fuzzing user (who plays root: the trust checks compare with geteuid()),
 * and loaded with policy_load(); the module directory holds one trivial
 * module, m.so (fuzz-module.c), so entries naming "m" load for real.
 */
#include "config.h"

#include <fcntl.h>
#include <libgen.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy.h"

static char dir[64], conf[96], moddir[96];

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char self[4096], cmd[8192];
	const char *module = getenv("FUZZ_MODULE");

	(void)argc;
	snprintf(dir, sizeof(dir), "/tmp/fuzz-policy.XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	snprintf(conf, sizeof(conf), "%s/bridge-auth.conf", dir);
	snprintf(moddir, sizeof(moddir), "%s/modules", dir);
	if (module == NULL) {
		snprintf(self, sizeof(self), "%s", (*argv)[0]);
		snprintf(cmd, sizeof(cmd), "%s/fuzz-module.so", dirname(self));
		module = cmd;
	}
	snprintf(self, sizeof(self), "mkdir -m 0755 '%s' && install -m 0644 '%s' '%s/m.so'", moddir,
		 module, moddir);
	if (system(self) != 0) {
		fprintf(stderr, "fuzz-policy: cannot install %s into %s\n", module, moddir);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct policy_source src = { conf, moddir, geteuid() };
	struct policy p;
	char err[1024];
	int fd = open(conf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) || close(fd) < 0)
		abort();
	if (policy_load(&src, &p, err, sizeof(err)) == 0) {
		if (p.n > 64)
			abort();
		for (size_t i = 0; i < p.n; i++)
			if (p.entries[i].mod == NULL || p.entries[i].module == NULL)
				abort();
		policy_free(&p);
	} else if (err[0] == '\0' || strlen(err) >= sizeof(err)) {
		abort();
	}
	return 0;
}
