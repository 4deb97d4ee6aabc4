#include "config.h"

#include <net/if.h>

#include "ifname.h"

bool ifname_valid(const char *name)
{
	size_t len = 0;

	/* The kernel's dev_valid_name(), and printable ASCII only so a name
	 * can never smuggle control bytes into a terminal or a log line.  One
	 * pass: acl checks every name of every rule file with it. */
	for (const unsigned char *p = (const unsigned char *)name; *p; p++, len++)
		if (len >= IFNAMSIZ - 1 || *p <= ' ' || *p >= 0x7f || *p == '/' || *p == ':')
			return false;
	if (len == 0)
		return false;
	return !(name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')));
}
