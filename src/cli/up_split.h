/*
 * up_split.h - `pppssh up` started by root is two processes (issue 13).
 * The privileged parent creates the TUN and then only carries out the
 * configurator requests the tunnel's config allows (configurator_socket.h),
 * undoing them all when the session ends however it ends.  The session
 * child, the one process that parses the server's bytes, becomes an
 * unprivileged account for good before anything reaches it (run.h:
 * cfg_fd, drop_user):
 *   - with User = (pppssh.conf(5)): that account, which runs ssh and the
 *     hooks itself, as before;
 *   - without: SessionUser (default pppssh, else nobody), and the parent
 *     runs ssh as root, or as sudo's invoking user, and the hooks as root,
 *     handing the session ssh's descriptors (privileged.h).
 * One rule: ssh runs in the session when its account is the session's,
 * else the parent runs it.
 */
#ifndef PPPSSH_CLI_UP_SPLIT_H
#define PPPSSH_CLI_UP_SPLIT_H

#include <stdbool.h>

#include "child.h"
#include "config.h"
#include "run.h"
#include "serve_split.h"

struct up_plan {
    bool split;                 /* started as root */
    bool remote;                /* the parent runs ssh and the hooks (no User =) */
    bool ssh_as_account;        /* false: ssh runs as root */
    struct spawn_account ssh;   /* User, or SUDO_USER */
    struct split_account session; /* who parses the server's bytes */
};

/* Who runs what (before the ssh command line is built: `ssh -G` asks as
 * ssh's account).  0, or -1 with err set (a config error). */
int up_split_plan(const struct tunnel_config *cfg, struct up_plan *plan, char *err, size_t errlen);

enum up_split_side {
    UP_SPLIT_NONE,    /* not root: one process, as before */
    UP_SPLIT_SESSION, /* the child: run_tunnel(p) with p set up for it */
    UP_SPLIT_DONE,    /* the parent, the session over (*status), or a failure reported */
};

/* Splits when plan says so; in the parent returns only when the session
 * has ended and everything is undone, with *status the session's exit
 * status (or the failure's). */
enum up_split_side up_split(const struct up_plan *plan, struct run_params *p, int *status);

#endif
