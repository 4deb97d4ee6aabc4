/*
 * pam: a PAM account check for bridge-auth (see pam_account.h).
 *
 * Each check is one PAM transaction: pam_start, the items, pam_acct_mgmt,
 * pam_end.  Nothing is kept between requests, so a change to the PAM
 * configuration or to the accounts it reads counts at the next request.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <security/pam_appl.h>

#include "pam_account.h"
#include "msg.h"

/* Copy S into OUT (size OUTSIZE) with control bytes shown as '?'. */
static void clean(char *out, size_t outsize, const char *s)
{
	size_t i;

	if (outsize == 0)
		return;
	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < outsize; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	out[i] = '\0';
}

/* ---------------------------------------------------------------- arguments */

static int valid_service(const char *s)
{
	size_t len = strlen(s), i;

	if (len == 0 || len > PAMACCT_SERVICE_MAX || s[0] == '.')
		return 0;
	for (i = 0; i < len; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int valid_dir(const char *s)
{
	const unsigned char *p;

	if (s[0] != '/' || strlen(s) >= PATH_MAX)
		return 0;
	for (p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return 0;
	return 1;
}

int pamacct_parse_args(int argc, const char *const *argv, struct pamacct_conf **conf,
		       char *err, size_t errsize)
{
	const char *service = NULL, *confdir = NULL;
	struct pamacct_conf *c;
	char tok[MSG_SHOW + 4];
	int i;

	*conf = NULL;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (a == NULL) {
			msg_put(err, errsize, "argument %d is missing", i + 1);
			return -1;
		}
		if (strncmp(a, "service=", 8) == 0) {
			if (service != NULL) {
				msg_put(err, errsize, "duplicate argument \"service=\"");
				return -1;
			}
			service = a + 8;
			if (!valid_service(service)) {
				msg_put(err, errsize,
				     "service=%s: not a PAM service name (1 to %d letters, digits, '.', '_', '-'; not starting with '.')",
				     msg_show(tok, service, SIZE_MAX), PAMACCT_SERVICE_MAX);
				return -1;
			}
		} else if (strncmp(a, "confdir=", 8) == 0) {
			if (confdir != NULL) {
				msg_put(err, errsize, "duplicate argument \"confdir=\"");
				return -1;
			}
			confdir = a + 8;
			if (!valid_dir(confdir)) {
				msg_put(err, errsize, "confdir=%s: not an absolute path", msg_show(tok, confdir, SIZE_MAX));
				return -1;
			}
#ifndef HAVE_PAM_START_CONFDIR
			msg_put(err, errsize, "confdir=: this libpam has no pam_start_confdir()");
			return -1;
#endif
		} else {
			msg_put(err, errsize, "unknown argument \"%s\" (expected service= or confdir=)",
			     msg_show(tok, a, SIZE_MAX));
			return -1;
		}
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL || (c->service = strdup(service ? service : PAMACCT_DEFAULT_SERVICE)) == NULL ||
	    (confdir != NULL && (c->confdir = strdup(confdir)) == NULL)) {
		pamacct_conf_free(c);
		msg_put(err, errsize, "out of memory");
		return -1;
	}
	*conf = c;
	return 0;
}

void pamacct_conf_free(struct pamacct_conf *conf)
{
	if (conf == NULL)
		return;
	free(conf->service);
	free(conf->confdir);
	free(conf);
}

/* ---------------------------------------------------------------- verdicts */

enum bridge_auth_verdict pamacct_verdict(int pam_status)
{
	switch (pam_status) {
	case PAM_SUCCESS:
		return BRIDGE_AUTH_ALLOW;
	case PAM_IGNORE:
		return BRIDGE_AUTH_IGNORE;
	/* The account is known and not usable now: a refusal. */
	case PAM_PERM_DENIED:
	case PAM_ACCT_EXPIRED:
	case PAM_AUTH_ERR:
	case PAM_NEW_AUTHTOK_REQD:
	case PAM_USER_UNKNOWN:
		return BRIDGE_AUTH_DENY;
	/* PAM_AUTHINFO_UNAVAIL (a directory is down), PAM_SYSTEM_ERR,
	 * PAM_BUF_ERR, PAM_CONV_ERR (a module wanted to ask something) and
	 * anything else: no decision. */
	default:
		return BRIDGE_AUTH_ERROR;
	}
}

void pamacct_reason(char *msg, size_t msgsize, const char *service, const char *text,
		    const char *detail)
{
	char t[BRIDGE_AUTH_MSG_MAX], d[BRIDGE_AUTH_MSG_MAX];

	clean(t, sizeof(t), text);
	clean(d, sizeof(d), detail);
	if (d[0] != '\0')
		msg_put(msg, msgsize, "PAM account check (service %s): %s (%s)", service, t, d);
	else
		msg_put(msg, msgsize, "PAM account check (service %s): %s", service, t);
}

/* ---------------------------------------------------------------- the transaction */

static void log_line(const struct pamacct_log *log, int priority, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void log_line(const struct pamacct_log *log, int priority, const char *fmt, ...)
{
	char line[BRIDGE_AUTH_MSG_MAX];
	va_list ap;

	if (log == NULL || log->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	log->log(log->ctx, priority, line);
}

/* Nobody is there to answer: every prompt fails the conversation; error
 * and information messages are logged (the last error is kept for the
 * reason). */
int pamacct_conversation(int num_msg, const struct pam_message **msgs,
			 struct pam_response **resp, void *appdata)
{
	struct pamacct_conv_ctx *cc = appdata;
	struct pam_response *r;
	char text[BRIDGE_AUTH_MSG_MAX];
	int i;

	*resp = NULL;
	if (num_msg <= 0 || num_msg > PAM_MAX_NUM_MSG)
		return PAM_CONV_ERR;
	r = calloc((size_t)num_msg, sizeof(*r));
	if (r == NULL)
		return PAM_BUF_ERR;
	for (i = 0; i < num_msg; i++) {
		clean(text, sizeof(text), msgs[i]->msg);
		switch (msgs[i]->msg_style) {
		case PAM_ERROR_MSG:
			log_line(cc->log, LOG_NOTICE, "PAM says: %s", text);
			snprintf(cc->detail, sizeof(cc->detail), "%s", text);
			break;
		case PAM_TEXT_INFO:
			log_line(cc->log, LOG_INFO, "PAM says: %s", text);
			break;
		default:
			log_line(cc->log, LOG_NOTICE,
				 "PAM asked a question (\"%s\"): refused, nobody can answer", text);
			free(r);
			return PAM_CONV_ERR;
		}
	}
	*resp = r;
	return PAM_SUCCESS;
}

enum bridge_auth_verdict pamacct_check(const struct pamacct_conf *conf, const char *user,
				       uid_t uid, const char *bridge,
				       const struct pamacct_log *log, char *msg, size_t msgsize)
{
	struct pamacct_conv_ctx cc = { .log = log };
	struct pam_conv conv = { pamacct_conversation, &cc };
	pam_handle_t *pamh = NULL;
	enum bridge_auth_verdict v;
	char why[BRIDGE_AUTH_MSG_MAX];
	int rc;

	if (user == NULL) {
		msg_put(why, sizeof(why), "uid %lu has no user name", (unsigned long)uid);
		pamacct_reason(msg, msgsize, conf->service, why, NULL);
		return BRIDGE_AUTH_DENY;
	}
#ifdef HAVE_PAM_START_CONFDIR
	if (conf->confdir != NULL)
		rc = pam_start_confdir(conf->service, user, &conv, conf->confdir, &pamh);
	else
#endif
		rc = pam_start(conf->service, user, &conv, &pamh);
	if (rc != PAM_SUCCESS || pamh == NULL) {
		msg_put(why, sizeof(why), "cannot start PAM: %s", pam_strerror(pamh, rc));
		pamacct_reason(msg, msgsize, conf->service, why, NULL);
		if (pamh != NULL)
			pam_end(pamh, rc);
		return BRIDGE_AUTH_ERROR;
	}
	/* The bridge is the "terminal" of this access: PAM rules on the tty
	 * (pam_succeed_if tty, pam_listfile item=tty, pam_access's origin
	 * field) decide per bridge. */
	rc = pam_set_item(pamh, PAM_TTY, bridge);
	if (rc == PAM_SUCCESS)
		rc = pam_set_item(pamh, PAM_RUSER, user);
	if (rc != PAM_SUCCESS) {
		msg_put(why, sizeof(why), "cannot set PAM items: %s", pam_strerror(pamh, rc));
		pamacct_reason(msg, msgsize, conf->service, why, NULL);
		pam_end(pamh, rc);
		return BRIDGE_AUTH_ERROR;
	}
	rc = pam_acct_mgmt(pamh, 0);
	v = pamacct_verdict(rc);
	pamacct_reason(msg, msgsize, conf->service, pam_strerror(pamh, rc),
		       v == BRIDGE_AUTH_ALLOW ? NULL : cc.detail);
	pam_end(pamh, rc);
	return v;
}
