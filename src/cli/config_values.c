/*
 * config_values.c - reading one value of a key by its type (config_keys.c)
 * into the struct, and the errors that name the file and line.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_internal.h"

#define IFNAME_CHARS "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"

void fail(struct parser *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (p->failed)
        return; /* the first error is the one to fix */
    p->failed = true;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->err && p->errlen)
        snprintf(p->err, p->errlen, "%s:%d: %s", p->source, p->lineno, msg);
}

void fail_at(struct parser *p, int line, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    p->lineno = line;
    fail(p, "%s", msg);
}

void fail_file(struct parser *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (p->failed)
        return;
    p->failed = true;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->err && p->errlen)
        snprintf(p->err, p->errlen, "%s: %s", p->source, msg);
}

/* ---- value parsers: 0, or -1 after fail() ---- */

/* A decimal number within the key's range; false for anything else. */
static bool uint_in_range(const struct key_def *k, const char *v, unsigned *out)
{
    size_t n = strlen(v);

    if (n == 0 || n > 10 || strspn(v, "0123456789") != n)
        return false;
    unsigned long value = strtoul(v, NULL, 10);
    if (value < k->min || value > k->max)
        return false;
    *out = (unsigned)value;
    return true;
}

static int parse_uint(struct parser *p, const struct key_def *k, const char *v, unsigned *out)
{
    if (uint_in_range(k, v, out))
        return 0;
    fail(p, "'%s' must be %u..%u, not '%s'", k->name, k->min, k->max, v);
    return -1;
}

/* "auto" (CONFIG_MTU_AUTO) or a number in the key's range. */
static int parse_mtu(struct parser *p, const struct key_def *k, const char *v, unsigned *out)
{
    if (strcasecmp(v, "auto") == 0) {
        *out = CONFIG_MTU_AUTO;
        return 0;
    }
    if (uint_in_range(k, v, out))
        return 0;
    fail(p, "'%s' must be auto or %u..%u, not '%s'", k->name, k->min, k->max, v);
    return -1;
}

static int parse_bool(struct parser *p, const char *key, const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    fail(p, "'%s' must be yes or no, not '%s'", key, v);
    return -1;
}

static int parse_ipv4(struct parser *p, const char *key, const char *v, struct in_addr *out)
{
    if (inet_pton(AF_INET, v, out) != 1) {
        fail(p, "'%s' must be an IPv4 address like 198.18.255.2, not '%s'", key, v);
        return -1;
    }
    return 0;
}

static int parse_addr6(struct parser *p, const char *key, const char *v, struct os_prefix *out)
{
    if (os_prefix_parse(v, out) < 0 || out->ip.family != AF_INET6 || !strchr(v, '/') ||
        out->len == 0) {
        fail(p, "'%s' must be an IPv6 address with prefix length like fd00:5353::2/64, not '%s'",
             key, v);
        return -1;
    }
    return 0;
}

static int parse_route(struct parser *p, const char *key, const char *v, struct os_prefix *out)
{
    char net[OS_PREFIX_TEXT_MAX];
    if (os_prefix_parse(v, out) < 0) {
        fail(p, "bad CIDR '%s' for '%s' (expected like 198.19.0.0/24 or fd00:5353:1::/64)", v, key);
        return -1;
    }
    if (!os_prefix_is_network(out)) {
        struct os_prefix masked = *out;
        unsigned char *b = (unsigned char *)&masked.ip.v4;
        unsigned total = out->ip.family == AF_INET ? 32 : 128;
        for (unsigned bit = out->len; bit < total; bit++)
            b[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
        fail(p, "bad CIDR '%s' for '%s': host bits set (did you mean %s?)", v, key,
             os_prefix_format(&masked, net, sizeof(net)));
        return -1;
    }
    return 0;
}

/* The userspace stack handles a /24 only (pppssh-stack(8)). */
static int parse_net4(struct parser *p, const char *key, const char *v, struct os_prefix *out)
{
    if (parse_route(p, key, v, out) < 0)
        return -1;
    if (out->ip.family != AF_INET || out->len != 24) {
        fail(p, "'%s' must be an IPv4 /24 network like 198.18.254.0/24, not '%s'", key, v);
        return -1;
    }
    return 0;
}

/* One more of the userspace stack's forwards (portfwd.h), after the I
 * before it: each port of the server once per protocol. */
static int parse_portfwd(struct parser *p, const char *key, const char *v, struct portfwd *all,
                         size_t i)
{
    if (portfwd_parse(v, &all[i]) < 0) {
        fail(p,
             "'%s' must be tcp:PORT or udp:PORT, or PROTO:SERVERPORT:CLIENTPORT (1-65535), "
             "not '%s'",
             key, v);
        return -1;
    }
    for (size_t j = 0; j < i; j++) {
        if (all[j].udp == all[i].udp && all[j].host_port == all[i].host_port) {
            fail(p, "'%s' %s:%u is forwarded twice", key, all[i].udp ? "udp" : "tcp",
                 all[i].host_port);
            return -1;
        }
    }
    return 0;
}

static int parse_tty(struct parser *p, const char *key, const char *v, enum config_tty *out)
{
    if (strcasecmp(v, "auto") == 0)
        *out = CONFIG_TTY_AUTO;
    else if (strcasecmp(v, "yes") == 0)
        *out = CONFIG_TTY_YES;
    else if (strcasecmp(v, "no") == 0)
        *out = CONFIG_TTY_NO;
    else {
        fail(p, "'%s' must be auto, yes or no, not '%s'", key, v);
        return -1;
    }
    return 0;
}

/* "A-B" (inclusive) or a CIDR (its network and broadcast addresses excluded). */
static int parse_pool(struct parser *p, const char *key, const char *v, struct in_addr *range)
{
    char first[INET_ADDRSTRLEN + 1];
    const char *dash = strchr(v, '-');
    struct os_prefix cidr;

    if (dash) {
        size_t n = (size_t)(dash - v);
        if (n >= sizeof(first))
            goto bad;
        memcpy(first, v, n);
        first[n] = '\0';
        if (inet_pton(AF_INET, first, &range[0]) != 1 ||
            inet_pton(AF_INET, dash + 1, &range[1]) != 1)
            goto bad;
    } else {
        if (os_prefix_parse(v, &cidr) < 0 || cidr.ip.family != AF_INET ||
            !os_prefix_is_network(&cidr))
            goto bad;
        uint32_t net = ntohl(cidr.ip.v4.s_addr);
        uint32_t size = cidr.len == 0 ? 0 : (uint32_t)1 << (32 - cidr.len);
        uint32_t lo = net, hi = net + size - 1;
        if (cidr.len < 31) { /* RFC 3021: /31 and /32 have no network/broadcast */
            lo++;
            hi--;
        }
        range[0].s_addr = htonl(lo);
        range[1].s_addr = htonl(hi);
    }
    if (ntohl(range[0].s_addr) > ntohl(range[1].s_addr)) {
        fail(p, "'%s' range '%s' is empty (first address after last)", key, v);
        return -1;
    }
    return 0;
bad:
    fail(p, "'%s' must be a range like 198.18.255.2-198.18.255.254 or an IPv4 CIDR, not '%s'", key,
         v);
    return -1;
}

/* ---- storing a key ---- */

int store_repeat(struct parser *p, const struct key_def *k, const char *v, char *base)
{
    size_t *count = (size_t *)(base + k->count_offset);
    if (*count >= k->max) {
        fail(p, "too many '%s' lines (at most %u)", k->name, k->max);
        return -1;
    }
    size_t i = (*count);
    int rc = 0;
    switch (k->type) {
    case V_ROUTE:
        rc = parse_route(p, k->name, v, (struct os_prefix *)(base + k->offset) + i);
        break;
    case V_DNS:
        rc = os_ip_parse(v, (struct os_ip *)(base + k->offset) + i);
        if (rc < 0)
            fail(p, "'%s' must be an IPv4 or IPv6 address, not '%s'", k->name, v);
        break;
    case V_PORTFWD:
        rc = parse_portfwd(p, k->name, v, (struct portfwd *)(base + k->offset), i);
        break;
    default: /* V_OPTION */
        if (!strchr(v, '=') && !strchr(v, ' ')) {
            fail(p, "'%s' must be Key=Value as for ssh -o, not '%s'", k->name, v);
            return -1;
        }
        {
            char(*options)[CONFIG_STR_MAX] = (void *)(base + k->offset);
            snprintf(options[i], CONFIG_STR_MAX, "%s", v);
        }
        break;
    }
    if (rc < 0)
        return -1;
    (*count)++;
    return 0;
}

int store_single(struct parser *p, const struct key_def *k, const char *v, char *base)
{
    void *field = base + k->offset;
    int rc = 0;
    switch (k->type) {
    case V_IFNAME:
        if (!*v || strspn(v, IFNAME_CHARS) != strlen(v)) {
            fail(p, "'%s' must be an interface name (letters, digits, '_', '.', '-'), not '%s'",
                 k->name, v);
            return -1;
        }
        /* fall through - stored as a string */
    case V_STRING:
        if (strlen(v) >= k->max) {
            fail(p, "'%s' is too long (at most %u characters)", k->name, k->max - 1);
            return -1;
        }
        if (!*v) {
            fail(p, "'%s' is empty", k->name);
            return -1;
        }
        snprintf(field, k->max, "%s", v);
        break;
    case V_UINT:
        rc = parse_uint(p, k, v, field);
        break;
    case V_MTU:
        rc = parse_mtu(p, k, v, field);
        break;
    case V_BOOL:
        rc = parse_bool(p, k->name, v, field);
        break;
    case V_IPV4:
        rc = parse_ipv4(p, k->name, v, field);
        break;
    case V_ADDR6:
        rc = parse_addr6(p, k->name, v, field);
        break;
    case V_TTY:
        rc = parse_tty(p, k->name, v, field);
        break;
    case V_NET4:
        rc = parse_net4(p, k->name, v, field);
        break;
    default: /* V_POOL */
        rc = parse_pool(p, k->name, v, field);
        break;
    }
    if (rc == 0 && k->has_offset != NO_FIELD)
        *(bool *)(base + k->has_offset) = true;
    return rc;
}
