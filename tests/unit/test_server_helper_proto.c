/* test_server_helper_proto.c - the session <-> helper messages: what is
 * defined round-trips byte for byte, anything else is refused, and what
 * the session may say is clamped (helper_proto.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <string.h>

#include "helper_proto.h"

static void request_round_trip(const struct helper_request *r)
{
    uint8_t a[HELPER_REQUEST_LEN], b[HELPER_REQUEST_LEN];
    struct helper_request d;
    assert_int_equal(helper_request_encode(r, a), HELPER_REQUEST_LEN);
    assert_int_equal(helper_request_decode(a, sizeof(a), &d), HELPER_REQUEST_LEN);
    assert_int_equal(d.type, r->type);
    assert_int_equal(helper_request_encode(&d, b), HELPER_REQUEST_LEN);
    assert_memory_equal(a, b, sizeof(a));
}

static void every_request_round_trips(void **state)
{
    (void)state;
    struct helper_request open = {.type = HELPER_OPEN, .user = "alice"};
    struct helper_request v4 = {.type = HELPER_IPV4_UP, .mtu = 1500};
    struct helper_request v6 = {
        .type = HELPER_IPV6_UP, .mtu = 1500, .ifid = {0, 0, 0, 0, 0, 0, 0, 2}};
    request_round_trip(&open);
    request_round_trip(&(struct helper_request){.type = HELPER_OPEN, .user = "alice@example"});
    request_round_trip(&v4);
    request_round_trip(&v6);
    for (int t = HELPER_IPV4_DOWN; t <= HELPER_BYE; t++)
        request_round_trip(&(struct helper_request){.type = (enum helper_type)t});
    request_round_trip(&(struct helper_request){.type = HELPER_GSO_MAX, .mtu = 65531});
}

static void refuses_what_is_undefined(void **state)
{
    (void)state;
    uint8_t m[HELPER_REQUEST_LEN];
    struct helper_request d;
    struct helper_request open = {.type = HELPER_OPEN, .user = "alice"};
    assert_int_equal(helper_request_encode(&open, m), HELPER_REQUEST_LEN);
    assert_int_equal(helper_request_decode(m, sizeof(m) - 1, &d), -1); /* short */
    m[0] = 2;                                                          /* version */
    assert_int_equal(helper_request_decode(m, sizeof(m), &d), -1);
    m[0] = HELPER_PROTO_VERSION;
    m[1] = HELPER_GRANTED; /* an answer's type */
    assert_int_equal(helper_request_decode(m, sizeof(m), &d), -1);
    m[1] = HELPER_OPEN;
    m[4 + 3] = 1; /* an MTU on OPEN */
    assert_int_equal(helper_request_decode(m, sizeof(m), &d), -1);
    m[4 + 3] = 0;
    memcpy(m + 16, "../etc", 6); /* a name that leaves its directory */
    assert_int_equal(helper_request_decode(m, sizeof(m), &d), -1);
    memset(m + 16, 0, 32);
    m[16] = 'a';
    m[18] = 'b'; /* bytes after the NUL */
    assert_int_equal(helper_request_decode(m, sizeof(m), &d), -1);
    struct helper_request zero_ifid = {.type = HELPER_IPV6_UP, .mtu = 1500};
    assert_int_equal(helper_request_encode(&zero_ifid, m), -1);
    struct helper_request ones = {.type = HELPER_IPV6_UP, .mtu = 1500};
    memset(ones.ifid, 0xff, 8);
    assert_int_equal(helper_request_encode(&ones, m), -1);
    struct helper_request big = {.type = HELPER_IPV4_UP, .mtu = 70000};
    assert_int_equal(helper_request_encode(&big, m), -1);
}

static void mtu_is_clamped(void **state)
{
    (void)state;
    assert_int_equal(helper_clamp_mtu(1), HELPER_MTU_MIN);
    assert_int_equal(helper_clamp_mtu(1500), 1500);
    assert_int_equal(helper_clamp_mtu(0xffffffffu), HELPER_MTU_MAX);
}

static void grant_round_trips(void **state)
{
    (void)state;
    struct helper_answer a = {.type = HELPER_GRANTED};
    inet_pton(AF_INET, "198.18.0.1", &a.grant.local);
    inet_pton(AF_INET, "198.18.0.2", &a.grant.remote);
    a.grant.offload = true;
    strcpy(a.grant.ifname, "pppssh-alice");
    a.grant.n_routes = 2;
    os_prefix_parse("198.19.1.0/24", &a.grant.routes[0]);
    os_prefix_parse("fd00:5353::2/128", &a.grant.routes[1]);
    uint8_t m[HELPER_ANSWER_LEN], m2[HELPER_ANSWER_LEN];
    struct helper_answer d;
    assert_int_equal(helper_answer_encode(&a, m), HELPER_ANSWER_LEN);
    assert_int_equal(helper_answer_decode(m, sizeof(m), &d), HELPER_ANSWER_LEN);
    assert_string_equal(d.grant.ifname, "pppssh-alice");
    assert_int_equal(d.grant.remote.s_addr, a.grant.remote.s_addr);
    assert_true(d.grant.offload);
    assert_int_equal(d.grant.n_routes, 2);
    assert_true(os_ip_equal(&d.grant.routes[1].ip, &a.grant.routes[1].ip));
    assert_int_equal(d.grant.routes[1].len, 128);
    assert_int_equal(helper_answer_encode(&d, m2), HELPER_ANSWER_LEN);
    assert_memory_equal(m, m2, sizeof(m));
    m[HELPER_ANSWER_LEN - 1] = 1; /* a route slot past n_routes */
    assert_int_equal(helper_answer_decode(m, sizeof(m), &d), -1);
}

static void refusal_carries_its_reason(void **state)
{
    (void)state;
    struct helper_answer a = {.type = HELPER_REFUSED};
    strcpy(a.reason, "account bob may not serve VPN user alice");
    uint8_t m[HELPER_ANSWER_LEN];
    struct helper_answer d;
    assert_int_equal(helper_answer_encode(&a, m), HELPER_ANSWER_LEN);
    assert_int_equal(helper_answer_decode(m, sizeof(m), &d), HELPER_ANSWER_LEN);
    assert_int_equal(d.type, HELPER_REFUSED);
    assert_string_equal(d.reason, a.reason);
    m[4] = '\n'; /* not printable */
    assert_int_equal(helper_answer_decode(m, sizeof(m), &d), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_request_round_trips),
        cmocka_unit_test(refuses_what_is_undefined),
        cmocka_unit_test(mtu_is_clamped),
        cmocka_unit_test(grant_round_trips),
        cmocka_unit_test(refusal_carries_its_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
