/*
 * libFuzzer target: the acl module's bridge.conf parser and evaluator
 * (modules/acl/acl_parse.c), as the helper drives it.
 *
 * Input: up to 8 files separated by the byte 0x1e; file I is /f/I, the first
 * is the top-level file.  The first byte picks the bridge asked about.  Paths
 * /f/eacces, /f/emfile, /f/enomem and /f/fifo fail as a caller's open()
 * would (the first is "may not read", the others are errors); any other path
 * does not exist.  Every file is a memfd, a regular file as acl expects.
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "acl_parse.h"

#define MAX_FILES 8

static const uint8_t *file_data[MAX_FILES];
static size_t file_size[MAX_FILES];
static int nfiles;

static int fuzz_open(void *ctx, const char *path)
{
	int fd;

	(void)ctx;
	if (strcmp(path, "/f/eacces") == 0)
		return errno = EACCES, -1;
	if (strcmp(path, "/f/emfile") == 0)
		return errno = EMFILE, -1;
	if (strcmp(path, "/f/enomem") == 0)
		return errno = ENOMEM, -1;
	if (strcmp(path, "/f/fifo") == 0)
		return errno = EINVAL, -1;
	if (strncmp(path, "/f/", 3) != 0 || path[3] < '0' || path[3] >= '0' + nfiles || path[4])
		return errno = ENOENT, -1;
	fd = memfd_create("acl", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	for (size_t off = 0, n = file_size[path[3] - '0']; off < n;) {
		ssize_t w = write(fd, file_data[path[3] - '0'] + off, n - off);

		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	if (lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

#ifdef HAVE_ACL_VALIDATE
static void problem(void *ctx, const char *text)
{
	(void)ctx;
	if (strlen(text) >= 4096)
		abort();
}
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const bridges[] = { "br0", "br1", "x", "brexactly15char" };
	const char *bridge = bridges[size ? data[0] % 4 : 0];
	struct acl_source src = { .open = fuzz_open, .user = "alice", .uid = 4001 };
	char msg[BRIDGE_AUTH_MSG_MAX];
	enum bridge_auth_verdict v;

	if (size > 0) {
		data++;
		size--;
	}
	nfiles = 0;
	for (const uint8_t *p = data, *end = data + size; nfiles < MAX_FILES;) {
		const uint8_t *sep = memchr(p, 0x1e, (size_t)(end - p));

		file_data[nfiles] = p;
		file_size[nfiles] = (size_t)((sep ? sep : end) - p);
		nfiles++;
		if (sep == NULL)
			break;
		p = sep + 1;
	}
	v = acl_decide("/f/0", bridge, &src, msg, sizeof(msg));
	if (v < BRIDGE_AUTH_ALLOW || v > BRIDGE_AUTH_ERROR || strlen(msg) >= sizeof(msg))
		abort();
	/* Messages are shown to the caller: never a control byte. */
	for (const char *m = msg; *m; m++)
		if ((unsigned char)*m < 0x20 || *m == 0x7f)
			abort();
#ifdef HAVE_ACL_VALIDATE
	src.uid = 0;
	acl_validate("/f/0", &src, problem, NULL);
#endif
	return 0;
}
