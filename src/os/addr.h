/*
 * addr.h - IPv4/IPv6 addresses and CIDR prefixes as the configuration and
 * rtnetlink code share them: parse from text, format to text, compare.
 */
#ifndef PPPSSH_OS_ADDR_H
#define PPPSSH_OS_ADDR_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>

/* An IPv4 or IPv6 address; family is AF_INET or AF_INET6 (0 = unset). */
struct os_ip {
    int family;
    union {
        struct in_addr v4;
        struct in6_addr v6;
    };
};

/* An address with a prefix length (0..32 for IPv4, 0..128 for IPv6). */
struct os_prefix {
    struct os_ip ip;
    unsigned len;
};

/* Longest text os_prefix_format() writes, with its NUL ("ffff:...:ffff/128"). */
#define OS_PREFIX_TEXT_MAX (INET6_ADDRSTRLEN + 4)

/* "198.18.0.1" or "fd00::1": 0, or -EINVAL if text is not one address. */
int os_ip_parse(const char *text, struct os_ip *out);

/* "198.18.0.0/24", "fd00:5353::/64"; a bare address means /32 or /128.
 * Returns 0, or -EINVAL for a bad address or prefix length.  Host bits
 * are kept as written (so "fd00:5353::2/64" can be an interface address);
 * os_prefix_is_network() tells whether they are all zero. */
int os_prefix_parse(const char *text, struct os_prefix *out);

/* true if every bit past the prefix length is zero (a route destination). */
bool os_prefix_is_network(const struct os_prefix *p);

/* true if ip lies inside prefix p (same family, leading p->len bits equal). */
bool os_prefix_contains(const struct os_prefix *p, const struct os_ip *ip);

/* Writes "addr" into buf (size >= INET6_ADDRSTRLEN); returns buf. */
const char *os_ip_format(const struct os_ip *ip, char *buf, size_t size);

/* Writes "addr/len" into buf (size >= OS_PREFIX_TEXT_MAX); returns buf. */
const char *os_prefix_format(const struct os_prefix *p, char *buf, size_t size);

/* true if both addresses have the same family and value. */
bool os_ip_equal(const struct os_ip *a, const struct os_ip *b);

#endif
