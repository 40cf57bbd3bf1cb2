/*
 * icmp6.h - the ICMPv6 messages pppssh-stack handles itself, where
 * libslirp does not: echo requests from the client to hosts beyond the
 * stack (libslirp answers only those to its own address), their replies
 * as IPv6 packets for the client, and the error that says they cannot be
 * forwarded.  No syscalls (ping6.h owns the sockets).
 */
#ifndef PPPSSH_STACK_ICMP6_H
#define PPPSSH_STACK_ICMP6_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IP6_ADDR_LEN 16
#define IP6_HEADER_LEN 40
#define ICMP6_ECHO_REQUEST_TYPE 128
#define ICMP6_ECHO_REPLY_TYPE 129
#define ICMP6_UNREACH_TYPE 1
#define ICMP6_UNREACH_PROHIBITED 1 /* RFC 4443 section 3.1: administratively prohibited */

/* RFC 1071's sum over the IPv6 pseudo-header (RFC 8200 section 8.1) and
 * the ICMPv6 message MSG (its checksum field zero, or the result is 0
 * for a message that is right). */
uint16_t icmp6_checksum(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len);

/* An echo request in an IPv6 packet (after any extension headers, not a
 * fragment). */
struct icmp6_echo {
    const uint8_t *src, *dst; /* into the packet */
    uint16_t ident;
    const uint8_t *msg; /* the ICMPv6 message: header and data */
    size_t len;
};

/* PKT (LEN bytes) is an echo request: true with *OUT. */
bool icmp6_echo_request(const uint8_t *pkt, size_t len, struct icmp6_echo *out);

/* The IPv6 packet FROM -> TO carrying MSG (LEN bytes: an ICMPv6 message
 * as a ping socket returns it, an echo reply), its identifier set back
 * to IDENT and its checksum made anew, in OUT (ROOM bytes): its length,
 * or 0 when it does not fit or is no echo reply. */
size_t icmp6_echo_reply(const uint8_t *from, const uint8_t *to, uint16_t ident, const uint8_t *msg,
                        size_t len, uint8_t *out, size_t room);

/* A destination unreachable with CODE (RFC 4443 section 3.1) from FROM
 * for the packet PKT (LEN bytes), in OUT (ROOM bytes): as much of PKT
 * as keeps the whole within the minimum IPv6 MTU (section 2.4 (c)).
 * Its length, or 0. */
size_t icmp6_unreachable(const uint8_t *from, uint8_t code, const uint8_t *pkt, size_t len,
                         uint8_t *out, size_t room);

#endif
