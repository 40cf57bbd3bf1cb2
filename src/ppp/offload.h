/*
 * offload.h - pppssh's offload extension on the wire: the header in front
 * of an IP packet in a VSNP frame, and what makes its metadata sound.
 *
 * Two pppssh ends that agreed on it (lcp.h, LCP_VENDOR_KIND_OFFLOAD) send
 * packets read from a TUN with IFF_VNET_HDR whole, up to 64 KiB of TCP
 * segments at a time, and the receiving kernel segments them.  The frame's
 * Information field is
 *
 *     flags(1) gso_type(1) hdr_len(2) gso_size(2) csum_start(2)
 *     csum_offset(2) | IPv4 or IPv6 packet
 *
 * in network byte order: struct virtio_net_hdr's fields, not its layout,
 * which is host-endian.
 */
#ifndef PPPSSH_OFFLOAD_H
#define PPPSSH_OFFLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp.h"

#define OFFLOAD_HEADER_LEN 10

void offload_put(uint8_t out[OFFLOAD_HEADER_LEN], const struct ppp_offload *off);
void offload_get(const uint8_t in[OFFLOAD_HEADER_LEN], struct ppp_offload *off);

/* The metadata describes this packet: known flags and type; TCP
 * segmentation only of an unfragmented TCP packet of the type's own IP
 * version, into segments of at least 48 bytes; a partial checksum (if
 * any) exactly in the checksum field of the packet's own TCP or UDP
 * header, past any IPv6 extension headers, in an unfragmented packet;
 * every offset inside the packet.  Whatever passes is safe to hand to a
 * TUN (whose kernel checks less) or to the functions below. */
bool offload_valid(const struct ppp_offload *off, const uint8_t *pkt, size_t len);

/* Metadata that needs nothing of the peer: a packet that needs its
 * checksum completed or segmenting does. */
bool offload_is_plain(const struct ppp_offload *off);

/* Finish a partial checksum in place (RFC 1071 sum from csum_start, the
 * pseudo-header sum already in the field), so the packet can go as plain
 * IP.  Only for metadata without segmentation whose checksum field lies
 * in the packet (offload_csum_fits). */
bool offload_csum_fits(const struct ppp_offload *off, size_t len);
void offload_complete_csum(const struct ppp_offload *off, uint8_t *pkt, size_t len);

#endif
