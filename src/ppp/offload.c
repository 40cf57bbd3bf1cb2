/* offload.c - the offload header and its checks (offload.h) */
#include "offload.h"

#include "ippkt.h"
#include "wire.h"

#define IPV4_MIN_HEADER 20
#define IPV6_HEADER 40
#define TCP_MIN_HEADER 20
#define OFFLOAD_MIN_SEGMENT 48
#define OFFLOAD_MAX_CSUM_END 1024

void offload_put(uint8_t out[PPP_OFFLOAD_HEADER_LEN], const struct ppp_offload *off)
{
    out[0] = off->flags;
    out[1] = off->gso_type;
    put16(out + 2, off->hdr_len);
    put16(out + 4, off->gso_size);
    put16(out + 6, off->csum_start);
    put16(out + 8, off->csum_offset);
}

void offload_get(const uint8_t in[PPP_OFFLOAD_HEADER_LEN], struct ppp_offload *off)
{
    off->flags = in[0];
    off->gso_type = in[1];
    off->hdr_len = get16(in + 2);
    off->gso_size = get16(in + 4);
    off->csum_start = get16(in + 6);
    off->csum_offset = get16(in + 8);
}

bool ppp_offload_is_plain(const struct ppp_offload *off)
{
    return !(off->flags & PPP_OFFLOAD_NEEDS_CSUM) && off->gso_type == PPP_GSO_NONE;
}

/* RFC 9293 section 3.1 and RFC 768: where TCP and UDP keep their checksum. */
#define TCP_CHECK_OFFSET 16
#define UDP_CHECK_OFFSET 6
#define UDP_HEADER 8

/* A partial checksum names exactly the TCP or UDP checksum field of this
 * packet: csum_start where its transport header starts (past the IPv6
 * extension headers), csum_offset that field in it.  The receiving kernel
 * writes the sum there after our source check, and the peer chooses the
 * sum: anywhere else it could rewrite any 16 bits, an IPv6 source's low
 * ones for instance.  Linux finishes the checksum itself before it
 * fragments a packet, so a fragment never has a partial one. */
static bool checksum_placed(const struct ppp_offload *off, const struct ippkt_upper *up, size_t len)
{
    if (up->fragmented || off->csum_start != up->offset)
        return false;
    if (up->proto == IPPKT_PROTO_TCP)
        return off->csum_offset == TCP_CHECK_OFFSET && up->offset + TCP_MIN_HEADER <= len;
    if (up->proto == IPPKT_PROTO_UDP)
        return off->csum_offset == UDP_CHECK_OFFSET && up->offset + UDP_HEADER <= len;
    return false;
}

/* TCP segmentation of a whole TCP packet of the type's own IP version. */
static bool segmentation_valid(const struct ppp_offload *off, const struct ippkt_upper *up,
                               int version)
{
    uint8_t type = off->gso_type & (uint8_t)~PPP_GSO_ECN;

    if (!(type == PPP_GSO_TCPV4 && version == 4) && !(type == PPP_GSO_TCPV6 && version == 6))
        return false;
    if (up->proto != IPPKT_PROTO_TCP || up->fragmented)
        return false;
    /* No Linux TCP sends smaller segments (net.ipv4.tcp_min_snd_mss): a
     * peer asking for tinier ones would only multiply packets.  0xffff is
     * Linux's GSO_BY_FRAGS, which a TUN refuses. */
    if (off->gso_size < OFFLOAD_MIN_SEGMENT || off->gso_size == 0xffff)
        return false;
    size_t min_header = (version == 4 ? IPV4_MIN_HEADER : IPV6_HEADER) + TCP_MIN_HEADER;
    return off->hdr_len >= min_header;
}

bool ppp_offload_valid(const struct ppp_offload *off, const uint8_t *pkt, size_t len)
{
    struct ippkt_upper up;

    /* A TUN refuses a hdr_len past the packet's end (tun_get_user). */
    if (len < IPV4_MIN_HEADER || off->flags & ~PPP_OFFLOAD_NEEDS_CSUM || off->hdr_len > len)
        return false;
    if (ppp_offload_is_plain(off))
        return true;
    if (!ippkt_upper_layer(pkt, len, &up))
        return false;
    /* The field must also lie in what a TUN copies into the packet's head
     * (skb_partial_csum_set), a few KiB: any real header does. */
    size_t csum_end = (size_t)off->csum_start + off->csum_offset + 2;
    if (off->flags & PPP_OFFLOAD_NEEDS_CSUM &&
        (csum_end > len || csum_end > OFFLOAD_MAX_CSUM_END || !checksum_placed(off, &up, len)))
        return false;
    if (off->gso_type == PPP_GSO_NONE)
        return true;
    return segmentation_valid(off, &up, pkt[0] >> 4);
}

bool ppp_offload_csum_fits(const struct ppp_offload *off, size_t len)
{
    return off->gso_type == PPP_GSO_NONE && off->flags == PPP_OFFLOAD_NEEDS_CSUM &&
           (size_t)off->csum_start + off->csum_offset + 2 <= len;
}

void ppp_offload_complete_csum(const struct ppp_offload *off, uint8_t *pkt, size_t len)
{
    if (!(off->flags & PPP_OFFLOAD_NEEDS_CSUM))
        return;
    /* RFC 1071: the ones' complement sum of 16-bit words, an odd last
     * byte padded with zero; the field holds the pseudo-header's sum. */
    uint64_t sum = 0;
    size_t i = off->csum_start;
    for (; i + 1 < len; i += 2)
        sum += get16(pkt + i);
    if (i < len)
        sum += (uint16_t)(pkt[i] << 8);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    /* As Linux does: a sum of zero goes out as 0xffff, the same number
     * in ones' complement and the only form UDP allows (RFC 768). */
    uint16_t csum = (uint16_t)~sum;
    put16(pkt + off->csum_start + off->csum_offset, csum ? csum : 0xffff);
}
