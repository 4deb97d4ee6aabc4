/* Unit tests: the command line and interface names. */
#include "config.h"

#include <string.h>

#include "args.h"
#include "tap-test.h"

static int parse(struct helper_args *a, char *err, ...)
{
	char *argv[16] = { "qemu-bridge-helper" };
	int argc = 1;
	va_list ap;

	va_start(ap, err);
	for (char *s; argc < 15 && (s = va_arg(ap, char *)) != NULL;)
		argv[argc++] = s;
	va_end(ap);
	err[0] = '\0';
	return args_parse(argc, argv, a, err, 256);
}

int main(void)
{
	struct helper_args a;
	char err[256];

	ASSERT_INT_EQ(0, parse(&a, err, "--use-vnet", "--fd=3", "--br=br0", NULL), "QEMU's order");
	ASSERT_INT_EQ(1, a.use_vnet, "QEMU's order: vnet");
	ASSERT_INT_EQ(3, a.fd, "QEMU's order: fd");
	ASSERT_STR_EQ("br0", a.bridge, "QEMU's order: bridge");

	ASSERT_INT_EQ(0, parse(&a, err, "--use-vnet", "--br=virbr0", "--fd=27", NULL), "libvirt's order");
	ASSERT_INT_EQ(27, a.fd, "libvirt's order: fd");
	ASSERT_STR_EQ("virbr0", a.bridge, "libvirt's order: bridge");

	ASSERT_INT_EQ(0, parse(&a, err, "--br=br0", "--fd=5", NULL), "without --use-vnet");
	ASSERT_INT_EQ(0, a.use_vnet, "no vnet unless asked");

	ASSERT_INT_EQ(0, parse(&a, err, "--br=br0", "--fd=5", "--br=br1", "--fd=6", NULL), "repeated");
	ASSERT_STR_EQ("br1", a.bridge, "repeated --br: last wins");
	ASSERT_INT_EQ(6, a.fd, "repeated --fd: last wins");

	ASSERT_INT_EQ(0, parse(&a, err, "--help", NULL), "--help");
	ASSERT_INT_EQ(ACTION_HELP, a.action, "--help action");
	ASSERT_INT_EQ(0, parse(&a, err, "--version", NULL), "--version");
	ASSERT_INT_EQ(ACTION_VERSION, a.action, "--version action");

	ASSERT_INT_EQ(-1, parse(&a, err, "--fd=3", NULL), "missing --br");
	ASSERT_STR_CONTAINS("missing --br", err, "missing --br: message");
	ASSERT_INT_EQ(-1, parse(&a, err, "--br=br0", NULL), "missing --fd");
	ASSERT_STR_CONTAINS("missing --fd", err, "missing --fd: message");

	static const char *const bad_fds[] = { "--fd=", "--fd=x", "--fd=-1", "--fd=+3", "--fd= 3",
					       "--fd=3 ", "--fd=0x10", "--fd=2147483648",
					       "--fd=99999999999999999999", NULL };
	for (int i = 0; bad_fds[i]; i++) {
		char name[64];

		snprintf(name, sizeof(name), "rejects %s", bad_fds[i]);
		ASSERT_INT_EQ(-1, parse(&a, err, "--br=br0", (char *)bad_fds[i], NULL), name);
		ASSERT_STR_CONTAINS("not a file descriptor number", err, name);
	}
	ASSERT_INT_EQ(0, parse(&a, err, "--br=br0", "--fd=2147483647", NULL), "INT_MAX fd parses");
	for (int fd = 0; fd <= 2; fd++) {
		char opt[16];

		snprintf(opt, sizeof(opt), "--fd=%d", fd);
		ASSERT_INT_EQ(-1, parse(&a, err, "--br=br0", opt, NULL), "standard stream as --fd");
		ASSERT_STR_CONTAINS("standard streams", err, "standard stream message");
	}

	ASSERT_INT_EQ(-1, parse(&a, err, "--br=br0", "--fd=3", "--bogus", NULL), "unknown option");
	ASSERT_STR_CONTAINS("unknown argument '--bogus'", err, "unknown option message");
	ASSERT_INT_EQ(-1, parse(&a, err, "--br", "br0", "--fd=3", NULL), "--br without =");
	ASSERT_INT_EQ(-1, parse(&a, err, "--br=br0", "--fd=3", "--use-vnet=1", NULL), "--use-vnet=1");

	/* Names: the kernel's rules, never truncated (CVE-2019-13164). */
	ASSERT_INT_EQ(0, parse(&a, err, "--br=abcdefghijklmno", "--fd=3", NULL), "15-byte name");
	ASSERT_INT_EQ(-1, parse(&a, err, "--br=abcdefghijklmnop", "--fd=3", NULL), "16-byte name");
	ASSERT_STR_CONTAINS("too long", err, "16-byte name message");
	static const char *const bad_names[] = { "--br=", "--br=.", "--br=..", "--br=a/b",
						 "--br=a b", "--br=a:0", "--br=a\tb", "--br=a\nb",
						 "--br=\x1b[31m", "--br=br\x7f", "--br=br\xc3\xa9", NULL };
	for (int i = 0; bad_names[i]; i++) {
		ASSERT_INT_EQ(-1, parse(&a, err, (char *)bad_names[i], "--fd=3", NULL), "invalid bridge name");
		ASSERT_STR_CONTAINS("not a valid bridge name", err, "invalid bridge name message");
	}
	ASSERT_INT_EQ(1, ifname_valid("br-lan.10"), "dots and dashes are fine");
	ASSERT_INT_EQ(0, ifname_valid("br0:1"), "alias syntax is not a device");
	ASSERT_INT_EQ(1, ifname_valid("abcdefghijklmno"), "15 bytes: the longest name");
	ASSERT_INT_EQ(0, ifname_valid("abcdefghijklmnop"), "16 bytes: too long");
	ASSERT_INT_EQ(0, ifname_valid(""), "empty name");
	ASSERT_INT_EQ(0, ifname_valid("."), "\".\"");
	ASSERT_INT_EQ(0, ifname_valid(".."), "\"..\"");
	ASSERT_INT_EQ(1, ifname_valid("..."), "\"...\" is a name");
	ASSERT_INT_EQ(1, ifname_valid(".a"), "a leading dot is fine");
	ASSERT_INT_EQ(0, ifname_valid("abcdefghijklmn "), "a space at the last byte");
	ASSERT_INT_EQ(0, ifname_valid("abcdefghijklmnop\x01"), "too long and a control byte");
	return tap_done();
}
