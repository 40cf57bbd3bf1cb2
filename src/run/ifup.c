/*
 * ifup.c - what the engine's events do to the interface: on IPCP up the
 * negotiated point-to-point addresses, the MTU, the routes and resolvers;
 * on IPV6CP up the fe80::IFID link-local and the configured address; on
 * the way down, their removal.  The first "link is up" is what a waiting
 * `pppssh up` returns on (pppd's updetach).
 */
#include "tunnel.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "offload.h"
#include "report.h"

static void addr4_text(uint32_t host_order, char *buf, size_t size)
{
    struct os_ip ip = {.family = AF_INET, .v4.s_addr = htonl(host_order)};
    os_ip_format(&ip, buf, size);
}

static int iface_up(struct tunnel *t)
{
    if (t->iface_up)
        return 0;
    if (netcfg_mtu_up(&t->net, t->mtu) < 0)
        return -1;
    t->iface_up = true;
    return 0;
}

static int routes_up(struct tunnel *t, int family)
{
    const struct run_net *net = &t->p->net;
    for (size_t i = 0; i < net->n_routes; i++) {
        if (net->routes[i].ip.family != family)
            continue;
        if (netcfg_route(&t->net, &net->routes[i], &net->transport_peer) < 0)
            return -1;
    }
    return 0;
}

static int dns_up(struct tunnel *t, const uint32_t peer_dns[2])
{
    const struct run_net *net = &t->p->net;
    struct os_ip dns[RUN_MAX_DNS + 2];
    size_t n = 0;
    for (size_t i = 0; i < net->n_dns && n < RUN_MAX_DNS; i++)
        dns[n++] = net->dns[i];
    for (int i = 0; net->use_peer_dns && i < 2; i++)
        if (peer_dns[i] && n < RUN_MAX_DNS)
            dns[n++] = (struct os_ip){.family = AF_INET, .v4.s_addr = htonl(peer_dns[i])};
    return netcfg_dns(&t->net, dns, n);
}

/* The link is usable: tell a waiting `pppssh up`, then leave the terminal. */
static void link_is_up(struct tunnel *t)
{
    supervisor_link_up(t);
    if (t->reported_up)
        return;
    t->reported_up = true;
    if (t->p->report_fd >= 0) {
        report_up(t->p->report_fd);
        int null = open("/dev/null", O_RDWR | O_CLOEXEC);
        if (null >= 0) {
            dup2(null, 0);
            dup2(null, 1);
            dup2(null, 2);
            close(null);
        }
    }
}

/* A reconnect that negotiated the addresses the interface still has:
 * nothing to change (tunnelled connections never noticed).  Different
 * ones: the old addresses, routes and resolvers go first, never twice. */
static bool addr4_kept(struct tunnel *t, struct in_addr local, struct in_addr remote)
{
    if (!netcfg_has_addr4(&t->net))
        return false;
    if (local.s_addr == t->local4.s_addr && remote.s_addr == t->remote4.s_addr)
        return true;
    log_info("the addresses changed on reconnecting: reconfiguring %s", t->ifname);
    netcfg_undo(&t->net, AF_INET);
    return false;
}

static void ipcp_up(struct tunnel *t, const struct ppp_event *ev)
{
    char remote[INET_ADDRSTRLEN];
    struct in_addr local4 = {htonl(ev->u.ipcp.local)}, remote4 = {htonl(ev->u.ipcp.remote)};
    t->peer_dns[0] = ev->u.ipcp.dns[0];
    t->peer_dns[1] = ev->u.ipcp.dns[1];
    addr4_text(ev->u.ipcp.remote, remote, sizeof(remote));
    if (addr4_kept(t, local4, remote4)) {
        t->ipcp_up = true;
        link_is_up(t);
        return;
    }
    t->local4 = local4;
    t->remote4 = remote4;
    t->spoof.peer4 = (struct os_ip){.family = AF_INET, .v4 = t->remote4};
    if (iface_up(t) < 0 || netcfg_addr4(&t->net, t->local4, t->remote4) < 0 ||
        routes_up(t, AF_INET) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "%s", t->net.err);
        return;
    }
    /* No resolvconf/resolvectl is no reason to refuse the tunnel. */
    if (t->p->role == RUN_CLIENT && dns_up(t, ev->u.ipcp.dns) < 0)
        log_warn("DNS not applied: %s", t->net.err);
    if (t->p->role == RUN_SERVER && t->p->net.proxy_arp &&
        netcfg_proxy_arp(&t->net, t->remote4) < 0)
        log_warn("%s: the LAN must route %s to this server", t->net.err, remote);
    t->ipcp_up = true;
    link_is_up(t);
}

static bool addr6_kept(struct tunnel *t, const struct ppp_event *ev)
{
    if (!t->ipv6_configured)
        return false;
    /* Only ours is on the interface; the peer's may change freely. */
    if (!memcmp(t->local_ifid, ev->u.ipv6cp.local_ifid, 8)) {
        memcpy(t->remote_ifid, ev->u.ipv6cp.remote_ifid, 8);
        return true;
    }
    log_info("the IPv6 interface identifier changed on reconnecting: reconfiguring %s", t->ifname);
    netcfg_undo(&t->net, AF_INET6);
    t->ipv6_configured = false;
    return false;
}

static void ipv6cp_up(struct tunnel *t, const struct ppp_event *ev)
{
    if (addr6_kept(t, ev)) {
        t->ipv6cp_up = true;
        if (!t->p->ppp.ipv4)
            link_is_up(t);
        return;
    }
    struct os_prefix ll = {.ip.family = AF_INET6, .len = 64};
    ll.ip.v6.s6_addr[0] = 0xfe;
    ll.ip.v6.s6_addr[1] = 0x80;
    memcpy(&ll.ip.v6.s6_addr[8], ev->u.ipv6cp.local_ifid, 8); /* RFC 5072 section 5 */
    memcpy(t->local_ifid, ev->u.ipv6cp.local_ifid, 8);
    memcpy(t->remote_ifid, ev->u.ipv6cp.remote_ifid, 8);
    if (iface_up(t) < 0 || netcfg_addr6(&t->net, &ll) < 0 ||
        (t->p->net.has_address6 && netcfg_addr6(&t->net, &t->p->net.address6) < 0) ||
        routes_up(t, AF_INET6) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "%s", t->net.err);
        return;
    }
    t->ipv6cp_up = t->ipv6_configured = true;
    if (!t->p->ppp.ipv4)
        link_is_up(t);
}

static void phase(struct tunnel *t, const struct ppp_event *ev)
{
    /* The engine logs the transition itself. */
    if (ev->u.phase.phase == PPP_PHASE_DEAD)
        t->dead = true;
    else if (ev->u.phase.phase == PPP_PHASE_TERMINATE && ev->u.phase.cause == PPP_CAUSE_PEER_DEAD)
        supervisor_peer_dead(t);
}

void ifup_event(void *user, const struct ppp_event *ev)
{
    struct tunnel *t = user;
    switch (ev->type) {
    case PPP_EV_PHASE:
        phase(t, ev);
        break;
    case PPP_EV_LCP_UP: {
        /* With offload a packet carries a header of ours in its frame:
         * one of a whole MTU must still fit the peer's MRU. */
        unsigned room = ev->u.lcp.mru_tx - (ev->u.lcp.offload_tx ? OFFLOAD_HEADER_LEN : 0);
        t->mtu = room < t->p->net.mtu ? room : t->p->net.mtu;
        tun_offload_link_up(t, ev);
        /* With offloads both ways, TCP's packets cross whole up to the
         * GSO size whatever the MTU.  A larger MTU would only give a TCP
         * connection that ends on a tunnel address (the server's own) a
         * 64 KiB MSS: every segment then holds the stream for its whole
         * length (26 ms at 20 Mbit/s), and tcp_tso_autosize, which keeps
         * GSO bursts to a millisecond of the flow's rate, cannot cut a
         * segment (issue 15). */
        if (t->offload_on && ev->u.lcp.offload_rx && t->p->net.mtu == RUN_MTU_MAX &&
            t->mtu > RUN_OFFLOAD_MTU)
            t->mtu = RUN_OFFLOAD_MTU;
        log_info("interface MTU %u", t->mtu);
        break;
    }
    case PPP_EV_LCP_DOWN:
        tun_offload_link_down(t);
        break;
    case PPP_EV_IPCP_UP:
        ipcp_up(t, ev);
        break;
    case PPP_EV_IPCP_DOWN:
        /* Addresses and routes stay while the supervisor reconnects. */
        t->ipcp_up = false;
        if (!supervisor_keeps_config(t))
            netcfg_undo(&t->net, AF_INET);
        break;
    case PPP_EV_IPV6CP_UP:
        ipv6cp_up(t, ev);
        break;
    case PPP_EV_IPV6CP_DOWN:
        t->ipv6cp_up = false;
        if (!supervisor_keeps_config(t)) {
            netcfg_undo(&t->net, AF_INET6);
            t->ipv6_configured = false;
        }
        break;
    case PPP_EV_ECHO_RTT:
        t->echo_rtt = ev->u.echo_rtt;
        tun_echo_rtt(t, ev->u.echo_rtt);
        supervisor_echo_reply(t);
        break;
    }
}

void ifup_log(void *user, enum ppp_log_level level, const char *line)
{
    struct tunnel *t = user;
    if (level <= PPP_LOG_WARN)
        snprintf(t->engine_warning, sizeof(t->engine_warning), "%s", line);
    static const enum log_level map[] = {
        [PPP_LOG_ERROR] = LOG_LEVEL_ERROR,
        [PPP_LOG_WARN] = LOG_LEVEL_WARN,
        [PPP_LOG_INFO] = LOG_LEVEL_INFO,
        [PPP_LOG_DEBUG] = LOG_LEVEL_DEBUG,
    };
    log_msg(map[level], "%s", line);
}
