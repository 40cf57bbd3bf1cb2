/*
 * configurator.c - configurator.h's requests carried out in this process:
 * each is one call of netcfg.c, whose journal remembers what succeeded
 * and undoes it newest first.
 */
#include "configurator.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "netcfg.h"
#include "netlink.h"

struct configurator_local {
    struct configurator ops; /* first: the session holds a pointer to it */
    struct netcfg net;
};

static struct netcfg *journal(struct configurator *c)
{
    return &((struct configurator_local *)c)->net;
}

static const struct netcfg *journal_read(const struct configurator *c)
{
    return &((const struct configurator_local *)c)->net;
}

static int carry_out(struct netcfg *nc, const struct cfg_request *rq)
{
    switch (rq->kind) {
    case CFG_LINK_UP:
        return netcfg_mtu_up(nc, rq->mtu);
    case CFG_GSO_MAX: /* goes with the interface: nothing to journal */
        return nl_link_set_gso_max_size(nc->ifname, rq->mtu, nc->err, sizeof(nc->err));
    case CFG_IPV4_UP:
        return netcfg_addr4(nc, rq->local, rq->peer);
    case CFG_IPV6_UP:
        return netcfg_addr6(nc, &rq->prefix, rq->prefix_route);
    case CFG_ROUTE:
        return netcfg_route(nc, &rq->prefix, rq->keep_outside.family ? &rq->keep_outside : NULL);
    case CFG_DNS:
        return netcfg_dns(nc, rq->dns, rq->n_dns < CFG_DNS_MAX ? rq->n_dns : CFG_DNS_MAX,
                          rq->now_ms);
    case CFG_PROXY_ARP:
        return netcfg_proxy_arp(nc, rq->peer);
    case CFG_FORWARD:
        return netcfg_forward(nc, rq->family);
    case CFG_MASQUERADE:
        if (!memchr(rq->oif, 0, sizeof(rq->oif)))
            break;
        return netcfg_masquerade(nc, rq->oif, rq->now_ms);
    case CFG_DOWN:
        if (rq->family != AF_INET && rq->family != AF_INET6)
            break;
        netcfg_undo(nc, rq->family);
        return 0;
    case CFG_UNDO_ALL:
        netcfg_undo(nc, AF_UNSPEC);
        return 0;
    case CFG_CONNECT: /* the transport and hooks are another's (privileged.h) */
    case CFG_KILL:
    case CFG_HOOK:
        break;
    }
    snprintf(nc->err, sizeof(nc->err), "no such configuration request");
    return -EINVAL;
}

static int local_request(struct configurator *c, const struct cfg_request *rq, char *why,
                         size_t size)
{
    struct netcfg *nc = journal(c);
    nc->err[0] = 0;
    int r = carry_out(nc, rq);
    if (r < 0 && why && size)
        snprintf(why, size, "%s", nc->err[0] ? nc->err : strerror(-r));
    return r;
}

static void local_poll(struct configurator *c, long long now_ms)
{
    netcfg_poll(journal(c), now_ms);
}

static long long local_expiry(const struct configurator *c)
{
    return netcfg_expiry(journal_read(c));
}

static bool local_ipv6_off(const struct configurator *c, char *why, size_t size)
{
    return netcfg_ipv6_off(journal_read(c), why, size);
}

static bool local_dns_busy(const struct configurator *c)
{
    return dns_apply_busy(&journal_read(c)->dns);
}

static void local_free(struct configurator *c)
{
    netcfg_undo(journal(c), AF_UNSPEC);
    free(c);
}

struct configurator *configurator_local_new(const char *ifname, unsigned ifindex)
{
    struct configurator_local *l = calloc(1, sizeof(*l));
    if (!l)
        return NULL;
    l->ops = (struct configurator){.request = local_request,
                                   .poll = local_poll,
                                   .expiry = local_expiry,
                                   .ipv6_off = local_ipv6_off,
                                   .dns_busy = local_dns_busy,
                                   .free = local_free};
    netcfg_init(&l->net, ifname, ifindex);
    netcfg_harden(&l->net); /* before the peer can send anything */
    return &l->ops;
}

const char *cfg_request_name(enum cfg_request_kind kind)
{
    static const char *const names[] = {
        [CFG_LINK_UP] = "link-up",       [CFG_GSO_MAX] = "gso-max",
        [CFG_IPV4_UP] = "ipv4-up",       [CFG_IPV6_UP] = "ipv6-up",
        [CFG_ROUTE] = "route",           [CFG_DNS] = "dns",
        [CFG_PROXY_ARP] = "proxy-arp",   [CFG_DOWN] = "down",
        [CFG_UNDO_ALL] = "undo-all",     [CFG_FORWARD] = "forward",
        [CFG_MASQUERADE] = "masquerade", [CFG_CONNECT] = "connect",
        [CFG_KILL] = "kill",             [CFG_HOOK] = "hook",
    };
    return (unsigned)kind < sizeof(names) / sizeof(names[0]) && names[kind] ? names[kind] : "?";
}
