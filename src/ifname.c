#include "config.h"

#include <net/if.h>
#include <string.h>

#include "ifname.h"

bool ifname_valid(const char *name)
{
	size_t len = strnlen(name, IFNAMSIZ);

	/* The kernel's dev_valid_name(), and printable ASCII only so a name
	 * can never smuggle control bytes into a terminal or a log line. */
	if (len == 0 || len >= IFNAMSIZ)
		return false;
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return false;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || *p == '/' || *p == ':')
			return false;
	return true;
}
