/*
 * Unit tests of the pam module's worker: argument parsing, the map from
 * PAM statuses to verdicts and the reason text (no PAM transaction, no
 * root).  The real Linux-PAM is driven by test-pam.sh.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <security/pam_appl.h>

#include "pam_account.h"
#include "tap-test.h"

static char err[BRIDGE_AUTH_MSG_MAX];
static char logged[2048];

static void test_log(void *ctx, int priority, const char *line)
{
	size_t len = strlen(logged);

	snprintf(logged + len, sizeof(logged) - len, "[%d] %s\n", priority, line);
}

/* Run the conversation on N messages of STYLES and TEXTS. */
static int converse(int n, const int *styles, const char *const *texts, struct pamacct_conv_ctx *cc,
		    struct pam_response **resp)
{
	struct pam_message m[8];
	const struct pam_message *mp[8];
	int i;

	for (i = 0; i < n; i++) {
		m[i].msg_style = styles[i];
		m[i].msg = texts[i];
		mp[i] = &m[i];
	}
	*resp = NULL;
	return pamacct_conversation(n, mp, resp, cc);
}

static struct pamacct_conf *parse(int argc, const char *const *argv)
{
	struct pamacct_conf *c = NULL;

	err[0] = '\0';
	if (pamacct_parse_args(argc, argv, &c, err, sizeof(err)) < 0)
		return NULL;
	return c;
}

static void refused(const char *name, const char *needle, int argc, const char *const *argv)
{
	struct pamacct_conf *c = parse(argc, argv);

	OK(c == NULL, "refused: %s", name);
	tap_result(strstr(err, needle) != NULL, __FILE__, __LINE__, "refused: %s: message names the fault",
		   name);
	if (strstr(err, needle) == NULL)
		printf("#   expected to contain \"%s\"\n#   seen \"%s\"\n", needle, err);
	pamacct_conf_free(c);
}

#define REFUSED(name, needle, ...)                                                  \
	do {                                                                        \
		const char *const a_[] = { __VA_ARGS__ };                           \
		refused(name, needle, (int)(sizeof(a_) / sizeof(a_[0])), a_);       \
	} while (0)

#define VERDICT(status, expect) \
	ASSERT_INT_EQ(expect, pamacct_verdict(status), #status " -> " #expect)

int main(void)
{
	struct pamacct_conf *c;
	char msg[BRIDGE_AUTH_MSG_MAX];

	/* ------------------------------------------------ arguments */
	c = parse(0, NULL);
	OK(c != NULL, "no arguments: accepted");
	if (c != NULL) {
		ASSERT_STR_EQ("qemu-bridge-helper", c->service, "default service");
		OK(c->confdir == NULL, "no confdir by default");
	}
	pamacct_conf_free(c);
	{
		const char *const a[] = { "service=vm-net", "confdir=/etc/bridge-auth/pam.d" };

		c = parse(2, a);
		OK(c != NULL, "service= and confdir=: accepted (%s)", err);
		if (c != NULL) {
			ASSERT_STR_EQ("vm-net", c->service, "service= is kept");
			ASSERT_STR_EQ("/etc/bridge-auth/pam.d", c->confdir, "confdir= is kept");
		}
		pamacct_conf_free(c);
	}
	{
		const char *const a[] = { "service=Qemu_bridge.helper-2" };

		c = parse(1, a);
		OK(c != NULL, "service name with upper case, '_', '.', '-', digits: accepted");
		pamacct_conf_free(c);
	}
	REFUSED("unknown key", "unknown argument \"user=alice\"", "user=alice");
	REFUSED("bare word", "unknown argument \"debug\"", "debug");
	REFUSED("empty service", "not a PAM service name", "service=");
	REFUSED("service with '/'", "not a PAM service name", "service=../../etc/passwd");
	REFUSED("service starting with '.'", "not a PAM service name", "service=.hidden");
	REFUSED("service with a blank", "not a PAM service name", "service=qemu bridge");
	REFUSED("service of 65 bytes", "not a PAM service name",
		"service=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	REFUSED("two services", "duplicate argument \"service=\"", "service=a", "service=b");
	REFUSED("relative confdir", "not an absolute path", "confdir=pam.d");
	REFUSED("empty confdir", "not an absolute path", "confdir=");
	REFUSED("confdir with a newline", "not an absolute path", "confdir=/etc/pam\n.d");
	REFUSED("two confdirs", "duplicate argument \"confdir=\"", "confdir=/a", "confdir=/b");
	{
		const char *const a[] = { "service=x", NULL };

		OK(parse(2, a) == NULL, "a NULL argument: refused");
		ASSERT_STR_CONTAINS("argument 2 is missing", err, "a NULL argument: message");
	}
	{
		const char *const a[] = { "service=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" };

		c = parse(1, a);
		OK(c != NULL, "service of 64 bytes: accepted");
		pamacct_conf_free(c);
	}

	/* ------------------------------------------------ verdicts */
	VERDICT(PAM_SUCCESS, BRIDGE_AUTH_ALLOW);
	VERDICT(PAM_IGNORE, BRIDGE_AUTH_IGNORE);
	VERDICT(PAM_PERM_DENIED, BRIDGE_AUTH_DENY);
	VERDICT(PAM_ACCT_EXPIRED, BRIDGE_AUTH_DENY);
	VERDICT(PAM_AUTH_ERR, BRIDGE_AUTH_DENY);
	VERDICT(PAM_NEW_AUTHTOK_REQD, BRIDGE_AUTH_DENY);
	VERDICT(PAM_USER_UNKNOWN, BRIDGE_AUTH_DENY);
	VERDICT(PAM_AUTHINFO_UNAVAIL, BRIDGE_AUTH_ERROR);
	VERDICT(PAM_SYSTEM_ERR, BRIDGE_AUTH_ERROR);
	VERDICT(PAM_BUF_ERR, BRIDGE_AUTH_ERROR);
	VERDICT(PAM_CONV_ERR, BRIDGE_AUTH_ERROR);
	VERDICT(PAM_ABORT, BRIDGE_AUTH_ERROR);
	VERDICT(PAM_MAXTRIES, BRIDGE_AUTH_ERROR);
	VERDICT(PAM_SERVICE_ERR, BRIDGE_AUTH_ERROR);
	VERDICT(PAM_CRED_INSUFFICIENT, BRIDGE_AUTH_ERROR);
	VERDICT(-1, BRIDGE_AUTH_ERROR);
	VERDICT(9999, BRIDGE_AUTH_ERROR);

	/* ------------------------------------------------ reasons */
	pamacct_reason(msg, sizeof(msg), "qemu-bridge-helper", pam_strerror(NULL, PAM_ACCT_EXPIRED),
		       NULL);
	ASSERT_STR_EQ("PAM account check (service qemu-bridge-helper): User account has expired", msg,
		      "reason for an expired account");
	pamacct_reason(msg, sizeof(msg), "vm", "Permission denied", "");
	ASSERT_STR_EQ("PAM account check (service vm): Permission denied", msg,
		      "empty detail: not shown");
	pamacct_reason(msg, sizeof(msg), "vm", "Permission denied", "Access denied\nfor you");
	ASSERT_STR_EQ("PAM account check (service vm): Permission denied (Access denied?for you)", msg,
		      "detail shown, its control bytes as '?'");
	pamacct_reason(msg, 20, "vm", "Permission denied", NULL);
	ASSERT_STR_EQ("PAM account check (", msg, "reason truncated to its buffer");

	/* ------------------------------------------------ the conversation */
	{
		struct pamacct_log log = { test_log, NULL };
		struct pamacct_conv_ctx cc = { &log, "" };
		struct pam_response *resp;
		const int info[] = { PAM_TEXT_INFO, PAM_ERROR_MSG, PAM_ERROR_MSG };
		const char *const itext[] = { "hello", "first error", "Your account\thas expired" };
		const int ask[] = { PAM_TEXT_INFO, PAM_PROMPT_ECHO_OFF };
		const char *const atext[] = { "about to ask", "Password: " };
		const int echo_on[] = { PAM_PROMPT_ECHO_ON };
		const char *const etext[] = { "login: " };

		logged[0] = '\0';
		ASSERT_INT_EQ(PAM_SUCCESS, converse(3, info, itext, &cc, &resp),
			      "conversation: information and error messages succeed");
		OK(resp != NULL && resp[0].resp == NULL && resp[2].resp == NULL,
		   "conversation: responses without text");
		if (resp != NULL)
			free(resp);
		ASSERT_STR_EQ("[6] PAM says: hello\n[5] PAM says: first error\n[5] PAM says: Your account?has expired\n",
			      logged, "conversation: every message logged, control bytes as '?'");
		ASSERT_STR_EQ("Your account?has expired", cc.detail, "conversation: the last error is kept");

		logged[0] = '\0';
		ASSERT_INT_EQ(PAM_CONV_ERR, converse(2, ask, atext, &cc, &resp),
			      "conversation: a password prompt fails");
		OK(resp == NULL, "conversation: no responses after a prompt");
		ASSERT_STR_CONTAINS("PAM asked a question (\"Password: \"): refused", logged,
				    "conversation: the prompt is logged");
		ASSERT_INT_EQ(PAM_CONV_ERR, converse(1, echo_on, etext, &cc, &resp),
			      "conversation: an echoed prompt fails");
		ASSERT_INT_EQ(PAM_CONV_ERR, converse(0, echo_on, etext, &cc, &resp),
			      "conversation: no messages at all is an error");
	}

	/* ------------------------------------------------ no user name */
	{
		struct pamacct_conf conf = { (char *)"qemu-bridge-helper", NULL };

		ASSERT_INT_EQ(BRIDGE_AUTH_DENY, pamacct_check(&conf, NULL, 4009, "br0", NULL, msg, sizeof(msg)),
			      "a uid without a user name: DENY (PAM cannot ask about it)");
		ASSERT_STR_EQ("PAM account check (service qemu-bridge-helper): uid 4009 has no user name", msg,
			      "a uid without a user name: reason");
	}
	return tap_done();
}
