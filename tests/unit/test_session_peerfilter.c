/* test_session_peerfilter.c - what a packet from the peer may do before it is
 * written to the TUN: version and NCP, router messages, spoofing, offload
 * metadata. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "peerfilter.h"

#define ICMP 1
#define TCP 6
#define UDP 17
#define ICMPV6 58
#define DEST_OPTS 60
#define FRAGMENT 44

static const struct peer_filter both_open = {.ipv4_open = true, .ipv6_open = true};

static enum peer_verdict judge(const struct peer_filter *f, int family, const uint8_t *pkt,
                               size_t len)
{
    return peer_filter_check(f, family, NULL, pkt, len);
}

/* An IPv4 header from SRC (198.18.255.2 if NULL) carrying protocol proto,
 * then 20 bytes of it; its length. */
static size_t ipv4(uint8_t *pkt, uint8_t proto, const char *src)
{
    struct os_ip ip;
    assert_int_equal(os_ip_parse(src ? src : "198.18.255.2", &ip), 0);
    memset(pkt, 0, 40);
    pkt[0] = 0x45;
    pkt[2] = 0, pkt[3] = 40;
    pkt[8] = 64;
    pkt[9] = proto;
    memcpy(pkt + 12, &ip.v4, 4);
    return 40;
}

/* An IPv6 header from SRC with hop limit hop and next header next, then
 * 32 bytes of it; its length. */
static size_t ipv6(uint8_t *pkt, const char *src, uint8_t next, uint8_t hop)
{
    struct os_ip ip;
    assert_int_equal(os_ip_parse(src, &ip), 0);
    memset(pkt, 0, 72);
    pkt[0] = 0x60;
    pkt[5] = 32;
    pkt[6] = next;
    pkt[7] = hop;
    memcpy(pkt + 8, &ip.v6, 16);
    pkt[24] = 0xfd; /* to fd00:5353::1, say */
    return 72;
}

/* An ICMPv6 message of type from SRC, as a neighbour would send it. */
static size_t icmpv6(uint8_t *pkt, const char *src, uint8_t type)
{
    size_t len = ipv6(pkt, src, ICMPV6, 255);
    pkt[40] = type;
    return len;
}

static void the_version_must_be_the_frames(void **state)
{
    uint8_t pkt[80];
    (void)state;
    size_t n = icmpv6(pkt, "fd00:5353::2", 128); /* an Echo Request */
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_PASS);
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_WRONG_VERSION);
    n = ipv4(pkt, ICMP, NULL);
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_PASS);
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_WRONG_VERSION);
    pkt[0] = 0x55;
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_WRONG_VERSION);
    assert_int_equal(judge(&both_open, 4, pkt, 0), PEER_WRONG_VERSION);
}

static void a_family_needs_its_ncp_open(void **state)
{
    const struct peer_filter v4_only = {.ipv4_open = true};
    uint8_t pkt[80];
    (void)state;
    size_t n = icmpv6(pkt, "fd00:5353::2", 128);
    assert_int_equal(judge(&v4_only, 6, pkt, n), PEER_NCP_CLOSED);
    n = ipv4(pkt, UDP, NULL);
    assert_int_equal(judge(&v4_only, 4, pkt, n), PEER_PASS);
    assert_int_equal(judge(&(struct peer_filter){.ipv6_open = true}, 4, pkt, n), PEER_NCP_CLOSED);
}

static void router_messages_never_pass(void **state)
{
    uint8_t pkt[80];
    (void)state;
    /* RFC 4861's own form: link-local source, hop limit 255 */
    size_t n = icmpv6(pkt, "fe80::2", 134);
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
    n = icmpv6(pkt, "fe80::2", 137);
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
    n = icmpv6(pkt, "fe80::2", 133);
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
    n = ipv4(pkt, ICMP, NULL);
    pkt[20] = 5; /* ICMP Redirect */
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_ROUTER);
    pkt[20] = 8; /* Echo */
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_PASS);
    pkt[9] = UDP, pkt[20] = 5; /* a 5 that is no ICMP type */
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_PASS);
}

static void router_messages_behind_extension_headers_are_found(void **state)
{
    uint8_t pkt[80];
    (void)state;
    size_t n = ipv6(pkt, "fe80::2", DEST_OPTS, 255);
    pkt[40] = ICMPV6, pkt[41] = 0; /* 8 bytes of options */
    pkt[48] = 134;
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
    /* the first fragment of one */
    pkt[6] = FRAGMENT;
    pkt[43] = 1; /* offset 0, more to come */
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
    /* a later fragment carries no ICMPv6 header: its first one decides */
    pkt[43] = 8 << 3 | 1;
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_PASS);
    /* an IPv4 first fragment of a Redirect, and a later one */
    n = ipv4(pkt, ICMP, NULL);
    pkt[6] = 0x20, pkt[20] = 5;
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_ROUTER);
    pkt[7] = 1;
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_PASS);
}

/* RFC 4861 sections 7.1.1 and 7.1.2, from a link-local source, whole. */
static void only_valid_neighbour_messages_pass(void **state)
{
    uint8_t pkt[80];
    (void)state;
    size_t n = icmpv6(pkt, "fe80::2", 135);
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_PASS);
    n = icmpv6(pkt, "fe80::2", 136);
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_PASS);
    pkt[7] = 64; /* forwarded: from off the link */
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
    n = icmpv6(pkt, "fd00:5353::2", 136);
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
    n = icmpv6(pkt, "::", 135); /* duplicate address detection: not on this link */
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
    n = icmpv6(pkt, "fe80::2", 135);
    pkt[41] = 1; /* code */
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
    n = icmpv6(pkt, "fe80::2", 135);
    assert_int_equal(judge(&both_open, 6, pkt, 40 + 23), PEER_ROUTER); /* too short */
    n = ipv6(pkt, "fe80::2", FRAGMENT, 255); /* RFC 6980: never fragmented */
    pkt[40] = ICMPV6, pkt[43] = 1;
    pkt[48] = 135;
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_ROUTER);
}

static void a_header_chain_must_fit(void **state)
{
    uint8_t pkt[80];
    (void)state;
    size_t n = ipv4(pkt, TCP, NULL);
    pkt[0] = 0x4f; /* 60 bytes of header in 40 */
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_UNREADABLE);
    assert_int_equal(judge(&both_open, 4, pkt, 19), PEER_UNREADABLE);
    n = ipv6(pkt, "fe80::2", DEST_OPTS, 255);
    pkt[40] = ICMPV6, pkt[41] = 4; /* 40 bytes of options in 32 */
    assert_int_equal(judge(&both_open, 6, pkt, n), PEER_UNREADABLE);
    /* ICMP whose type is past the end */
    n = ipv4(pkt, ICMP, NULL);
    assert_int_equal(judge(&both_open, 4, pkt, 21), PEER_UNREADABLE);
    n = icmpv6(pkt, "fe80::2", 134);
    assert_int_equal(judge(&both_open, 6, pkt, 40), PEER_UNREADABLE);
}

static void the_server_checks_sources(void **state)
{
    struct os_prefix route;
    struct spoof_filter spoof = {.n_routes = 1, .routes = &route};
    uint8_t pkt[80];
    (void)state;
    assert_int_equal(os_prefix_parse("198.19.1.0/24", &route), 0);
    assert_int_equal(os_ip_parse("198.18.255.2", &spoof.peer4), 0);
    const struct peer_filter server = {.ipv4_open = true, .ipv6_open = true, .spoof = &spoof};
    size_t n = ipv4(pkt, UDP, "198.19.1.9");
    assert_int_equal(judge(&server, 4, pkt, n), PEER_PASS);
    n = ipv4(pkt, UDP, "198.19.0.9");
    assert_int_equal(judge(&server, 4, pkt, n), PEER_SPOOFED);
    assert_int_equal(judge(&both_open, 4, pkt, n), PEER_PASS); /* the client takes any */
    n = icmpv6(pkt, "fd00:5353::9", 128);
    assert_int_equal(judge(&server, 6, pkt, n), PEER_SPOOFED);
}

static void offload_metadata_names_only_a_checksum(void **state)
{
    uint8_t pkt[80];
    struct ppp_offload off = {.flags = PPP_OFFLOAD_NEEDS_CSUM, .csum_start = 20, .csum_offset = 6};
    (void)state;
    size_t n = ipv4(pkt, UDP, NULL);
    assert_int_equal(peer_filter_check(&both_open, 4, &off, pkt, n), PEER_PASS);
    off.csum_start = 14, off.csum_offset = 0; /* the source's low bits */
    assert_int_equal(peer_filter_check(&both_open, 4, &off, pkt, n), PEER_BAD_OFFLOAD);
    n = ipv6(pkt, "fd00:5353::2", TCP, 64);
    off.csum_start = 40, off.csum_offset = 16;
    assert_int_equal(peer_filter_check(&both_open, 6, &off, pkt, n), PEER_PASS);
    off.csum_start = 22, off.csum_offset = 0;
    assert_int_equal(peer_filter_check(&both_open, 6, &off, pkt, n), PEER_BAD_OFFLOAD);
}

static void every_verdict_has_words(void **state)
{
    (void)state;
    for (int v = PEER_PASS; v < PEER_VERDICTS; v++)
        assert_string_not_equal(peer_verdict_text((enum peer_verdict)v), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_version_must_be_the_frames),
        cmocka_unit_test(a_family_needs_its_ncp_open),
        cmocka_unit_test(router_messages_never_pass),
        cmocka_unit_test(router_messages_behind_extension_headers_are_found),
        cmocka_unit_test(only_valid_neighbour_messages_pass),
        cmocka_unit_test(a_header_chain_must_fit),
        cmocka_unit_test(the_server_checks_sources),
        cmocka_unit_test(offload_metadata_names_only_a_checksum),
        cmocka_unit_test(every_verdict_has_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
