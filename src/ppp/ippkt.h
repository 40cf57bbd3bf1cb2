/*
 * ippkt.h - what the outbound queue reads from (and writes to) an IP
 * header: the flow a packet belongs to and its ECN field.
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

#endif
