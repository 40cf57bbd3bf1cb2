/* keepalive.c - decide when to send LCP Echo-Requests and when the peer is dead */
#include "keepalive.h"

void keepalive_init(struct keepalive *ka, uint32_t interval_ms, uint8_t failures)
{
    ka->interval = (ppp_time)interval_ms * PPP_MS;
    ka->failures = failures;
    keepalive_stop(ka);
}

void keepalive_start(struct keepalive *ka, ppp_time now)
{
    ka->misses = 0;
    ka->period_start = now;
    ka->last_rx = now;
    ka->deadline = ka->interval ? now + ka->interval : PPP_TIME_NEVER;
}

void keepalive_stop(struct keepalive *ka)
{
    ka->misses = 0;
    ka->deadline = PPP_TIME_NEVER;
}

void keepalive_heard(struct keepalive *ka, ppp_time now)
{
    ka->last_rx = now;
}

enum keepalive_action keepalive_check(struct keepalive *ka, ppp_time now)
{
    if (ka->deadline == PPP_TIME_NEVER || now < ka->deadline)
        return KEEPALIVE_NOTHING;
    /* A frame stamped with the previous check's own time counts for this
     * period: with a coarse clock, lenient beats a false "peer dead". */
    if (ka->last_rx >= ka->period_start)
        ka->misses = 0;
    else
        ka->misses++;
    ka->period_start = now;
    ka->deadline = now + ka->interval;
    if (ka->misses >= ka->failures) {
        ka->deadline = PPP_TIME_NEVER;
        return KEEPALIVE_PEER_DEAD;
    }
    return KEEPALIVE_SEND_ECHO;
}
