/*
 * spoof.h - the server's source check: a client may only send from its own
 * tunnel address or from the networks routed to it (its office LANs).
 */
#ifndef PPPSSH_RUN_SPOOF_H
#define PPPSSH_RUN_SPOOF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct spoof_filter {
    struct os_ip peer4; /* the client's IPv4 address (family 0: none yet) */
    bool has_peer6;
    struct os_prefix peer6;         /* the client's configured IPv6 address */
    const struct os_prefix *routes; /* its networks */
    size_t n_routes;
};

/* true if the datagram's source address is one the client may use.  IPv6
 * link-local sources (fe80::/10) are allowed: they never leave the link. */
bool spoof_source_allowed(const struct spoof_filter *f, const uint8_t *pkt, size_t len);

#endif
