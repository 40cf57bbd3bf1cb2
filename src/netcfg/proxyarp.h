/*
 * proxyarp.h - pppd's "proxyarp" for pppssh serve: the server answers ARP
 * on the LAN for a client whose tunnel address lies in the LAN's subnet,
 * so that LAN hosts reach it with no route of their own.  Like pppd (which
 * uses SIOCSARP with ATF_PUBL), one proxy neighbour entry for the client's
 * address on the LAN interface; no interface-wide proxy_arp sysctl, which
 * would answer for every address routed elsewhere.
 *
 * Written here rather than in src/os/netlink.h, which has no neighbour
 * calls; a candidate to move there.
 */
#ifndef PPPSSH_NETCFG_PROXYARP_H
#define PPPSSH_NETCFG_PROXYARP_H

#include <net/if.h>
#include <netinet/in.h>
#include <stddef.h>

/* The interface (not exclude, not lo) with a directly connected IPv4
 * route containing addr, longest prefix first: 0 and ifname set, or
 * -ENOENT with err set. */
int proxyarp_find_lan(struct in_addr addr, const char *exclude, char ifname[IFNAMSIZ], char *err,
                      size_t errlen);

/* Adds / deletes the proxy neighbour entry "ip neigh add proxy ADDR dev IF".
 * Delete of a missing entry is 0.  0 or -errno with err set. */
int proxyarp_add(const char *ifname, struct in_addr addr, char *err, size_t errlen);
int proxyarp_del(const char *ifname, struct in_addr addr, char *err, size_t errlen);

#endif
