/* test_session_engine_events.c - what the engine's events do to the
 * interface, read back from the kernel: IPCP up puts the negotiated
 * point-to-point pair and the MTU on a real TUN, IPCP down takes them
 * away; an MTU below 1280 gives IPv6 up (RFC 8200 section 5); a peer
 * address or a Route that would capture the SSH server's own address
 * fails the tunnel with nothing configured.  Runs as root in a network
 * namespace of its own (unshare), as test_os_netlink does; skipped
 * otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exitcode.h"
#include "netlink.h"
#include "netns.h"
#include "tun.h"
#include "tunnel.h"

struct bed {
    struct run_params p;
    struct tunnel *t;
    int tun_fd;
    char name[IFNAMSIZ];
};

static void noop_event(void *user, const struct ppp_event *ev)
{
    (void)user;
    (void)ev;
}

/* A client tunnel over a fresh TUN, its engine open (not Dead). */
static struct bed *bed_new(void (*tune)(struct run_params *))
{
    char err[256];
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    run_params_init(&b->p, RUN_CLIENT);
    b->p.sup.hook_dir = "/nonexistent-dir";
    if (tune)
        tune(&b->p);
    b->tun_fd = tun_open(NULL, b->name, err, sizeof(err));
    assert_true(b->tun_fd >= 0);
    b->t = malloc(sizeof(*b->t));
    assert_non_null(b->t);
    struct tunnel *t = b->t;
    tunnel_init(t, &b->p);
    snprintf(t->ifname, sizeof(t->ifname), "%s", b->name);
    assert_int_equal(nl_link_index(b->name, &t->ifindex, err, sizeof(err)), 0);
    /* As tun_start: only the negotiated link-local, none of the kernel's. */
    (void)nl_link_no_ipv6_autoconf(b->name, err, sizeof(err));
    t->cfg = configurator_local_new(t->ifname, t->ifindex);
    assert_non_null(t->cfg);
    static const struct ppp_callbacks cb = {.event = noop_event};
    assert_int_equal(ppp_link_new(&t->link, &b->p.ppp, &cb, t), PPP_OK);
    assert_int_equal(ppp_link_open(t->link, t->now), PPP_OK);
    struct hook_config hooks = {.dir = "/nonexistent-dir"};
    hooks_init(&t->sup.hooks, &hooks);
    return b;
}

static void bed_free(struct bed *b)
{
    b->t->cfg->free(b->t->cfg); /* everything undone */
    hooks_free(&b->t->sup.hooks);
    ppp_link_del(b->t->link);
    close(b->tun_fd);
    free(b->t);
    free(b);
}

static void lcp_up(struct tunnel *t, uint16_t mru_tx)
{
    struct ppp_event ev = {.type = PPP_EV_LCP_UP};
    ev.u.lcp.mru_tx = mru_tx;
    ev.u.lcp.mru_rx = mru_tx;
    engine_event(t, &ev);
}

static void ipcp_up(struct tunnel *t, const char *local, const char *remote)
{
    struct in_addr l, r;
    assert_int_equal(inet_pton(AF_INET, local, &l), 1);
    assert_int_equal(inet_pton(AF_INET, remote, &r), 1);
    struct ppp_event ev = {.type = PPP_EV_IPCP_UP};
    ev.u.ipcp.local = ntohl(l.s_addr);
    ev.u.ipcp.remote = ntohl(r.s_addr);
    engine_event(t, &ev);
}

static void ipv6cp_up(struct tunnel *t)
{
    struct ppp_event ev = {.type = PPP_EV_IPV6CP_UP};
    static const uint8_t local[8] = {0x02, 0, 0, 0, 0, 0, 0, 0x11};
    static const uint8_t remote[8] = {0x02, 0, 0, 0, 0, 0, 0, 0x22};
    memcpy(ev.u.ipv6cp.local_ifid, local, 8);
    memcpy(ev.u.ipv6cp.remote_ifid, remote, 8);
    engine_event(t, &ev);
}

static int kernel_mtu(const char *ifname, bool *up)
{
    struct ifreq ifr = {0};
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname);
    assert_int_equal(ioctl(fd, SIOCGIFFLAGS, &ifr), 0);
    *up = (ifr.ifr_flags & IFF_UP) != 0;
    assert_int_equal(ioctl(fd, SIOCGIFMTU, &ifr), 0);
    close(fd);
    return ifr.ifr_mtu;
}

static void ipcp_up_puts_the_addresses_on_and_down_takes_them_off(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new(NULL);
    struct tunnel *t = b->t;
    bool up;
    lcp_up(t, 1400);
    ipcp_up(t, "198.18.255.2", "198.18.255.1");
    /* Recorded only: nothing happens until the engine has returned. */
    assert_false(netns_has_addr(b->name, AF_INET, NULL));
    engine_settle(t);
    assert_false(t->failed);
    assert_int_equal(t->mtu, 1400);
    assert_int_equal(kernel_mtu(b->name, &up), 1400);
    assert_true(up);
    assert_true(netns_has_addr(b->name, AF_INET, "198.18.255.2"));
    assert_true(t->ipcp_up);
    assert_true(t->reported_up);
    assert_int_equal(t->sup.state, SUP_UP);
    assert_true(t->ipv4_configured);

    /* No Persist: IPCP down takes the configuration away. */
    struct ppp_event down = {.type = PPP_EV_IPCP_DOWN};
    engine_event(t, &down);
    engine_settle(t);
    assert_false(t->ipcp_up);
    assert_false(netns_has_addr(b->name, AF_INET, NULL));
    assert_false(t->ipv4_configured);
    bed_free(b);
}

static void an_mtu_below_1280_gives_ipv6_up(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new(NULL);
    struct tunnel *t = b->t;
    lcp_up(t, 1200);
    engine_settle(t);
    /* Given up as soon as LCP tells the MTU, before the interface has it. */
    assert_int_equal(t->mtu, 1200);
    assert_non_null(strstr(t->ipv6_off, "1280"));
    assert_false(t->ipv6_refuse); /* the engine was told once it returned */
    ipcp_up(t, "198.18.255.2", "198.18.255.1");
    ipv6cp_up(t);
    engine_settle(t);
    assert_false(t->ipv6cp_up);
    assert_false(t->ipv6_configured);
    assert_false(netns_has_addr(b->name, AF_INET6, NULL));
    assert_true(t->ipcp_up); /* IPv4 goes on */
    assert_false(t->failed);
    bed_free(b);
}

static void ipv6cp_up_adds_the_link_local_of_the_negotiated_identifier(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new(NULL);
    struct tunnel *t = b->t;
    lcp_up(t, 1400);
    ipv6cp_up(t);
    engine_settle(t);
    if (t->ipv6_off[0]) { /* a kernel without IPv6 */
        bed_free(b);
        skip();
    }
    assert_true(t->ipv6cp_up);
    assert_true(t->ipv6_configured);
    assert_true(netns_has_addr(b->name, AF_INET6, "fe80::200:0:0:11"));
    /* IPv4 is wanted too: IPv6 alone is not the link `up` waits for. */
    assert_false(t->reported_up);
    bed_free(b);
}

static void transport_at_198_18_7_7(struct run_params *p)
{
    assert_int_equal(os_ip_parse("198.18.7.7", &p->net.transport_peer), 0);
}

static void a_peer_address_that_is_the_ssh_server_fails_the_tunnel(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new(transport_at_198_18_7_7);
    struct tunnel *t = b->t;
    lcp_up(t, 1400);
    ipcp_up(t, "198.18.255.2", "198.18.7.7");
    engine_settle(t);
    assert_true(t->failed);
    assert_int_equal(t->exit_status, RUN_EXIT_NEGOTIATION);
    assert_false(t->ipcp_up);
    assert_false(t->reported_up);
    assert_false(netns_has_addr(b->name, AF_INET, NULL));
    bed_free(b);
}

static void route_over_the_transport(struct run_params *p)
{
    transport_at_198_18_7_7(p);
    assert_int_equal(os_prefix_parse("198.18.0.0/16", &p->net.routes[0]), 0);
    p->net.n_routes = 1;
}

static void a_route_covering_the_ssh_server_fails_the_tunnel(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new(route_over_the_transport);
    struct tunnel *t = b->t;
    char err[256];
    struct nl_route routes[4];
    size_t n = 0;
    lcp_up(t, 1400);
    ipcp_up(t, "198.18.255.2", "198.18.255.1");
    engine_settle(t);
    assert_true(t->failed);
    assert_int_equal(t->exit_status, RUN_EXIT_CONFIG);
    assert_false(t->reported_up);
    assert_int_equal(nl_route_list(t->ifindex, AF_INET, routes, 4, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 0);

    /* Without a known transport address the same Route is installed. */
    struct os_prefix route = b->p.net.routes[0];
    bed_free(b);
    struct bed *c = bed_new(NULL);
    c->p.net.routes[0] = route;
    c->p.net.n_routes = 1;
    lcp_up(c->t, 1400);
    ipcp_up(c->t, "198.18.255.2", "198.18.255.1");
    engine_settle(c->t);
    assert_false(c->t->failed);
    assert_int_equal(nl_route_list(c->t->ifindex, AF_INET, routes, 4, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 1);
    bed_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ipcp_up_puts_the_addresses_on_and_down_takes_them_off),
        cmocka_unit_test(an_mtu_below_1280_gives_ipv6_up),
        cmocka_unit_test(ipv6cp_up_adds_the_link_local_of_the_negotiated_identifier),
        cmocka_unit_test(a_peer_address_that_is_the_ssh_server_fails_the_tunnel),
        cmocka_unit_test(a_route_covering_the_ssh_server_fails_the_tunnel),
    };
    return cmocka_run_group_tests(tests, netns_enter, NULL);
}
