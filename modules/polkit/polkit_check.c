/*
 * polkit: ask polkitd's CheckAuthorization for bridge-auth (see
 * polkit_check.h and bridge-auth-polkit(8)).
 *
 * One question is one private connection to the system bus: connect, Hello,
 * CheckAuthorization, close.  libdbus only (GLib's GIO is not meant for
 * privileged processes), no main loop, no environment: the bus address is
 * fixed, and every blocking call shares one deadline (timeout=MS).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <dbus/dbus.h>

#include "msg.h"
#include "polkit_check.h"

#define PK_NAME "org.freedesktop.PolicyKit1"
#define PK_PATH "/org/freedesktop/PolicyKit1/Authority"
#define PK_IFACE "org.freedesktop.PolicyKit1.Authority"

/* ---------------------------------------------------------------- arguments */

static bool valid_action(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > PK_ACTION_MAX || s[0] == '.' || s[n - 1] == '.')
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '.' || *s == '-'))
			return false;
	return true;
}

int pk_parse_args(int argc, const char *const *argv, struct pk_conf *conf, char *err,
		  size_t errsize)
{
	const char *action = NULL, *timeout = NULL;
	char tok[MSG_SHOW + 4];

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (a == NULL) {
			msg_put(err, errsize, "argument %d is missing", i + 1);
			return -1;
		}
		if (strncmp(a, "action=", 7) == 0 || strncmp(a, "timeout=", 8) == 0) {
			const char **slot = a[0] == 'a' ? &action : &timeout;

			if (*slot != NULL) {
				msg_put(err, errsize, "duplicate argument \"%s\"", a[0] == 'a' ? "action=" : "timeout=");
				return -1;
			}
			*slot = strchr(a, '=') + 1;
		} else {
			msg_put(err, errsize, "unknown argument \"%s\" (expected action= or timeout=)",
				msg_show(tok, a, SIZE_MAX));
			return -1;
		}
	}
	if (action != NULL && !valid_action(action)) {
		msg_put(err, errsize,
			"action=%s: not a polkit action ID (1 to %d lower-case letters, digits, '.', '-')",
			msg_show(tok, action, SIZE_MAX), PK_ACTION_MAX);
		return -1;
	}
	snprintf(conf->action, sizeof(conf->action), "%s", action ? action : PK_DEFAULT_ACTION);
	conf->timeout_ms = PK_TIMEOUT_DEFAULT;
	if (timeout != NULL) {
		char *end;
		long ms;

		errno = 0;
		ms = strtol(timeout, &end, 10);
		if (timeout[0] < '0' || timeout[0] > '9' || *end != '\0' || errno != 0 ||
		    ms < PK_TIMEOUT_MIN || ms > PK_TIMEOUT_MAX) {
			msg_put(err, errsize, "timeout=%s: not a number of milliseconds from %d to %d",
				msg_show(tok, timeout, SIZE_MAX), PK_TIMEOUT_MIN, PK_TIMEOUT_MAX);
			return -1;
		}
		conf->timeout_ms = (int)ms;
	}
	return 0;
}

/* ---------------------------------------------------------------- the subject */

int pk_parse_start_time(const char *buf, size_t len, uint64_t *start)
{
	const char *p = NULL, *end = buf + len;
	int field = 2; /* the last ')' ends field 2, the command name */
	uint64_t v = 0;

	for (const char *q = buf; q < end; q++)
		if (*q == ')')
			p = q;
	if (p == NULL)
		return -1;
	for (p++; p < end && field < 22;) {
		if (*p != ' ')
			return -1;
		while (p < end && *p == ' ')
			p++;
		field++;
		if (field == 22)
			break;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
	}
	if (field != 22 || p >= end || *p < '0' || *p > '9')
		return -1;
	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p >= end || (*p != ' ' && *p != '\n'))
		return -1;
	*start = v;
	return 0;
}

int pk_self_start_time(uint64_t *start)
{
	char buf[2048];
	ssize_t n;
	size_t len = 0;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while (len < sizeof(buf) && (n = read(fd, buf + len, sizeof(buf) - len)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		len += (size_t)n;
	}
	close(fd);
	if (pk_parse_start_time(buf, len, start) < 0) {
		errno = EINVAL;
		return -1;
	}
	return 0;
}

/* ---------------------------------------------------------------- verdicts */

enum bridge_auth_verdict pk_verdict(const struct pk_conf *conf, const char *bridge,
				    const struct pk_answer *a, char *msg, size_t msgsize)
{
	if (a->authorized) {
		msg_put(msg, msgsize, "polkitd authorizes %s on bridge %s", conf->action, bridge);
		return BRIDGE_AUTH_ALLOW;
	}
	if (a->challenge) {
		msg_put(msg, msgsize,
			"polkitd requires authentication for %s on bridge %s, and the helper does not prompt",
			conf->action, bridge);
		return BRIDGE_AUTH_DENY;
	}
	msg_put(msg, msgsize, "polkitd does not authorize %s on bridge %s", conf->action, bridge);
	return BRIDGE_AUTH_DENY;
}

static bool is(const char *name, const char *want)
{
	return name != NULL && strcmp(name, want) == 0;
}

enum bridge_auth_verdict pk_error(const struct pk_conf *conf, const char *step, const char *name,
				  const char *message, char *msg, size_t msgsize)
{
	char why[BRIDGE_AUTH_MSG_MAX];
	const char *m = message ? message : "";

	if (is(name, DBUS_ERROR_NO_REPLY) || is(name, DBUS_ERROR_TIMEOUT) || is(name, DBUS_ERROR_TIMED_OUT))
		msg_put(why, sizeof(why), "no answer from %s within %d ms", step, conf->timeout_ms);
	else if (is(name, DBUS_ERROR_NO_SERVER) || is(name, DBUS_ERROR_FILE_NOT_FOUND) ||
		 is(name, DBUS_ERROR_ACCESS_DENIED) || is(name, DBUS_ERROR_BAD_ADDRESS))
		msg_put(why, sizeof(why), "no system bus at %s (%s)", PK_SYSTEM_BUS + 10, m);
	else if (is(name, DBUS_ERROR_SERVICE_UNKNOWN) || is(name, DBUS_ERROR_NAME_HAS_NO_OWNER) ||
		 (name != NULL && strncmp(name, "org.freedesktop.DBus.Error.Spawn.", 33) == 0))
		msg_put(why, sizeof(why), "polkitd is not running, and the bus did not start it (%s)", m);
	else if (is(name, DBUS_ERROR_DISCONNECTED))
		msg_put(why, sizeof(why), "the system bus closed the connection (%s)", m);
	else if (is(name, "org.freedesktop.PolicyKit1.Error.NotAuthorized"))
		msg_put(why, sizeof(why), "polkitd answers such questions only for root (%s)", m);
	else if (name != NULL && strncmp(name, "org.freedesktop.PolicyKit1.Error.", 33) == 0)
		msg_put(why, sizeof(why), "polkitd: %s", m);
	else
		msg_put(why, sizeof(why), "%s: %s (%s)", step, name ? name : "unknown error", m);
	msg_put(msg, msgsize, "cannot ask polkitd about %s: %s", conf->action, why);
	for (char *p = msg; *p; p++) /* the bus's text, shown to the caller */
		if ((unsigned char)*p < ' ' || *p == 0x7f)
			*p = '?';
	return BRIDGE_AUTH_ERROR;
}

/* ---------------------------------------------------------------- the exchange */

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* What is left of the deadline, at least 1 ms (libdbus: 0 would not wait at all). */
static int left_ms(int64_t deadline)
{
	int64_t left = deadline - now_ms();

	return left < 1 ? 1 : left > INT_MAX ? INT_MAX : (int)left;
}

static bool add_entry(DBusMessageIter *dict, const char *key, int type, const void *value)
{
	DBusMessageIter entry = DBUS_MESSAGE_ITER_INIT_CLOSED, var = DBUS_MESSAGE_ITER_INIT_CLOSED;
	const char sig[2] = { (char)type, '\0' };
	bool ok = dbus_message_iter_open_container(dict, DBUS_TYPE_DICT_ENTRY, NULL, &entry) &&
		  dbus_message_iter_append_basic(&entry, DBUS_TYPE_STRING, &key) &&
		  dbus_message_iter_open_container(&entry, DBUS_TYPE_VARIANT, sig, &var) &&
		  dbus_message_iter_append_basic(&var, type, value) &&
		  dbus_message_iter_close_container(&entry, &var) &&
		  dbus_message_iter_close_container(dict, &entry);

	if (!ok) {
		dbus_message_iter_abandon_container_if_open(&entry, &var);
		dbus_message_iter_abandon_container_if_open(dict, &entry);
	}
	return ok;
}

/*
 * CheckAuthorization((sa{sv})sa{ss}us): subject ("unix-process", pid,
 * start-time, uid), action, details {bridge}, flags 0 (no interaction),
 * no cancellation ID.
 */
static DBusMessage *build_check(const char *action, uint32_t pid, uint64_t start, int32_t uid,
				const char *bridge)
{
	DBusMessage *m = dbus_message_new_method_call(PK_NAME, PK_PATH, PK_IFACE, "CheckAuthorization");
	DBusMessageIter it, subj = DBUS_MESSAGE_ITER_INIT_CLOSED, dict = DBUS_MESSAGE_ITER_INIT_CLOSED,
		det = DBUS_MESSAGE_ITER_INIT_CLOSED, ent = DBUS_MESSAGE_ITER_INIT_CLOSED;
	const char *kind = "unix-process", *key = "bridge", *cancel = "";
	uint32_t flags = 0;
	bool ok;

	if (m == NULL)
		return NULL;
	dbus_message_iter_init_append(m, &it);
	ok = dbus_message_iter_open_container(&it, DBUS_TYPE_STRUCT, NULL, &subj) &&
	     dbus_message_iter_append_basic(&subj, DBUS_TYPE_STRING, &kind) &&
	     dbus_message_iter_open_container(&subj, DBUS_TYPE_ARRAY, "{sv}", &dict) &&
	     add_entry(&dict, "pid", DBUS_TYPE_UINT32, &pid) &&
	     add_entry(&dict, "start-time", DBUS_TYPE_UINT64, &start) &&
	     add_entry(&dict, "uid", DBUS_TYPE_INT32, &uid) &&
	     dbus_message_iter_close_container(&subj, &dict) &&
	     dbus_message_iter_close_container(&it, &subj) &&
	     dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &action) &&
	     dbus_message_iter_open_container(&it, DBUS_TYPE_ARRAY, "{ss}", &det) &&
	     dbus_message_iter_open_container(&det, DBUS_TYPE_DICT_ENTRY, NULL, &ent) &&
	     dbus_message_iter_append_basic(&ent, DBUS_TYPE_STRING, &key) &&
	     dbus_message_iter_append_basic(&ent, DBUS_TYPE_STRING, &bridge) &&
	     dbus_message_iter_close_container(&det, &ent) &&
	     dbus_message_iter_close_container(&it, &det) &&
	     dbus_message_iter_append_basic(&it, DBUS_TYPE_UINT32, &flags) &&
	     dbus_message_iter_append_basic(&it, DBUS_TYPE_STRING, &cancel);
	if (!ok) {
		dbus_message_iter_abandon_container_if_open(&det, &ent);
		dbus_message_iter_abandon_container_if_open(&it, &det);
		dbus_message_iter_abandon_container_if_open(&subj, &dict);
		dbus_message_iter_abandon_container_if_open(&it, &subj);
		dbus_message_unref(m);
		return NULL;
	}
	return m;
}

/* The (bba{ss}) result: is_authorized, is_challenge (the details are not used). */
static bool read_result(DBusMessage *reply, struct pk_answer *a)
{
	DBusMessageIter it, st;
	dbus_bool_t authorized, challenge;

	if (!dbus_message_has_signature(reply, "(bba{ss})") || !dbus_message_iter_init(reply, &it))
		return false;
	dbus_message_iter_recurse(&it, &st);
	dbus_message_iter_get_basic(&st, &authorized);
	if (!dbus_message_iter_next(&st))
		return false;
	dbus_message_iter_get_basic(&st, &challenge);
	a->authorized = authorized;
	a->challenge = challenge;
	return true;
}

/* Send M (consumed) and wait for its reply until DEADLINE; NULL with ERR set. */
static DBusMessage *call(DBusConnection *c, DBusMessage *m, int64_t deadline, DBusError *err)
{
	DBusMessage *reply;

	if (m == NULL) {
		dbus_set_error_const(err, DBUS_ERROR_NO_MEMORY, "out of memory");
		return NULL;
	}
	reply = dbus_connection_send_with_reply_and_block(c, m, left_ms(deadline), err);
	dbus_message_unref(m);
	return reply;
}

enum bridge_auth_verdict pk_check(const struct pk_conf *conf, uid_t uid, const char *bridge,
				  char *msg, size_t msgsize)
{
	int64_t deadline = now_ms() + conf->timeout_ms;
	enum bridge_auth_verdict v;
	DBusConnection *c = NULL;
	DBusMessage *reply = NULL;
	DBusError err;
	struct pk_answer a;
	const char *step = "the system bus", *name = NULL;
	uint64_t start;
	pid_t pid = getpid();

	if (uid > INT32_MAX) {
		msg_put(msg, msgsize, "cannot ask polkitd about %s: uid %lu is out of polkit's range",
			conf->action, (unsigned long)uid);
		return BRIDGE_AUTH_ERROR;
	}
	if (pk_self_start_time(&start) < 0) {
		msg_put(msg, msgsize, "cannot ask polkitd about %s: cannot read this process's start time: %s",
			conf->action, strerror(errno));
		return BRIDGE_AUTH_ERROR;
	}
	dbus_error_init(&err);
	/* libdbus would otherwise ignore SIGPIPE for the whole process; it
	 * writes with MSG_NOSIGNAL anyway. */
	dbus_connection_set_change_sigpipe(FALSE);
	c = dbus_connection_open_private(PK_SYSTEM_BUS, &err);
	if (c == NULL)
		goto error;
	dbus_connection_set_exit_on_disconnect(c, FALSE);
	/* libdbus waits for the end of the authentication without a timeout in
	 * send_with_reply_and_block() (measured with libdbus 1.14 and a stopped
	 * bus): drive it here, within the deadline. */
	while (!dbus_connection_get_is_authenticated(c)) {
		if (!dbus_connection_get_is_connected(c)) {
			dbus_set_error_const(&err, DBUS_ERROR_DISCONNECTED, "during authentication");
			goto error;
		}
		if (now_ms() >= deadline) {
			dbus_set_error_const(&err, DBUS_ERROR_NO_REPLY, "authentication");
			goto error;
		}
		dbus_connection_read_write(c, left_ms(deadline));
	}
	/* A bus speaks to a client only after its Hello (which dbus_bus_register()
	 * sends with libdbus's own 25 s timeout: ours is the deadline). */
	reply = call(c, dbus_message_new_method_call(DBUS_SERVICE_DBUS, DBUS_PATH_DBUS,
						     DBUS_INTERFACE_DBUS, "Hello"), deadline, &err);
	if (reply == NULL)
		goto error;
	dbus_message_unref(reply);
	step = "polkitd";
	reply = call(c, build_check(conf->action, (uint32_t)pid, start, (int32_t)uid, bridge), deadline,
		     &err);
	if (reply == NULL)
		goto error;
	if (!read_result(reply, &a)) {
		msg_put(msg, msgsize, "cannot ask polkitd about %s: unexpected reply (signature %s)",
			conf->action, dbus_message_get_signature(reply));
		v = BRIDGE_AUTH_ERROR;
		goto done;
	}
	v = pk_verdict(conf, bridge, &a, msg, msgsize);
	goto done;
error:
	name = dbus_error_is_set(&err) ? err.name : NULL;
	v = pk_error(conf, step, name, dbus_error_is_set(&err) ? err.message : NULL, msg, msgsize);
done:
	if (reply != NULL)
		dbus_message_unref(reply);
	if (c != NULL) {
		dbus_connection_close(c);
		dbus_connection_unref(c);
	}
	dbus_error_free(&err);
	return v;
}
