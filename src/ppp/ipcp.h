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
    uint32_t want_local, want_dns1, want_dns2;
    /* the outcome */
    uint32_t local, remote, dns1, dns2;
};

void ipcp_init(struct ipcp *ipcp, const struct ppp_settings *settings,
               const struct fsm_parent *parent);
/* Negotiated values (valid while Opened) in the form of PPP_EV_IPCP_UP. */
void ipcp_result(const struct ipcp *ipcp, struct ppp_event *ev);

#endif
