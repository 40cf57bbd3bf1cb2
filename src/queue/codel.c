/* codel.c - CoDel (RFC 8289) as a per-packet verdict, integer only */
#include "codel.h"

/* floor(sqrt(v)), bit by bit: exact and needs no libm. */
static uint64_t isqrt64(uint64_t v)
{
    uint64_t root = 0, bit = (uint64_t)1 << 62;
    while (bit > v)
        bit >>= 2;
    while (bit) {
        if (v >= root + bit) {
            v -= root + bit;
            root = (root >> 1) + bit;
        } else {
            root >>= 1;
        }
        bit >>= 2;
    }
    return root;
}

#define MAX_COUNT (1u << 30) /* keeps count << 32 within 64 bits */

ppp_time codel_control_law(ppp_time t, ppp_time interval, uint32_t count)
{
    if (count == 0)
        count = 1;
    if (count > MAX_COUNT)
        count = MAX_COUNT;
    /* sqrt(count << 32) is sqrt(count) in 16.16 fixed point. */
    uint64_t root = isqrt64((uint64_t)count << 32);
    return t + (interval << 16) / root;
}

/* RFC 8289 section 5.3 dodequeue(): has the sojourn time been above
 * target for at least an interval? */
static bool ok_to_drop(struct codel *c, const struct codel_params *p, ppp_time now,
                       ppp_time sojourn, uint32_t backlog)
{
    if (sojourn < p->target || backlog <= p->maxpacket) {
        c->first_above_time = 0;
        return false;
    }
    if (c->first_above_time == 0) {
        c->first_above_time = now + p->interval;
        return false;
    }
    return now >= c->first_above_time;
}

enum codel_verdict codel_judge(struct codel *c, const struct codel_params *p, ppp_time now,
                               ppp_time sojourn, uint32_t backlog)
{
    bool ok = ok_to_drop(c, p, now, sojourn, backlog);

    if (c->dropping) {
        if (!ok) {
            c->dropping = false;
            return CODEL_SEND;
        }
        if (now < c->drop_next)
            return CODEL_SEND;
        /* Drop faster and faster while the queue stays (section 5.4). */
        c->count++;
        c->drop_next = codel_control_law(c->drop_next, p->interval, c->count);
        return CODEL_DROP;
    }
    if (!ok)
        return CODEL_SEND;
    c->dropping = true;
    /* Section 5.6: a new dropping state soon after the last one starts
     * from the drop rate that controlled the queue then. */
    uint32_t delta = c->count - c->lastcount;
    if (delta > 1 && now - c->drop_next < 16 * p->interval)
        c->count = delta;
    else
        c->count = 1;
    c->lastcount = c->count;
    c->drop_next = codel_control_law(now, p->interval, c->count);
    return CODEL_DROP;
}

void codel_queue_empty(struct codel *c)
{
    c->first_above_time = 0;
    c->dropping = false;
}
