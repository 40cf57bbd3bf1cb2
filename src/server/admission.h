/*
 * admission.h - who a `pppssh serve` session is for and what it gets: the
 * user's [User NAME] section of server.conf (a user without one is
 * refused), its address (static, or from the pool, taking over the user's
 * oldest session at its MaxSessions, admit.h), its routes and Address6,
 * the resolvers handed out in IPCP; or --local/--remote as given.
 *
 * The decision is a plain request in and run parameters out: the side of
 * `serve` that will stay privileged when the session is split off (the
 * session then starts from the parameters, holding only the lease fd).
 */
#ifndef PPPSSH_SERVER_ADMISSION_H
#define PPPSSH_SERVER_ADMISSION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "run.h"

struct admission_request {
    const struct server_config *cfg; /* NULL with --local/--remote */
    const char *config_path;         /* for messages */
    const char *user;
    const char *local, *remote; /* --local/--remote, or NULL */
    bool no_offload;            /* --no-offload */
    uint64_t seed;              /* the engine's randomness */
};

/* Fills params (ppp addresses, net) for the request: 0 with *lease_fd the
 * address lease to hold for the session (-1 with --local/--remote), or -1
 * with err saying why the session is refused. */
int admission_decide(const struct admission_request *r, struct run_params *params, int *lease_fd,
                     char *err, size_t errlen);

#endif
