/*
 * netlink.h - interface, address, route and policy-rule changes through
 * rtnetlink (libmnl).  Every call opens a NETLINK_ROUTE socket in the
 * caller's current network namespace, sends one request, waits for the
 * kernel's acknowledgement and closes the socket.
 *
 * Every function returns 0 or -errno (the kernel's error from NLMSG_ERROR
 * when it refused) and, on failure, writes ONE line into err saying what
 * failed and why, e.g. "cannot add route 198.19.0.0/24 dev vpn0: File
 * exists (a route to it is already installed)".
 */
#ifndef PPPSSH_OS_NETLINK_H
#define PPPSSH_OS_NETLINK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

/* Interface index of ifname: 0 and *ifindex set, -ENODEV if no such link. */
int nl_link_index(const char *ifname, unsigned *ifindex, char *err, size_t errlen);

/* true if an interface called ifname exists (errors count as "no"). */
bool nl_link_exists(const char *ifname);

/* Sets the interface administratively up (up = true) or down. */
int nl_link_set_up(const char *ifname, bool up, char *err, size_t errlen);
/* Stop the kernel from forming an fe80:: address of its own on ifname
 * (IFLA_INET6_ADDR_GEN_MODE none): on a PPP link the link-local addresses
 * come from the identifiers IPV6CP negotiated (RFC 5072 section 5). */
int nl_link_no_ipv6_autoconf(const char *ifname, char *err, size_t errlen);

/* Sets the interface MTU (bytes). */
int nl_link_set_mtu(const char *ifname, unsigned mtu, char *err, size_t errlen);

/* The largest GSO packet the kernel may hand the interface (ip link set
 * dev IFNAME gso_max_size SIZE; Linux 5.19 and later), read back to be
 * sure: -EOPNOTSUPP when the kernel kept another. */
int nl_link_set_gso_max_size(const char *ifname, unsigned size, char *err, size_t errlen);

/* Deletes the interface; -ENODEV (with err set) if it does not exist. */
int nl_link_delete(const char *ifname, char *err, size_t errlen);

/* Adds / deletes the point-to-point IPv4 address "local peer peer/32"
 * (IFA_LOCAL = local, IFA_ADDRESS = peer), as pppd configures a PPP link.
 * Add of an existing address is -EEXIST; delete of a missing one is 0. */
int nl_addr_add_p2p4(const char *ifname, struct in_addr local, struct in_addr peer, char *err,
                     size_t errlen);
int nl_addr_del_p2p4(const char *ifname, struct in_addr local, struct in_addr peer, char *err,
                     size_t errlen);

/* Adds / deletes an IPv6 address with its prefix length, e.g.
 * fd00:5353::2/64 or the link-local fe80::<ifid>/64, with flags:
 * NL_ADDR6_NODAD skips duplicate address detection (IFA_F_NODAD): on a
 * point-to-point link the peer's identifier was negotiated by IPV6CP to
 * differ (RFC 5072 4.1).  NL_ADDR6_NOPREFIXROUTE keeps the kernel from
 * routing the whole prefix to the interface (IFA_F_NOPREFIXROUTE): the
 * server puts its one address on every user's tunnel, and each tunnel
 * gets routes to its own user's addresses only.
 * Add of an existing address is -EEXIST; delete of a missing one is 0. */
enum { NL_ADDR6_NODAD = 1, NL_ADDR6_NOPREFIXROUTE = 2 };
int nl_addr_add6(const char *ifname, const struct os_prefix *addr, unsigned flags, char *err,
                 size_t errlen);
int nl_addr_del6(const char *ifname, const struct os_prefix *addr, char *err, size_t errlen);

/* A route "dst dev <ifindex> [metric M] [table T]" (no gateway: the
 * interface is point-to-point). */
struct nl_route {
    struct os_prefix dst; /* must be a network (host bits zero) */
    unsigned ifindex;
    uint32_t table;  /* 0 = main (RT_TABLE_MAIN) */
    uint32_t metric; /* RTA_PRIORITY; 0 = none */
};

/* Adds a route.  A route that already exists is an error (-EEXIST, with
 * err saying so): we never silently install a duplicate nor take over
 * someone else's route. */
int nl_route_add(const struct nl_route *route, char *err, size_t errlen);

/* Deletes a route; one that is not there (-ENOENT/-ESRCH) counts as done (0). */
int nl_route_del(const struct nl_route *route, char *err, size_t errlen);

/*
 * Lists the unicast routes whose output interface is ifindex, in every
 * table, family AF_INET, AF_INET6 or AF_UNSPEC (both).  Only routes
 * someone installed are listed: the kernel's own (RTPROT_KERNEL: the peer
 * /32 of a p2p address, an IPv6 address's prefix route, fe80::/64) and
 * local/multicast entries are skipped.  table 0 in the result = main.
 * Up to max routes are stored; *count receives the total number found
 * (which may exceed max).
 */
int nl_route_list(unsigned ifindex, int family, struct nl_route *out, size_t max, size_t *count,
                  char *err, size_t errlen);

/* A policy-routing rule (ip rule), e.g. the wg-quick trio that lets
 * "Route = 0.0.0.0/0" go through the tunnel while the ssh server stays
 * reachable outside it:
 *   priority P   to <server>/32 lookup main
 *   priority P+1 lookup main suppress_prefixlength 0
 *   priority P+2 lookup T        (table T: default dev vpn0)  */
struct nl_rule {
    int family;        /* AF_INET or AF_INET6 */
    uint32_t priority; /* FRA_PRIORITY; 0 = let the kernel choose */
    uint32_t table;    /* FRA_TABLE; 0 = main */
    bool invert;       /* FIB_RULE_INVERT: "not ..." */
    bool has_fwmark;
    uint32_t fwmark;        /* FRA_FWMARK (mask all ones) */
    int suppress_prefixlen; /* FRA_SUPPRESS_PREFIXLEN; -1 = none */
    bool has_to;
    struct os_prefix to; /* FRA_DST ("to PREFIX") */
};

/* Initializes a rule with no selectors: family, table main, suppress -1. */
void nl_rule_init(struct nl_rule *rule, int family);

/* Adds a rule; an identical rule already present is -EEXIST. */
int nl_rule_add(const struct nl_rule *rule, char *err, size_t errlen);

/* Deletes a rule matching every field set; a missing rule is 0. */
int nl_rule_del(const struct nl_rule *rule, char *err, size_t errlen);

/* Reads net.ipv4.ip_forward (family AF_INET) or
 * net.ipv6.conf.all.forwarding (AF_INET6) into *on. */
int os_ip_forwarding(int family, bool *on, char *err, size_t errlen);

#endif
