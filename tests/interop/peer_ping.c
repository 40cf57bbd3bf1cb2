/*
 * peer_ping.c - echo request/reply for IPv4 (RFC 792) and IPv6 (RFC 4443).
 */
#include "peer_ping.h"

#include <string.h>

#include "wire.h"

#define IPPROTO_ICMP_ 1
#define IPPROTO_ICMPV6_ 58
#define ICMP_ECHO_REPLY 0
#define ICMP_ECHO_REQUEST 8
#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY 129

/* RFC 1071 one's-complement sum, folded; start with 0. */
static uint32_t sum_words(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        sum += (uint32_t)(p[len - 1] << 8);
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* ICMPv6 checksums cover a pseudo-header (RFC 8200 section 8.1). */
static uint32_t sum_pseudo6(const uint8_t *ip6, size_t upper_len)
{
    uint8_t tail[8] = {0, 0, upper_len >> 8, upper_len & 0xff, 0, 0, 0, IPPROTO_ICMPV6_};
    return sum_words(sum_words(0, ip6 + 8, 32), tail, sizeof tail);
}

static void fill_echo(uint8_t *icmp, uint8_t type, uint16_t id, uint16_t seq)
{
    icmp[0] = type;
    icmp[1] = 0;
    put16(icmp + 2, 0);
    put16(icmp + 4, id);
    put16(icmp + 6, seq);
    for (size_t i = 0; i < PING_PAYLOAD; i++)
        icmp[8 + i] = (uint8_t)(i + seq);
}

static bool payload_intact(const uint8_t *icmp, uint16_t seq)
{
    for (size_t i = 0; i < PING_PAYLOAD; i++)
        if (icmp[8 + i] != (uint8_t)(i + seq))
            return false;
    return true;
}

size_t ping4_request(uint8_t out[PING4_LEN], uint32_t src, uint32_t dst, uint16_t id, uint16_t seq)
{
    memset(out, 0, PING4_LEN);
    out[0] = 0x45;
    put16(out + 2, PING4_LEN);
    put16(out + 4, seq);
    out[8] = 64; /* TTL */
    out[9] = IPPROTO_ICMP_;
    put32(out + 12, src);
    put32(out + 16, dst);
    put16(out + 10, fold(sum_words(0, out, 20)));
    fill_echo(out + 20, ICMP_ECHO_REQUEST, id, seq);
    put16(out + 22, fold(sum_words(0, out + 20, 8 + PING_PAYLOAD)));
    return PING4_LEN;
}

bool ping4_is_reply(const uint8_t *pkt, size_t len, uint32_t from, uint32_t to, uint16_t id,
                    uint16_t *seq)
{
    if (len < 20 || pkt[0] >> 4 != 4)
        return false;
    size_t ihl = (size_t)(pkt[0] & 0x0f) * 4;
    if (ihl < 20 || len != get16(pkt + 2) || len != ihl + 8 + PING_PAYLOAD)
        return false;
    const uint8_t *icmp = pkt + ihl;
    if (fold(sum_words(0, pkt, ihl)) != 0 || pkt[9] != IPPROTO_ICMP_ || get32(pkt + 12) != from ||
        get32(pkt + 16) != to)
        return false;
    if (icmp[0] != ICMP_ECHO_REPLY || get16(icmp + 4) != id ||
        fold(sum_words(0, icmp, 8 + PING_PAYLOAD)) != 0)
        return false;
    *seq = get16(icmp + 6);
    return payload_intact(icmp, *seq);
}

size_t ping6_request(uint8_t out[PING6_LEN], const uint8_t src[16], const uint8_t dst[16],
                     uint16_t id, uint16_t seq)
{
    memset(out, 0, PING6_LEN);
    out[0] = 0x60;
    put16(out + 4, 8 + PING_PAYLOAD);
    out[6] = IPPROTO_ICMPV6_;
    out[7] = 64; /* hop limit */
    memcpy(out + 8, src, 16);
    memcpy(out + 24, dst, 16);
    fill_echo(out + 40, ICMPV6_ECHO_REQUEST, id, seq);
    put16(out + 42,
          fold(sum_words(sum_pseudo6(out, 8 + PING_PAYLOAD), out + 40, 8 + PING_PAYLOAD)));
    return PING6_LEN;
}

bool ping6_is_reply(const uint8_t *pkt, size_t len, const uint8_t from[16], const uint8_t to[16],
                    uint16_t id, uint16_t *seq)
{
    if (len != PING6_LEN || pkt[0] >> 4 != 6 || get16(pkt + 4) != 8 + PING_PAYLOAD ||
        pkt[6] != IPPROTO_ICMPV6_ || memcmp(pkt + 8, from, 16) != 0 ||
        memcmp(pkt + 24, to, 16) != 0)
        return false;
    const uint8_t *icmp = pkt + 40;
    if (icmp[0] != ICMPV6_ECHO_REPLY || get16(icmp + 4) != id ||
        fold(sum_words(sum_pseudo6(pkt, 8 + PING_PAYLOAD), icmp, 8 + PING_PAYLOAD)) != 0)
        return false;
    *seq = get16(icmp + 6);
    return payload_intact(icmp, *seq);
}

void link_local_address(uint8_t out[16], const uint8_t ifid[8])
{
    memset(out, 0, 16);
    out[0] = 0xfe;
    out[1] = 0x80;
    memcpy(out + 8, ifid, 8);
}
