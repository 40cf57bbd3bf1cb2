/* evqueue.c - the engine's events, recorded for the loop (evqueue.h) */
#include "evqueue.h"

#include <stdio.h>
#include <string.h>

void evqueue_init(struct evqueue *q)
{
    q->head = q->count = 0;
    q->overflowed = false;
}

bool evqueue_record(struct evqueue *q, const struct ppp_event *ev)
{
    if (q->count == EVQUEUE_MAX) {
        q->overflowed = true;
        return false;
    }
    size_t slot = (q->head + q->count++) % EVQUEUE_MAX;
    q->ev[slot] = *ev;
    if (ev->type == PPP_EV_IPCP_FAILED) {
        snprintf(q->reason[slot], sizeof(q->reason[slot]), "%s",
                 ev->u.failure.reason ? ev->u.failure.reason : "");
        q->ev[slot].u.failure.reason = q->reason[slot];
    }
    return true;
}

bool evqueue_next(struct evqueue *q, struct ppp_event *out)
{
    if (q->count == 0)
        return false;
    *out = q->ev[q->head];
    q->head = (q->head + 1) % EVQUEUE_MAX;
    q->count--;
    return true;
}

bool evqueue_take_overflow(struct evqueue *q)
{
    bool was = q->overflowed;
    q->overflowed = false;
    return was;
}
