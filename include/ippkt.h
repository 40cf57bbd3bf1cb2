/*
 * ippkt.h - what the engine and the loop read from (and write to) an IP
 * header: the flow a packet belongs to, its ECN field, and where its
 * upper-layer header starts.
 */
#ifndef PPPSSH_IPPKT_H
#define PPPSSH_IPPKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A hash of the 5-tuple (addresses, protocol, and ports for TCP, UDP,
 * UDP-Lite, SCTP and DCCP), keyed by seed.  Packets that are not a
 * well-formed IPv4/IPv6 header all hash alike: one flow. */
uint64_t ippkt_flow_hash(const uint8_t *pkt, size_t len, uint64_t seed);

/* ECT(0) or ECT(1): the sender can take a CE mark instead of a drop. */
bool ippkt_ecn_capable(const uint8_t *pkt, size_t len);

/* Set CE (RFC 3168 section 5) in an ECN-capable header, fixing the IPv4
 * header checksum.  Returns false (and changes nothing) otherwise. */
bool ippkt_set_ce(uint8_t *pkt, size_t len);

enum {
    IPPKT_PROTO_ICMP = 1,
    IPPKT_PROTO_TCP = 6,
    IPPKT_PROTO_UDP = 17,
    IPPKT_PROTO_ICMPV6 = 58,
};

/* Where a packet's upper-layer header (RFC 8200 section 4: what follows
 * the IPv6 extension headers) starts, and which protocol it is. */
struct ippkt_upper {
    uint8_t proto;       /* TCP, UDP, ICMP, ICMPv6, ... */
    size_t offset;       /* where its header starts */
    bool fragmented;     /* the packet is a fragment: IPv4 MF/offset, IPv6 Fragment header */
    bool later_fragment; /* not the first: it carries no upper-layer header at all */
};

/* Walk the IPv4 header, or the IPv6 header and its extension headers
 * (Hop-by-Hop first only, Routing, Fragment, Destination Options,
 * Authentication).  Returns false when the header chain does not fit in
 * len or is not valid (bad IHL, a Hop-by-Hop header further in, a version
 * other than 4 or 6): a receiver discards such a packet. */
bool ippkt_upper_layer(const uint8_t *pkt, size_t len, struct ippkt_upper *out);

#endif
