/* ippkt.c - flow hash and ECN marking on raw IPv4/IPv6 headers */
#include "ippkt.h"

#include "wire.h"

enum {
    IPPROTO_TCP_ = 6,
    IPPROTO_UDP_ = 17,
    IPPROTO_DCCP_ = 33,
    IPPROTO_SCTP_ = 132,
    IPPROTO_UDPLITE_ = 136,
};

#define ECN_MASK 0x03
#define ECN_CE 0x03

static bool has_ports(uint8_t proto)
{
    return proto == IPPROTO_TCP_ || proto == IPPROTO_UDP_ || proto == IPPROTO_DCCP_ ||
           proto == IPPROTO_SCTP_ || proto == IPPROTO_UDPLITE_;
}

/* splitmix64's finaliser: every input bit reaches every output bit. */
static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9u;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebu;
    return h ^ (h >> 31);
}

static uint64_t mix_bytes(uint64_t h, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i += 4)
        h = mix(h, get32(p + i));
    return h;
}

static bool ipv4_header(const uint8_t *pkt, size_t len, size_t *ihl)
{
    if (len < 20 || pkt[0] >> 4 != 4)
        return false;
    *ihl = (size_t)(pkt[0] & 0x0f) * 4;
    return *ihl >= 20 && *ihl <= len;
}

static bool ipv6_header(const uint8_t *pkt, size_t len)
{
    return len >= 40 && pkt[0] >> 4 == 6;
}

uint64_t ippkt_flow_hash(const uint8_t *pkt, size_t len, uint64_t seed)
{
    uint64_t h = mix(seed, 0);
    size_t ihl;

    if (ipv4_header(pkt, len, &ihl)) {
        uint8_t proto = pkt[9];
        bool first_fragment = (get16(pkt + 6) & 0x1fff) == 0;
        h = mix(mix_bytes(h, pkt + 12, 8), 0x400 | proto);
        /* Later fragments carry no ports: with the addresses they still
         * stay in one flow, just not the same one as the first. */
        if (has_ports(proto) && first_fragment && len >= ihl + 4)
            h = mix(h, get32(pkt + ihl));
        return h;
    }
    if (ipv6_header(pkt, len)) {
        uint8_t next = pkt[6];
        h = mix(mix_bytes(h, pkt + 8, 32), 0x600 | next);
        if (has_ports(next) && len >= 44)
            h = mix(h, get32(pkt + 40));
        return h;
    }
    return h;
}

bool ippkt_ecn_capable(const uint8_t *pkt, size_t len)
{
    size_t ihl;
    if (ipv4_header(pkt, len, &ihl)) {
        uint8_t ecn = pkt[1] & ECN_MASK;
        return ecn != 0 && ecn != ECN_CE;
    }
    if (ipv6_header(pkt, len)) {
        uint8_t ecn = (pkt[1] >> 4) & ECN_MASK;
        return ecn != 0 && ecn != ECN_CE;
    }
    return false;
}

/* RFC 1624 equation 3: HC' = ~(~HC + ~m + m') for one changed 16-bit word. */
static uint16_t checksum_update(uint16_t hc, uint16_t old_word, uint16_t new_word)
{
    uint32_t sum = (uint16_t)~hc + (uint32_t)(uint16_t)~old_word + new_word;
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

bool ippkt_set_ce(uint8_t *pkt, size_t len)
{
    if (!ippkt_ecn_capable(pkt, len))
        return false;
    if (pkt[0] >> 4 == 4) {
        uint16_t old_word = get16(pkt);
        pkt[1] |= ECN_CE;
        put16(pkt + 10, checksum_update(get16(pkt + 10), old_word, get16(pkt)));
    } else {
        pkt[1] |= ECN_CE << 4;
    }
    return true;
}

/* IPv6 extension headers (RFC 8200 section 4) and the IPsec AH (RFC 4302). */
enum {
    IPV6_HOP_BY_HOP = 0,
    IPV6_ROUTING = 43,
    IPV6_FRAGMENT = 44,
    IPV6_AUTH = 51,
    IPV6_DEST_OPTS = 60,
};
#define IPV6_MAX_EXTENSIONS 16 /* far more than any real packet carries */

static bool ipv4_upper(const uint8_t *pkt, size_t len, struct ippkt_upper *out)
{
    size_t ihl;
    if (!ipv4_header(pkt, len, &ihl))
        return false;
    uint16_t frag = get16(pkt + 6); /* RFC 791: flags and fragment offset */
    out->proto = pkt[9];
    out->offset = ihl;
    out->fragmented = (frag & 0x3fff) != 0; /* MF or an offset */
    out->later_fragment = (frag & 0x1fff) != 0;
    return true;
}

/* The length of the extension header `type` at h (len bytes left), or 0
 * if it is not one or does not fit. */
static size_t extension_len(uint8_t type, const uint8_t *h, size_t len)
{
    size_t n;
    if (len < 8)
        return 0;
    if (type == IPV6_HOP_BY_HOP || type == IPV6_ROUTING || type == IPV6_DEST_OPTS)
        n = ((size_t)h[1] + 1) * 8;
    else if (type == IPV6_AUTH)
        n = ((size_t)h[1] + 2) * 4;
    else if (type == IPV6_FRAGMENT)
        n = 8;
    else
        return 0;
    return n <= len ? n : 0;
}

static bool is_extension(uint8_t type)
{
    return type == IPV6_HOP_BY_HOP || type == IPV6_ROUTING || type == IPV6_FRAGMENT ||
           type == IPV6_AUTH || type == IPV6_DEST_OPTS;
}

static bool ipv6_upper(const uint8_t *pkt, size_t len, struct ippkt_upper *out)
{
    if (!ipv6_header(pkt, len))
        return false;
    uint8_t next = pkt[6];
    size_t at = 40;
    *out = (struct ippkt_upper){0};
    for (int i = 0; is_extension(next); i++) {
        /* Hop-by-Hop Options only right after the IPv6 header (4.1). */
        if (i == IPV6_MAX_EXTENSIONS || (next == IPV6_HOP_BY_HOP && i > 0))
            return false;
        size_t n = extension_len(next, pkt + at, len - at);
        if (n == 0)
            return false;
        if (next == IPV6_FRAGMENT) {
            out->fragmented = true;
            if (get16(pkt + at + 2) >> 3 != 0) { /* what follows is the middle of a datagram */
                out->later_fragment = true;
                out->proto = pkt[at];
                out->offset = at + n;
                return true;
            }
        }
        next = pkt[at];
        at += n;
    }
    out->proto = next;
    out->offset = at;
    return true;
}

bool ippkt_upper_layer(const uint8_t *pkt, size_t len, struct ippkt_upper *out)
{
    if (len == 0)
        return false;
    if (pkt[0] >> 4 == 4)
        return ipv4_upper(pkt, len, out);
    return ipv6_upper(pkt, len, out);
}
