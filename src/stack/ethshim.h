/*
 * ethshim.h - the Ethernet edge between pppssh's IP packets and a
 * userspace stack that speaks Ethernet frames (libslirp).  PPP has no
 * link-layer addresses, so the shim pretends the client is one host on a
 * LAN: it wraps each packet from the client in a 14-byte header, strips
 * the header from each frame the stack sends, and answers the stack's ARP
 * requests and IPv6 neighbour solicitations itself (the stack holds a
 * packet until its next hop is resolved).  Every address the stack asks
 * about except its own lies behind the client (the client's networks are
 * routed through the tunnel), so the shim answers all of them with the
 * client's MAC.  No syscalls: the caller owns the sockets.
 */
#ifndef PPPSSH_STACK_ETHSHIM_H
#define PPPSSH_STACK_ETHSHIM_H

#include <stddef.h>
#include <stdint.h>

#define ETH_HEADER_LEN 14
#define ETH_ADDR_LEN 6

/* The client's made-up MAC (locally administered, RFC 7042 section 2.1). */
extern const uint8_t ethshim_client_mac[ETH_ADDR_LEN];

/* Wrap the IP packet of LEN bytes that lies at FRAME + ETH_HEADER_LEN
 * (read there by the caller: no copy) for the stack, writing the header
 * in front of it: returns the frame's length, or 0 when it is not
 * IPv4/IPv6. */
size_t ethshim_wrap(uint8_t *frame, size_t len);

enum ethshim_verdict {
    ETHSHIM_DROP,   /* nothing for the client (DHCP offer's ARP, other types) */
    ETHSHIM_PACKET, /* *out / *out_len: an IP packet for the client */
    ETHSHIM_REPLY,  /* *out / *out_len: a frame to give back to the stack */
};

/* Judge FRAME (LEN bytes) from the stack.  For ETHSHIM_PACKET, *out
 * points into FRAME; for ETHSHIM_REPLY the answer is built in REPLY
 * (ROOM bytes, at least 86). */
enum ethshim_verdict ethshim_from_stack(const uint8_t *frame, size_t len, uint8_t *reply,
                                        size_t room, const uint8_t **out, size_t *out_len);

#endif
