/*
 * configurator_none.c - the configurator of a session without an
 * interface: serve in userspace mode, whose packets go to the account's
 * userspace network stack (src/stack/stack.h) instead of a TUN.  There is
 * nothing of ours in the kernel to change, so every request succeeds
 * doing nothing.
 */
#include "configurator.h"

#include <stdlib.h>

static int none_request(struct configurator *c, const struct cfg_request *rq, char *why,
                        size_t size)
{
    (void)c;
    (void)rq;
    (void)why;
    (void)size;
    return 0;
}

static void none_poll(struct configurator *c, long long now_ms)
{
    (void)c;
    (void)now_ms;
}

static long long none_expiry(const struct configurator *c)
{
    (void)c;
    return -1;
}

static bool none_ipv6_off(const struct configurator *c, char *why, size_t size)
{
    (void)c;
    (void)why;
    (void)size;
    return false; /* the stack takes IPv6 */
}

static void none_free(struct configurator *c)
{
    free(c);
}

struct configurator *configurator_none_new(void)
{
    struct configurator *c = malloc(sizeof(*c));
    if (c)
        *c = (struct configurator){.request = none_request,
                                   .poll = none_poll,
                                   .expiry = none_expiry,
                                   .ipv6_off = none_ipv6_off,
                                   .free = none_free};
    return c;
}
