/* test_ipv6cp.c - IPV6CP (RFC 5072) Interface-Identifier negotiation */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ipv6cp.h"
#include "ncp_harness.h"

#define ID_A 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x00, 0x0a
#define ID_B 0x02, 0x00, 0x5e, 0xff, 0xfe, 0x00, 0x00, 0x0b
#define ID_ZERO 0, 0, 0, 0, 0, 0, 0, 0

static const uint8_t id_a[8] = {ID_A};
static const uint8_t id_b[8] = {ID_B};
static const uint8_t id_zero[8];

struct side {
    struct ppp_settings settings;
    struct harness h;
    struct fsm_parent parent;
    struct ipv6cp ipv6cp;
};

static void side_init(struct side *s, const uint8_t *local, const uint8_t *remote, uint32_t seed)
{
    ppp_settings_default(&s->settings);
    memcpy(s->settings.local_ifid, local, 8);
    memcpy(s->settings.remote_ifid, remote, 8);
    s->parent = harness_parent(&s->h, seed);
}

static void side_start(struct side *s)
{
    ipv6cp_init(&s->ipv6cp, &s->settings, &s->parent);
    s->h.fsm = &s->ipv6cp.fsm;
}

static void configured_id_is_requested_and_peers_acked(void **state)
{
    struct side s;
    uint8_t req[64];
    const uint8_t peer[] = {1, 10, ID_B};
    struct verdict v;
    struct ppp_event ev;

    side_init(&s, id_a, id_zero, 1);
    side_start(&s);
    assert_int_equal(request(&s.h, req), 10);
    assert_memory_equal(req, ((uint8_t[]){1, 10, ID_A}), 10);
    v = judge(&s.h, peer, sizeof(peer));
    assert_int_equal(v.code, FSM_CONF_ACK);
    assert_int_equal(v.len, sizeof(peer));
    assert_memory_equal(v.out, peer, sizeof(peer));
    ack_and_up(&s.h);
    assert_false(ipv6cp_failed(&s.ipv6cp));
    ipv6cp_result(&s.ipv6cp, &ev);
    assert_int_equal(ev.type, PPP_EV_IPV6CP_UP);
    assert_memory_equal(ev.u.ipv6cp.local_ifid, id_a, 8);
    assert_memory_equal(ev.u.ipv6cp.remote_ifid, id_b, 8);
    assert_int_equal(s.h.log_level, PPP_LOG_INFO);
    assert_string_equal(s.h.log,
                        "IPV6CP: local fe80::200:5eff:fe00:a remote fe80::200:5eff:fe00:b");
}

static void unconfigured_id_is_random_and_not_zero(void **state)
{
    struct side s;
    uint8_t req[64];

    side_init(&s, id_zero, id_zero, 99);
    side_start(&s);
    assert_int_equal(request(&s.h, req), 10);
    assert_int_equal(req[0], 1);
    assert_memory_not_equal(req + 2, id_zero, 8);
    assert_memory_equal(req + 2, s.ipv6cp.local_ifid, 8);
}

static void zero_id_is_naked_with_a_distinct_one(void **state)
{
    struct side s;
    const uint8_t peer[] = {1, 10, ID_ZERO};
    struct verdict v;

    side_init(&s, id_a, id_zero, 5);
    side_start(&s);
    v = judge(&s.h, peer, sizeof(peer));
    assert_int_equal(v.code, FSM_CONF_NAK);
    assert_int_equal(v.len, 10);
    assert_memory_not_equal(v.out + 2, id_zero, 8);
    assert_memory_not_equal(v.out + 2, id_a, 8);

    /* a configured peer identifier is the suggestion */
    side_init(&s, id_a, id_b, 5);
    side_start(&s);
    v = judge(&s.h, peer, sizeof(peer));
    assert_int_equal(v.code, FSM_CONF_NAK);
    assert_memory_equal(v.out, ((uint8_t[]){1, 10, ID_B}), 10);
}

static void collision_naks_the_peer_and_renews_ours(void **state)
{
    struct side s;
    const uint8_t peer[] = {1, 10, ID_A};
    uint8_t req[64];
    struct verdict v;

    side_init(&s, id_a, id_zero, 5);
    side_start(&s);
    v = judge(&s.h, peer, sizeof(peer));
    assert_int_equal(v.code, FSM_CONF_NAK);
    assert_memory_not_equal(v.out + 2, id_a, 8);
    assert_memory_not_equal(v.out + 2, id_zero, 8);
    request(&s.h, req);
    assert_memory_not_equal(req + 2, id_a, 8);
    assert_memory_not_equal(req + 2, id_zero, 8);
    assert_memory_not_equal(req + 2, v.out + 2, 8);
}

static void configured_peer_id_is_suggested_once(void **state)
{
    struct side s;
    const uint8_t peer[] = {1, 10, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0};

    side_init(&s, id_a, id_b, 5);
    side_start(&s);
    struct verdict v = judge(&s.h, peer, sizeof(peer));
    assert_int_equal(v.code, FSM_CONF_NAK);
    assert_memory_equal(v.out, ((uint8_t[]){1, 10, ID_B}), 10);
    /* pppd: a peer that insists keeps its own */
    assert_int_equal(judge(&s.h, peer, sizeof(peer)).code, FSM_CONF_ACK);
    ack_and_up(&s.h);
    assert_memory_equal(s.ipv6cp.remote_ifid, peer + 2, 8);
}

static void naked_id_is_taken(void **state)
{
    struct side s;
    const uint8_t nak[] = {1, 10, ID_B};
    const uint8_t nak_zero[] = {1, 10, ID_ZERO};
    uint8_t req[64];

    side_init(&s, id_a, id_zero, 5);
    side_start(&s);
    assert_true(s.ipv6cp.fsm.ops->nak(&s.ipv6cp.fsm, nak, sizeof(nak)));
    request(&s.h, req);
    assert_memory_equal(req, nak, sizeof(nak));
    /* a zero suggestion is not usable: we draw a fresh one */
    assert_true(s.ipv6cp.fsm.ops->nak(&s.ipv6cp.fsm, nak_zero, sizeof(nak_zero)));
    request(&s.h, req);
    assert_memory_not_equal(req + 2, id_zero, 8);
    /* wrong length: dropped */
    assert_false(s.ipv6cp.fsm.ops->nak(&s.ipv6cp.fsm, (uint8_t[]){1, 6, 1, 2, 3, 4}, 6));
}

static void compression_and_unknown_options_are_rejected(void **state)
{
    struct side s;
    const uint8_t opts[] = {2, 4, 0x00, 0x4f, 1, 10, ID_B, 77, 3, 0, 1, 6, 1, 2, 3, 4};
    const uint8_t want[] = {2, 4, 0x00, 0x4f, 77, 3, 0, 1, 6, 1, 2, 3, 4};
    struct verdict v;

    side_init(&s, id_a, id_zero, 5);
    side_start(&s);
    v = judge(&s.h, opts, sizeof(opts));
    assert_int_equal(v.code, FSM_CONF_REJ);
    assert_int_equal(v.len, sizeof(want));
    assert_memory_equal(v.out, want, sizeof(want));
}

static void rejected_id_carries_on_with_ours(void **state)
{
    struct side s;
    uint8_t req[64];
    const uint8_t peer[] = {1, 10, ID_B};

    side_init(&s, id_a, id_zero, 5);
    side_start(&s);
    size_t len = request(&s.h, req);
    assert_false(s.ipv6cp.fsm.ops->reject(&s.ipv6cp.fsm, peer, sizeof(peer)));
    assert_true(s.ipv6cp.fsm.ops->reject(&s.ipv6cp.fsm, req, len));
    assert_int_equal(request(&s.h, req), 0);
    judge(&s.h, peer, sizeof(peer));
    ack_and_up(&s.h);
    assert_false(ipv6cp_failed(&s.ipv6cp));
    assert_memory_equal(s.ipv6cp.local_ifid, id_a, 8);
    assert_memory_equal(s.ipv6cp.remote_ifid, id_b, 8);
}

static void no_peer_id_fails_without_a_configured_one(void **state)
{
    struct side s;

    side_init(&s, id_a, id_zero, 5);
    side_start(&s);
    assert_int_equal(judge(&s.h, id_zero, 0).code, FSM_CONF_ACK);
    ack_and_up(&s.h);
    assert_true(ipv6cp_failed(&s.ipv6cp));
    assert_int_equal(s.h.log_level, PPP_LOG_ERROR);

    side_init(&s, id_a, id_b, 5);
    side_start(&s);
    assert_int_equal(judge(&s.h, id_zero, 0).code, FSM_CONF_ACK);
    ack_and_up(&s.h);
    assert_false(ipv6cp_failed(&s.ipv6cp));
    assert_memory_equal(s.ipv6cp.remote_ifid, id_b, 8);
}

static void stale_ack_is_dropped(void **state)
{
    struct side s;
    uint8_t old[64], req[64];
    const uint8_t nak[] = {1, 10, ID_B};

    side_init(&s, id_a, id_zero, 5);
    side_start(&s);
    size_t old_len = request(&s.h, old);
    assert_true(s.ipv6cp.fsm.ops->nak(&s.ipv6cp.fsm, nak, sizeof(nak)));
    size_t len = request(&s.h, req);
    assert_false(s.ipv6cp.fsm.ops->ack(&s.ipv6cp.fsm, old, old_len));
    assert_true(s.ipv6cp.fsm.ops->ack(&s.ipv6cp.fsm, req, len));
}

/* --- two IPV6CPs back to back through the real automaton ------------------ */

static void colliding_configured_ids_end_distinct(void **state)
{
    struct side a, b;

    side_init(&a, id_a, id_zero, 11);
    side_init(&b, id_a, id_zero, 23);
    side_start(&a);
    side_start(&b);
    a.h.peer = &b.h;
    b.h.peer = &a.h;
    fsm_up(&a.ipv6cp.fsm, 0);
    fsm_up(&b.ipv6cp.fsm, 0);
    fsm_open(&a.ipv6cp.fsm, 0);
    fsm_open(&b.ipv6cp.fsm, 0);
    assert_true(harness_pump(&a.h, &b.h, 0, 200) < 200);

    /* the collision was seen and Naked by both */
    assert_true(harness_count(&a.h, FSM_CONF_NAK) >= 1);
    assert_true(harness_count(&b.h, FSM_CONF_NAK) >= 1);
    assert_int_equal(a.ipv6cp.fsm.state, FSM_OPENED);
    assert_int_equal(b.ipv6cp.fsm.state, FSM_OPENED);
    assert_false(ipv6cp_failed(&a.ipv6cp));
    assert_false(ipv6cp_failed(&b.ipv6cp));
    assert_memory_not_equal(a.ipv6cp.local_ifid, b.ipv6cp.local_ifid, 8);
    assert_memory_equal(a.ipv6cp.local_ifid, b.ipv6cp.remote_ifid, 8);
    assert_memory_equal(b.ipv6cp.local_ifid, a.ipv6cp.remote_ifid, 8);
    assert_memory_not_equal(a.ipv6cp.local_ifid, id_zero, 8);
    assert_memory_not_equal(b.ipv6cp.local_ifid, id_zero, 8);
}

/* --- a peer that renegotiates ------------------------------------------ */

/* The peer Acks our last Configure-Request as sent. */
static void ack_our_request(struct side *s)
{
    const uint8_t *req = our_last_request(&s->h);

    feed(&s->h, FSM_CONF_ACK, req[1], req + 4, req[3] - 4u);
}

/* RFC 1661 section 4.1, Opened + RCR: tld, scr, sca.  The peer that sent
 * the request sends no other: its identifier must survive our own restart
 * of the negotiation (scr) and This-Layer-Down. */
static void peer_id_survives_a_renegotiation_from_opened(void **state)
{
    struct side s;
    const uint8_t peer_req[] = {1, 10, ID_B};

    side_init(&s, id_a, id_zero, 5);
    side_start(&s);
    fsm_up(&s.ipv6cp.fsm, 0);
    fsm_open(&s.ipv6cp.fsm, 0);
    feed(&s.h, FSM_CONF_REQ, 1, peer_req, sizeof(peer_req));
    ack_our_request(&s);
    assert_int_equal(s.ipv6cp.fsm.state, FSM_OPENED);
    assert_memory_equal(s.ipv6cp.remote_ifid, id_b, 8);

    feed(&s.h, FSM_CONF_REQ, 2, peer_req, sizeof(peer_req));
    assert_int_equal(s.ipv6cp.fsm.state, FSM_ACK_SENT);
    ack_our_request(&s);
    assert_int_equal(s.ipv6cp.fsm.state, FSM_OPENED);
    assert_false(ipv6cp_failed(&s.ipv6cp));
    assert_memory_equal(s.ipv6cp.local_ifid, id_a, 8);
    assert_memory_equal(s.ipv6cp.remote_ifid, id_b, 8);
}

/* In Ack-Rcvd the peer has already Acked our identifier: a colliding
 * request from it is Naked with a suggestion, but ours must stay the one
 * the peer Acked, or the two ends disagree on our link-local address. */
static void collision_after_our_ack_keeps_the_acked_id(void **state)
{
    struct side s;
    const uint8_t colliding[] = {1, 10, ID_A};
    uint8_t suggestion[10];
    size_t len;
    const uint8_t *nak;

    side_init(&s, id_a, id_zero, 5);
    side_start(&s);
    fsm_up(&s.ipv6cp.fsm, 0);
    fsm_open(&s.ipv6cp.fsm, 0);
    ack_our_request(&s);
    assert_int_equal(s.ipv6cp.fsm.state, FSM_ACK_RCVD);

    feed(&s.h, FSM_CONF_REQ, 1, colliding, sizeof(colliding));
    nak = harness_last(&s.h, &len);
    assert_int_equal(nak[0], FSM_CONF_NAK);
    assert_int_equal(len, 14);
    memcpy(suggestion, nak + 4, sizeof(suggestion));
    assert_memory_not_equal(suggestion + 2, id_a, 8);

    feed(&s.h, FSM_CONF_REQ, 2, suggestion, sizeof(suggestion));
    assert_int_equal(s.ipv6cp.fsm.state, FSM_OPENED);
    assert_false(ipv6cp_failed(&s.ipv6cp));
    assert_memory_equal(s.ipv6cp.local_ifid, id_a, 8);
    assert_memory_equal(s.ipv6cp.remote_ifid, suggestion + 2, 8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(configured_id_is_requested_and_peers_acked),
        cmocka_unit_test(unconfigured_id_is_random_and_not_zero),
        cmocka_unit_test(zero_id_is_naked_with_a_distinct_one),
        cmocka_unit_test(collision_naks_the_peer_and_renews_ours),
        cmocka_unit_test(configured_peer_id_is_suggested_once),
        cmocka_unit_test(naked_id_is_taken),
        cmocka_unit_test(compression_and_unknown_options_are_rejected),
        cmocka_unit_test(rejected_id_carries_on_with_ours),
        cmocka_unit_test(no_peer_id_fails_without_a_configured_one),
        cmocka_unit_test(stale_ack_is_dropped),
        cmocka_unit_test(colliding_configured_ids_end_distinct),
        cmocka_unit_test(peer_id_survives_a_renegotiation_from_opened),
        cmocka_unit_test(collision_after_our_ack_keeps_the_acked_id),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
