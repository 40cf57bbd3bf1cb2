/*
 * up_split.h - `pppssh up` started by root with User = (pppssh.conf(5)):
 * two processes (issue 13).  The privileged parent creates the TUN and
 * then only carries out the configurator requests the tunnel's config
 * allows (configurator_socket.h), undoing them all when the session ends
 * however it ends; the session child becomes User for good before ssh
 * starts (run.h: cfg_fd, drop_user).
 */
#ifndef PPPSSH_CLI_UP_SPLIT_H
#define PPPSSH_CLI_UP_SPLIT_H

#include <stdbool.h>

#include "config.h"
#include "run.h"

enum up_split_side {
    UP_SPLIT_NONE,    /* no User =, or not root: one process, as before */
    UP_SPLIT_SESSION, /* the child: run_tunnel(p) with p set up for it */
    UP_SPLIT_DONE,    /* the parent, the session over (*status), or a failure reported */
};

/* Splits when cfg asks for it; in the parent returns only when the
 * session has ended and everything is undone, with *status the session's
 * exit status (or the failure's). */
enum up_split_side up_split(const struct tunnel_config *cfg, struct run_params *p, int *status);

#endif
