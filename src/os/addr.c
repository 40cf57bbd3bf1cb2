/* addr.c - IPv4/IPv6 addresses and CIDR prefixes to and from text */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int os_ip_parse(const char *text, struct os_ip *out)
{
    memset(out, 0, sizeof(*out));
    if (inet_pton(AF_INET, text, &out->v4) == 1) {
        out->family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, text, &out->v6) == 1) {
        out->family = AF_INET6;
        return 0;
    }
    return -EINVAL;
}

static unsigned max_prefix_len(int family)
{
    return family == AF_INET ? 32 : 128;
}

/* Strict decimal 0..max: no sign, no spaces, no leading zeros beyond "0". */
static int parse_prefix_len(const char *text, unsigned max, unsigned *len)
{
    size_t n = strlen(text);
    if (n == 0 || n > 3 || (n > 1 && text[0] == '0'))
        return -EINVAL;
    unsigned value = 0;
    for (size_t i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -EINVAL;
        value = value * 10 + (unsigned)(text[i] - '0');
    }
    if (value > max)
        return -EINVAL;
    *len = value;
    return 0;
}

int os_prefix_parse(const char *text, struct os_prefix *out)
{
    char addr[INET6_ADDRSTRLEN];
    const char *slash = strchr(text, '/');
    size_t addr_len = slash ? (size_t)(slash - text) : strlen(text);

    memset(out, 0, sizeof(*out));
    if (addr_len == 0 || addr_len >= sizeof(addr))
        return -EINVAL;
    memcpy(addr, text, addr_len);
    addr[addr_len] = '\0';
    if (os_ip_parse(addr, &out->ip) < 0)
        return -EINVAL;
    unsigned max = max_prefix_len(out->ip.family);
    out->len = max;
    if (slash && parse_prefix_len(slash + 1, max, &out->len) < 0) {
        memset(out, 0, sizeof(*out));
        return -EINVAL;
    }
    return 0;
}

static const unsigned char *ip_bytes(const struct os_ip *ip)
{
    return ip->family == AF_INET ? (const unsigned char *)&ip->v4 : (const unsigned char *)&ip->v6;
}

/* true if the first bits bits of a and b are equal */
static bool leading_bits_equal(const unsigned char *a, const unsigned char *b, unsigned bits)
{
    unsigned whole = bits / 8, rest = bits % 8;
    if (memcmp(a, b, whole) != 0)
        return false;
    if (rest == 0)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

bool os_prefix_is_network(const struct os_prefix *p)
{
    const unsigned char *b = ip_bytes(&p->ip);
    unsigned total = max_prefix_len(p->ip.family);
    for (unsigned bit = p->len; bit < total; bit++) {
        if (b[bit / 8] & (0x80 >> (bit % 8)))
            return false;
    }
    return true;
}

bool os_prefix_contains(const struct os_prefix *p, const struct os_ip *ip)
{
    if (p->ip.family != ip->family || ip->family == 0)
        return false;
    return leading_bits_equal(ip_bytes(&p->ip), ip_bytes(ip), p->len);
}

const char *os_ip_format(const struct os_ip *ip, char *buf, size_t size)
{
    if (ip->family != AF_INET && ip->family != AF_INET6) {
        snprintf(buf, size, "?");
        return buf;
    }
    if (!inet_ntop(ip->family, ip_bytes(ip), buf, (socklen_t)size))
        snprintf(buf, size, "?");
    return buf;
}

const char *os_prefix_format(const struct os_prefix *p, char *buf, size_t size)
{
    char addr[INET6_ADDRSTRLEN];
    snprintf(buf, size, "%s/%u", os_ip_format(&p->ip, addr, sizeof(addr)), p->len);
    return buf;
}

bool os_ip_equal(const struct os_ip *a, const struct os_ip *b)
{
    if (a->family != b->family)
        return false;
    if (a->family == AF_INET)
        return a->v4.s_addr == b->v4.s_addr;
    if (a->family == AF_INET6)
        return memcmp(&a->v6, &b->v6, sizeof(a->v6)) == 0;
    return true;
}
