/*
 * link_internal.h - struct ppp_link and what its source files (link.c,
 * link_rx.c, link_tx.c, settings.c) share.  Not for use outside src/ppp/.
 */
#ifndef PPPSSH_LINK_INTERNAL_H
#define PPPSSH_LINK_INTERNAL_H

#include "hdlc.h"
#include "ipcp.h"
#include "ipv6cp.h"
#include "keepalive.h"
#include "lcp.h"
#include "link.h"
#include "prng.h"
#include "txbuf.h"

/* Control frames (LCP, IPCP, IPV6CP) are few and small: room for a burst
 * of them even at the largest Configure packet, escaped. */
#define LINK_CONTROL_BUFFER 8192

struct ppp_link {
    struct ppp_settings settings;
    struct ppp_callbacks callbacks;
    void *user;

    struct fsm_parent parent;
    struct lcp lcp;
    struct ipcp ipcp;
    struct ipv6cp ipv6cp;

    enum ppp_phase phase;
    enum ppp_cause cause;
    /* The Data of the peer's last Terminate-Request this session, control
     * characters replaced by '?' ("" if none): pppd's "terminated by peer
     * (reason)" and a server's refusal (RFC 1661 section 5.5). */
    char peer_reason[PPP_REASON_MAX + 1];
    /* The last warning or error this session (ppp_link_failure_reason). */
    char failure[PPP_FAILURE_MAX + 1];
    struct prng prng;
    struct keepalive keepalive;
    uint8_t echo_id;

    /* settings.ipv6 as the caller gave it: ppp_link_refuse_ipv6() turns
     * the setting off for one session, ppp_link_open() restores it. */
    bool ipv6_wanted;

    /* Negotiated LCP values while LCP is Opened (PPP_EV_LCP_UP form). */
    bool lcp_up;
    /* PPP_EV_IPCP_UP / PPP_EV_IPV6CP_UP went out (and a DOWN is owed). */
    bool ipcp_announced, ipv6cp_announced;
    struct ppp_event lcp_params;
    /* Our address from the last IPCP that came up, asked for first in
     * the next session (ipcp_remember); 0 = none yet. */
    uint32_t last_local_ip;

    /* Work that must wait until the automaton that asked for it has
     * returned (an fsm's callback must not re-enter the fsm machinery). */
    bool lcp_finished;
    bool ncp_finished;
    bool ncp_failed; /* an NCP came up with unusable addresses: close it */
    bool loopback_handled;
    bool ipcp_gave_up_told; /* PPP_EV_IPCP_FAILED went out this LCP session */
    /* LCP Configure-Naks/Rejects we sent since our last Configure-Ack */
    unsigned lcp_refusals;
    bool not_converging;
    ppp_time now;

    struct hdlc_decoder decoder;
    size_t rx_alloc; /* the decoder's buffer; decoder.cap is what the MRU allows of it */
    struct txbuf control, data;
    struct txbuf *handed_out; /* buffer the last ppp_link_tx_data() returned */

    struct ppp_stats stats;
};

bool settings_valid(const struct ppp_settings *settings);

/* link.c: one logging path for the link and its automatons (the link
 * is its automatons' fsm_parent owner). */
#define link_log(link, level, ...) (link)->parent.log((link), (level), __VA_ARGS__)
/* A line about what the peer sent (ppp_callbacks' log_peer). */
#define link_log_peer(link, level, ...) (link)->parent.log_peer((link), (level), __VA_ARGS__)
/* n bytes into dst[n + 1], control and non-ASCII bytes as '?'. */
void link_copy_printable(char *dst, const uint8_t *src, size_t n);
void link_settle(struct ppp_link *link, ppp_time now);
void link_set_cause(struct ppp_link *link, enum ppp_cause cause);
void link_start_termination(struct ppp_link *link, ppp_time now, enum ppp_cause cause,
                            const char *reason);

/* link_tx.c */
void link_send_control(struct ppp_link *link, uint16_t protocol, const uint8_t *pkt, size_t len);
void link_send_echo(struct ppp_link *link, ppp_time now);

/* link_rx.c */
extern const struct lcp_hooks link_lcp_hooks;
void link_sync_rx_stats(struct ppp_link *link);

#endif
