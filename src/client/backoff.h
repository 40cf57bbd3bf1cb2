/*
 * backoff.h - how long the supervisor waits before the next connection
 * attempt: exponential backoff with jitter, from pppd's `holdoff`.
 *
 * A link that was up and went down is retried after Holdoff; each attempt
 * that fails to bring the link up again doubles the wait, up to the larger
 * of Holdoff and BACKOFF_NET_MAX_MS.  That cap is short on purpose: a path
 * that heals must be noticed within seconds, and a failed attempt on a
 * dead path costs nothing but a SYN.  A refusal (authentication, host key,
 * remote command missing) will not heal by itself: it waits the long
 * BACKOFF_REFUSED_MS (or Holdoff if larger) at once, never a tight loop.
 * The wait is drawn at random from its upper half (the lower tenth for
 * refusals), so that many clients cut off together do not return in step.
 */
#ifndef PPPSSH_RUN_BACKOFF_H
#define PPPSSH_RUN_BACKOFF_H

#include <stdbool.h>
#include <stdint.h>

#define BACKOFF_NET_MAX_MS 2500
#define BACKOFF_REFUSED_MS 60000
#define BACKOFF_MIN_STEP_MS 250 /* doubling starts here when Holdoff is 0 */

/* fails: consecutive attempts that did not bring the link up (0 when the
 * link was up until now); random: any 64-bit random number. */
uint32_t backoff_delay_ms(uint32_t holdoff_ms, unsigned fails, bool refused, uint64_t random);

#endif
