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
};

void ipv6cp_init(struct ipv6cp *ipv6cp, const struct ppp_settings *settings,
                 const struct fsm_parent *parent);
/* Negotiated identifiers (valid while Opened) as PPP_EV_IPV6CP_UP. */
void ipv6cp_result(const struct ipv6cp *ipv6cp, struct ppp_event *ev);

#endif
