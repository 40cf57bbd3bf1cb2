/*
 * icmp6.c - see icmp6.h.
 */
#include "icmp6.h"

#include <string.h>

#include "ippkt.h"

#define ICMP6_HEADER_LEN 8 /* type, code, checksum, and identifier and sequence or unused */
#define IPV6_MIN_MTU 1280  /* RFC 8200 section 5 */
#define HOP_LIMIT 64

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

uint16_t icmp6_checksum(const uint8_t *src, const uint8_t *dst, const uint8_t *msg, size_t len)
{
    uint64_t sum = 0;
    for (size_t i = 0; i < IP6_ADDR_LEN; i += 2)
        sum += get16(src + i) + get16(dst + i);
    sum += (uint32_t)len + IPPKT_PROTO_ICMPV6;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(msg + i);
    if (len & 1)
        sum += (uint32_t)msg[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

bool icmp6_echo_request(const uint8_t *pkt, size_t len, struct icmp6_echo *out)
{
    struct ippkt_upper up;
    if (len < IP6_HEADER_LEN || pkt[0] >> 4 != 6 || !ippkt_upper_layer(pkt, len, &up) ||
        up.proto != IPPKT_PROTO_ICMPV6 || up.fragmented || up.offset + ICMP6_HEADER_LEN > len)
        return false;
    const uint8_t *msg = pkt + up.offset;
    if (msg[0] != ICMP6_ECHO_REQUEST_TYPE || msg[1] != 0)
        return false;
    *out = (struct icmp6_echo){.src = pkt + 8,
                               .dst = pkt + 24,
                               .ident = get16(msg + 4),
                               .msg = msg,
                               .len = len - up.offset};
    return true;
}

static void ip6_header(uint8_t *out, const uint8_t *from, const uint8_t *to, size_t payload)
{
    memset(out, 0, IP6_HEADER_LEN);
    out[0] = 0x60;
    put16(out + 4, (uint16_t)payload);
    out[6] = IPPKT_PROTO_ICMPV6;
    out[7] = HOP_LIMIT;
    memcpy(out + 8, from, IP6_ADDR_LEN);
    memcpy(out + 24, to, IP6_ADDR_LEN);
}

size_t icmp6_echo_reply(const uint8_t *from, const uint8_t *to, uint16_t ident, const uint8_t *msg,
                        size_t len, uint8_t *out, size_t room)
{
    if (len < ICMP6_HEADER_LEN || len > 0xffff || IP6_HEADER_LEN + len > room ||
        msg[0] != ICMP6_ECHO_REPLY_TYPE)
        return 0;
    ip6_header(out, from, to, len);
    uint8_t *icmp = out + IP6_HEADER_LEN;
    memcpy(icmp, msg, len);
    put16(icmp + 4, ident); /* the ping socket's own, back to the client's */
    put16(icmp + 2, 0);
    put16(icmp + 2, icmp6_checksum(from, to, icmp, len));
    return IP6_HEADER_LEN + len;
}

size_t icmp6_unreachable(const uint8_t *from, uint8_t code, const uint8_t *pkt, size_t len,
                         uint8_t *out, size_t room)
{
    size_t quoted = IPV6_MIN_MTU - IP6_HEADER_LEN - ICMP6_HEADER_LEN;
    if (len < IP6_HEADER_LEN)
        return 0;
    if (quoted > len)
        quoted = len;
    size_t msg_len = ICMP6_HEADER_LEN + quoted;
    if (IP6_HEADER_LEN + msg_len > room)
        return 0;
    ip6_header(out, from, pkt + 8, msg_len); /* to the packet's source */
    uint8_t *icmp = out + IP6_HEADER_LEN;
    memset(icmp, 0, ICMP6_HEADER_LEN);
    icmp[0] = ICMP6_UNREACH_TYPE;
    icmp[1] = code;
    memcpy(icmp + ICMP6_HEADER_LEN, pkt, quoted);
    put16(icmp + 2, icmp6_checksum(from, pkt + 8, icmp, msg_len));
    return IP6_HEADER_LEN + msg_len;
}
