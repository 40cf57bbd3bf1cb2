/*
 * takeover.h - a new session of a user takes over its address from a stale
 * one (a client whose ssh died leaves its `pppssh serve` waiting on an
 * open stdin until sshd notices).
 *
 * The stale session is ended only after proving it is the lock's holder
 * (lease_holder_verified: pid + start time + the lease file open), never a
 * process that merely reuses its pid, and never a session of another user.
 * The holder's pidfd is opened before that proof and every signal goes
 * through it (pidfd_send_signal; by pid only on kernels before 5.3), so
 * a pid reused after the check is never hit.
 * It gets SIGTERM, queued with TAKEOVER_SIGVAL as its value, so
 * it can log cause=replaced, and a second SIGTERM after TAKEOVER_POLITE_MS
 * (stop without waiting for the dead peer's Terminate-Ack); it removes its
 * own interface, routes and proxy ARP entry and exits.  If it has not let go after term_ms it is
 * SIGKILLed and what it left (its interface by name - its routes go with it - and the proxy ARP
 * entry for the address) is removed here.
 */
#ifndef PPPSSH_RUN_TAKEOVER_H
#define PPPSSH_RUN_TAKEOVER_H

#include <netinet/in.h>
#include <stddef.h>

#define TAKEOVER_SIGVAL 0x72706c63 /* sigval of the SIGTERM: "replaced" */
#define TAKEOVER_TERM_MS 5000      /* wait after SIGTERM before SIGKILL */
#define TAKEOVER_POLITE_MS 1000    /* before the second SIGTERM */
#define TAKEOVER_KILL_MS 2000      /* wait after SIGKILL */

/*
 * lease_take(), but a lease held by a verified stale session of the same
 * user is taken over.  Returns the lock fd, or -EBUSY (another user's
 * session, or a holder that cannot be verified: err says which), or
 * -ETIMEDOUT if it will not die, or -errno.  Blocks at most
 * term_ms + TAKEOVER_KILL_MS + a little.
 */
int takeover_lease(struct in_addr addr, const char *user, int term_ms, char *err, size_t errlen);

#endif
