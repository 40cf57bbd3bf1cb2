/*
 * backoff.c - the supervisor's wait before reconnecting (see backoff.h).
 */
#include "backoff.h"

static uint64_t max_u64(uint64_t a, uint64_t b)
{
    return a > b ? a : b;
}

uint32_t backoff_delay_ms(uint32_t holdoff_ms, unsigned fails, bool refused, uint64_t random)
{
    uint64_t delay;
    if (refused) {
        delay = max_u64(holdoff_ms, BACKOFF_REFUSED_MS);
        return (uint32_t)(delay - random % (delay / 10 + 1));
    }
    uint64_t cap = max_u64(holdoff_ms, BACKOFF_NET_MAX_MS);
    if (fails == 0) {
        delay = holdoff_ms;
    } else {
        unsigned shift = fails < 20 ? fails : 20;
        delay = max_u64(holdoff_ms, BACKOFF_MIN_STEP_MS) << shift;
    }
    if (delay > cap)
        delay = cap;
    return (uint32_t)(delay / 2 + random % (delay / 2 + 1));
}
