/*
 * netcfg.h - the changes a tunnel makes to the system (addresses, routes,
 * policy rules, resolvers, sysctls), remembered in order so that they can
 * be undone in reverse whatever fails half-way (wg-quick's manners: each
 * change is logged as it is made).
 */
#ifndef PPPSSH_NETCFG_NETCFG_H
#define PPPSSH_NETCFG_NETCFG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "dns.h"
#include "nat.h"
#include "netlink.h"

#define NETCFG_MAX_CHANGES 160

enum netcfg_kind {
    NETCFG_ADDR4,
    NETCFG_ADDR6,
    NETCFG_ROUTE,
    NETCFG_RULE,
    NETCFG_DNS,
    NETCFG_SYSCTL,
    NETCFG_PROXY_ARP,
    NETCFG_MASQUERADE,
};

struct netcfg_change {
    enum netcfg_kind kind;
    int family; /* which protocol's "down" removes it: AF_INET or AF_INET6 */
    union {
        struct {
            struct in_addr local, peer;
        } addr4;
        struct os_prefix addr6;
        struct nl_route route;
        struct nl_rule rule;
        char sysctl_path[128];
        struct {
            char lan[IFNAMSIZ];
            struct in_addr addr;
        } proxy;
        char nat_table[32]; /* nat.h: "pppssh-IFNAME" */
    } u;
    char sysctl_old[16];
};

struct netcfg {
    char ifname[IFNAMSIZ];
    unsigned ifindex;
    struct netcfg_change changes[NETCFG_MAX_CHANGES];
    size_t n;
    char err[256];            /* why the last call failed */
    struct dns_apply_job dns; /* resolvers being applied, beside the link */
    struct nat_job nat;       /* Masquerade's table being written, beside the link */
};

void netcfg_init(struct netcfg *nc, const char *ifname, unsigned ifindex);

/* Each returns 0, or -errno with nc->err set; what succeeded is recorded. */
int netcfg_mtu_up(struct netcfg *nc, unsigned mtu);
int netcfg_addr4(struct netcfg *nc, struct in_addr local, struct in_addr peer);
/* prefix_route = false: the address alone, no route to its prefix
 * (IFA_F_NOPREFIXROUTE; the server's Address6 on each user's tunnel). */
int netcfg_addr6(struct netcfg *nc, const struct os_prefix *addr, bool prefix_route);
/* A route into the tunnel.  A default route (length 0) goes into a table of
 * its own with the three wg-quick rules, so that keep_outside (the SSH
 * server) still uses the main table's route; see pppssh.8, ROUTING. */
int netcfg_route(struct netcfg *nc, const struct os_prefix *dst, const struct os_ip *keep_outside);
/* Starts applying the resolvers (dns.h: the loop polls the job through
 * netcfg_poll); recorded at once, so an undo reverts them. */
int netcfg_dns(struct netcfg *nc, const struct os_ip *dns, size_t n, long long now_ms);
/* SIGCHLD or netcfg_expiry() due: the resolver and nft jobs' next step. */
void netcfg_poll(struct netcfg *nc, long long now_ms);
long long netcfg_expiry(const struct netcfg *nc); /* -1: nothing runs */
/* Answers ARP for addr on the LAN interface whose subnet holds it. */
int netcfg_proxy_arp(struct netcfg *nc, struct in_addr addr);
/* Writes value to /proc/sys/<path>, remembering the old value. */
int netcfg_sysctl(struct netcfg *nc, const char *path, const char *value);
/* Forward = yes: forwarding on for family (net.ipv4.ip_forward,
 * net.ipv6.conf.all.forwarding) while that family is up; the old value is
 * restored by its down. */
int netcfg_forward(struct netcfg *nc, int family);
/* Masquerade =: packets leaving by oif (NULL or "": the tunnel) take its
 * address (nat.h: a table of our own, replaced if a crashed run left it,
 * deleted by the IPv4 down).  nft runs beside the link (netcfg_poll);
 * recorded at once, so an undo deletes the table. */
int netcfg_masquerade(struct netcfg *nc, const char *oif, long long now_ms);

/* Right after the interface is created: never take Router Advertisements,
 * redirects or autoconfigured addresses from the peer (accept_ra,
 * accept_redirects, autoconf = 0; IPv4 accept_redirects = 0).  Best
 * effort, not journalled (they go with the interface): on a host without
 * IPv6 the files are missing, and that is no reason to fail. */
void netcfg_harden(struct netcfg *nc);
/* IPv6 is off on the interface, with why: disable_ipv6 is set, or there
 * is no IPv6 configuration for it at all (no IPv6 in the kernel, or an
 * MTU below 1280 took it away). */
bool netcfg_ipv6_off(const struct netcfg *nc, char *why, size_t size);

/* Undoes, newest first, the changes of family (AF_UNSPEC = all). */
void netcfg_undo(struct netcfg *nc, int family);

/* The IPv4 address pair, 0 if none is set. */
bool netcfg_has_addr4(const struct netcfg *nc);

/* Routing table and first rule priority used for default routes. */
uint32_t netcfg_table(unsigned ifindex);
uint32_t netcfg_rule_priority(unsigned ifindex);

#endif
