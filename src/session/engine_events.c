/*
 * engine_events.c - what the engine's events do to the interface: on IPCP up the
 * negotiated point-to-point addresses, the MTU, the routes and resolvers;
 * on IPV6CP up the fe80::IFID link-local and the configured address; on
 * the way down, their removal.  The first "link is up" is what a waiting
 * `pppssh up` returns on (pppd's updetach).  The engine's callback only
 * records an event (evqueue.h); engine_settle() acts on it once the engine
 * has returned.
 */
#include "tunnel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "report.h"
#include "sanitize.h"
#include "sdnotify.h"

static void addr4_text(uint32_t host_order, char *buf, size_t size)
{
    struct os_ip ip = {.family = AF_INET, .v4.s_addr = htonl(host_order)};
    os_ip_format(&ip, buf, size);
}

int configure(struct tunnel *t, const struct cfg_request *rq)
{
    t->cfg_err[0] = 0;
    if (!t->cfg) {
        snprintf(t->cfg_err, sizeof(t->cfg_err), "no interface to configure");
        return -ENODEV;
    }
    return t->cfg->request(t->cfg, rq, t->cfg_err, sizeof(t->cfg_err));
}

void configure_down(struct tunnel *t, int family)
{
    struct cfg_request rq = {.kind = family == AF_UNSPEC ? CFG_UNDO_ALL : CFG_DOWN,
                             .family = family};
    if (configure(t, &rq) < 0 && t->cfg) /* what stays configured is worth a line */
        log_warn("%s", t->cfg_err);
    if (family != AF_INET6)
        t->ipv4_configured = false;
}

static int iface_up(struct tunnel *t)
{
    if (t->iface_up)
        return 0;
    struct cfg_request rq = {.kind = CFG_LINK_UP, .mtu = t->mtu};
    if (configure(t, &rq) < 0)
        return -1;
    t->iface_up = true;
    return 0;
}

/* Where the transport goes: the peer of our copy of the SSH connection
 * (pace.c), else the server's address as resolved from the config; false
 * when unknown (a Command, ssh's own ProxyCommand, an unresolved name). */
static bool transport_address(const struct tunnel *t, struct os_ip *out)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (t->pace.tcp_fd >= 0 && getpeername(t->pace.tcp_fd, (struct sockaddr *)&ss, &len) == 0) {
        if (ss.ss_family == AF_INET) {
            *out = (struct os_ip){.family = AF_INET,
                                  .v4 = ((const struct sockaddr_in *)&ss)->sin_addr};
            return true;
        }
        if (ss.ss_family == AF_INET6) {
            const struct in6_addr *a = &((const struct sockaddr_in6 *)&ss)->sin6_addr;
            *out = (struct os_ip){.family = AF_INET6, .v6 = *a};
            if (IN6_IS_ADDR_V4MAPPED(a)) {
                out->family = AF_INET;
                memcpy(&out->v4, &a->s6_addr[12], 4);
            }
            return true;
        }
    }
    if (!t->p->duties.guard_transport || !t->p->net.transport_peer.family)
        return false;
    *out = t->p->net.transport_peer;
    return true;
}

/* A route into the tunnel that covers the SSH server's own address would
 * carry the transport into itself: the link dies seconds later and every
 * reconnect does the same.  A default route is kept off the server by
 * policy routing (CFG_ROUTE, configurator.h), any other is refused. */
static bool route_captures_transport(struct tunnel *t, const struct os_prefix *route)
{
    struct os_ip server;
    char r[INET6_ADDRSTRLEN + 4], a[INET6_ADDRSTRLEN];
    if (!t->p->duties.guard_transport || route->len == 0 || !transport_address(t, &server) ||
        !os_prefix_contains(route, &server))
        return false;
    tunnel_fail(t, RUN_EXIT_CONFIG,
                "Route = %s covers the SSH server's address %s: the transport would enter "
                "its own tunnel",
                os_prefix_format(route, r, sizeof(r)), os_ip_format(&server, a, sizeof(a)));
    return true;
}

/* The same for the peer's tunnel address, whose /32 the interface gets. */
static bool peer_is_transport(struct tunnel *t, struct in_addr remote)
{
    struct os_ip server, peer = {.family = AF_INET, .v4 = remote};
    char a[INET6_ADDRSTRLEN];
    if (!t->p->duties.guard_transport || !transport_address(t, &server) ||
        !os_ip_equal(&server, &peer))
        return false;
    tunnel_fail(t, RUN_EXIT_NEGOTIATION,
                "PPP negotiation failed: the peer's address %s is the SSH server's own: its "
                "route would capture the transport",
                os_ip_format(&peer, a, sizeof(a)));
    return true;
}

static int routes_up(struct tunnel *t, int family)
{
    const struct run_net *net = &t->p->net;
    for (size_t i = 0; i < net->n_routes; i++) {
        if (net->routes[i].ip.family != family)
            continue;
        if (route_captures_transport(t, &net->routes[i]))
            return -2;
        /* Only a default route needs the SSH server kept out of it (the
         * VPN HOWTO's pitfall 1.4); the privileged part grants no more. */
        struct cfg_request rq = {.kind = CFG_ROUTE, .prefix = net->routes[i]};
        if (net->routes[i].len == 0)
            rq.keep_outside = net->transport_peer;
        if (configure(t, &rq) < 0)
            return -1;
    }
    return 0;
}

static int dns_up(struct tunnel *t, const struct in_addr peer_dns[2])
{
    const struct run_net *net = &t->p->net;
    struct cfg_request rq = {.kind = CFG_DNS, .now_ms = (long long)(t->now / PPP_MS)};
    for (size_t i = 0; i < net->n_dns && rq.n_dns < RUN_MAX_DNS; i++)
        rq.dns[rq.n_dns++] = net->dns[i];
    for (int i = 0; net->use_peer_dns && i < 2; i++)
        if (peer_dns[i].s_addr && rq.n_dns < RUN_MAX_DNS)
            rq.dns[rq.n_dns++] = (struct os_ip){.family = AF_INET, .v4 = peer_dns[i]};
    return rq.n_dns ? configure(t, &rq) : 0;
}

/* Forward and Masquerade (pppssh.conf(5)): the mini-HOWTO's gateway, for
 * as long as the family is up (its down undoes them). */
static int gateway_up(struct tunnel *t, int family)
{
    const struct run_net *net = &t->p->net;
    struct cfg_request fwd = {.kind = CFG_FORWARD, .family = family};
    struct cfg_request masq = {.kind = CFG_MASQUERADE, .now_ms = (long long)(t->now / PPP_MS)};
    snprintf(masq.oif, sizeof(masq.oif), "%s", net->masquerade_oif);
    if (net->forward && configure(t, &fwd) < 0)
        return -1;
    if (net->masquerade && family == AF_INET && configure(t, &masq) < 0)
        return -1;
    return 0;
}

/* The link is usable: a waiting `pppssh up` and systemd (READY=1) are
 * told once the ip-up hooks (queued by the supervisor) are done and the
 * resolvers applied, as the routes the hooks add and the names the
 * tunnel's resolvers answer are part of what `up` promises. */
static void link_is_up(struct tunnel *t)
{
    supervision_link_up(t);
    if (t->reported_up)
        return;
    t->reported_up = true;
    t->report_due = true;
}

/* Each resolver command is killed at its timeout (configurator.h): a
 * resolver that fails or hangs delays "up" a bounded time, then the
 * tunnel is up without it (logged where it ran: "DNS not applied"). */
static bool resolvers_pending(const struct tunnel *t)
{
    return t->cfg && t->cfg->dns_busy && t->cfg->dns_busy(t->cfg);
}

void engine_report_up(struct tunnel *t)
{
    if (!t->report_due || hooks_busy(&t->sup.hooks) || resolvers_pending(t))
        return;
    t->report_due = false;
    sd_notify_ready(NULL); /* Type=notify; STATUS= is the supervisor's "link up: ..." */
    if (t->p->report_fd < 0)
        return;
    report_up(t->p->report_fd);
    /* Opened before the sandbox, which allows no open (loop.c). */
    int null = t->devnull >= 0 ? t->devnull : open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        close(null);
    }
    t->devnull = -1;
}

/* A reconnect that negotiated the addresses the interface still has:
 * nothing to change (tunnelled connections never noticed).  Different
 * ones: the old addresses, routes and resolvers go first, never twice. */
static bool addr4_kept(struct tunnel *t, struct in_addr local, struct in_addr remote)
{
    if (!t->ipv4_configured)
        return false;
    if (local.s_addr == t->local4.s_addr && remote.s_addr == t->remote4.s_addr)
        return true;
    log_info("the addresses changed on reconnecting: reconfiguring %s", t->ifname);
    configure_down(t, AF_INET);
    return false;
}

static void ipcp_up(struct tunnel *t, const struct ppp_event *ev)
{
    char remote[INET_ADDRSTRLEN];
    struct in_addr local4 = {htonl(ev->u.ipcp.local)}, remote4 = {htonl(ev->u.ipcp.remote)};
    t->peer_dns[0].s_addr = htonl(ev->u.ipcp.dns[0]);
    t->peer_dns[1].s_addr = htonl(ev->u.ipcp.dns[1]);
    addr4_text(ev->u.ipcp.remote, remote, sizeof(remote));
    if (addr4_kept(t, local4, remote4)) {
        t->ipcp_up = true;
        link_is_up(t);
        return;
    }
    if (peer_is_transport(t, remote4))
        return;
    t->local4 = local4;
    t->remote4 = remote4;
    t->spoof.peer4 = (struct os_ip){.family = AF_INET, .v4 = t->remote4};
    int r = 0;
    struct cfg_request pair = {.kind = CFG_IPV4_UP, .local = t->local4, .peer = t->remote4};
    if (iface_up(t) < 0 || configure(t, &pair) < 0 || (r = routes_up(t, AF_INET)) < 0 ||
        gateway_up(t, AF_INET) < 0) {
        if (r != -2) /* -2: routes_up said why */
            tunnel_fail(t, RUN_EXIT_FATAL, "%s", t->cfg_err);
        return;
    }
    t->ipv4_configured = true;
    /* No resolvconf/resolvectl is no reason to refuse the tunnel. */
    if (t->p->duties.resolvers && dns_up(t, t->peer_dns) < 0)
        log_warn("DNS not applied: %s", t->cfg_err);
    struct cfg_request arp = {.kind = CFG_PROXY_ARP, .peer = t->remote4};
    if (t->p->net.proxy_arp && /* server.conf ProxyArp: serve only */
        configure(t, &arp) < 0)
        log_warn("%s: the LAN must route %s to this server", t->cfg_err, remote);
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
    configure_down(t, AF_INET6);
    t->ipv6_configured = false;
    return false;
}

/* IPv6 cannot work on the interface this session: IPv4 goes on without
 * it.  The engine hears of it once it has returned (engine_settle), and
 * says so in one line with why. */
static void ipv6_give_up(struct tunnel *t, const char *why)
{
    snprintf(t->ipv6_off, sizeof(t->ipv6_off), "%s", why);
    t->ipv6_refuse = true;
}

void engine_check_ipv6(struct tunnel *t, struct ppp_settings *settings)
{
    char why[sizeof(t->ipv6_off) - 32];
    if (!settings->ipv6 || !t->cfg || !t->cfg->ipv6_off(t->cfg, why, sizeof(why)))
        return;
    settings->ipv6 = false;
    t->ipv6_never = true;
    snprintf(t->ipv6_off, sizeof(t->ipv6_off), "%s", why);
    log_warn("%s: not negotiating IPV6CP, IPv4 only", why);
}

/* LCP is up and the MTU known: can IPv6 work on the interface? */
static void ipv6_check_session(struct tunnel *t)
{
    char why[sizeof(t->ipv6_off)];
    if (!t->p->ppp.ipv6 || t->ipv6_never)
        return;
    t->ipv6_off[0] = 0;
    if (t->mtu < 1280) { /* RFC 8200 section 5: the kernel takes IPv6 off such a link */
        snprintf(why, sizeof(why), "the link MTU %u is below IPv6's minimum of 1280", t->mtu);
        ipv6_give_up(t, why);
    } else if (t->cfg && t->cfg->ipv6_off(t->cfg, why, sizeof(why))) {
        ipv6_give_up(t, why);
    }
}

static void ipv6cp_up(struct tunnel *t, const struct ppp_event *ev)
{
    if (t->ipv6_refuse)
        return; /* given up already: the engine is told next */
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
    if (iface_up(t) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "%s", t->cfg_err);
        return;
    }
    /* The server's Address6 sits on every user's tunnel: each routes only
     * its own user's addresses and networks (routes_up), not the prefix. */
    bool prefix_route = !t->p->duties.own_routes_only;
    int r = 0;
    struct cfg_request link_local = {.kind = CFG_IPV6_UP, .prefix = ll, .prefix_route = true},
                       address6 = {.kind = CFG_IPV6_UP,
                                   .prefix = t->p->net.address6,
                                   .prefix_route = prefix_route};
    if (configure(t, &link_local) < 0 || (t->p->net.has_address6 && configure(t, &address6) < 0) ||
        (r = routes_up(t, AF_INET6)) < 0 || gateway_up(t, AF_INET6) < 0) {
        if (r == -2) /* a Route covers the transport: routes_up failed the tunnel */
            return;
        char why[sizeof(t->ipv6_off)];
        snprintf(why, sizeof(why), "%s", t->cfg_err);
        configure_down(t, AF_INET6);
        ipv6_give_up(t, why);
        return;
    }
    t->ipv6cp_up = t->ipv6_configured = true;
    if (!t->p->ppp.ipv4)
        link_is_up(t);
}

/* IPCP will give us no IPv4: a client that wants it has no link to call
 * up (pppd would carry on with IPv6 alone; `up` promises the addresses). */
static void ipcp_gave_up(struct tunnel *t, const char *reason)
{
    if (!t->p->duties.require_ipv4 || !t->p->ppp.ipv4)
        return;
    if (!t->reported_up)
        tunnel_fail(t, RUN_EXIT_NEGOTIATION, "PPP negotiation failed: IPCP: %s", reason);
    else
        supervisor_end_session(&t->sup, reason);
}

static void phase(struct tunnel *t, const struct ppp_event *ev)
{
    /* The engine logs the transition itself; Dead is read from it
     * (tunnel_link_dead) by the supervisor. */
    if (ev->u.phase.phase == PPP_PHASE_TERMINATE && ev->u.phase.cause == PPP_CAUSE_PEER_DEAD)
        supervision_peer_dead(t);
}

static void handle_event(struct tunnel *t, const struct ppp_event *ev)
{
    switch (ev->type) {
    case PPP_EV_PHASE:
        phase(t, ev);
        break;
    case PPP_EV_LCP_UP: {
        /* With offload a packet carries a header of ours in its frame:
         * one of a whole MTU must still fit the peer's MRU. */
        unsigned room = ev->u.lcp.mru_tx - (ev->u.lcp.offload_tx ? PPP_OFFLOAD_HEADER_LEN : 0);
        t->mtu = room < t->p->net.mtu ? room : t->p->net.mtu;
        tun_offload_link_up(t, ev);
        /* With offloads both ways, TCP's packets cross whole up to the
         * GSO size whatever the MTU.  A larger MTU would only give a TCP
         * connection that ends on a tunnel address (the server's own) a
         * 64 KiB MSS: every segment then holds the stream for its whole
         * length (26 ms at 20 Mbit/s), and tcp_tso_autosize, which keeps
         * GSO bursts to a millisecond of the flow's rate, cannot cut a
         * segment (issue 15). */
        if (t->pump.offload_on && ev->u.lcp.offload_rx && t->p->net.mtu == RUN_MTU_MAX &&
            t->mtu > RUN_OFFLOAD_MTU)
            t->mtu = RUN_OFFLOAD_MTU;
        log_info("interface MTU %u", t->mtu);
        ipv6_check_session(t);
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
        if (!supervision_keeps_config(t))
            configure_down(t, AF_INET);
        break;
    case PPP_EV_IPV6CP_UP:
        ipv6cp_up(t, ev);
        break;
    case PPP_EV_IPV6CP_DOWN:
        t->ipv6cp_up = false;
        if (!supervision_keeps_config(t)) {
            configure_down(t, AF_INET6);
            t->ipv6_configured = false;
        }
        break;
    case PPP_EV_IPCP_FAILED:
        ipcp_gave_up(t, ev->u.failure.reason);
        break;
    case PPP_EV_ECHO_RTT:
        t->echo_rtt = ev->u.echo_rtt;
        tun_echo_rtt(t, ev->u.echo_rtt);
        supervision_echo_reply(t);
        break;
    }
}

/* The engine's event callback: recorded only (evqueue.h). */
void engine_event(void *user, const struct ppp_event *ev)
{
    struct tunnel *t = user;
    evqueue_record(&t->events, ev);
}

/* What the engine asked of us while it ran, done now that it has
 * returned; what these calls into it cause joins the queue. */
static void engine_requests(struct tunnel *t)
{
    if (t->ipv6_refuse) {
        t->ipv6_refuse = false;
        ppp_link_refuse_ipv6(t->link, t->now, t->ipv6_off);
    }
    if (t->pump.offload_refuse) {
        t->pump.offload_refuse = false;
        ppp_link_refuse_offload(t->link);
    }
    if (evqueue_take_overflow(&t->events))
        supervisor_end_session(&t->sup, "the peer caused more link events in one read than a PPP "
                                        "peer can");
}

void engine_settle(struct tunnel *t)
{
    struct ppp_event ev;
    char reason[EVQUEUE_REASON];
    if (!t->link)
        return;
    for (unsigned rounds = 0; rounds < 2 * EVQUEUE_MAX; rounds++) {
        if (evqueue_next(&t->events, &ev)) {
            if (ev.type == PPP_EV_IPCP_FAILED) { /* its slot may be reused meanwhile */
                snprintf(reason, sizeof(reason), "%s", ev.u.failure.reason);
                ev.u.failure.reason = reason;
            }
            handle_event(t, &ev);
        } else if (t->ipv6_refuse || t->pump.offload_refuse || t->events.overflowed) {
            engine_requests(t);
        } else {
            return;
        }
    }
}

void engine_log(void *user, enum ppp_log_level level, const char *line)
{
    (void)user;
    static const enum log_level map[] = {
        [PPP_LOG_ERROR] = LOG_LEVEL_ERROR,
        [PPP_LOG_WARN] = LOG_LEVEL_WARN,
        [PPP_LOG_INFO] = LOG_LEVEL_INFO,
        [PPP_LOG_DEBUG] = LOG_LEVEL_DEBUG,
    };
    log_msg(map[level], "%s", line);
}
