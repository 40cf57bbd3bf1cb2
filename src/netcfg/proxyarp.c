/*
 * proxyarp.c - proxy neighbour entries (rtnetlink via libmnl) and finding
 * the LAN interface from /proc/net/route.
 */
#include "proxyarp.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int proxyarp_find_lan(struct in_addr addr, const char *exclude, char ifname[IFNAMSIZ], char *err,
                      size_t errlen)
{
    FILE *f = fopen("/proc/net/route", "re");
    char line[256], name[IFNAMSIZ];
    unsigned dest, gateway, flags, mask, best_mask = 0;
    bool found = false;
    if (!f) {
        snprintf(err, errlen, "cannot read /proc/net/route: %s", strerror(errno));
        return -errno;
    }
    /* Iface Destination Gateway Flags RefCnt Use Metric Mask ...; the
     * addresses are network-order words printed in hex. */
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%15s %x %x %x %*d %*d %*d %x", name, &dest, &gateway, &flags, &mask) != 5)
            continue;
        if (gateway != 0 || mask == 0 || !strcmp(name, "lo") || !strcmp(name, exclude))
            continue;
        if ((addr.s_addr & mask) != dest || (found && ntohl(mask) <= ntohl(best_mask)))
            continue;
        memcpy(ifname, name, IFNAMSIZ);
        best_mask = mask;
        found = true;
    }
    fclose(f);
    if (!found) {
        char text[INET_ADDRSTRLEN];
        snprintf(err, errlen, "ProxyArp: no LAN interface has a subnet containing %s",
                 inet_ntop(AF_INET, &addr, text, sizeof(text)));
        return -ENOENT;
    }
    return 0;
}

static int neigh_request(uint16_t type, uint16_t flags, unsigned ifindex, struct in_addr addr)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    nlh->nlmsg_seq = (unsigned)time(NULL);
    struct ndmsg *ndm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ndm));
    ndm->ndm_family = AF_INET;
    ndm->ndm_ifindex = (int)ifindex;
    ndm->ndm_state = NUD_PERMANENT;
    ndm->ndm_flags = NTF_PROXY;
    mnl_attr_put(nlh, NDA_DST, sizeof(addr), &addr);

    struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    if (!nl)
        return -errno;
    int rc = 0;
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
        mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
        rc = -errno;
    } else {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
        if (n < 0)
            rc = -errno;
        else if (mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, mnl_socket_get_portid(nl), NULL, NULL) <
                 0)
            rc = -errno;
    }
    mnl_socket_close(nl);
    return rc;
}

static int change(uint16_t type, uint16_t flags, const char *ifname, struct in_addr addr, char *err,
                  size_t errlen)
{
    char text[INET_ADDRSTRLEN];
    unsigned ifindex = if_nametoindex(ifname);
    int r = ifindex ? neigh_request(type, flags, ifindex, addr) : -ENODEV;
    if (type == RTM_DELNEIGH && r == -ENOENT)
        r = 0;
    if (r < 0)
        snprintf(err, errlen, "cannot %s proxy neighbour %s dev %s: %s",
                 type == RTM_NEWNEIGH ? "add" : "delete",
                 inet_ntop(AF_INET, &addr, text, sizeof(text)), ifname, strerror(-r));
    return r;
}

int proxyarp_add(const char *ifname, struct in_addr addr, char *err, size_t errlen)
{
    return change(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ifname, addr, err, errlen);
}

int proxyarp_del(const char *ifname, struct in_addr addr, char *err, size_t errlen)
{
    return change(RTM_DELNEIGH, 0, ifname, addr, err, errlen);
}
