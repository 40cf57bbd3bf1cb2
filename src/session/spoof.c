/*
 * spoof.c - source address check of packets from a client.
 */
#include "spoof.h"

#include <string.h>
#include <sys/socket.h>

static bool in_routes(const struct spoof_filter *f, const struct os_ip *src)
{
    for (size_t i = 0; i < f->n_routes; i++)
        if (os_prefix_contains(&f->routes[i], src))
            return true;
    return false;
}

static bool v4_allowed(const struct spoof_filter *f, const uint8_t *pkt, size_t len)
{
    if (len < 20)
        return false;
    struct os_ip src = {.family = AF_INET};
    memcpy(&src.v4, pkt + 12, 4); /* RFC 791: source address at offset 12 */
    return os_ip_equal(&src, &f->peer4) || in_routes(f, &src);
}

static bool v6_allowed(const struct spoof_filter *f, const uint8_t *pkt, size_t len)
{
    if (len < 40)
        return false;
    struct os_ip src = {.family = AF_INET6};
    memcpy(&src.v6, pkt + 8, 16); /* RFC 8200: source address at offset 8 */
    if (pkt[8] == 0xfe && (pkt[9] & 0xc0) == 0x80)
        return true;
    if (f->has_peer6 && os_ip_equal(&src, &f->peer6.ip))
        return true;
    return in_routes(f, &src);
}

bool spoof_source_allowed(const struct spoof_filter *f, const uint8_t *pkt, size_t len)
{
    if (len == 0)
        return false;
    switch (pkt[0] >> 4) {
    case 4:
        return v4_allowed(f, pkt, len);
    case 6:
        return v6_allowed(f, pkt, len);
    default:
        return false;
    }
}
