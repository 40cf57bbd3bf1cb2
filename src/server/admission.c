/*
 * admission.c - who a `pppssh serve` session is for and what it gets.
 */
#include "admission.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "admit.h"
#include "netlink.h"
#include "takeover.h"

__attribute__((format(printf, 3, 4))) static int deny(char *err, size_t errlen, const char *fmt,
                                                      ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
    return -1;
}

static int parse_pair(const struct admission_request *s, struct in_addr *local,
                      struct in_addr *remote, char *err, size_t errlen)
{
    if (inet_pton(AF_INET, s->local, local) != 1)
        return deny(err, errlen, "--local %s is not an IPv4 address", s->local);
    if (inet_pton(AF_INET, s->remote, remote) != 1)
        return deny(err, errlen, "--remote %s is not an IPv4 address", s->remote);
    return 0;
}

/* Static addresses of every user: the pool never hands them out. */
static size_t static_addresses(const struct server_config *cfg, struct in_addr *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_users && n < max; i++)
        if (cfg->users[i].has_address)
            out[n++] = cfg->users[i].address;
    return n;
}

static int assign_address(const struct admission_request *s, const struct server_user *u,
                          struct in_addr *remote, int *lease_fd, char *err, size_t errlen)
{
    static struct in_addr skip[CONFIG_MAX_USERS];
    if (!u->has_address && !s->cfg->has_pool)
        return deny(err, errlen,
                    "no address for user %s: no Address in [User %s] and no Pool in [Server]",
                    s->user, s->user);
    struct admit_request r = {
        .user = s->user,
        .has_address = u->has_address,
        .address = u->address,
        .pool_first = s->cfg->pool_first,
        .pool_last = s->cfg->pool_last,
        .skip = skip,
        .n_skip = static_addresses(s->cfg, skip, CONFIG_MAX_USERS),
        .max_sessions = u->max_sessions,
        .term_ms = TAKEOVER_TERM_MS,
    };
    *lease_fd = admit_session(&r, remote, err, errlen);
    return *lease_fd < 0 ? -1 : 0;
}

static int check_forwarding(const struct server_user *u, char *err, size_t errlen)
{
    bool v4 = false, on = true;
    for (size_t i = 0; u && i < u->n_routes; i++)
        v4 |= u->routes[i].ip.family == AF_INET;
    if (v4 && os_ip_forwarding(AF_INET, &on, err, errlen) == 0 && !on)
        return deny(err, errlen,
                    "IP forwarding is off (sysctl net.ipv4.ip_forward=0) but [User %s] routes "
                    "networks through the tunnel",
                    u->name);
    return 0;
}

static void user_net(const struct admission_request *s, const struct server_user *u,
                     struct run_params *params)
{
    struct run_net *net = &params->net;
    net->antispoof = true;
    net->proxy_arp = s->cfg && s->cfg->proxy_arp;
    net->masquerade = s->cfg && s->cfg->masquerade[0];
    if (net->masquerade && strcmp(s->cfg->masquerade, "tunnel") != 0)
        snprintf(net->masquerade_oif, sizeof(net->masquerade_oif), "%s", s->cfg->masquerade);
    for (size_t i = 0; u && i < u->n_routes && i < RUN_MAX_ROUTES; i++)
        net->routes[net->n_routes++] = u->routes[i];
    if (s->cfg && s->cfg->has_address6) {
        net->has_address6 = true;
        net->address6 = s->cfg->address6;
    }
    if (u && u->has_address6 && net->n_routes < RUN_MAX_ROUTES) {
        struct os_prefix host = u->address6;
        host.len = 128; /* the client's own address, routed to its tunnel */
        net->routes[net->n_routes++] = host;
    }
    size_t n_dns = 0;
    for (size_t i = 0; s->cfg && i < s->cfg->n_dns && n_dns < 2; i++)
        if (s->cfg->dns[i].family == AF_INET)
            params->ppp.dns[n_dns++] = ntohl(s->cfg->dns[i].v4.s_addr);
}

int admission_decide(const struct admission_request *s, struct run_params *params, int *lease_fd,
                     char *err, size_t errlen)
{
    struct in_addr local, remote;
    const struct server_user *u = NULL;
    if (s->local) {
        if (parse_pair(s, &local, &remote, err, errlen) < 0)
            return -1;
    } else {
        u = config_find_user(s->cfg, s->user);
        /* pppssh.conf(5): a user without a section is refused, so that
         * removing the section revokes the key even with a Pool. */
        if (!u)
            return deny(err, errlen, "user %s has no [User %s] section in %s: refused", s->user,
                        s->user, s->config_path);
        if (check_forwarding(u, err, errlen) < 0 ||
            assign_address(s, u, &remote, lease_fd, err, errlen) < 0)
            return -1;
        local = s->cfg->address;
    }
    struct ppp_settings *ps = &params->ppp;
    ps->local_ip = ntohl(local.s_addr);
    ps->remote_ip = ntohl(remote.s_addr);
    ps->accept_local = false;
    ps->accept_remote = false; /* a client asking for another address gets Nak'd with its own */
    ps->seed = s->seed;
    ps->offload = (!s->cfg || s->cfg->offload) && !s->no_offload;
    user_net(s, u, params);
    return 0;
}
