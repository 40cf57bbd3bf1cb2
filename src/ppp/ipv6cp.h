/*
 * ipv6cp.h - the IPv6 Control Protocol (RFC 5072): Interface-Identifiers
 * and the link-local addresses built from them.
 */
#ifndef PPPSSH_IPV6CP_H
#define PPPSSH_IPV6CP_H

#include "fsm.h"

enum ipv6cp_option {
    IPV6CP_OPT_IFID = 1,
    IPV6CP_OPT_COMPRESSION = 2,
};

struct ipv6cp {
    struct ppp_fsm fsm;
    const struct ppp_settings *settings;
    bool req_ifid;
    uint8_t local_ifid[8];
    uint8_t remote_ifid[8];
    /* the identifier in the peer's latest request (zero: none) */
    uint8_t peer_ifid[8];
    /* we already Naked the peer once with settings->remote_ifid */
    bool suggested_remote;
    /* our last request's options, for matching Ack and Reject */
    uint8_t last_req[10];
    size_t last_req_len;
    /* set by This-Layer-Up when no usable pair of identifiers was agreed,
     * else NULL: the owner's layer_up must then close the layer with
     * fsm_close(&ipv6cp->fsm, now, ipv6cp->failure), as for IPCP */
    const char *failure;
};

void ipv6cp_init(struct ipv6cp *ipv6cp, const struct ppp_settings *settings,
                 const struct fsm_parent *parent);
/* This-Layer-Up found no usable identifiers (see ipv6cp->failure). */
bool ipv6cp_failed(const struct ipv6cp *ipv6cp);
/* Negotiated identifiers (valid while Opened) as PPP_EV_IPV6CP_UP. */
void ipv6cp_result(const struct ipv6cp *ipv6cp, struct ppp_event *ev);

#endif
