/*
 * ba-landlock: run a command confined the way libvirtd's AppArmor child
 * profile for the bridge helper confines it, with Landlock (tests only).
 *
 *   ba-landlock UID GID [--ro PATH | --rx PATH | --rw PATH]... -- CMD [ARG]...
 *   ba-landlock --abi        print the kernel's Landlock ABI version
 *
 * As root: restricts itself to the paths given (--ro read, --rx read and
 * execute, --rw read and write, devices' ioctls included), every other file
 * access denied; then becomes UID:GID (groups: GID only) and execs CMD.  A
 * Landlock domain applied by a process with CAP_SYS_ADMIN needs no
 * no_new_privs, so a setuid program CMD runs runs setuid, and keeps the
 * domain, as a helper run by libvirtd keeps its AppArmor profile.
 *
 * Exit status: CMD's; 77 when the kernel has no Landlock (ENOSYS: not
 * built in; EOPNOTSUPP: disabled at boot); 99 on any other error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/landlock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif

#define FS_READ (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define FS_EXEC LANDLOCK_ACCESS_FS_EXECUTE
#define FS_WRITE (LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_TRUNCATE)

static void __attribute__((noreturn)) die(int status, const char *what)
{
	fprintf(stderr, "ba-landlock: %s: %s\n", what, strerror(errno));
	exit(status);
}

/* Every filesystem right this kernel's ABI knows: all are denied unless granted. */
static __u64 handled_for(int abi)
{
	__u64 all = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1; /* ABI 1: bits 0-12 */

	if (abi >= 2)
		all |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		all |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		all |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	return all;
}

int main(int argc, char **argv)
{
	struct landlock_ruleset_attr attr = { 0 };
	uid_t uid;
	gid_t gid;
	int abi, ruleset, i;

	if (argc < 5 && !(argc == 2 && strcmp(argv[1], "--abi") == 0))
		fprintf(stderr, "usage: ba-landlock UID GID [--ro|--rx|--rw PATH]... -- CMD...\n"
				"       ba-landlock --abi\n"), exit(99);

	abi = (int)syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		if (errno == ENOSYS || errno == EOPNOTSUPP) {
			printf("the kernel has no Landlock (%s)\n", strerror(errno));
			return 77;
		}
		die(99, "landlock_create_ruleset(VERSION)");
	}
	if (argc == 2) {
		printf("Landlock ABI %d\n", abi);
		return 0;
	}
	uid = (uid_t)strtoul(argv[1], NULL, 10);
	gid = (gid_t)strtoul(argv[2], NULL, 10);
	attr.handled_access_fs = handled_for(abi);
	ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ruleset < 0)
		die(99, "landlock_create_ruleset");

	for (i = 3; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
		struct landlock_path_beneath_attr pb = { 0 };
		__u64 want;

		if (i + 1 >= argc)
			fprintf(stderr, "ba-landlock: %s needs a path\n", argv[i]), exit(99);
		if (strcmp(argv[i], "--ro") == 0)
			want = FS_READ;
		else if (strcmp(argv[i], "--rx") == 0)
			want = FS_READ | FS_EXEC;
		else if (strcmp(argv[i], "--rw") == 0)
			want = FS_READ | FS_WRITE | LANDLOCK_ACCESS_FS_IOCTL_DEV;
		else
			fprintf(stderr, "ba-landlock: unknown option %s\n", argv[i]), exit(99);
		pb.parent_fd = open(argv[i + 1], O_PATH | O_CLOEXEC);
		if (pb.parent_fd < 0)
			die(99, argv[i + 1]);
		pb.allowed_access = want & attr.handled_access_fs;
		/* A file (not a directory) takes file rights only. */
		if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0) {
			pb.allowed_access &= ~(__u64)(LANDLOCK_ACCESS_FS_READ_DIR);
			if (syscall(SYS_landlock_add_rule, ruleset, LANDLOCK_RULE_PATH_BENEATH, &pb, 0) < 0)
				die(99, argv[i + 1]);
		}
		close(pb.parent_fd);
	}
	if (i >= argc - 1)
		fprintf(stderr, "ba-landlock: no command after --\n"), exit(99);

	/* Root (CAP_SYS_ADMIN): no no_new_privs, so CMD may be setuid. */
	if (syscall(SYS_landlock_restrict_self, ruleset, 0) < 0)
		die(99, "landlock_restrict_self");
	close(ruleset);
	if (setgroups(1, &gid) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
		die(99, "cannot become the test user");
	execv(argv[i + 1], argv + i + 1);
	die(99, argv[i + 1]);
}
