/* test_netcfg_configurator.c - the privilege boundary (configurator.h)
 * as the session uses it, read back from the kernel: requests sent as
 * raw bytes through a Unix socket (as a privileged helper will receive
 * them) and carried out by the in-process configurator; one family taken
 * down leaves the other; freeing it undoes everything; a request it does
 * not define, or a failed one, changes nothing and says why.  Runs as
 * root in a network namespace of its own (unshare), as test_os_netlink
 * does; skipped otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "configurator.h"
#include "netlink.h"
#include "netns.h"
#include "tun.h"

struct bed {
    int tun_fd;
    char name[IFNAMSIZ];
    unsigned ifindex;
    struct configurator *cfg;
    char why[256];
};

static struct bed *bed_new(void)
{
    char err[256];
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    b->tun_fd = tun_open("cfgtest0", b->name, err, sizeof(err));
    assert_true(b->tun_fd >= 0);
    assert_int_equal(nl_link_index(b->name, &b->ifindex, err, sizeof(err)), 0);
    (void)nl_link_no_ipv6_autoconf(b->name, err, sizeof(err));
    b->cfg = configurator_local_new(b->name, b->ifindex);
    assert_non_null(b->cfg);
    return b;
}

/* IPCP's first request: a route needs the interface up. */
static void link_up(struct bed *b)
{
    struct cfg_request rq = {.kind = CFG_LINK_UP, .mtu = 1400};
    assert_int_equal(b->cfg->request(b->cfg, &rq, b->why, sizeof(b->why)), 0);
}

static void bed_free(struct bed *b)
{
    if (b->cfg)
        b->cfg->free(b->cfg);
    close(b->tun_fd);
    free(b);
}

static struct os_prefix prefix(const char *text)
{
    struct os_prefix p;
    assert_int_equal(os_prefix_parse(text, &p), 0);
    return p;
}

static struct in_addr ip4(const char *text)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, text, &a), 1);
    return a;
}

static size_t routes(const struct bed *b, int family)
{
    char err[256];
    struct nl_route out[8];
    size_t n = 0;
    assert_int_equal(nl_route_list(b->ifindex, family, out, 8, &n, err, sizeof(err)), 0);
    return n;
}

/* The request crosses a SOCK_SEQPACKET socket as its bytes, and the copy
 * that arrives is carried out: nothing in it points into the sender. */
static int send_over_socket(struct bed *b, const struct cfg_request *rq)
{
    int sv[2];
    struct cfg_request arrived;
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    assert_int_equal(send(sv[0], rq, sizeof(*rq), 0), (ssize_t)sizeof(*rq));
    memset(&arrived, 0xa5, sizeof(arrived));
    assert_int_equal(recv(sv[1], &arrived, sizeof(arrived), 0), (ssize_t)sizeof(arrived));
    close(sv[0]);
    close(sv[1]);
    return b->cfg->request(b->cfg, &arrived, b->why, sizeof(b->why));
}

static void requests_cross_a_socket_and_each_family_goes_down_apart(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new();
    const struct cfg_request list[] = {
        {.kind = CFG_LINK_UP, .mtu = 1400},
        {.kind = CFG_GSO_MAX, .mtu = 65000}, /* read back by netlink.c: Linux 5.19 or later */
        {.kind = CFG_IPV4_UP, .local = ip4("198.18.255.2"), .peer = ip4("198.18.255.1")},
        {.kind = CFG_ROUTE, .prefix = prefix("198.19.1.0/24")},
        {.kind = CFG_IPV6_UP, .prefix = prefix("fd00:5353::2/64"), .prefix_route = true},
        {.kind = CFG_ROUTE, .prefix = prefix("fd00:5353:1::/64")},
    };
    for (size_t i = 0; i < sizeof(list) / sizeof(list[0]); i++)
        assert_int_equal(send_over_socket(b, &list[i]), 0);
    assert_true(netns_has_addr(b->name, AF_INET, "198.18.255.2"));
    assert_true(netns_has_addr(b->name, AF_INET6, "fd00:5353::2"));
    assert_int_equal(routes(b, AF_INET), 1);
    assert_true(routes(b, AF_INET6) >= 1);

    /* IPV6CP down: IPv4 stays as it was. */
    struct cfg_request down6 = {.kind = CFG_DOWN, .family = AF_INET6};
    assert_int_equal(send_over_socket(b, &down6), 0);
    assert_false(netns_has_addr(b->name, AF_INET6, "fd00:5353::2"));
    assert_true(netns_has_addr(b->name, AF_INET, "198.18.255.2"));
    assert_int_equal(routes(b, AF_INET), 1);

    /* The session ends: everything goes, whatever it asked last. */
    b->cfg->free(b->cfg);
    b->cfg = NULL;
    assert_false(netns_has_addr(b->name, AF_INET, NULL));
    assert_int_equal(routes(b, AF_INET), 0);
    bed_free(b);
}

static void undo_all_leaves_the_interface_bare(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new();
    struct cfg_request up = {.kind = CFG_IPV4_UP,
                             .local = ip4("198.18.255.2"),
                             .peer = ip4("198.18.255.1")},
                       route = {.kind = CFG_ROUTE, .prefix = prefix("198.19.2.0/24")},
                       all = {.kind = CFG_UNDO_ALL};
    link_up(b);
    assert_int_equal(b->cfg->request(b->cfg, &up, b->why, sizeof(b->why)), 0);
    assert_int_equal(b->cfg->request(b->cfg, &route, b->why, sizeof(b->why)), 0);
    assert_int_equal(b->cfg->request(b->cfg, &all, b->why, sizeof(b->why)), 0);
    assert_false(netns_has_addr(b->name, AF_INET, NULL));
    assert_int_equal(routes(b, AF_INET), 0);
    /* And again, from nothing (a reconnect with new addresses). */
    assert_int_equal(b->cfg->request(b->cfg, &up, b->why, sizeof(b->why)), 0);
    assert_true(netns_has_addr(b->name, AF_INET, "198.18.255.2"));
    bed_free(b);
}

static void undefined_or_failed_requests_change_nothing(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new();
    struct cfg_request bogus = {.kind = (enum cfg_request_kind)99},
                       down = {.kind = CFG_DOWN, .family = AF_UNIX};
    assert_int_equal(b->cfg->request(b->cfg, &bogus, b->why, sizeof(b->why)), -EINVAL);
    assert_true(b->why[0] != 0);
    assert_int_equal(b->cfg->request(b->cfg, &down, b->why, sizeof(b->why)), -EINVAL);
    struct cfg_request route = {.kind = CFG_ROUTE, .prefix = prefix("198.19.3.0/24")};
    link_up(b);
    assert_int_equal(b->cfg->request(b->cfg, &route, b->why, sizeof(b->why)), 0);
    b->why[0] = 0;
    assert_int_equal(b->cfg->request(b->cfg, &route, b->why, sizeof(b->why)), -EEXIST);
    assert_true(b->why[0] != 0);
    /* The failed second one was not journalled: one undo removes the
     * route, and nothing complains of a route already gone. */
    struct cfg_request all = {.kind = CFG_UNDO_ALL};
    assert_int_equal(b->cfg->request(b->cfg, &all, b->why, sizeof(b->why)), 0);
    assert_int_equal(routes(b, AF_INET), 0);
    assert_string_equal(cfg_request_name(CFG_PROXY_ARP), "proxy-arp");
    assert_string_equal(cfg_request_name((enum cfg_request_kind)99), "?");
    bed_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(requests_cross_a_socket_and_each_family_goes_down_apart),
        cmocka_unit_test(undo_all_leaves_the_interface_bare),
        cmocka_unit_test(undefined_or_failed_requests_change_nothing),
    };
    return cmocka_run_group_tests(tests, netns_enter, NULL);
}
