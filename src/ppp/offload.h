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

void offload_put(uint8_t out[PPP_OFFLOAD_HEADER_LEN], const struct ppp_offload *off);
void offload_get(const uint8_t in[PPP_OFFLOAD_HEADER_LEN], struct ppp_offload *off);

/* ppp_offload_valid() and the checksum helpers are public: ppp.h. */

#endif
