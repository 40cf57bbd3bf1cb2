/*
 * test_os_netlink.c - TUN creation and rtnetlink changes, run as root in a
 * fresh network namespace this test makes for itself (unshare), so nothing
 * touches the host's interfaces or routes.  Skipped when not root.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink.h"
#include "netns.h"
#include "tun.h"

static char err[256];
static struct in_addr ip4(const char *text)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, text, &a), 1);
    return a;
}

static struct os_prefix prefix(const char *text)
{
    struct os_prefix p;
    assert_int_equal(os_prefix_parse(text, &p), 0);
    return p;
}

/* Interface flags and MTU as the kernel reports them (SIOCGIF*). */
static void link_state(const char *name, bool *up, int *mtu)
{
    struct ifreq ifr = {0};
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
    assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
    *up = (ifr.ifr_flags & IFF_UP) != 0;
    assert_int_equal(ioctl(fd, SIOCGIFMTU, &ifr), 0);
    *mtu = ifr.ifr_mtu;
    close(fd);
}

static void creates_tun_and_refuses_taken_name(void **state)
{
    NEED_NAMESPACE();
    char name[IFNAMSIZ], other[IFNAMSIZ];
    unsigned ifindex;

    int fd = tun_open("vpntest0", name, err, sizeof(err));
    assert_true(fd >= 0);
    assert_string_equal(name, "vpntest0");
    assert_true(nl_link_exists("vpntest0"));
    assert_int_equal(nl_link_index("vpntest0", &ifindex, err, sizeof(err)), 0);
    assert_int_equal(ifindex, if_nametoindex("vpntest0"));

    assert_int_equal(tun_open("vpntest0", other, err, sizeof(err)), -EEXIST);
    assert_string_equal(err, "interface name 'vpntest0' is already in use");
    assert_int_equal(tun_open("lo", other, err, sizeof(err)), -EEXIST);

    int fd2 = tun_open(NULL, other, err, sizeof(err));
    assert_true(fd2 >= 0);
    assert_memory_equal(other, "tun", 3);
    close(fd2);
    close(fd);
    /* Not persistent: closing the descriptor removed the interface. */
    assert_false(nl_link_exists("vpntest0"));
    assert_int_equal(nl_link_index("vpntest0", &ifindex, err, sizeof(err)), -ENODEV);
    assert_string_equal(err, "no interface named 'vpntest0'");
}

static void configures_link_addresses_and_routes(void **state)
{
    NEED_NAMESPACE();
    char name[IFNAMSIZ];
    bool up;
    int mtu;
    unsigned ifindex;
    struct nl_route routes[8];
    size_t count;

    int fd = tun_open("vpntest1", name, err, sizeof(err));
    assert_true(fd >= 0);
    assert_int_equal(nl_link_set_mtu(name, 1400, err, sizeof(err)), 0);
    assert_int_equal(nl_link_set_up(name, true, err, sizeof(err)), 0);
    link_state(name, &up, &mtu);
    assert_true(up);
    assert_int_equal(mtu, 1400);

    struct in_addr local = ip4("198.18.255.2"), peer = ip4("198.18.255.1");
    assert_int_equal(nl_addr_add_p2p4(name, local, peer, err, sizeof(err)), 0);
    assert_int_equal(nl_addr_add_p2p4(name, local, peer, err, sizeof(err)), -EEXIST);
    assert_string_equal(err, "cannot add address 198.18.255.2 peer 198.18.255.1 to 'vpntest1': "
                             "File exists (already assigned)");
    struct os_prefix a6 = prefix("fd00:5353::2/64");
    assert_int_equal(nl_addr_add6(name, &a6, NL_ADDR6_NODAD, err, sizeof(err)), 0);

    assert_int_equal(nl_link_index(name, &ifindex, err, sizeof(err)), 0);
    struct nl_route r4 = {.dst = prefix("198.19.0.0/24"), .ifindex = ifindex};
    struct nl_route r6 = {.dst = prefix("fd00:5353:1::/64"), .ifindex = ifindex};
    struct nl_route rt = {
        .dst = prefix("0.0.0.0/0"), .ifindex = ifindex, .table = 51820, .metric = 7};
    assert_int_equal(nl_route_add(&r4, err, sizeof(err)), 0);
    assert_int_equal(nl_route_add(&r6, err, sizeof(err)), 0);
    assert_int_equal(nl_route_add(&rt, err, sizeof(err)), 0);

    /* A duplicate is reported, never silently installed twice. */
    assert_int_equal(nl_route_add(&r4, err, sizeof(err)), -EEXIST);
    assert_string_equal(err, "cannot add route 198.19.0.0/24 dev vpntest1: File exists "
                             "(a route to it is already installed)");
    assert_int_equal(nl_route_add(&r6, err, sizeof(err)), -EEXIST);

    /* Only our three: not the kernel's peer /32, fd00:5353::/64 or fe80::/64. */
    assert_int_equal(nl_route_list(ifindex, AF_UNSPEC, routes, 8, &count, err, sizeof(err)), 0);
    assert_int_equal(count, 3);
    bool saw_table = false;
    for (size_t i = 0; i < count; i++) {
        if (routes[i].table == 51820) {
            saw_table = true;
            assert_int_equal(routes[i].dst.len, 0);
            assert_int_equal(routes[i].metric, 7);
        }
    }
    assert_true(saw_table);
    assert_int_equal(nl_route_list(ifindex, AF_INET6, routes, 8, &count, err, sizeof(err)), 0);
    assert_int_equal(count, 1);
    assert_true(os_ip_equal(&routes[0].dst.ip, &r6.dst.ip));

    assert_int_equal(nl_route_del(&r4, err, sizeof(err)), 0);
    assert_int_equal(nl_route_del(&r4, err, sizeof(err)), 0); /* already gone: fine */
    assert_int_equal(nl_route_del(&r6, err, sizeof(err)), 0);
    assert_int_equal(nl_route_del(&rt, err, sizeof(err)), 0);
    assert_int_equal(nl_route_list(ifindex, AF_UNSPEC, routes, 8, &count, err, sizeof(err)), 0);
    assert_int_equal(count, 0);

    struct nl_route bad = {.dst = prefix("198.19.0.1/24"), .ifindex = ifindex};
    assert_int_equal(nl_route_add(&bad, err, sizeof(err)), -EINVAL);

    assert_int_equal(nl_addr_del_p2p4(name, local, peer, err, sizeof(err)), 0);
    assert_int_equal(nl_addr_del_p2p4(name, local, peer, err, sizeof(err)), 0);
    assert_int_equal(nl_addr_del6(name, &a6, err, sizeof(err)), 0);
    assert_int_equal(nl_link_set_up(name, false, err, sizeof(err)), 0);
    link_state(name, &up, &mtu);
    assert_false(up);

    assert_int_equal(nl_link_delete(name, err, sizeof(err)), 0);
    assert_false(nl_link_exists(name));
    assert_int_equal(nl_link_delete(name, err, sizeof(err)), -ENODEV);
    close(fd);
}

/* What `ip -6 route show dev NAME` prints. */
static void routes6_of(const char *name, char *out, size_t size)
{
    char cmd[64];
    snprintf(cmd, sizeof(cmd), "ip -6 route show dev %s", name);
    FILE *p = popen(cmd, "r");
    size_t n = fread(out, 1, size - 1, p);
    pclose(p);
    out[n] = '\0';
}

static void writes_proc(const char *path, const char *value)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(value, f);
    assert_int_equal(fclose(f), 0);
}

/* The server's one Address6 on every user's tunnel must not route the
 * whole prefix into each of them: only the address itself is added. */
static void adds_ipv6_addresses_without_their_prefix_route(void **state)
{
    NEED_NAMESPACE();
    char name[IFNAMSIZ], name2[IFNAMSIZ], routes[1024];
    struct os_prefix server = prefix("fd00:5353::1/64");

    int fd = tun_open("vpntest2", name, err, sizeof(err));
    int fd2 = tun_open("vpntest3", name2, err, sizeof(err));
    assert_true(fd >= 0 && fd2 >= 0);
    assert_int_equal(nl_link_set_up(name, true, err, sizeof(err)), 0);
    assert_int_equal(nl_link_set_up(name2, true, err, sizeof(err)), 0);
    assert_int_equal(
        nl_addr_add6(name, &server, NL_ADDR6_NODAD | NL_ADDR6_NOPREFIXROUTE, err, sizeof(err)), 0);
    routes6_of(name, routes, sizeof(routes));
    assert_null(strstr(routes, "fd00:5353::/64"));
    /* Without the flag the kernel routes the prefix (the control case). */
    assert_int_equal(nl_addr_add6(name2, &server, NL_ADDR6_NODAD, err, sizeof(err)), 0);
    routes6_of(name2, routes, sizeof(routes));
    assert_non_null(strstr(routes, "fd00:5353::/64"));
    assert_int_equal(nl_addr_del6(name, &server, err, sizeof(err)), 0);
    close(fd2);
    close(fd);
}

/* Refusals name their cause: root is never told to get CAP_NET_ADMIN. */
static void says_why_ipv6_cannot_be_added(void **state)
{
    NEED_NAMESPACE();
    char name[IFNAMSIZ], path[96];
    struct os_prefix ll = prefix("fe80::1/64");

    int fd = tun_open("vpntest4", name, err, sizeof(err));
    assert_true(fd >= 0);
    snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
    writes_proc(path, "1\n");
    assert_int_equal(nl_addr_add6(name, &ll, NL_ADDR6_NODAD, err, sizeof(err)), -EACCES);
    assert_non_null(strstr(err, "IPv6 is disabled on the interface"));
    assert_null(strstr(err, "CAP_NET_ADMIN"));
    writes_proc(path, "0\n");
    assert_int_equal(nl_link_set_mtu(name, 1200, err, sizeof(err)), 0);
    assert_int_equal(nl_addr_add6(name, &ll, NL_ADDR6_NODAD, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "MTU below 1280"));
    close(fd);
}

static void adds_and_deletes_policy_rules(void **state)
{
    NEED_NAMESPACE();
    struct nl_rule to_server, suppress, not_mark;

    /* The wg-quick style trio for Route = 0.0.0.0/0. */
    nl_rule_init(&to_server, AF_INET);
    to_server.priority = 1000;
    to_server.has_to = true;
    to_server.to = prefix("198.18.0.2/32");
    nl_rule_init(&suppress, AF_INET);
    suppress.priority = 1001;
    suppress.suppress_prefixlen = 0;
    nl_rule_init(&not_mark, AF_INET6);
    not_mark.priority = 1002;
    not_mark.table = 51820;
    not_mark.has_fwmark = true;
    not_mark.fwmark = 51820;
    not_mark.invert = true;

    assert_int_equal(nl_rule_add(&to_server, err, sizeof(err)), 0);
    assert_int_equal(nl_rule_add(&suppress, err, sizeof(err)), 0);
    assert_int_equal(nl_rule_add(&not_mark, err, sizeof(err)), 0);
    assert_int_equal(nl_rule_add(&to_server, err, sizeof(err)), -EEXIST);
    assert_string_equal(err, "cannot add rule priority 1000 to 198.18.0.2/32 lookup 254: File "
                             "exists (the same rule is already installed)");

    /* `ip rule` shows them; proves the kernel stored the selectors. */
    FILE *p = popen("ip -4 rule show; ip -6 rule show", "r");
    char out[2048] = {0};
    size_t n = fread(out, 1, sizeof(out) - 1, p);
    pclose(p);
    out[n] = '\0';
    assert_non_null(strstr(out, "1000:\tfrom all to 198.18.0.2 lookup main"));
    assert_non_null(strstr(out, "1001:\tfrom all lookup main suppress_prefixlength 0"));
    assert_non_null(strstr(out, "1002:\tnot from all fwmark 0xca6c lookup 51820"));

    assert_int_equal(nl_rule_del(&to_server, err, sizeof(err)), 0);
    assert_int_equal(nl_rule_del(&suppress, err, sizeof(err)), 0);
    assert_int_equal(nl_rule_del(&not_mark, err, sizeof(err)), 0);
    assert_int_equal(nl_rule_del(&not_mark, err, sizeof(err)), 0); /* gone already */
}

static void reads_forwarding(void **state)
{
    NEED_NAMESPACE();
    bool on = true;
    /* A new namespace starts with forwarding off. */
    assert_int_equal(os_ip_forwarding(AF_INET, &on, err, sizeof(err)), 0);
    assert_false(on);
    FILE *f = fopen("/proc/sys/net/ipv4/ip_forward", "w");
    assert_non_null(f);
    fputs("1\n", f);
    fclose(f);
    assert_int_equal(os_ip_forwarding(AF_INET, &on, err, sizeof(err)), 0);
    assert_true(on);
    assert_int_equal(os_ip_forwarding(AF_INET6, &on, err, sizeof(err)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(creates_tun_and_refuses_taken_name),
        cmocka_unit_test(configures_link_addresses_and_routes),
        cmocka_unit_test(adds_ipv6_addresses_without_their_prefix_route),
        cmocka_unit_test(says_why_ipv6_cannot_be_added),
        cmocka_unit_test(adds_and_deletes_policy_rules),
        cmocka_unit_test(reads_forwarding),
    };
    return cmocka_run_group_tests(tests, netns_enter, NULL);
}
