/* netlink.c - links, addresses, routes and rules through rtnetlink (libmnl) */
#include "netlink.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errtext.h"

/* Large enough for a dump batch of routes; requests are much smaller. */
#define NL_BUF_SIZE 32768

/* One request/response exchange: send nlh, feed every reply to cb (may be
 * NULL) until the kernel's ACK, DONE or error.  Returns 0 or -errno, the
 * errno being the kernel's (NLMSG_ERROR) when it refused the request. */
static int nl_talk(struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
    char buf[NL_BUF_SIZE];
    struct mnl_socket *nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
    int rc = 0;

    if (!nl)
        return -errno;
    if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
        rc = -errno;
        goto out;
    }
    unsigned portid = mnl_socket_get_portid(nl);
    nlh->nlmsg_seq = (unsigned)time(NULL);
    nlh->nlmsg_flags |= NLM_F_ACK;
    if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
        rc = -errno;
        goto out;
    }
    for (;;) {
        ssize_t n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
        if (n < 0) {
            rc = -errno;
            break;
        }
        int r = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, cb, data);
        if (r <= MNL_CB_STOP) {
            rc = r < 0 ? -errno : 0;
            break;
        }
    }
out:
    mnl_socket_close(nl);
    return rc;
}

static struct nlmsghdr *nl_start(char *buf, uint16_t type, uint16_t flags)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    return nlh;
}

/* ---- links ---- */

struct link_info {
    unsigned ifindex;
    uint32_t gso_max_size; /* 0: not reported */
};

static int link_info_cb(const struct nlmsghdr *nlh, void *data)
{
    const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
    struct link_info *info = data;
    const struct nlattr *attr;
    if (nlh->nlmsg_type != RTM_NEWLINK)
        return MNL_CB_OK;
    info->ifindex = (unsigned)ifi->ifi_index;
    mnl_attr_for_each(attr, nlh, sizeof(*ifi))
    {
        if (mnl_attr_get_type(attr) == IFLA_GSO_MAX_SIZE &&
            mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
            info->gso_max_size = mnl_attr_get_u32(attr);
    }
    return MNL_CB_OK;
}

static int link_info(const char *ifname, struct link_info *info)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = nl_start(buf, RTM_GETLINK, 0);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));

    *info = (struct link_info){0};
    if (strlen(ifname) >= IFNAMSIZ || !*ifname)
        return -ENODEV;
    ifi->ifi_family = AF_UNSPEC;
    mnl_attr_put_strz(nlh, IFLA_IFNAME, ifname);
    int rc = nl_talk(nlh, link_info_cb, info);
    if (rc == 0 && info->ifindex == 0)
        rc = -ENODEV;
    return rc;
}

static int link_index(const char *ifname, unsigned *ifindex)
{
    struct link_info info;
    int rc = link_info(ifname, &info);
    *ifindex = info.ifindex;
    return rc;
}

int nl_link_index(const char *ifname, unsigned *ifindex, char *err, size_t errlen)
{
    int rc = link_index(ifname, ifindex);
    if (rc == -ENODEV)
        return errtext_set(rc, err, errlen, "no interface named '%s'", ifname);
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot look up interface '%s': %s", ifname,
                           strerror(-rc));
    return 0;
}

bool nl_link_exists(const char *ifname)
{
    unsigned ifindex;
    return link_index(ifname, &ifindex) == 0;
}

/* RTM_NEWLINK / RTM_DELLINK on an existing interface, with one u32
 * attribute unless attr is 0; what says what for err. */
static int link_change(const char *ifname, uint16_t type, unsigned flags, unsigned change,
                       uint16_t attr, uint32_t value, const char *what, char *err, size_t errlen)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    unsigned ifindex;
    int rc = nl_link_index(ifname, &ifindex, err, errlen);
    if (rc < 0)
        return rc;
    struct nlmsghdr *nlh = nl_start(buf, type, 0);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = (int)ifindex;
    ifi->ifi_flags = flags;
    ifi->ifi_change = change;
    if (attr)
        mnl_attr_put_u32(nlh, attr, value);
    rc = nl_talk(nlh, NULL, NULL);
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot %s '%s': %s%s", what, ifname, strerror(-rc),
                           errtext_priv_hint(rc));
    return 0;
}

int nl_link_set_up(const char *ifname, bool up, char *err, size_t errlen)
{
    return link_change(ifname, RTM_NEWLINK, up ? IFF_UP : 0, IFF_UP, 0, 0,
                       up ? "bring up interface" : "bring down interface", err, errlen);
}

int nl_link_no_ipv6_autoconf(const char *ifname, char *err, size_t errlen)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    unsigned ifindex;
    int rc = nl_link_index(ifname, &ifindex, err, errlen);
    if (rc < 0)
        return rc;
    struct nlmsghdr *nlh = nl_start(buf, RTM_NEWLINK, 0);
    struct ifinfomsg *ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
    ifi->ifi_family = AF_UNSPEC;
    ifi->ifi_index = (int)ifindex;
    struct nlattr *spec = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
    struct nlattr *inet6 = mnl_attr_nest_start(nlh, AF_INET6);
    mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
    mnl_attr_nest_end(nlh, inet6);
    mnl_attr_nest_end(nlh, spec);
    rc = nl_talk(nlh, NULL, NULL);
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot turn off IPv6 address generation on '%s': %s",
                           ifname, strerror(-rc));
    return 0;
}

int nl_link_set_mtu(const char *ifname, unsigned mtu, char *err, size_t errlen)
{
    char what[48];
    snprintf(what, sizeof(what), "set MTU %u on interface", mtu);
    if (mtu == 0)
        return errtext_set(-EINVAL, err, errlen, "cannot set MTU 0 on interface '%s'", ifname);
    return link_change(ifname, RTM_NEWLINK, 0, 0, IFLA_MTU, mtu, what, err, errlen);
}

int nl_link_set_gso_max_size(const char *ifname, unsigned size, char *err, size_t errlen)
{
    char what[64];
    struct link_info info;
    snprintf(what, sizeof(what), "set gso_max_size %u on interface", size);
    int rc = link_change(ifname, RTM_NEWLINK, 0, 0, IFLA_GSO_MAX_SIZE, size, what, err, errlen);
    if (rc < 0)
        return rc;
    /* Before Linux 5.19 the request is acknowledged and ignored. */
    rc = link_info(ifname, &info);
    if (rc == 0 && info.gso_max_size != size)
        rc = -EOPNOTSUPP;
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot %s '%s': %s", what, ifname,
                           rc == -EOPNOTSUPP ? "the kernel keeps its own" : strerror(-rc));
    return 0;
}

int nl_link_delete(const char *ifname, char *err, size_t errlen)
{
    return link_change(ifname, RTM_DELLINK, 0, 0, 0, 0, "delete interface", err, errlen);
}

/* ---- addresses ---- */

static int addr_request(uint16_t type, unsigned ifindex, const struct os_ip *local,
                        const struct os_ip *peer, unsigned prefixlen, unsigned ifa_flags)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = nl_start(buf, type, type == RTM_NEWADDR ? NLM_F_CREATE | NLM_F_EXCL : 0);
    struct ifaddrmsg *ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
    size_t alen = local->family == AF_INET ? sizeof(local->v4) : sizeof(local->v6);
    ifa->ifa_family = (unsigned char)local->family;
    ifa->ifa_prefixlen = (unsigned char)prefixlen;
    ifa->ifa_flags = (unsigned char)ifa_flags;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE;
    ifa->ifa_index = ifindex;
    mnl_attr_put(nlh, IFA_LOCAL, alen, &local->v4);
    mnl_attr_put(nlh, IFA_ADDRESS, alen, &peer->v4);
    if (ifa_flags > 0xff) /* IFA_F_NOPREFIXROUTE and later only fit here */
        mnl_attr_put_u32(nlh, IFA_FLAGS, ifa_flags);
    return nl_talk(nlh, NULL, NULL);
}

/* What a refused address add most likely means.  The kernel answers an
 * IPv6 address with EACCES only when IPv6 is disabled on the interface
 * (disable_ipv6), and with EINVAL when the interface has no IPv6 because
 * its MTU is below 1280 (RFC 8200 section 5); EPERM is privilege. */
static const char *addr_add_hint(int rc, int family)
{
    if (rc == -EEXIST)
        return " (already assigned)";
    if (family == AF_INET6 && rc == -EACCES)
        return " (IPv6 is disabled on the interface: sysctl disable_ipv6)";
    if (family == AF_INET6 && rc == -EINVAL)
        return " (an interface MTU below 1280 has no IPv6)";
    return errtext_priv_hint(rc);
}

/* Adds or deletes; "what" describes the address for the message. */
static int addr_change(uint16_t type, const char *ifname, const struct os_ip *local,
                       const struct os_ip *peer, unsigned prefixlen, unsigned ifa_flags,
                       const char *what, char *err, size_t errlen)
{
    bool add = type == RTM_NEWADDR;
    unsigned ifindex;
    int rc = nl_link_index(ifname, &ifindex, err, errlen);
    if (rc < 0)
        return rc;
    rc = addr_request(type, ifindex, local, peer, prefixlen, ifa_flags);
    if (rc == -EADDRNOTAVAIL && !add)
        return 0; /* already gone */
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot %s address %s %s '%s': %s%s",
                           add ? "add" : "delete", what, add ? "to" : "from", ifname, strerror(-rc),
                           add ? addr_add_hint(rc, local->family) : errtext_priv_hint(rc));
    return 0;
}

static int addr_p2p4(uint16_t type, const char *ifname, struct in_addr local, struct in_addr peer,
                     char *err, size_t errlen)
{
    struct os_ip l = {.family = AF_INET, .v4 = local}, p = {.family = AF_INET, .v4 = peer};
    char what[2 * INET6_ADDRSTRLEN + 16], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
    snprintf(what, sizeof(what), "%s peer %s", os_ip_format(&l, a, sizeof(a)),
             os_ip_format(&p, b, sizeof(b)));
    return addr_change(type, ifname, &l, &p, 32, 0, what, err, errlen);
}

int nl_addr_add_p2p4(const char *ifname, struct in_addr local, struct in_addr peer, char *err,
                     size_t errlen)
{
    return addr_p2p4(RTM_NEWADDR, ifname, local, peer, err, errlen);
}

int nl_addr_del_p2p4(const char *ifname, struct in_addr local, struct in_addr peer, char *err,
                     size_t errlen)
{
    return addr_p2p4(RTM_DELADDR, ifname, local, peer, err, errlen);
}

static int addr6(uint16_t type, const char *ifname, const struct os_prefix *addr, unsigned flags,
                 char *err, size_t errlen)
{
    char what[OS_PREFIX_TEXT_MAX];
    unsigned ifa_flags = (flags & NL_ADDR6_NODAD ? IFA_F_NODAD : 0) |
                         (flags & NL_ADDR6_NOPREFIXROUTE ? IFA_F_NOPREFIXROUTE : 0);
    if (addr->ip.family != AF_INET6)
        return errtext_set(-EINVAL, err, errlen, "not an IPv6 address");
    return addr_change(type, ifname, &addr->ip, &addr->ip, addr->len, ifa_flags,
                       os_prefix_format(addr, what, sizeof(what)), err, errlen);
}

int nl_addr_add6(const char *ifname, const struct os_prefix *addr, unsigned flags, char *err,
                 size_t errlen)
{
    return addr6(RTM_NEWADDR, ifname, addr, flags, err, errlen);
}

int nl_addr_del6(const char *ifname, const struct os_prefix *addr, char *err, size_t errlen)
{
    return addr6(RTM_DELADDR, ifname, addr, 0, err, errlen);
}

/* ---- routes ---- */

static size_t ip_len(int family)
{
    return family == AF_INET ? 4 : 16;
}

/* "198.19.0.0/24 dev vpn0 table 100 metric 5" for messages */
static const char *route_text(const struct nl_route *r, char *buf, size_t size)
{
    char dst[OS_PREFIX_TEXT_MAX], ifname[IF_NAMESIZE] = "?";
    int n = snprintf(buf, size, "%s dev %s", os_prefix_format(&r->dst, dst, sizeof(dst)),
                     if_indextoname(r->ifindex, ifname) ? ifname : "?");
    if (r->table && n > 0 && (size_t)n < size)
        n += snprintf(buf + n, size - (size_t)n, " table %u", r->table);
    if (r->metric && n > 0 && (size_t)n < size)
        snprintf(buf + n, size - (size_t)n, " metric %u", r->metric);
    return buf;
}

static int route_request(uint16_t type, const struct nl_route *r)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    int family = r->dst.ip.family;
    struct nlmsghdr *nlh =
        nl_start(buf, type, type == RTM_NEWROUTE ? NLM_F_CREATE | NLM_F_EXCL : 0);
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
    uint32_t table = r->table ? r->table : RT_TABLE_MAIN;

    rtm->rtm_family = (unsigned char)family;
    rtm->rtm_dst_len = (unsigned char)r->dst.len;
    rtm->rtm_table = table < 256 ? (unsigned char)table : RT_TABLE_UNSPEC;
    rtm->rtm_protocol = RTPROT_STATIC;
    /* No gateway on a point-to-point link: the destination is "on link". */
    rtm->rtm_scope = family == AF_INET ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
    rtm->rtm_type = RTN_UNICAST;
    if (type == RTM_DELROUTE) {
        rtm->rtm_protocol = 0; /* match whoever added it */
        rtm->rtm_scope = RT_SCOPE_NOWHERE;
    }
    if (r->dst.len)
        mnl_attr_put(nlh, RTA_DST, ip_len(family), &r->dst.ip.v4);
    mnl_attr_put_u32(nlh, RTA_OIF, r->ifindex);
    mnl_attr_put_u32(nlh, RTA_TABLE, table);
    if (r->metric)
        mnl_attr_put_u32(nlh, RTA_PRIORITY, r->metric);
    return nl_talk(nlh, NULL, NULL);
}

static int route_check(const struct nl_route *r, char *err, size_t errlen)
{
    char dst[OS_PREFIX_TEXT_MAX];
    if (r->dst.ip.family != AF_INET && r->dst.ip.family != AF_INET6)
        return errtext_set(-EINVAL, err, errlen, "route destination has no address family");
    if (!os_prefix_is_network(&r->dst))
        return errtext_set(-EINVAL, err, errlen, "route destination %s has host bits set",
                           os_prefix_format(&r->dst, dst, sizeof(dst)));
    return 0;
}

int nl_route_add(const struct nl_route *r, char *err, size_t errlen)
{
    char text[128];
    int rc = route_check(r, err, errlen);
    if (rc < 0)
        return rc;
    rc = route_request(RTM_NEWROUTE, r);
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot add route %s: %s%s%s",
                           route_text(r, text, sizeof(text)), strerror(-rc),
                           rc == -EEXIST ? " (a route to it is already installed)" : "",
                           errtext_priv_hint(rc));
    return 0;
}

int nl_route_del(const struct nl_route *r, char *err, size_t errlen)
{
    char text[128];
    int rc = route_check(r, err, errlen);
    if (rc < 0)
        return rc;
    rc = route_request(RTM_DELROUTE, r);
    if (rc == -ENOENT || rc == -ESRCH || rc == -ENODEV)
        return 0; /* already gone, with its interface perhaps */
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot delete route %s: %s%s",
                           route_text(r, text, sizeof(text)), strerror(-rc), errtext_priv_hint(rc));
    return 0;
}

struct route_list {
    unsigned ifindex;
    struct nl_route *out;
    size_t max, count;
};

static int route_attr_cb(const struct nlattr *attr, void *data)
{
    const struct nlattr **tb = data;
    int type = mnl_attr_get_type(attr);
    if (mnl_attr_type_valid(attr, RTA_MAX) > 0)
        tb[type] = attr;
    return MNL_CB_OK;
}

static void route_from_msg(const struct rtmsg *rtm, const struct nlattr **tb, struct nl_route *r)
{
    memset(r, 0, sizeof(*r));
    r->dst.ip.family = rtm->rtm_family;
    r->dst.len = rtm->rtm_dst_len;
    if (tb[RTA_DST] && mnl_attr_get_payload_len(tb[RTA_DST]) == ip_len(rtm->rtm_family))
        memcpy(&r->dst.ip.v4, mnl_attr_get_payload(tb[RTA_DST]), ip_len(rtm->rtm_family));
    r->ifindex = mnl_attr_get_u32(tb[RTA_OIF]);
    r->table = tb[RTA_TABLE] ? mnl_attr_get_u32(tb[RTA_TABLE]) : rtm->rtm_table;
    if (r->table == RT_TABLE_MAIN)
        r->table = 0;
    r->metric = tb[RTA_PRIORITY] ? mnl_attr_get_u32(tb[RTA_PRIORITY]) : 0;
}

static int route_list_cb(const struct nlmsghdr *nlh, void *data)
{
    struct route_list *list = data;
    const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
    const struct nlattr *tb[RTA_MAX + 1] = {0};

    if (nlh->nlmsg_type != RTM_NEWROUTE)
        return MNL_CB_OK;
    /* Only routes someone installed: not the kernel's own (address prefix
     * routes, the p2p peer /32, fe80::/64) nor local/multicast entries. */
    if (rtm->rtm_type != RTN_UNICAST || rtm->rtm_protocol == RTPROT_KERNEL ||
        rtm->rtm_table == RT_TABLE_LOCAL)
        return MNL_CB_OK;
    mnl_attr_parse(nlh, sizeof(*rtm), route_attr_cb, tb);
    if (!tb[RTA_OIF] || mnl_attr_get_u32(tb[RTA_OIF]) != list->ifindex)
        return MNL_CB_OK;
    if (list->count < list->max)
        route_from_msg(rtm, tb, &list->out[list->count]);
    list->count++;
    return MNL_CB_OK;
}

static int route_dump(int family, struct route_list *list)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = nl_start(buf, RTM_GETROUTE, NLM_F_DUMP);
    struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
    rtm->rtm_family = (unsigned char)family;
    return nl_talk(nlh, route_list_cb, list);
}

int nl_route_list(unsigned ifindex, int family, struct nl_route *out, size_t max, size_t *count,
                  char *err, size_t errlen)
{
    struct route_list list = {ifindex, out, max, 0};
    int rc = 0;

    if (family == AF_INET || family == AF_UNSPEC)
        rc = route_dump(AF_INET, &list);
    if (rc == 0 && (family == AF_INET6 || family == AF_UNSPEC))
        rc = route_dump(AF_INET6, &list);
    *count = list.count;
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot list routes: %s", strerror(-rc));
    return 0;
}

/* ---- policy rules ---- */

void nl_rule_init(struct nl_rule *rule, int family)
{
    memset(rule, 0, sizeof(*rule));
    rule->family = family;
    rule->suppress_prefixlen = -1;
}

static int rule_request(uint16_t type, const struct nl_rule *rule)
{
    char buf[MNL_SOCKET_BUFFER_SIZE];
    struct nlmsghdr *nlh = nl_start(buf, type, type == RTM_NEWRULE ? NLM_F_CREATE | NLM_F_EXCL : 0);
    struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));
    uint32_t table = rule->table ? rule->table : RT_TABLE_MAIN;

    frh->family = (unsigned char)rule->family;
    frh->action = FR_ACT_TO_TBL;
    frh->table = table < 256 ? (unsigned char)table : RT_TABLE_UNSPEC;
    frh->flags = rule->invert ? FIB_RULE_INVERT : 0;
    mnl_attr_put_u32(nlh, FRA_TABLE, table);
    if (rule->priority)
        mnl_attr_put_u32(nlh, FRA_PRIORITY, rule->priority);
    if (rule->has_fwmark) {
        mnl_attr_put_u32(nlh, FRA_FWMARK, rule->fwmark);
        mnl_attr_put_u32(nlh, FRA_FWMASK, 0xffffffffu);
    }
    if (rule->suppress_prefixlen >= 0)
        mnl_attr_put_u32(nlh, FRA_SUPPRESS_PREFIXLEN, (uint32_t)rule->suppress_prefixlen);
    if (rule->has_to) {
        frh->dst_len = (unsigned char)rule->to.len;
        mnl_attr_put(nlh, FRA_DST, ip_len(rule->family), &rule->to.ip.v4);
    }
    return nl_talk(nlh, NULL, NULL);
}

/* "priority 100 to 198.18.0.2/32 lookup main" for messages */
static const char *rule_text(const struct nl_rule *r, char *buf, size_t size)
{
    char prefix[OS_PREFIX_TEXT_MAX], to[OS_PREFIX_TEXT_MAX + 4] = "", mark[32] = "", supp[40] = "";
    if (r->has_to)
        snprintf(to, sizeof(to), " to %s", os_prefix_format(&r->to, prefix, sizeof(prefix)));
    if (r->has_fwmark)
        snprintf(mark, sizeof(mark), " %sfwmark 0x%x", r->invert ? "not " : "", r->fwmark);
    if (r->suppress_prefixlen >= 0)
        snprintf(supp, sizeof(supp), " suppress_prefixlength %d", r->suppress_prefixlen);
    snprintf(buf, size, "priority %u%s%s lookup %u%s", r->priority, to, mark,
             r->table ? r->table : RT_TABLE_MAIN, supp);
    return buf;
}

static int rule_check(const struct nl_rule *r, char *err, size_t errlen)
{
    if (r->family != AF_INET && r->family != AF_INET6)
        return errtext_set(-EINVAL, err, errlen, "rule has no address family");
    if (r->has_to && r->to.ip.family != r->family)
        return errtext_set(-EINVAL, err, errlen, "rule 'to' prefix has the wrong family");
    return 0;
}

int nl_rule_add(const struct nl_rule *rule, char *err, size_t errlen)
{
    char text[160];
    int rc = rule_check(rule, err, errlen);
    if (rc < 0)
        return rc;
    rc = rule_request(RTM_NEWRULE, rule);
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot add rule %s: %s%s",
                           rule_text(rule, text, sizeof(text)), strerror(-rc),
                           rc == -EEXIST ? " (the same rule is already installed)"
                                         : errtext_priv_hint(rc));
    return 0;
}

int nl_rule_del(const struct nl_rule *rule, char *err, size_t errlen)
{
    char text[160];
    int rc = rule_check(rule, err, errlen);
    if (rc < 0)
        return rc;
    rc = rule_request(RTM_DELRULE, rule);
    if (rc == -ENOENT)
        return 0; /* already gone */
    if (rc < 0)
        return errtext_set(rc, err, errlen, "cannot delete rule %s: %s%s",
                           rule_text(rule, text, sizeof(text)), strerror(-rc),
                           errtext_priv_hint(rc));
    return 0;
}

/* ---- sysctl ---- */

int os_ip_forwarding(int family, bool *on, char *err, size_t errlen)
{
    const char *path = family == AF_INET6 ? "/proc/sys/net/ipv6/conf/all/forwarding"
                                          : "/proc/sys/net/ipv4/ip_forward";
    FILE *f = fopen(path, "re");
    int value = 0;

    if (!f)
        return errtext_set(-errno, err, errlen, "cannot read %s: %s", path, strerror(errno));
    int n = fscanf(f, "%d", &value);
    fclose(f);
    if (n != 1)
        return errtext_set(-EIO, err, errlen, "cannot parse %s", path);
    *on = value != 0;
    return 0;
}
