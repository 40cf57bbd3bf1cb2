/*
 * peerfilter.c - the checks on a packet from the peer before the TUN
 * (peerfilter.h).
 */
#include "peerfilter.h"

#include "ippkt.h"

/* ICMP (RFC 792) and ICMPv6 (RFC 4443, RFC 4861 section 4) types. */
enum {
    ICMP_REDIRECT = 5,
    ND_ROUTER_SOLICIT = 133,
    ND_ROUTER_ADVERT = 134,
    ND_NEIGHBOR_SOLICIT = 135,
    ND_NEIGHBOR_ADVERT = 136,
    ND_REDIRECT = 137,
};
#define ND_HOP_LIMIT 255   /* RFC 4861 section 6.1.1, 7.1.1: never forwarded */
#define ND_NEIGHBOR_LEN 24 /* an NS or NA without options */

static bool link_local_source(const uint8_t *pkt)
{
    return pkt[8] == 0xfe && (pkt[9] & 0xc0) == 0x80; /* fe80::/10 */
}

/* Neighbour Solicitations and Advertisements do nothing on a point-to-point
 * TUN (no link-layer addresses: Linux neither resolves nor runs DAD on it),
 * but a peer's NUD may ask: those that pass RFC 4861's validation (7.1.1,
 * 7.1.2: hop limit 255, code 0), from a link-local source and whole (RFC
 * 6980), are answered. */
static bool neighbor_message_ok(const uint8_t *pkt, size_t len, const struct ippkt_upper *up)
{
    return !up->fragmented && pkt[7] == ND_HOP_LIMIT && link_local_source(pkt) &&
           len - up->offset >= ND_NEIGHBOR_LEN && pkt[up->offset + 1] == 0;
}

/* A Router Advertisement or Redirect from the peer would install routes
 * (a default route, a prefix) on our side of the link: never accepted,
 * whatever the interface's sysctls say.  A Router Solicitation has no
 * router to answer it. */
static bool router_message(const uint8_t *pkt, size_t len, const struct ippkt_upper *up)
{
    uint8_t type = pkt[up->offset];
    if (pkt[0] >> 4 == 4)
        return up->proto == IPPKT_PROTO_ICMP && type == ICMP_REDIRECT;
    if (up->proto != IPPKT_PROTO_ICMPV6)
        return false;
    if (type == ND_NEIGHBOR_SOLICIT || type == ND_NEIGHBOR_ADVERT)
        return !neighbor_message_ok(pkt, len, up);
    return type == ND_ROUTER_SOLICIT || type == ND_ROUTER_ADVERT || type == ND_REDIRECT;
}

static bool is_icmp(const uint8_t *pkt, const struct ippkt_upper *up)
{
    return up->proto == (pkt[0] >> 4 == 4 ? IPPKT_PROTO_ICMP : IPPKT_PROTO_ICMPV6);
}

/* The header chain reads to its end, and an ICMP message in its first
 * fragment shows its type: the later fragments cannot be judged alone,
 * but without the first one they are never reassembled. */
static enum peer_verdict headers(const uint8_t *pkt, size_t len, struct ippkt_upper *up)
{
    if (!ippkt_upper_layer(pkt, len, up))
        return PEER_UNREADABLE;
    if (is_icmp(pkt, up) && !up->later_fragment) {
        if (up->offset + 2 > len)
            return PEER_UNREADABLE;
        if (router_message(pkt, len, up))
            return PEER_ROUTER;
    }
    return PEER_PASS;
}

enum peer_verdict peer_filter_check(const struct peer_filter *f, int family,
                                    const struct ppp_offload *off, const uint8_t *pkt, size_t len)
{
    struct ippkt_upper up;

    if (len == 0 || (family != 4 && family != 6) || pkt[0] >> 4 != family)
        return PEER_WRONG_VERSION;
    if (!(family == 4 ? f->ipv4_open : f->ipv6_open))
        return PEER_NCP_CLOSED;
    enum peer_verdict v = headers(pkt, len, &up);
    if (v != PEER_PASS)
        return v;
    if (f->spoof && !spoof_source_allowed(f->spoof, pkt, len))
        return PEER_SPOOFED;
    if (off && !ppp_offload_valid(off, pkt, len))
        return PEER_BAD_OFFLOAD;
    return PEER_PASS;
}

const char *peer_verdict_text(enum peer_verdict v)
{
    switch (v) {
    case PEER_PASS:
        return "a packet it may send";
    case PEER_WRONG_VERSION:
        return "an IP version other than its frame's protocol";
    case PEER_NCP_CLOSED:
        return "IP of a family whose network control protocol is not open";
    case PEER_UNREADABLE:
        return "an IP header chain that does not fit the packet";
    case PEER_SPOOFED:
        return "a source address it does not own";
    case PEER_ROUTER:
        return "a router advertisement, redirect or unneeded neighbour discovery message";
    case PEER_BAD_OFFLOAD:
        return "offload metadata that does not fit the packet";
    case PEER_VERDICTS:
        break;
    }
    return "?";
}
