/*
 * netcfg.c - apply and undo a tunnel's changes to the system.
 */
#include "netcfg.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns.h"
#include "log.h"
#include "nat.h"
#include "proxyarp.h"

/* Default routes of interface N live in table 0x53530000 + N, and its
 * rules at priorities 20000 + 3 * (N % 1000) .. + 2: deterministic, so a
 * leftover from a crashed run can be found, and distinct per tunnel. */
uint32_t netcfg_table(unsigned ifindex)
{
    return 0x53530000u + ifindex;
}
uint32_t netcfg_rule_priority(unsigned ifindex)
{
    return 20000u + 3u * (ifindex % 1000u);
}

void netcfg_init(struct netcfg *nc, const char *ifname, unsigned ifindex)
{
    memset(nc, 0, sizeof(*nc));
    snprintf(nc->ifname, sizeof(nc->ifname), "%s", ifname);
    nc->ifindex = ifindex;
}

static struct netcfg_change *record(struct netcfg *nc, enum netcfg_kind kind, int family)
{
    if (nc->n == NETCFG_MAX_CHANGES)
        return NULL;
    struct netcfg_change *c = &nc->changes[nc->n++];
    memset(c, 0, sizeof(*c));
    c->kind = kind;
    c->family = family;
    return c;
}

static int full(struct netcfg *nc)
{
    snprintf(nc->err, sizeof(nc->err), "too many changes to %s to keep track of", nc->ifname);
    return -ENOSPC;
}

int netcfg_mtu_up(struct netcfg *nc, unsigned mtu)
{
    log_info("[#] ip link set %s mtu %u up", nc->ifname, mtu);
    int r = nl_link_set_mtu(nc->ifname, mtu, nc->err, sizeof(nc->err));
    /* Best effort: a host with IPv6 disabled refuses it and needs nothing. */
    if (r == 0 && nl_link_no_ipv6_autoconf(nc->ifname, nc->err, sizeof(nc->err)) < 0)
        log_debug("%s", nc->err);
    if (r == 0)
        r = nl_link_set_up(nc->ifname, true, nc->err, sizeof(nc->err));
    return r;
}

int netcfg_addr4(struct netcfg *nc, struct in_addr local, struct in_addr peer)
{
    char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &local, a, sizeof(a));
    inet_ntop(AF_INET, &peer, b, sizeof(b));
    log_info("[#] ip addr add %s peer %s/32 dev %s", a, b, nc->ifname);
    struct netcfg_change *c = record(nc, NETCFG_ADDR4, AF_INET);
    if (!c)
        return full(nc);
    int r = nl_addr_add_p2p4(nc->ifname, local, peer, nc->err, sizeof(nc->err));
    if (r < 0) {
        nc->n--;
        return r;
    }
    c->u.addr4.local = local;
    c->u.addr4.peer = peer;
    return 0;
}

int netcfg_addr6(struct netcfg *nc, const struct os_prefix *addr, bool prefix_route)
{
    char text[OS_PREFIX_TEXT_MAX];
    log_info("[#] ip -6 addr add %s dev %s nodad%s", os_prefix_format(addr, text, sizeof(text)),
             nc->ifname, prefix_route ? "" : " noprefixroute");
    struct netcfg_change *c = record(nc, NETCFG_ADDR6, AF_INET6);
    if (!c)
        return full(nc);
    unsigned flags = NL_ADDR6_NODAD | (prefix_route ? 0 : NL_ADDR6_NOPREFIXROUTE);
    int r = nl_addr_add6(nc->ifname, addr, flags, nc->err, sizeof(nc->err));
    if (r < 0) {
        nc->n--;
        return r;
    }
    c->u.addr6 = *addr;
    return 0;
}

static int add_route(struct netcfg *nc, const struct nl_route *route)
{
    char text[OS_PREFIX_TEXT_MAX];
    if (route->table)
        log_info("[#] ip route add %s dev %s table %u",
                 os_prefix_format(&route->dst, text, sizeof(text)), nc->ifname, route->table);
    else
        log_info("[#] ip route add %s dev %s", os_prefix_format(&route->dst, text, sizeof(text)),
                 nc->ifname);
    struct netcfg_change *c = record(nc, NETCFG_ROUTE, route->dst.ip.family);
    if (!c)
        return full(nc);
    int r = nl_route_add(route, nc->err, sizeof(nc->err));
    if (r < 0) {
        nc->n--;
        return r;
    }
    c->u.route = *route;
    return 0;
}

static int add_rule(struct netcfg *nc, const struct nl_rule *rule, const char *what)
{
    log_info("[#] ip%s rule add priority %u %s", rule->family == AF_INET6 ? " -6" : "",
             rule->priority, what);
    struct netcfg_change *c = record(nc, NETCFG_RULE, rule->family);
    if (!c)
        return full(nc);
    int r = nl_rule_add(rule, nc->err, sizeof(nc->err));
    if (r < 0) {
        nc->n--;
        return r;
    }
    c->u.rule = *rule;
    return 0;
}

/* wg-quick's trio, with the SSH server's address pinned to main first:
 *   P    to SERVER lookup main                  (the transport stays outside)
 *   P+1  lookup main suppress_prefixlength 0    (main's specific routes win)
 *   P+2  lookup T                               (T: default dev IF)        */
static int default_route(struct netcfg *nc, const struct os_prefix *dst,
                         const struct os_ip *keep_outside)
{
    int family = dst->ip.family;
    uint32_t prio = netcfg_rule_priority(nc->ifindex);
    struct nl_rule rule;
    int r;

    if (keep_outside && keep_outside->family == family) {
        nl_rule_init(&rule, family);
        rule.priority = prio;
        rule.has_to = true;
        rule.to.ip = *keep_outside;
        rule.to.len = family == AF_INET ? 32 : 128;
        char text[INET6_ADDRSTRLEN], what[96];
        snprintf(what, sizeof(what), "to %s lookup main",
                 os_ip_format(keep_outside, text, sizeof(text)));
        if ((r = add_rule(nc, &rule, what)) < 0)
            return r;
    } else if (keep_outside && keep_outside->family) {
        log_warn("the SSH server is not reached over IPv%d: no exception needed",
                 family == AF_INET ? 4 : 6);
    }
    nl_rule_init(&rule, family);
    rule.priority = prio + 1;
    rule.suppress_prefixlen = 0;
    if ((r = add_rule(nc, &rule, "lookup main suppress_prefixlength 0")) < 0)
        return r;

    struct nl_route route = {
        .dst = *dst, .ifindex = nc->ifindex, .table = netcfg_table(nc->ifindex)};
    if ((r = add_route(nc, &route)) < 0)
        return r;
    nl_rule_init(&rule, family);
    rule.priority = prio + 2;
    rule.table = route.table;
    char what[32];
    snprintf(what, sizeof(what), "lookup %u", route.table);
    return add_rule(nc, &rule, what);
}

int netcfg_route(struct netcfg *nc, const struct os_prefix *dst, const struct os_ip *keep_outside)
{
    if (dst->len == 0)
        return default_route(nc, dst, keep_outside);
    struct nl_route route = {.dst = *dst, .ifindex = nc->ifindex};
    return add_route(nc, &route);
}

int netcfg_dns(struct netcfg *nc, const struct os_ip *dns, size_t n, long long now_ms)
{
    if (n == 0)
        return 0;
    struct netcfg_change *c = record(nc, NETCFG_DNS, AF_INET);
    if (!c)
        return full(nc);
    dns_apply_cancel(&nc->dns); /* a reconnect's new set replaces one still being applied */
    int r = dns_apply_start(&nc->dns, nc->ifname, dns, n, DNS_TIMEOUT_MS, now_ms, nc->err,
                            sizeof(nc->err));
    if (r < 0)
        nc->n--;
    return r;
}

void netcfg_poll(struct netcfg *nc, long long now_ms)
{
    dns_apply_poll(&nc->dns, now_ms);
    nat_poll(&nc->nat, now_ms);
}

long long netcfg_expiry(const struct netcfg *nc)
{
    long long dns = dns_apply_expiry(&nc->dns), nat = nat_expiry(&nc->nat);
    return dns < 0 || (nat >= 0 && nat < dns) ? nat : dns;
}

int netcfg_proxy_arp(struct netcfg *nc, struct in_addr addr)
{
    char lan[IFNAMSIZ], text[INET_ADDRSTRLEN];
    int r = proxyarp_find_lan(addr, nc->ifname, lan, nc->err, sizeof(nc->err));
    if (r < 0)
        return r;
    log_info("[#] ip neigh add proxy %s dev %s", inet_ntop(AF_INET, &addr, text, sizeof(text)),
             lan);
    struct netcfg_change *c = record(nc, NETCFG_PROXY_ARP, AF_INET);
    if (!c)
        return full(nc);
    r = proxyarp_add(lan, addr, nc->err, sizeof(nc->err));
    if (r < 0) {
        nc->n--;
        return r;
    }
    snprintf(c->u.proxy.lan, sizeof(c->u.proxy.lan), "%s", lan);
    c->u.proxy.addr = addr;
    return 0;
}

static int read_sysctl(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, buf, size - 1);
    int e = errno;
    close(fd);
    if (n < 0)
        return -e;
    buf[n] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

static int write_sysctl(const char *path, const char *value)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    ssize_t n = write(fd, value, strlen(value));
    int e = errno;
    close(fd);
    return n < 0 ? -e : 0;
}

static int sysctl_of(struct netcfg *nc, const char *path, const char *value, int family)
{
    struct netcfg_change *c = record(nc, NETCFG_SYSCTL, family);
    if (!c)
        return full(nc);
    snprintf(c->u.sysctl_path, sizeof(c->u.sysctl_path), "/proc/sys/%s", path);
    int r = read_sysctl(c->u.sysctl_path, c->sysctl_old, sizeof(c->sysctl_old));
    if (r == 0) {
        log_info("[#] sysctl -w %s=%s", path, value);
        r = write_sysctl(c->u.sysctl_path, value);
    }
    if (r < 0) {
        snprintf(nc->err, sizeof(nc->err), "cannot set %s: %s", path, strerror(-r));
        nc->n--;
    }
    return r;
}

int netcfg_sysctl(struct netcfg *nc, const char *path, const char *value)
{
    return sysctl_of(nc, path, value, AF_INET);
}

int netcfg_forward(struct netcfg *nc, int family)
{
    if (family == AF_INET)
        return sysctl_of(nc, "net/ipv4/ip_forward", "1", AF_INET);
    if (family == AF_INET6)
        return sysctl_of(nc, "net/ipv6/conf/all/forwarding", "1", AF_INET6);
    snprintf(nc->err, sizeof(nc->err), "forwarding: no such family %d", family);
    return -EINVAL;
}

int netcfg_masquerade(struct netcfg *nc, const char *oif, long long now_ms)
{
    char table[32], json[NAT_JSON_MAX];
    if (!oif || !oif[0])
        oif = nc->ifname;
    nat_table_name(nc->ifname, table, sizeof(table));
    if (nat_masquerade_json(table, oif, json, sizeof(json)) < 0) {
        snprintf(nc->err, sizeof(nc->err), "Masquerade: interface name '%s' or '%s' not usable",
                 oif, nc->ifname);
        return -EINVAL;
    }
    struct netcfg_change *c = record(nc, NETCFG_MASQUERADE, AF_INET);
    if (!c)
        return full(nc);
    log_info("[#] nft add rule inet %s postrouting oifname \"%s\" masquerade", table, oif);
    int r = nat_start(&nc->nat, json, now_ms, nc->err, sizeof(nc->err));
    if (r < 0) {
        nc->n--;
        return r;
    }
    snprintf(c->u.nat_table, sizeof(c->u.nat_table), "%s", table);
    return 0;
}

static int masquerade_del(const char *table, char *err, size_t size)
{
    char json[NAT_JSON_MAX];
    if (nat_delete_json(table, json, sizeof(json)) < 0)
        return 0;
    log_info("[#] nft delete table inet %s", table);
    return nat_run(json, err, size);
}

void netcfg_harden(struct netcfg *nc)
{
    /* RFC 4861 sections 6.3.4 and 8: a host acts on any Router
     * Advertisement or Redirect its link brings; on a tunnel the link is
     * the peer, which must not route this host (nor autoconfigure it). */
    static const char *const keys[] = {"ipv6/conf/%s/accept_ra", "ipv6/conf/%s/accept_redirects",
                                       "ipv6/conf/%s/autoconf", "ipv4/conf/%s/accept_redirects"};
    char path[128], done[512] = "";
    size_t len = 0;
    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        char key[96];
        snprintf(key, sizeof(key), keys[i], nc->ifname);
        snprintf(path, sizeof(path), "/proc/sys/net/%s", key);
        int r = write_sysctl(path, "0");
        if (r < 0) {
            log_debug("not set: %s: %s", path, strerror(-r));
            continue;
        }
        for (char *p = key; *p; p++) /* sysctl(8) spells the path with dots */
            if (*p == '/')
                *p = '.';
        if (len < sizeof(done))
            len += (size_t)snprintf(done + len, sizeof(done) - len, " net.%s=0", key);
    }
    if (len)
        log_info("[#] sysctl -w%s", done);
}

bool netcfg_ipv6_off(const struct netcfg *nc, char *why, size_t size)
{
    char path[128], value[16];
    snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", nc->ifname);
    if (read_sysctl(path, value, sizeof(value)) < 0) {
        snprintf(why, size, "%s has no IPv6 (no %s)", nc->ifname, path);
        return true;
    }
    if (strcmp(value, "0") == 0)
        return false;
    snprintf(why, size, "IPv6 is disabled on %s (net.ipv6.conf.%s.disable_ipv6 = %s)", nc->ifname,
             nc->ifname, value);
    return true;
}

static void undo_one(struct netcfg *nc, const struct netcfg_change *c)
{
    char err[256] = "";
    int r = 0;
    switch (c->kind) {
    case NETCFG_ADDR4:
        r = nl_addr_del_p2p4(nc->ifname, c->u.addr4.local, c->u.addr4.peer, err, sizeof(err));
        break;
    case NETCFG_ADDR6:
        r = nl_addr_del6(nc->ifname, &c->u.addr6, err, sizeof(err));
        break;
    case NETCFG_ROUTE:
        r = nl_route_del(&c->u.route, err, sizeof(err));
        break;
    case NETCFG_RULE:
        r = nl_rule_del(&c->u.rule, err, sizeof(err));
        break;
    case NETCFG_DNS:
        dns_apply_cancel(&nc->dns);
        r = dns_remove(nc->ifname, err, sizeof(err));
        break;
    case NETCFG_PROXY_ARP:
        r = proxyarp_del(c->u.proxy.lan, c->u.proxy.addr, err, sizeof(err));
        break;
    case NETCFG_MASQUERADE:
        /* An add still running would commit after our delete: it goes first. */
        nat_cancel(&nc->nat);
        r = masquerade_del(c->u.nat_table, err, sizeof(err));
        break;
    case NETCFG_SYSCTL:
        r = write_sysctl(c->u.sysctl_path, c->sysctl_old);
        if (r < 0)
            snprintf(err, sizeof(err), "cannot restore %s: %s", c->u.sysctl_path, strerror(-r));
        break;
    }
    /* The interface may already be gone, taking its addresses and routes
     * with it: that is the outcome we wanted. */
    if (r < 0 && r != -ENODEV)
        log_warn("undo: %s", err);
}

void netcfg_undo(struct netcfg *nc, int family)
{
    size_t kept = 0;
    for (size_t i = nc->n; i-- > 0;) {
        if (family == AF_UNSPEC || nc->changes[i].family == family)
            undo_one(nc, &nc->changes[i]);
    }
    for (size_t i = 0; i < nc->n; i++) {
        if (!(family == AF_UNSPEC || nc->changes[i].family == family))
            nc->changes[kept++] = nc->changes[i];
    }
    nc->n = kept;
}

bool netcfg_has_addr4(const struct netcfg *nc)
{
    for (size_t i = 0; i < nc->n; i++)
        if (nc->changes[i].kind == NETCFG_ADDR4)
            return true;
    return false;
}
