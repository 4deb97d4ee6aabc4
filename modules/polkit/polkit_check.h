/*
 * polkit: ask polkitd's CheckAuthorization for bridge-auth.
 *
 * The worker of the polkit module, apart from its entry points so that unit
 * tests reach the argument parser, the /proc/PID/stat parser and the verdict
 * map without a bus, and the root-only tests drive a real polkitd.
 */
#ifndef BRIDGE_AUTH_POLKIT_CHECK_H
#define BRIDGE_AUTH_POLKIT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <bridge-auth/module.h>

/* The action shipped in org.qemu.bridge-auth.policy. */
#define PK_DEFAULT_ACTION "org.qemu.bridge-auth.use-bridge"
/* Longest action ID accepted (polkit sets no limit; ours keeps messages whole). */
#define PK_ACTION_MAX 128
/* Default and bounds of timeout=MS: well under the helper's 30 s request timeout. */
#define PK_TIMEOUT_DEFAULT 5000
#define PK_TIMEOUT_MIN 1
#define PK_TIMEOUT_MAX 20000
/*
 * The system bus: the well-known address of the D-Bus specification, as
 * Debian's libdbus has it built in.  Fixed, never from the environment, so
 * the helper (setuid) and bridge-auth(8) (not setuid) ask the same polkitd.
 */
#define PK_SYSTEM_BUS "unix:path=/run/dbus/system_bus_socket"

struct pk_conf {
	char action[PK_ACTION_MAX + 1];
	int timeout_ms;
};

/*
 * Parse the module arguments: "action=ID" (what polkit accepts as an action
 * ID: lower-case letters, digits, '.', '-'; at most PK_ACTION_MAX bytes) and
 * "timeout=MS" (PK_TIMEOUT_MIN..PK_TIMEOUT_MAX), each at most once.  On
 * error write one line to ERR (size ERRSIZE) and return -1.
 */
int pk_parse_args(int argc, const char *const *argv, struct pk_conf *conf, char *err,
		  size_t errsize);

/*
 * The start time (field 22, clock ticks since boot) from the contents of
 * /proc/PID/stat in BUF (LEN bytes, not NUL-terminated).  The command name
 * (field 2) may hold spaces and parentheses: fields are counted after the
 * last ')'.  Returns 0, or -1 when BUF is not such a line.
 */
int pk_parse_start_time(const char *buf, size_t len, uint64_t *start);

/* The start time of this process, from /proc/self/stat; -1 with errno on failure. */
int pk_self_start_time(uint64_t *start);

/* What polkitd answered, and how the module reads it. */
struct pk_answer {
	bool authorized;
	bool challenge;
};
enum bridge_auth_verdict pk_verdict(const struct pk_conf *conf, const char *bridge,
				    const struct pk_answer *a, char *msg, size_t msgsize);

/*
 * The reason for a D-Bus error NAME with MESSAGE (from the bus or polkitd)
 * while asking polkitd: what failed, in words an administrator acts on.
 * Always an ERROR.
 */
enum bridge_auth_verdict pk_error(const struct pk_conf *conf, const char *step, const char *name,
				  const char *message, char *msg, size_t msgsize);

/*
 * Ask polkitd whether the subject (this process: its pid and start time,
 * with UID as its user) may do CONF's action on BRIDGE.  One private
 * connection to the system bus, opened and closed here; no longer than
 * CONF's timeout in all.  Writes the reason to MSG.
 */
enum bridge_auth_verdict pk_check(const struct pk_conf *conf, uid_t uid, const char *bridge,
				  char *msg, size_t msgsize);

#endif /* BRIDGE_AUTH_POLKIT_CHECK_H */
