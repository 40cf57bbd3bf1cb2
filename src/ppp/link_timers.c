/*
 * link_timers.c - when the link next needs the host's call, and what
 * happens then: the automatons' Restart timers (RFC 1661 section 4.6) and
 * the LCP Echo keepalive.
 */
#include "link_internal.h"

static ppp_time earlier(ppp_time a, ppp_time b)
{
    return a < b ? a : b;
}

ppp_time ppp_link_expiry(const struct ppp_link *link)
{
    ppp_time t = PPP_TIME_NEVER;

    if (link->phase == PPP_PHASE_DEAD)
        return t;
    t = earlier(t, link->lcp.fsm.deadline);
    if (link->settings.ipv4)
        t = earlier(t, link->ipcp.fsm.deadline);
    if (link->settings.ipv6)
        t = earlier(t, link->ipv6cp.fsm.deadline);
    return earlier(t, link->keepalive.deadline);
}

static void fsm_timer(struct ppp_fsm *fsm, ppp_time now)
{
    if (fsm->deadline != PPP_TIME_NEVER && now >= fsm->deadline)
        fsm_timeout(fsm, now);
}

static void keepalive_timer(struct ppp_link *link, ppp_time now)
{
    switch (keepalive_check(&link->keepalive, now)) {
    case KEEPALIVE_NOTHING:
        break;
    case KEEPALIVE_SEND_ECHO:
        link_send_echo(link, now);
        break;
    case KEEPALIVE_PEER_DEAD:
        /* pppd's LcpLinkFailure: say so, then close LCP politely; the
         * Terminate-Request may still reach a peer that only lost its
         * voice, and Max-Terminate bounds the wait for one that is gone. */
        link_log(link, PPP_LOG_WARN, "LCP: peer not responding to %u echo-requests",
                 (unsigned)link->keepalive.failures);
        link_start_termination(link, now, PPP_CAUSE_PEER_DEAD, "Peer not responding");
        break;
    }
}

void ppp_link_handle_expiry(struct ppp_link *link, ppp_time now)
{
    if (link->phase == PPP_PHASE_DEAD)
        return;
    link->now = now;
    fsm_timer(&link->lcp.fsm, now);
    link_settle(link, now);
    if (link->phase == PPP_PHASE_DEAD)
        return;
    if (link->settings.ipv4)
        fsm_timer(&link->ipcp.fsm, now);
    if (link->settings.ipv6)
        fsm_timer(&link->ipv6cp.fsm, now);
    link_settle(link, now);
    if (link->lcp_up)
        keepalive_timer(link, now);
    link_settle(link, now);
}

int ppp_link_echo(struct ppp_link *link, ppp_time now)
{
    if (!link->lcp_up)
        return PPP_ERR_NOT_OPEN;
    link->now = now;
    link_send_echo(link, now);
    return PPP_OK;
}
