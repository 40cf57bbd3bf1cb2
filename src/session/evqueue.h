/*
 * evqueue.h - what the engine reported during one call, kept for the loop
 * to act on once the call has returned.
 *
 * The engine's event callback only records (ppp.h's callback contract: no
 * call that changes the link's state may be made from inside a callback).
 * Acting there - closing the link on a failure, giving up IPv6 - re-entered
 * the engine while it was half-way through a frame.  The loop drains the
 * queue after every ppp_link_* call (engine_settle), in order; an event that
 * a handler's own call into the engine causes joins the end of the queue.
 *
 * A peer decides how many events one read of its bytes causes (a stream
 * of Terminate-Requests, Configure-Requests): the queue is bounded, and
 * one that overflowed says so, so that the session can be ended.
 */
#ifndef PPPSSH_RUN_EVQUEUE_H
#define PPPSSH_RUN_EVQUEUE_H

#include <stdbool.h>
#include <stddef.h>

#include "ppp.h"

#define EVQUEUE_MAX 256    /* far above what one read of a sane peer causes */
#define EVQUEUE_REASON 192 /* a failure's reason, copied (the engine's is fleeting) */

struct evqueue {
    struct ppp_event ev[EVQUEUE_MAX];
    char reason[EVQUEUE_MAX][EVQUEUE_REASON];
    size_t head, count;
    bool overflowed; /* an event was lost: the session cannot be trusted */
};

void evqueue_init(struct evqueue *q);
/* Copies ev (and its reason text); false if the queue is full. */
bool evqueue_record(struct evqueue *q, const struct ppp_event *ev);
/* The oldest event into *out (valid until the next record into its slot);
 * false when empty. */
bool evqueue_next(struct evqueue *q, struct ppp_event *out);
/* Reads and clears the overflow mark. */
bool evqueue_take_overflow(struct evqueue *q);

#endif
