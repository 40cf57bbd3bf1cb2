/* test_session_spoof.c - the server's source check on packets from a client. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "spoof.h"

static struct os_prefix prefix(const char *text)
{
    struct os_prefix p;
    assert_int_equal(os_prefix_parse(text, &p), 0);
    return p;
}

/* A bare IPv4 or IPv6 header (the family of SRC) with source SRC in pkt;
 * its length. */
static size_t packet_from(const char *src, uint8_t *pkt)
{
    struct os_ip ip;
    assert_int_equal(os_ip_parse(src, &ip), 0);
    bool v4 = ip.family == AF_INET;
    size_t len = v4 ? 20 : 40;
    memset(pkt, 0, len);
    pkt[0] = v4 ? 0x45 : 0x60; /* version 4, IHL 5 words; version 6 */
    if (v4)
        memcpy(pkt + 12, &ip.v4, sizeof(ip.v4));
    else
        memcpy(pkt + 8, &ip.v6, sizeof(ip.v6));
    return len;
}

static struct os_prefix routes[2];

static struct spoof_filter filter(void)
{
    struct spoof_filter f = {.n_routes = 2, .routes = routes, .has_peer6 = true};
    routes[0] = prefix("198.19.1.0/24");
    routes[1] = prefix("fd00:5353:1::/64");
    assert_int_equal(os_ip_parse("198.18.255.2", &f.peer4), 0);
    f.peer6 = prefix("fd00:5353::2/64");
    return f;
}

static void ipv4_own_address_and_networks_pass(void **state)
{
    struct spoof_filter f = filter();
    uint8_t pkt[64];
    assert_true(spoof_source_allowed(&f, pkt, packet_from("198.18.255.2", pkt)));
    assert_true(spoof_source_allowed(&f, pkt, packet_from("198.19.1.77", pkt)));
}

static void ipv4_foreign_sources_drop(void **state)
{
    struct spoof_filter f = filter();
    uint8_t pkt[64];
    assert_false(spoof_source_allowed(&f, pkt, packet_from("198.18.255.3", pkt))); /* a neighbour */
    assert_false(spoof_source_allowed(&f, pkt, packet_from("198.19.0.2", pkt)));   /* the LAN */
    assert_false(spoof_source_allowed(&f, pkt, packet_from("198.19.2.1", pkt)));   /* next office */
    assert_false(spoof_source_allowed(&f, pkt, 19)); /* truncated header */
}

static void ipv6_sources(void **state)
{
    struct spoof_filter f = filter();
    uint8_t pkt[64];
    assert_true(spoof_source_allowed(&f, pkt, packet_from("fe80::1234", pkt)));
    assert_true(spoof_source_allowed(&f, pkt, packet_from("fd00:5353::2", pkt)));
    assert_true(spoof_source_allowed(&f, pkt, packet_from("fd00:5353:1::9", pkt)));
    assert_false(spoof_source_allowed(&f, pkt, packet_from("fd00:5353::3", pkt)));
    assert_false(spoof_source_allowed(&f, pkt, packet_from("fd00:5353:2::1", pkt)));
    f.has_peer6 = false;
    assert_false(spoof_source_allowed(&f, pkt, packet_from("fd00:5353::2", pkt)));
}

static void not_ip_drops(void **state)
{
    struct spoof_filter f = filter();
    uint8_t pkt[40] = {0x50};
    assert_false(spoof_source_allowed(&f, pkt, sizeof(pkt)));
    assert_false(spoof_source_allowed(&f, pkt, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ipv4_own_address_and_networks_pass),
        cmocka_unit_test(ipv4_foreign_sources_drop),
        cmocka_unit_test(ipv6_sources),
        cmocka_unit_test(not_ip_drops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
