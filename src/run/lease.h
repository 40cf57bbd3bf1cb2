/*
 * lease.h - tunnel addresses held by live `pppssh serve` sessions.
 *
 * Each address in use has a file RUN_DIR/leases/A.B.C.D locked with
 * flock(LOCK_EX) by the session that holds it; the lock dies with the
 * process, so a crashed session never leaks its address.  The file keeps
 * the name of the last user, so the pool gives a returning user the same
 * address again when it is free (stable assignment).
 */
#ifndef PPPSSH_RUN_LEASE_H
#define PPPSSH_RUN_LEASE_H

#include <netinet/in.h>
#include <stddef.h>

/* Locks addr for user; returns the lock fd (keep it open for the session)
 * or -EBUSY (err: "address ... is in use by another session") / -errno. */
int lease_take(struct in_addr addr, const char *user, char *err, size_t errlen);

/* Picks an address in first..last (inclusive, host order compare) not in
 * skip[] (static addresses) and not locked: first one last held by user,
 * else one never leased, else any free one.  Returns the lock fd and sets
 * *addr, or -ENOSPC (err: "address pool ... is exhausted") / -errno. */
int lease_from_pool(struct in_addr first, struct in_addr last, const struct in_addr *skip,
                    size_t n_skip, const char *user, struct in_addr *addr, char *err,
                    size_t errlen);

#endif
