/*
 * keepalive.h - LCP Echo keepalive (RFC 1661 section 5.8), pppd's
 * lcp-echo-interval / lcp-echo-failure.
 *
 * Once per interval while LCP is Opened: if no good frame at all arrived
 * during the interval just ended, that is one miss (any frame proves the
 * peer alive, so a busy link needs no reply to each echo); after
 * `failures` misses in a row the peer is declared dead.  Otherwise an
 * Echo-Request goes out so a quiet peer has something to answer.
 * The module only decides; the link sends and tears down.
 */
#ifndef PPPSSH_KEEPALIVE_H
#define PPPSSH_KEEPALIVE_H

#include <stdint.h>

#include "ppp.h"

struct keepalive {
    ppp_time interval; /* 0 = off */
    uint8_t failures;
    uint8_t misses;
    ppp_time deadline; /* next check, PPP_TIME_NEVER when stopped */
    ppp_time last_rx;  /* when a good frame last arrived */
    ppp_time period_start;
};

enum keepalive_action {
    KEEPALIVE_NOTHING,
    KEEPALIVE_SEND_ECHO,
    KEEPALIVE_PEER_DEAD,
};

void keepalive_init(struct keepalive *ka, uint32_t interval_ms, uint8_t failures);
void keepalive_start(struct keepalive *ka, ppp_time now);
void keepalive_stop(struct keepalive *ka);
void keepalive_heard(struct keepalive *ka, ppp_time now);
/* Call when now >= deadline. */
enum keepalive_action keepalive_check(struct keepalive *ka, ppp_time now);

#endif
