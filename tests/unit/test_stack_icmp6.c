/* test_stack_icmp6.c - the ICMPv6 pppssh-stack handles itself: an echo
 * request to a host beyond the stack recognised (not a fragment, not
 * another type), the reply from a ping socket framed for the client with
 * the client's identifier and a checksum that verifies, and the
 * "administratively prohibited" error within the minimum MTU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "icmp6.h"

static uint8_t client[16], far[16], stack[16];

static int setup(void **state)
{
    (void)state;
    inet_pton(AF_INET6, "fd00::15", client);
    inet_pton(AF_INET6, "fd00:19::2", far);
    inet_pton(AF_INET6, "fd00::2", stack);
    return 0;
}

/* An echo request client -> far: ident 0x1234, seq 7, 4 bytes of data. */
static size_t echo_request(uint8_t *pkt)
{
    memset(pkt, 0, 52);
    pkt[0] = 0x60;
    pkt[5] = 12; /* payload length */
    pkt[6] = 58;
    pkt[7] = 64;
    memcpy(pkt + 8, client, 16);
    memcpy(pkt + 24, far, 16);
    uint8_t *m = pkt + 40;
    m[0] = ICMP6_ECHO_REQUEST_TYPE;
    m[4] = 0x12, m[5] = 0x34, m[7] = 7;
    memcpy(m + 8, "ping", 4);
    uint16_t sum = icmp6_checksum(client, far, m, 12);
    m[2] = (uint8_t)(sum >> 8), m[3] = (uint8_t)sum;
    return 52;
}

static void recognises_echo_requests_only(void **state)
{
    (void)state;
    uint8_t pkt[64];
    struct icmp6_echo e;
    size_t len = echo_request(pkt);
    assert_int_equal(icmp6_checksum(client, far, pkt + 40, 12), 0); /* it verifies */
    assert_true(icmp6_echo_request(pkt, len, &e));
    assert_int_equal(e.ident, 0x1234);
    assert_memory_equal(e.src, client, 16);
    assert_memory_equal(e.dst, far, 16);
    assert_ptr_equal(e.msg, pkt + 40);
    assert_int_equal(e.len, 12);
    pkt[40] = ICMP6_ECHO_REPLY_TYPE; /* not a request */
    assert_false(icmp6_echo_request(pkt, len, &e));
    echo_request(pkt);
    pkt[6] = 17; /* UDP */
    assert_false(icmp6_echo_request(pkt, len, &e));
    echo_request(pkt);
    pkt[0] = 0x45; /* IPv4 */
    assert_false(icmp6_echo_request(pkt, len, &e));
    echo_request(pkt);
    assert_false(icmp6_echo_request(pkt, 44, &e)); /* cut short */
}

static void frames_the_reply_for_the_client(void **state)
{
    (void)state;
    /* As a ping socket returns it: the kernel's identifier (0x0099). */
    uint8_t msg[12] = {ICMP6_ECHO_REPLY_TYPE, 0, 0xab, 0xcd, 0x00, 0x99, 0, 7, 'p', 'i', 'n', 'g'};
    uint8_t out[128];
    size_t len = icmp6_echo_reply(far, client, 0x1234, msg, sizeof(msg), out, sizeof(out));
    assert_int_equal(len, 52);
    assert_int_equal(out[0], 0x60);
    assert_int_equal(out[4] << 8 | out[5], 12);
    assert_int_equal(out[6], 58);
    assert_memory_equal(out + 8, far, 16);
    assert_memory_equal(out + 24, client, 16);
    assert_int_equal(out[44] << 8 | out[45], 0x1234); /* the client's identifier again */
    assert_int_equal(out[47], 7);                     /* its sequence number kept */
    assert_memory_equal(out + 48, "ping", 4);
    assert_int_equal(icmp6_checksum(far, client, out + 40, 12), 0);
    /* Only echo replies; nothing that does not fit. */
    msg[0] = ICMP6_ECHO_REQUEST_TYPE;
    assert_int_equal(icmp6_echo_reply(far, client, 1, msg, sizeof(msg), out, sizeof(out)), 0);
    msg[0] = ICMP6_ECHO_REPLY_TYPE;
    assert_int_equal(icmp6_echo_reply(far, client, 1, msg, sizeof(msg), out, 51), 0);
}

static void refuses_within_the_minimum_mtu(void **state)
{
    (void)state;
    static uint8_t pkt[3000], out[3000];
    size_t len = echo_request(pkt);
    size_t n = icmp6_unreachable(stack, ICMP6_UNREACH_PROHIBITED, pkt, len, out, sizeof(out));
    assert_int_equal(n, 40 + 8 + len);
    assert_memory_equal(out + 8, stack, 16);
    assert_memory_equal(out + 24, client, 16); /* to the sender */
    assert_int_equal(out[40], ICMP6_UNREACH_TYPE);
    assert_int_equal(out[41], ICMP6_UNREACH_PROHIBITED);
    assert_memory_equal(out + 48, pkt, len); /* the invoking packet */
    assert_int_equal(icmp6_checksum(stack, client, out + 40, n - 40), 0);
    /* A big one is quoted only so far: the error fits 1280 bytes. */
    n = icmp6_unreachable(stack, ICMP6_UNREACH_PROHIBITED, pkt, 2000, out, sizeof(out));
    assert_int_equal(n, 1280);
    assert_int_equal(out[4] << 8 | out[5], 1240);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(recognises_echo_requests_only),
        cmocka_unit_test(frames_the_reply_for_the_client),
        cmocka_unit_test(refuses_within_the_minimum_mtu),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
