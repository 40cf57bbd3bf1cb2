/*
 * serve_split.h - `pppssh serve` started privileged (root, or with
 * CAP_NET_ADMIN) splits itself the way pppssh helper and an unprivileged
 * serve are split: the parent keeps the privilege and becomes a helper
 * for this one session (helper.h), the child drops to an unprivileged
 * system account and runs the session, the only one of the two that
 * reads the client's bytes.  docs/architecture.md, "The sandbox".
 */
#ifndef PPPSSH_CLI_SERVE_SPLIT_H
#define PPPSSH_CLI_SERVE_SPLIT_H

#include <stddef.h>
#include <sys/types.h>

#include "admission.h"

/* [Server] SessionUser's default: this account if it exists (the Debian
 * package creates it, debian/pppssh.sysusers), else SERVE_SPLIT_FALLBACK. */
#define SERVE_SPLIT_ACCOUNT "pppssh"
#define SERVE_SPLIT_FALLBACK "nobody"

/* An account a split's session runs as. */
struct split_account {
    uid_t uid;
    gid_t gid;
    char name[64];
};

/* want ("" = SERVE_SPLIT_ACCOUNT if it exists, else SERVE_SPLIT_FALLBACK)
 * looked up, root refused; a caller that is not root gets its own
 * account.  key names the setting in errors ("[Server] SessionUser").
 * 0, or -errno with err set.  `pppssh up` resolves its session's account
 * the same way (up_split.c, [Tunnel] SessionUser). */
int split_account_find(const char *want, const char *key, struct split_account *a, char *err,
                       size_t errlen);

enum serve_split_role {
    SERVE_SPLIT_SESSION, /* the child: unprivileged, *sock leads to the parent */
    SERVE_SPLIT_PARENT,  /* the parent, the session over: *status is its exit status */
};

/*
 * Splits.  account is SessionUser ("" = the default above); fixed is
 * NULL, or --local/--remote's addresses (helper_serve_one()).  The child
 * returns with every privilege dropped for good (sandbox_drop_privileges)
 * and *sock its end of the socketpair, to ask for its tunnel on
 * (helper_ask_open_on) exactly as an unprivileged serve asks the daemon.
 * The parent gives stdin and stdout (the SSH stream) up to /dev/null,
 * serves the session and returns when the child has exited.  Returns the
 * role, or -1 with err set (nothing was split, or the child could not
 * drop its privileges: it must not go on).
 */
int serve_split(const char *config_path, const char *account, const struct admission_request *fixed,
                int *sock, int *status, char *err, size_t errlen);

/*
 * A root serve in userspace mode has nothing privileged to keep: no
 * interface, address or route changes.  It drops to account (as
 * serve_split's session does) for good, with no parent left behind, and
 * the userspace stack it starts runs as that account too.  Each VPN user
 * gets a stack of their own: XDG_RUNTIME_DIR is set to
 * RUN_DIR/userspace/VPN_USER, made here as root for the account alone
 * (0700), where the stack's socket goes (pppssh-stack(8)).  0, or -errno
 * with err set (the caller must not go on).
 */
int serve_split_userspace(const char *account, const char *run_dir, const char *vpn_user,
                          char *err, size_t errlen);

#endif
