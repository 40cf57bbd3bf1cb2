/* offload.c - the offload header and its checks (offload.h) */
#include "offload.h"

#include "util.h"

#define IPV4_MIN_HEADER 20
#define IPV6_HEADER 40
#define TCP_MIN_HEADER 20
#define IPPROTO_TCP_NUMBER 6
#define OFFLOAD_MIN_SEGMENT 48
#define OFFLOAD_MAX_CSUM_END 1024

void offload_put(uint8_t out[OFFLOAD_HEADER_LEN], const struct ppp_offload *off)
{
    out[0] = off->flags;
    out[1] = off->gso_type;
    put16(out + 2, off->hdr_len);
    put16(out + 4, off->gso_size);
    put16(out + 6, off->csum_start);
    put16(out + 8, off->csum_offset);
}

void offload_get(const uint8_t in[OFFLOAD_HEADER_LEN], struct ppp_offload *off)
{
    off->flags = in[0];
    off->gso_type = in[1];
    off->hdr_len = get16(in + 2);
    off->gso_size = get16(in + 4);
    off->csum_start = get16(in + 6);
    off->csum_offset = get16(in + 8);
}

bool offload_is_plain(const struct ppp_offload *off)
{
    return !(off->flags & PPP_OFFLOAD_NEEDS_CSUM) && off->gso_type == PPP_GSO_NONE;
}

/* The IP header's length as the packet states it (IPv4 IHL; IPv6's fixed
 * header, extension headers being the sender's business), or 0. */
static size_t ip_header_len(const uint8_t *pkt, size_t len)
{
    size_t hl = pkt[0] >> 4 == 4 ? (size_t)(pkt[0] & 0x0f) * 4 : IPV6_HEADER;
    return hl >= IPV4_MIN_HEADER && hl <= len ? hl : 0;
}

/* A partial TCP checksum sits in the TCP header after the IP header (RFC
 * 9293 section 3.1: 16 bytes in), as Linux leaves it for TSO. */
static bool tcp_checksum_valid(const struct ppp_offload *off, const uint8_t *pkt, size_t len)
{
    size_t ip = ip_header_len(pkt, len);
    if (ip == 0 || off->csum_offset != 16 || off->csum_start < ip)
        return false;
    if (pkt[0] >> 4 == 6) /* TCP right after the header, or extension headers first */
        return off->csum_start > ip || pkt[6] == IPPROTO_TCP_NUMBER;
    return off->csum_start == ip && pkt[9] == IPPROTO_TCP_NUMBER;
}

static bool segmentation_valid(const struct ppp_offload *off, const uint8_t *pkt, size_t len)
{
    uint8_t type = off->gso_type & (uint8_t)~PPP_GSO_ECN;
    int version = pkt[0] >> 4;

    if (type == PPP_GSO_NONE)
        return off->gso_type == PPP_GSO_NONE;
    if (!(type == PPP_GSO_TCPV4 && version == 4) && !(type == PPP_GSO_TCPV6 && version == 6))
        return false;
    /* No Linux TCP sends smaller segments (net.ipv4.tcp_min_snd_mss): a
     * peer asking for tinier ones would only multiply packets.  0xffff is
     * Linux's GSO_BY_FRAGS, which a TUN refuses. */
    if (off->gso_size < OFFLOAD_MIN_SEGMENT || off->gso_size == 0xffff)
        return false;
    if (off->flags & PPP_OFFLOAD_NEEDS_CSUM && !tcp_checksum_valid(off, pkt, len))
        return false;
    size_t min_header = (version == 4 ? IPV4_MIN_HEADER : IPV6_HEADER) + TCP_MIN_HEADER;
    return off->hdr_len >= min_header && off->hdr_len <= len;
}

bool offload_valid(const struct ppp_offload *off, const uint8_t *pkt, size_t len)
{
    /* A TUN refuses a hdr_len past the packet's end (tun_get_user). */
    if (len < IPV4_MIN_HEADER || off->flags & ~PPP_OFFLOAD_NEEDS_CSUM || off->hdr_len > len)
        return false;
    /* The field must also lie in what a TUN copies into the packet's head
     * (skb_partial_csum_set), a few KiB: any real header does. */
    size_t csum_end = (size_t)off->csum_start + off->csum_offset + 2;
    if (off->flags & PPP_OFFLOAD_NEEDS_CSUM && (csum_end > len || csum_end > OFFLOAD_MAX_CSUM_END))
        return false;
    return segmentation_valid(off, pkt, len);
}

void offload_complete_csum(const struct ppp_offload *off, uint8_t *pkt, size_t len)
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
