/*
 * ipcp.h - the IP Control Protocol (RFC 1332) with the DNS extension of
 * RFC 1877, on top of the shared automaton.
 */
#ifndef PPPSSH_IPCP_H
#define PPPSSH_IPCP_H

#include "fsm.h"

enum ipcp_option {
    IPCP_OPT_ADDRESSES = 1, /* deprecated, RFC 1172: rejected */
    IPCP_OPT_COMPRESSION = 2,
    IPCP_OPT_ADDRESS = 3,
    IPCP_OPT_DNS1 = 129,
    IPCP_OPT_NBNS1 = 130,
    IPCP_OPT_DNS2 = 131,
    IPCP_OPT_NBNS2 = 132,
};

struct ipcp {
    struct ppp_fsm fsm;
    const struct ppp_settings *settings;
    /* our request */
    bool req_address, req_dns1, req_dns2;
    /* the address to ask for when the settings name none: the one the
     * peer gave us last session (ipcp_remember), else 0 */
    uint32_t remembered_local;
    bool want_is_hint; /* want_local is that address, not yet agreed */
    uint32_t want_local, want_dns1, want_dns2;
    /* the outcome */
    uint32_t local, remote, dns1, dns2;
    /* the peer's address from its last request we Acked (0: none sent) */
    uint32_t peer_address;
    /* our last Configure-Request's options: an Ack must repeat them byte
     * for byte and a Reject may only list them (RFC 1661 5.2, 5.4) */
    uint8_t last_req[18];
    size_t last_req_len;
    /* Unusable addresses the peer gave (ipcp_address_unusable): the
     * last one, and how often this negotiation.  Max-Failure of them
     * and the peer insists: the negotiation fails. */
    uint32_t refused_address;
    bool refused_ours; /* it was offered for us, not as the peer's own */
    uint8_t refusals;
    /* Why IPCP cannot make a usable link, "" while it can: set by
     * This-Layer-Up (no local or remote address, both equal, an unusable
     * one) or by a peer that insists on an unusable address.  The owner
     * must then not announce IPCP but close the layer:
     * fsm_close(&ipcp->fsm, now, ipcp->failure) (pppd's ipcp_close from
     * ipcp_up; the ops have no clock to do it themselves). */
    char failure[112];
};

/* Why IPv4 address a (host order, not 0.0.0.0) can be neither end of a
 * link, or NULL: pppd's bad_ip_adrs (loopback 127/8, multicast 224/4,
 * class E 240/4 with the broadcast address) and 0.0.0.0/8. */
const char *ipcp_address_unusable(uint32_t a);

void ipcp_init(struct ipcp *ipcp, const struct ppp_settings *settings,
               const struct fsm_parent *parent);
/* Ask for `address` first from now on, when the settings name none: a
 * reconnect then takes the address it had without the round trip of a
 * Nak (RFC 1332 section 3.3 lets a request name any address; a peer that
 * would give another Naks it, and we take that). */
void ipcp_remember(struct ipcp *ipcp, uint32_t address);
/* IPCP found no usable addresses (see ipcp->failure). */
bool ipcp_failed(const struct ipcp *ipcp);
/* Negotiated values (valid while Opened) in the form of PPP_EV_IPCP_UP. */
void ipcp_result(const struct ipcp *ipcp, struct ppp_event *ev);

#endif
