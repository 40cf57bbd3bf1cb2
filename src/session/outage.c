/*
 * outage.c - the bound on packets held while the link is down (outage.h).
 */
#include "outage.h"

void outage_init(struct outage_queue *o, size_t capacity)
{
    o->limit = capacity < OUTAGE_QUEUE_MAX ? capacity : OUTAGE_QUEUE_MAX;
    o->queued = o->dropped = 0;
    o->had_v4 = o->had_v6 = false;
    o->back_at = PPP_TIME_NEVER;
}

bool outage_admit(struct outage_queue *o, size_t arena_used, size_t len, size_t chunk)
{
    /* A packet takes whole chunks of the arena: count what it really uses. */
    size_t need = chunk ? (len + chunk - 1) / chunk * chunk : len;
    if (len == 0 || arena_used > o->limit || need > o->limit - arena_used) {
        o->dropped++;
        return false;
    }
    o->queued++;
    return true;
}

bool outage_may_drain(struct outage_queue *o, bool v4_up, bool v6_up, ppp_time now)
{
    if (!v4_up && !v6_up) {
        o->back_at = PPP_TIME_NEVER;
        return false;
    }
    if (o->back_at == PPP_TIME_NEVER)
        o->back_at = now;
    bool all_back = (!o->had_v4 || v4_up) && (!o->had_v6 || v6_up);
    o->had_v4 |= v4_up;
    o->had_v6 |= v6_up;
    return all_back || now >= outage_drain_at(o);
}

ppp_time outage_drain_at(const struct outage_queue *o)
{
    if (o->back_at == PPP_TIME_NEVER)
        return PPP_TIME_NEVER;
    return o->back_at + (ppp_time)OUTAGE_NCP_GRACE_MS * PPP_MS;
}
