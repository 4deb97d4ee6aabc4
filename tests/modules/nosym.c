/* Test module that forgets to export bridge_auth_module. */
#include "config.h"

#include "bridge-auth/module.h"

int bridge_auth_modul(void);
int bridge_auth_modul(void)
{
	return 0;
}
