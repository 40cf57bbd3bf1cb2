/*
 * admit.c - find-or-take of a session's address under the user's lock.
 */
#include "admit.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lease.h"
#include "log.h"
#include "takeover.h"

#define MAX_LISTED 64

static int from_pool(const struct admit_request *r, struct in_addr *addr, char *err, size_t errlen)
{
    struct in_addr held[MAX_LISTED];
    size_t n = lease_list_held(r->pool_first, r->pool_last, r->user, held, MAX_LISTED);
    if (n < r->max_sessions)
        return lease_from_pool(r->pool_first, r->pool_last, r->skip, r->n_skip, r->user, addr, err,
                               errlen);
    /* At the limit: the oldest session gives way, as a stale one does. */
    *addr = held[0];
    log_info("user %s has %zu session%s (MaxSessions %u): replacing the oldest", r->user, n,
             n == 1 ? "" : "s", r->max_sessions);
    int fd = takeover_lease(*addr, r->user, r->term_ms, err, errlen);
    if (fd < 0) {
        char why[256];
        snprintf(why, sizeof(why), "%s", err);
        snprintf(err, errlen, "session limit reached (MaxSessions %u): %s", r->max_sessions, why);
        return -EUSERS;
    }
    return fd;
}

int admit_session(const struct admit_request *r, struct in_addr *addr, char *err, size_t errlen)
{
    int lock = lease_lock_user(r->user, ADMIT_LOCK_MS, err, errlen);
    if (lock < 0)
        return lock;
    int fd;
    if (r->has_address) {
        *addr = r->address;
        fd = takeover_lease(*addr, r->user, r->term_ms, err, errlen);
    } else {
        fd = from_pool(r, addr, err, errlen);
    }
    close(lock); /* our lease is taken and recorded: the next session sees it */
    return fd;
}
