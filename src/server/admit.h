/*
 * admit.h - the address a new `pppssh serve` session of a user gets, and
 * which of the user's older sessions gives way for it.
 *
 * A user holds one address per session and at most max_sessions sessions
 * (server.conf MaxSessions, default 1).  A new session beyond that takes
 * over the user's oldest one (takeover.h), exactly as a reconnecting client
 * takes over its own stale session: the newest session always wins, and a
 * client is never locked out by a session whose peer has vanished.  A user
 * with a static Address has one session.  The whole find-or-take runs under
 * the user's lock (lease_lock_user), so sessions starting together are
 * admitted one after the other and never hold more addresses than allowed.
 */
#ifndef PPPSSH_RUN_ADMIT_H
#define PPPSSH_RUN_ADMIT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

#define ADMIT_LOCK_MS 30000 /* wait for the user's other sessions being admitted */

struct admit_request {
    const char *user;
    bool has_address; /* a static address: the only one this user gets */
    struct in_addr address;
    struct in_addr pool_first, pool_last; /* else from this pool */
    const struct in_addr *skip;           /* static addresses inside the pool */
    size_t n_skip;
    unsigned max_sessions; /* pool users: sessions held at once (>= 1) */
    int term_ms;           /* takeover: wait after SIGTERM before SIGKILL */
};

/* Returns the lease fd (keep it open for the session) and sets *addr, or
 * -errno with err set: -ENOSPC pool exhausted, -EUSERS the oldest session
 * at the limit cannot be replaced, -EBUSY the static address is another
 * user's, -ETIMEDOUT. */
int admit_session(const struct admit_request *r, struct in_addr *addr, char *err, size_t errlen);

#endif
