/*
 * fuzz_ipcheck.h - the oracles' own reading of an IP packet: where its
 * transport header is, whether offload metadata names only that header's
 * checksum field, whether it is a router message.  Written apart from
 * src/ppp/ippkt.c on purpose: a bug there must not be copied here.
 */
#ifndef FUZZ_IPCHECK_H
#define FUZZ_IPCHECK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "offload.h"

struct oracle_l4 {
    int proto;
    size_t at;     /* where that protocol's header starts */
    bool fragment; /* any fragment */
    bool later;    /* a fragment other than the first */
};

static inline bool oracle_ipv4(const uint8_t *p, size_t len, struct oracle_l4 *o)
{
    size_t ihl = (size_t)(p[0] & 15) * 4;
    if (len < 20 || ihl < 20 || ihl > len)
        return false;
    o->proto = p[9];
    o->at = ihl;
    o->fragment = (p[6] & 0x3f) != 0 || p[7] != 0; /* MF, offset */
    o->later = (p[6] & 0x1f) != 0 || p[7] != 0;
    return true;
}

/* RFC 8200 section 4: Hop-by-Hop (first only), Routing, Fragment,
 * Destination Options, and AH (RFC 4302); at most 16 of them. */
static inline bool oracle_ipv6(const uint8_t *p, size_t len, struct oracle_l4 *o)
{
    if (len < 40)
        return false;
    int next = p[6];
    size_t at = 40;
    for (int n = 0;; n++) {
        size_t hl;
        bool ext = next == 0 || next == 43 || next == 44 || next == 51 || next == 60;
        if (!ext) {
            o->proto = next, o->at = at;
            return true;
        }
        if (n == 16 || (next == 0 && n > 0) || at + 8 > len)
            return false;
        if (next == 44)
            hl = 8;
        else if (next == 51)
            hl = ((size_t)p[at + 1] + 2) * 4;
        else
            hl = ((size_t)p[at + 1] + 1) * 8;
        if (at + hl > len)
            return false;
        if (next == 44) {
            o->fragment = true;
            if ((p[at + 2] << 8 | (p[at + 3] & 0xf8)) != 0) {
                o->later = true, o->proto = p[at], o->at = at + 8;
                return true;
            }
        }
        next = p[at];
        at += hl;
    }
}

static inline bool oracle_l4(const uint8_t *p, size_t len, struct oracle_l4 *o)
{
    memset(o, 0, sizeof(*o));
    if (len == 0)
        return false;
    if (p[0] >> 4 == 4)
        return oracle_ipv4(p, len, o);
    return p[0] >> 4 == 6 && oracle_ipv6(p, len, o);
}

/* Metadata that asks for something names only this packet's own TCP or
 * UDP checksum field, in a whole packet; segmentation only of TCP. */
static inline bool oracle_offload_placed(const struct ppp_offload *off, const uint8_t *p,
                                         size_t len)
{
    struct oracle_l4 o;
    bool csum = off->flags & PPP_OFFLOAD_NEEDS_CSUM;
    if (!csum && off->gso_type == PPP_GSO_NONE)
        return true;
    if (!oracle_l4(p, len, &o) || o.fragment)
        return false;
    if (off->gso_type != PPP_GSO_NONE && o.proto != 6)
        return false;
    if (!csum)
        return true;
    size_t field = (size_t)off->csum_start + off->csum_offset;
    return off->csum_start == o.at &&
           ((o.proto == 6 && off->csum_offset == 16) || (o.proto == 17 && off->csum_offset == 6)) &&
           field + 2 <= len;
}

/* Finishing the checksum, as the receiving kernel would, writes those two
 * bytes and nothing else (and stays inside the packet: ASan). */
static inline bool oracle_checksum_writes_only_its_field(const struct ppp_offload *off,
                                                         const uint8_t *p, size_t len)
{
    if (!(off->flags & PPP_OFFLOAD_NEEDS_CSUM))
        return true;
    uint8_t *copy = malloc(len);
    if (!copy)
        abort();
    memcpy(copy, p, len);
    ppp_offload_complete_csum(off, copy, len);
    size_t field = (size_t)off->csum_start + off->csum_offset;
    bool ok = true;
    for (size_t i = 0; i < len; i++)
        if (copy[i] != p[i] && (i < field || i >= field + 2))
            ok = false;
    free(copy);
    return ok;
}

/* ICMP Redirect; ICMPv6 Router Solicitation, Advertisement, Redirect, and
 * Neighbour Solicitation/Advertisement other than whole ones from a
 * link-local source with hop limit 255 and code 0 (RFC 4861 7.1). */
static inline bool oracle_router_message(const uint8_t *p, size_t len, const struct oracle_l4 *o)
{
    if (o->later || o->at >= len)
        return false;
    uint8_t type = p[o->at];
    if (p[0] >> 4 == 4)
        return o->proto == 1 && type == 5;
    if (o->proto != 58)
        return false;
    if (type == 133 || type == 134 || type == 137)
        return true;
    if (type != 135 && type != 136)
        return false;
    bool link_local = p[8] == 0xfe && (p[9] & 0xc0) == 0x80;
    return o->fragment || p[7] != 255 || !link_local || len < o->at + 24 || p[o->at + 1] != 0;
}

#endif
