/* test_stack_ethshim.c - the Ethernet edge toward libslirp: packets
 * wrapped and unwrapped, ARP and neighbour solicitations answered. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "ethshim.h"

static const uint8_t slirp_mac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

static void wraps_ip_packets_only(void **state)
{
    (void)state;
    uint8_t pkt[20] = {0x45, 1, 2, 3}, frame[64];
    memcpy(frame + 14, pkt, sizeof(pkt)); /* read in place, behind the header */
    assert_int_equal(ethshim_wrap(frame, sizeof(pkt)), 34);
    assert_memory_equal(frame + 6, ethshim_client_mac, 6);
    assert_int_equal(frame[12], 0x08);
    assert_int_equal(frame[13], 0x00);
    assert_memory_equal(frame + 14, pkt, 20); /* the packet untouched */
    frame[14] = 0x60;
    assert_int_equal(ethshim_wrap(frame, sizeof(pkt)), 34);
    assert_int_equal(frame[12], 0x86);
    frame[14] = 0x35; /* neither version */
    assert_int_equal(ethshim_wrap(frame, sizeof(pkt)), 0);
    assert_int_equal(ethshim_wrap(frame, 0), 0);
}

static void unwraps_ip_frames(void **state)
{
    (void)state;
    uint8_t frame[40] = {0}, reply[96];
    frame[12] = 0x08;
    frame[14] = 0x45;
    const uint8_t *out;
    size_t n;
    assert_int_equal(ethshim_from_stack(frame, sizeof(frame), reply, sizeof(reply), &out, &n),
                     ETHSHIM_PACKET);
    assert_ptr_equal(out, frame + 14);
    assert_int_equal(n, 26);
    frame[13] = 0x42; /* another EtherType */
    assert_int_equal(ethshim_from_stack(frame, sizeof(frame), reply, sizeof(reply), &out, &n),
                     ETHSHIM_DROP);
}

static size_t arp_request(uint8_t *f, const char *sender, const char *target)
{
    memset(f, 0, 42);
    memset(f, 0xff, 6);
    memcpy(f + 6, slirp_mac, 6);
    f[12] = 0x08, f[13] = 0x06;
    uint8_t *a = f + 14;
    a[1] = 1, a[2] = 0x08, a[4] = 6, a[5] = 4, a[7] = 1;
    memcpy(a + 8, slirp_mac, 6);
    inet_pton(AF_INET, sender, a + 14);
    inet_pton(AF_INET, target, a + 24);
    return 42;
}

static void answers_arp_with_the_client_mac(void **state)
{
    (void)state;
    uint8_t f[42], reply[96], ip[4];
    const uint8_t *out;
    size_t n;
    arp_request(f, "198.18.254.2", "198.18.254.15");
    assert_int_equal(ethshim_from_stack(f, sizeof(f), reply, sizeof(reply), &out, &n),
                     ETHSHIM_REPLY);
    assert_int_equal(n, 42);
    assert_memory_equal(out, slirp_mac, 6); /* to the asker */
    assert_int_equal(out[14 + 7], 2);       /* a reply */
    assert_memory_equal(out + 14 + 8, ethshim_client_mac, 6);
    inet_pton(AF_INET, "198.18.254.15", ip);
    assert_memory_equal(out + 14 + 14, ip, 4); /* the address asked about */
    assert_memory_equal(out + 14 + 18, slirp_mac, 6);
    inet_pton(AF_INET, "198.18.254.2", ip);
    assert_memory_equal(out + 14 + 24, ip, 4);
    /* A gratuitous ARP asks nobody. */
    arp_request(f, "198.18.254.2", "198.18.254.2");
    assert_int_equal(ethshim_from_stack(f, sizeof(f), reply, sizeof(reply), &out, &n),
                     ETHSHIM_DROP);
}

/* RFC 1071 over the pseudo-header and message: 0 when the checksum is right. */
static uint16_t verify(const uint8_t *ip6)
{
    size_t len = (size_t)(ip6[4] << 8 | ip6[5]);
    uint32_t sum = 0;
    for (size_t i = 8; i < 40; i += 2)
        sum += (uint32_t)(ip6[i] << 8 | ip6[i + 1]);
    sum += (uint32_t)len + 58;
    for (size_t i = 0; i < len; i += 2)
        sum += (uint32_t)(ip6[40 + i] << 8 | ip6[40 + i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

static void answers_neighbour_solicitations(void **state)
{
    (void)state;
    uint8_t f[14 + 40 + 32] = {0}, reply[96], target[16], asker[16];
    memcpy(f + 6, slirp_mac, 6);
    f[12] = 0x86, f[13] = 0xdd;
    uint8_t *ip = f + 14, *ns = ip + 40;
    ip[0] = 0x60, ip[5] = 32, ip[6] = 58, ip[7] = 255;
    inet_pton(AF_INET6, "fe80::2", asker);
    inet_pton(AF_INET6, "fd00::1234", target);
    memcpy(ip + 8, asker, 16);
    ns[0] = 135;
    memcpy(ns + 8, target, 16);
    const uint8_t *out;
    size_t n;
    assert_int_equal(ethshim_from_stack(f, sizeof(f), reply, sizeof(reply), &out, &n),
                     ETHSHIM_REPLY);
    assert_int_equal(n, 14 + 40 + 32);
    const uint8_t *rip = out + 14, *na = rip + 40;
    assert_int_equal(rip[7], 255);
    assert_memory_equal(rip + 8, target, 16);
    assert_memory_equal(rip + 24, asker, 16);
    assert_int_equal(na[0], 136);
    assert_int_equal(na[4] & 0x40, 0x40); /* solicited */
    assert_memory_equal(na + 8, target, 16);
    assert_memory_equal(na + 26, ethshim_client_mac, 6);
    assert_int_equal(verify(rip), 0);
    /* Not from a neighbour (hop limit below 255, RFC 4861 7.1.1): a packet. */
    ip[7] = 64;
    assert_int_equal(ethshim_from_stack(f, sizeof(f), reply, sizeof(reply), &out, &n),
                     ETHSHIM_PACKET);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wraps_ip_packets_only),
        cmocka_unit_test(unwraps_ip_frames),
        cmocka_unit_test(answers_arp_with_the_client_mac),
        cmocka_unit_test(answers_neighbour_solicitations),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
