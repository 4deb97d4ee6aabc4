/*
 * pam: a PAM account check (pam_acct_mgmt) for bridge-auth.
 *
 * The worker of the pam module, apart from its entry points so that unit
 * tests reach the argument parser and the verdict map without PAM, and the
 * root-only tests drive the real Linux-PAM through pam_start_confdir().
 */
#ifndef BRIDGE_AUTH_PAM_ACCOUNT_H
#define BRIDGE_AUTH_PAM_ACCOUNT_H

#include <stddef.h>
#include <sys/types.h>

#include <bridge-auth/module.h>

/* The PAM service asked when the stack entry names none. */
#define PAMACCT_DEFAULT_SERVICE "qemu-bridge-helper"
/* Longest service name accepted. */
#define PAMACCT_SERVICE_MAX 64

struct pamacct_conf {
	char *service;
	char *confdir; /* NULL: PAM's own configuration (/etc/pam.d) */
};

/* Where the check's messages go: one line at a time, syslog priorities. */
struct pamacct_log {
	void (*log)(void *ctx, int priority, const char *line);
	void *ctx;
};

/*
 * Parse the module arguments: "service=NAME" (letters, digits, '.', '_',
 * '-'; not starting with '.'; at most PAMACCT_SERVICE_MAX bytes) and
 * "confdir=/ABS/DIR", each at most once.  On success set *CONF and return 0;
 * on error write one line to ERR (size ERRSIZE) and return -1.
 */
int pamacct_parse_args(int argc, const char *const *argv, struct pamacct_conf **conf,
		       char *err, size_t errsize);
void pamacct_conf_free(struct pamacct_conf *conf);

/* The verdict for a status returned by pam_acct_mgmt(). */
enum bridge_auth_verdict pamacct_verdict(int pam_status);

/*
 * The reason for a result: "PAM account check (service S): TEXT", with
 * " (DETAIL)" after it when DETAIL (a module's message) is not empty.
 * Control bytes of TEXT and DETAIL are shown as '?'.
 */
void pamacct_reason(char *msg, size_t msgsize, const char *service, const char *text,
		    const char *detail);

/*
 * Ask PAM whether USER (NULL when the uid has no name: DENY) may use BRIDGE:
 * pam_start[_confdir](service, USER), PAM_TTY = BRIDGE, PAM_RUSER = USER,
 * pam_acct_mgmt(PAM_SILENT), pam_end() on every path.  The conversation
 * answers no prompt; messages go to LOG.  Writes the reason to MSG.
 */
enum bridge_auth_verdict pamacct_check(const struct pamacct_conf *conf, const char *user,
				       uid_t uid, const char *bridge,
				       const struct pamacct_log *log, char *msg, size_t msgsize);

/*
 * The conversation of the check (exposed for the unit tests): APPDATA is a
 * struct pamacct_conv_ctx.  Any prompt fails with PAM_CONV_ERR (no
 * responses); PAM_ERROR_MSG and PAM_TEXT_INFO are logged, the last error
 * message is kept in DETAIL.
 */
struct pam_message;
struct pam_response;
struct pamacct_conv_ctx {
	const struct pamacct_log *log;
	char detail[BRIDGE_AUTH_MSG_MAX];
};
int pamacct_conversation(int num_msg, const struct pam_message **msgs,
			 struct pam_response **resp, void *appdata);

#endif /* BRIDGE_AUTH_PAM_ACCOUNT_H */
