/*
 * peer_ping.h - ICMP and ICMPv6 echo packets built and checked by hand, so
 * the interop driver can tell that IP really crosses the link both ways.
 */
#ifndef PEER_PING_H
#define PEER_PING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PING_PAYLOAD 56
#define PING4_LEN (20 + 8 + PING_PAYLOAD)
#define PING6_LEN (40 + 8 + PING_PAYLOAD)

/* IPv4 addresses in host byte order, as in ppp.h. */
size_t ping4_request(uint8_t out[PING4_LEN], uint32_t src, uint32_t dst, uint16_t id, uint16_t seq);
/* True when pkt is an intact echo reply from `from` to `to` with this id;
 * *seq gets its sequence number. */
bool ping4_is_reply(const uint8_t *pkt, size_t len, uint32_t from, uint32_t to, uint16_t id,
                    uint16_t *seq);

size_t ping6_request(uint8_t out[PING6_LEN], const uint8_t src[16], const uint8_t dst[16],
                     uint16_t id, uint16_t seq);
bool ping6_is_reply(const uint8_t *pkt, size_t len, const uint8_t from[16], const uint8_t to[16],
                    uint16_t id, uint16_t *seq);

/* fe80::IFID (RFC 5072 section 5). */
void link_local_address(uint8_t out[16], const uint8_t ifid[8]);

#endif
