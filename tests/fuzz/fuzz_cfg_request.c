/*
 * fuzz_cfg_request.c - arbitrary bytes as a request that crosses the
 * privilege boundary of a split `pppssh up` (configurator.h), checked by
 * the privileged end against what the tunnel's config allows
 * (cfg_policy_allows, configurator_socket.h) under a policy with the
 * transport and hooks (no User =) and one without.  Whatever is allowed
 * must mean something the config named: CONNECT and KILL only when the
 * privileged part runs the transport, a HOOK only ip-up or ip-down with
 * unicast addresses and DNS1 and DNS2 at most, a route only one of Route =, an IPv6 address a
 * link-local /64 or Address6, IPv4 addresses that are unicast, an MTU IP
 * can carry, resolvers within the limit, a kind of the list.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "configurator.h"
#include "configurator_socket.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct cfg_policy policy(bool transport)
{
    struct cfg_policy p = {.max_dns = 2, .transport = transport, .hooks = transport};
    p.routes[0] = (struct os_prefix){.ip = {.family = AF_INET, .v4 = {htonl(0xc6130000)}}, .len = 24};
    p.routes[1] = (struct os_prefix){.ip = {.family = AF_INET}, .len = 0};
    p.n_routes = 2;
    return p;
}

static bool unicast4(struct in_addr a)
{
    uint32_t h = ntohl(a.s_addr);
    return h != 0 && (h >> 24) != 127 && (h >> 28) < 14;
}

static bool in_routes(const struct cfg_policy *p, const struct os_prefix *x)
{
    for (size_t i = 0; i < p->n_routes; i++)
        if (p->routes[i].len == x->len && p->routes[i].ip.family == x->ip.family &&
            (x->ip.family != AF_INET || p->routes[i].ip.v4.s_addr == x->ip.v4.s_addr))
            return x->ip.family == AF_INET;
    return false;
}

static bool means_something(const struct cfg_policy *p, const struct cfg_request *rq)
{
    switch (rq->kind) {
    case CFG_LINK_UP:
    case CFG_GSO_MAX:
        return rq->mtu >= 68 && rq->mtu <= 65535;
    case CFG_IPV4_UP:
        return unicast4(rq->local) && unicast4(rq->peer);
    case CFG_IPV6_UP:
        return rq->prefix.ip.family == AF_INET6 && rq->prefix.len == 64 &&
               rq->prefix.ip.v6.s6_addr[0] == 0xfe && (rq->prefix.ip.v6.s6_addr[1] & 0xc0) == 0x80;
    case CFG_ROUTE:
        return in_routes(p, &rq->prefix);
    case CFG_DNS:
        return rq->n_dns <= p->max_dns;
    case CFG_PROXY_ARP:
    case CFG_FORWARD:
    case CFG_MASQUERADE:
        return false; /* none of them in these policies */
    case CFG_DOWN:
        return rq->family == AF_INET || rq->family == AF_INET6;
    case CFG_UNDO_ALL:
        return true;
    case CFG_CONNECT:
    case CFG_KILL:
        return p->transport;
    case CFG_HOOK:
        return p->hooks && rq->hook <= CFG_HOOK_DOWN && unicast4(rq->local) &&
               unicast4(rq->peer) && rq->n_dns <= 2;
    }
    return false; /* a kind outside the list */
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cfg_request rq;
    char why[256];
    if (size != sizeof(rq)) /* configurator_serve refuses any other size */
        return 0;
    memcpy(&rq, data, size);
    for (int transport = 0; transport < 2; transport++) {
        struct cfg_policy p = policy(transport);
        why[0] = 0;
        bool ok = cfg_policy_allows(&p, &rq, why, sizeof(why));
        if (ok && !means_something(&p, &rq))
            abort();
        if (!ok && !strstr(why, "outside the tunnel's configuration"))
            abort();
        if (!cfg_request_name(rq.kind))
            abort();
    }
    return 0;
}
