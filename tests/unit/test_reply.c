/* test_reply.c - the Configure-Request reply LCP, IPCP and IPV6CP share:
 * verdict order, Max-Failure, and the overflow rule of reply.h. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fsm.h"
#include "reply.h"

/* One option of the given Type with a 2-byte value, parsed from bytes. */
static struct opt option(uint8_t *bytes, uint8_t type, uint8_t value)
{
    struct opt_iter it;
    struct opt o;
    bytes[0] = type;
    bytes[1] = 4;
    bytes[2] = 0;
    bytes[3] = value;
    opt_iter_init(&it, bytes, 4);
    assert_int_equal(opt_next(&it, &o), 1);
    return o;
}

static void the_worst_verdict_wins_in_the_peers_order(void **state)
{
    uint8_t out[64], b[5][4];
    struct cp_reply r;
    const uint8_t suggestion[2] = {0, 9};

    cp_reply_init(&r, out, sizeof(out), false);
    assert_int_equal(r.code, FSM_CONF_ACK); /* nothing judged yet: an empty Ack */
    struct opt a = option(b[0], 1, 1), n = option(b[1], 2, 2), x = option(b[2], 3, 3);
    struct opt y = option(b[3], 4, 4), n2 = option(b[4], 5, 5);
    cp_reply_ack(&r, &a);
    assert_int_equal(cp_reply_nak(&r, &n, suggestion, 2), FSM_CONF_NAK);
    assert_int_equal(r.code, FSM_CONF_NAK);
    assert_memory_equal(out, ((uint8_t[]){2, 4, 0, 9}), 4);
    cp_reply_reject(&r, &x);
    cp_reply_nak(&r, &n2, suggestion, 2); /* weaker than the Reject: not listed */
    cp_reply_reject(&r, &y);
    assert_int_equal(r.code, FSM_CONF_REJ);
    assert_int_equal(r.w.len, 8);
    assert_memory_equal(out, ((uint8_t[]){3, 4, 0, 3, 4, 4, 0, 4}), 8);
}

/* RFC 1661 section 4.6: past Max-Failure a Nak is a Reject, unless the
 * protocol must go on Naking (LCP's Magic-Number). */
static void past_max_failure_naks_become_rejects(void **state)
{
    uint8_t out[64], b[2][4];
    struct cp_reply r;
    const uint8_t suggestion[2] = {0, 9};

    cp_reply_init(&r, out, sizeof(out), true);
    struct opt magic = option(b[0], 5, 1), other = option(b[1], 1, 2);
    cp_reply_nak_anyway(&r, &magic, suggestion, 2);
    assert_int_equal(r.code, FSM_CONF_NAK);
    assert_int_equal(cp_reply_nak(&r, &other, suggestion, 2), FSM_CONF_REJ);
    assert_int_equal(r.code, FSM_CONF_REJ);
    assert_memory_equal(out, b[1], 4); /* the peer's option, unmodified */
    assert_int_equal(r.w.len, 4);
}

/* A Reject larger than the buffer lists whole options only: those that
 * fit, the rest left out (RFC 1661 section 5.4: unmodified options). */
static void a_reject_that_overflows_leaves_whole_options_out(void **state)
{
    uint8_t out[10], b[3][4];
    struct cp_reply r;

    cp_reply_init(&r, out, sizeof(out), false);
    for (int i = 0; i < 3; i++) {
        struct opt o = option(b[i], (uint8_t)(10 + i), (uint8_t)i);
        cp_reply_reject(&r, &o);
    }
    assert_int_equal(r.code, FSM_CONF_REJ);
    assert_int_equal(r.w.len, 8);
    assert_true(r.w.overflow);
    assert_true(opts_valid(out, r.w.len));
    assert_memory_equal(out, ((uint8_t[]){10, 4, 0, 0, 11, 4, 0, 1}), 8);
    /* So does a Nak. */
    cp_reply_init(&r, out, 6, false);
    struct opt p = option(b[0], 1, 1), q = option(b[1], 2, 2);
    cp_reply_nak(&r, &p, (const uint8_t[]){7, 7}, 2);
    cp_reply_nak(&r, &q, (const uint8_t[]){8, 8}, 2);
    assert_int_equal(r.code, FSM_CONF_NAK);
    assert_int_equal(r.w.len, 4);
    assert_memory_equal(out, ((uint8_t[]){1, 4, 7, 7}), 4);
}

/* An Ack must repeat the request whole (RFC 1661 section 5.2): an option
 * that does not fit makes the reply a Reject of it. */
static void an_ack_that_overflows_becomes_a_reject(void **state)
{
    uint8_t out[6], b[2][4];
    struct cp_reply r;

    cp_reply_init(&r, out, sizeof(out), false);
    struct opt first = option(b[0], 1, 1), second = option(b[1], 2, 2);
    cp_reply_ack(&r, &first);
    assert_int_equal(r.code, FSM_CONF_ACK);
    cp_reply_ack(&r, &second);
    assert_int_equal(r.code, FSM_CONF_REJ);
    assert_int_equal(r.w.len, 4);
    assert_false(r.w.overflow);
    assert_memory_equal(out, b[1], 4);
}

/* Worse verdicts start a fresh list: the overflow of a Nak list does not
 * stay with the Reject list that replaces it. */
static void escalating_starts_a_fresh_list(void **state)
{
    uint8_t out[6], b[3][4];
    struct cp_reply r;

    cp_reply_init(&r, out, sizeof(out), false);
    struct opt p = option(b[0], 1, 1), q = option(b[1], 2, 2), x = option(b[2], 3, 3);
    cp_reply_nak(&r, &p, (const uint8_t[]){7, 7}, 2);
    cp_reply_nak(&r, &q, (const uint8_t[]){8, 8}, 2);
    assert_true(r.w.overflow);
    cp_reply_reject(&r, &x);
    assert_false(r.w.overflow);
    assert_int_equal(r.w.len, 4);
    assert_memory_equal(out, b[2], 4);
}

/* A malformed tail is rejected verbatim if it fits, else left out. */
static void a_malformed_tail_is_rejected_whole_or_not_at_all(void **state)
{
    uint8_t out[6], b[4];
    struct cp_reply r;
    const uint8_t tail[] = {9, 40, 1, 2, 3};

    cp_reply_init(&r, out, sizeof(out), false);
    cp_reply_reject_tail(&r, tail, sizeof(tail));
    assert_int_equal(r.code, FSM_CONF_REJ);
    assert_int_equal(r.w.len, 5);
    assert_memory_equal(out, tail, 5);
    cp_reply_init(&r, out, sizeof(out), false);
    struct opt x = option(b, 3, 3);
    cp_reply_reject(&r, &x);
    cp_reply_reject_tail(&r, tail, sizeof(tail));
    assert_int_equal(r.w.len, 4);
    assert_true(r.w.overflow);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_worst_verdict_wins_in_the_peers_order),
        cmocka_unit_test(past_max_failure_naks_become_rejects),
        cmocka_unit_test(a_reject_that_overflows_leaves_whole_options_out),
        cmocka_unit_test(an_ack_that_overflows_becomes_a_reject),
        cmocka_unit_test(escalating_starts_a_fresh_list),
        cmocka_unit_test(a_malformed_tail_is_rejected_whole_or_not_at_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
