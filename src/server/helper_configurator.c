/*
 * helper_configurator.c - configurator.h's requests for a `serve` without
 * privileges: what pppssh helper does is decided from server.conf alone
 * (helper_proto.h), so the session's requests only say when.  IPv4 up
 * becomes IPV4_UP (the helper puts the lease's pair, the user's routes
 * and proxy ARP in place), the link-local address IPV6_UP (fe80::IFID,
 * Address6 and routes), a family down IPV4_DOWN or IPV6_DOWN, undo all
 * BYE.  Routes, Address6, resolvers and proxy ARP asked for one by one are
 * done already; the MTU goes with the next up.  Under the session's
 * sandbox nothing here but the helper's socket is touched.
 */
#include "configurator.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "helper_ask.h"
#include "log.h"

struct helper_configurator {
    struct configurator ops; /* first: the session holds a pointer to it */
    int sock;
    unsigned mtu; /* from CFG_LINK_UP, sent with the next up */
};

static struct helper_configurator *self(struct configurator *c)
{
    return (struct helper_configurator *)c;
}

static bool link_local(const struct os_prefix *p)
{
    return p->ip.family == AF_INET6 && p->ip.v6.s6_addr[0] == 0xfe &&
           (p->ip.v6.s6_addr[1] & 0xc0) == 0x80;
}

static int ask(struct helper_configurator *h, enum helper_type type, const uint8_t *ifid, char *why,
               size_t size)
{
    char err[HELPER_REASON_MAX];
    /* Only an up carries the MTU: the helper takes a request with one where
     * none belongs for a broken one (helper_proto.h). */
    uint32_t mtu = type == HELPER_IPV4_UP || type == HELPER_IPV6_UP ? h->mtu : 0;
    if (helper_ask(h->sock, type, mtu, ifid, err, sizeof(err)) == 0)
        return 0;
    snprintf(why, size, "%s", err);
    return -EIO;
}

static int helper_request(struct configurator *c, const struct cfg_request *rq, char *why,
                          size_t size)
{
    struct helper_configurator *h = self(c);
    switch (rq->kind) {
    case CFG_LINK_UP:
        h->mtu = rq->mtu;
        return 0;
    case CFG_GSO_MAX: {
        char err[HELPER_REASON_MAX];
        if (helper_ask(h->sock, HELPER_GSO_MAX, rq->mtu, NULL, err, sizeof(err)) == 0)
            return 0;
        snprintf(why, size, "%s", err);
        return -EIO;
    }
    case CFG_IPV4_UP:
        return ask(h, HELPER_IPV4_UP, NULL, why, size);
    case CFG_IPV6_UP: /* the helper adds Address6 with the link-local */
        return link_local(&rq->prefix)
                   ? ask(h, HELPER_IPV6_UP, &rq->prefix.ip.v6.s6_addr[8], why, size)
                   : 0;
    case CFG_ROUTE:
    case CFG_DNS:
    case CFG_PROXY_ARP:
        return 0;        /* server.conf's, with the up */
    case CFG_MASQUERADE: /* server.conf's, with the up (as PROXY_ARP) */
        return 0;
    case CFG_FORWARD:
        snprintf(why, size, "%s is not asked of pppssh helper", cfg_request_name(rq->kind));
        return -EPERM;
    case CFG_DOWN:
        if (rq->family == AF_INET || rq->family == AF_INET6)
            return ask(h, rq->family == AF_INET ? HELPER_IPV4_DOWN : HELPER_IPV6_DOWN, NULL, why,
                       size);
        break;
    case CFG_UNDO_ALL:
        return ask(h, HELPER_BYE, NULL, why, size);
    case CFG_CONNECT: /* a client's */
    case CFG_KILL:
    case CFG_HOOK:
        break;
    }
    snprintf(why, size, "no such configuration request");
    return -EINVAL;
}

static void helper_poll(struct configurator *c, long long now_ms)
{
    (void)c;
    (void)now_ms;
}

static long long helper_expiry(const struct configurator *c)
{
    (void)c;
    return -1;
}

/* The helper's answer to IPV6_UP says whether IPv6 works: the sandbox
 * reads no /proc/sys. */
static bool helper_ipv6_off(const struct configurator *c, char *why, size_t size)
{
    (void)c;
    (void)why;
    (void)size;
    return false;
}

static void helper_free(struct configurator *c)
{
    char why[HELPER_REASON_MAX];
    if (ask(self(c), HELPER_BYE, NULL, why, sizeof(why)) < 0)
        log_warn("pppssh helper: %s", why);
    free(c);
}

struct configurator *configurator_helper_new(int sock)
{
    struct helper_configurator *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->ops = (struct configurator){.request = helper_request,
                                   .poll = helper_poll,
                                   .expiry = helper_expiry,
                                   .ipv6_off = helper_ipv6_off,
                                   .free = helper_free};
    h->sock = sock;
    return &h->ops;
}
