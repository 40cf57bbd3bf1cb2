/*
 * test_fsm.c - the RFC 1661 automaton driven by packets and time: two fakes
 * back to back, restart counters, Max-Failure, Identifier checks, header
 * validation, Code-Reject, and pppd's passive and silent options.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fsm_fake.h"

#define T0 ((ppp_time)1000 * PPP_MS)

static void open_and_up(struct fake *f, ppp_time now)
{
    fsm_open(&f->fsm, now);
    fsm_up(&f->fsm, now);
}

/* Fire the restart timer until it stops, at most `limit` times. */
static int run_timer(struct fake *f, ppp_time *now, int limit)
{
    int fired = 0;

    while (f->fsm.deadline != PPP_TIME_NEVER && fired < limit) {
        *now = f->fsm.deadline;
        fsm_timeout(&f->fsm, *now);
        fired++;
    }
    return fired;
}

static void input(struct fake *f, ppp_time now, const uint8_t *pkt, size_t len)
{
    fsm_input(&f->fsm, now, pkt, len);
}

static void bring_up_pair(struct fake *a, struct fake *b)
{
    fake_init(a, NULL);
    fake_init(b, NULL);
    b->random_value = 0x80;
    fsm_init(&b->fsm, &b->ops, &b->parent, &fake_default_config);
    a->peer = b;
    b->peer = a;
    open_and_up(a, T0);
    open_and_up(b, T0);
    assert_true(fake_pump(a, b, T0) >= 0);
}

static void back_to_back_both_reach_opened(void **state)
{
    struct fake a, b;

    bring_up_pair(&a, &b);
    assert_int_equal(a.fsm.state, FSM_OPENED);
    assert_int_equal(b.fsm.state, FSM_OPENED);
    assert_int_equal(a.layer_ups, 1);
    assert_int_equal(b.layer_ups, 1);
    assert_int_equal(a.ops_ups, 1);
    assert_int_equal(a.layer_starts, 1); /* Open in Initial: tls */
    assert_int_equal(a.resets, 1);       /* once, before the first request */
    assert_true(a.fsm.deadline == PPP_TIME_NEVER);
    assert_true(b.fsm.deadline == PPP_TIME_NEVER);
    assert_int_equal(fake_count(&a, FSM_CONF_REQ), 1);
    assert_int_equal(fake_count(&a, FSM_CONF_ACK), 1);
    assert_int_equal(a.acks, 1);
}

static void initial_identifier_comes_from_random(void **state)
{
    struct fake f;

    fake_init(&f, NULL);
    f.random_value = 0x3c7;
    fsm_init(&f.fsm, &f.ops, &f.parent, &fake_default_config);
    open_and_up(&f, T0);
    assert_int_equal(f.sent[0].code, FSM_CONF_REQ);
    assert_int_equal(f.sent[0].id, 0xc7);
}

static void transitions_are_logged(void **state)
{
    struct fake a, b;

    bring_up_pair(&a, &b);
    /* a: Initial->Starting, Starting->Req-Sent, then the Ack and the peer's
     * request in whichever order the pump delivered them */
    assert_string_equal(a.transitions[0], "LCP: Initial -> Starting on Open");
    assert_string_equal(a.transitions[1], "LCP: Starting -> Req-Sent on Up");
    assert_string_equal(a.transitions[a.ntransitions - 1], "LCP: Ack-Sent -> Opened on RCA");
}

/* Max-Configure requests in all, one per Restart period, then TO-: Stopped,
 * This-Layer-Finished and the negotiation-failed cause. */
static void gives_up_after_max_configure(void **state)
{
    struct fake f;
    ppp_time now = T0;

    fake_init(&f, NULL);
    open_and_up(&f, now);
    assert_int_equal(run_timer(&f, &now, 100), fake_default_config.max_configure);
    assert_int_equal(fake_count(&f, FSM_CONF_REQ), fake_default_config.max_configure);
    assert_true(now == T0 + fake_default_config.max_configure * fake_default_config.restart);
    assert_int_equal(f.fsm.state, FSM_STOPPED);
    assert_int_equal(f.layer_finishes, 1);
    assert_int_equal(f.fsm.cause, PPP_CAUSE_NEGOTIATION_FAILED);
    assert_string_equal(f.last_log, "LCP: no answer to 10 Configure-Requests");
    /* retransmissions keep the Identifier (pppd) but rebuild the options */
    for (size_t i = 1; i < f.nsent; i++)
        assert_int_equal(f.sent[i].id, f.sent[0].id);
    assert_int_equal(f.builds, fake_default_config.max_configure);
}

static void early_timeout_call_is_ignored(void **state)
{
    struct fake f;

    fake_init(&f, NULL);
    open_and_up(&f, T0);
    fsm_timeout(&f.fsm, f.fsm.deadline - 1);
    assert_int_equal(f.nsent, 1);
    assert_int_equal(f.fsm.restart_count, fake_default_config.max_configure - 1);
}

/* passive: after Max-Configure the automaton waits in Stopped without
 * finishing, and a late peer can still bring it up. */
static void passive_keeps_waiting_after_max_configure(void **state)
{
    struct fsm_config config = fake_default_config;
    struct fake f;
    ppp_time now = T0;
    const uint8_t req[] = {FSM_CONF_REQ, 0x55, 0, 8, 1, 4, 0x05, 0xdc};

    config.passive = true;
    fake_init(&f, &config);
    open_and_up(&f, now);
    assert_int_equal(run_timer(&f, &now, 100), config.max_configure);
    assert_int_equal(f.fsm.state, FSM_STOPPED);
    assert_int_equal(f.layer_finishes, 0);
    assert_int_equal(f.fsm.cause, PPP_CAUSE_NONE);

    input(&f, now, req, sizeof(req));
    assert_int_equal(f.fsm.state, FSM_ACK_SENT);
    assert_int_equal(fake_last(&f)->code, FSM_CONF_ACK);
    assert_int_equal(fake_last(&f)->id, 0x55);
    assert_int_equal(f.sent[f.nsent - 2].code, FSM_CONF_REQ);
    assert_int_equal(f.resets, 2); /* a new negotiation forgets old Naks */
}

/* silent: Open+Up sends nothing; the peer's request starts negotiation. */
static void silent_waits_for_peer_request(void **state)
{
    struct fsm_config config = fake_default_config;
    struct fake a, b;

    config.silent = true;
    fake_init(&a, &config);
    fake_init(&b, NULL);
    open_and_up(&a, T0);
    assert_int_equal(a.fsm.state, FSM_STOPPED);
    assert_int_equal(a.nsent, 0);
    assert_true(a.fsm.silent_waiting);
    assert_true(a.fsm.deadline == PPP_TIME_NEVER);

    open_and_up(&b, T0);
    assert_true(fake_pump(&a, &b, T0) >= 0);
    assert_int_equal(a.fsm.state, FSM_OPENED);
    assert_int_equal(b.fsm.state, FSM_OPENED);
    assert_false(a.fsm.silent_waiting);
}

/* Close in Opened: Terminate-Request with the reason, Max-Terminate of
 * them unanswered, then Closed and This-Layer-Finished. */
static void close_sends_max_terminate_requests(void **state)
{
    struct fake a, b;
    ppp_time now = T0;
    const struct fake_packet *p;

    bring_up_pair(&a, &b);
    a.nsent = a.delivered = 0;
    fsm_close(&a.fsm, now, "User request");
    assert_int_equal(a.fsm.state, FSM_CLOSING);
    assert_int_equal(a.layer_downs, 1);
    assert_int_equal(a.fsm.cause, PPP_CAUSE_ADMIN_CLOSE);
    p = fake_last(&a);
    assert_int_equal(p->code, FSM_TERM_REQ);
    assert_int_equal(p->len, 4 + 12);
    assert_memory_equal(p->bytes + 4, "User request", 12);

    assert_int_equal(run_timer(&a, &now, 100), fake_default_config.max_terminate);
    assert_int_equal(fake_count(&a, FSM_TERM_REQ), fake_default_config.max_terminate);
    assert_int_equal(a.fsm.state, FSM_CLOSED);
    assert_int_equal(a.layer_finishes, 1);
    /* each Terminate-Request has its own Identifier */
    assert_int_not_equal(a.sent[0].id, a.sent[1].id);
}

static void close_reason_is_truncated(void **state)
{
    struct fake a, b;
    char reason[200];

    memset(reason, 'x', sizeof(reason) - 1);
    reason[sizeof(reason) - 1] = '\0';
    bring_up_pair(&a, &b);
    fsm_close(&a.fsm, T0, reason);
    assert_int_equal(fake_last(&a)->len, 4 + sizeof(a.fsm.term_reason));
}

/* Close answered: the peer's Terminate-Ack finishes us, the peer goes
 * through Stopping (zrc: one Restart period) to Stopped. */
static void peer_terminate_request_waits_one_period(void **state)
{
    struct fake a, b;
    ppp_time now = T0;

    bring_up_pair(&a, &b);
    fsm_close(&a.fsm, now, NULL);
    assert_true(fake_pump(&a, &b, now) >= 0);
    assert_int_equal(a.fsm.state, FSM_CLOSED);
    assert_int_equal(a.layer_finishes, 1);
    assert_int_equal(fake_last(&a)->len, 4); /* no reason given, no data */

    assert_int_equal(b.fsm.state, FSM_STOPPING);
    assert_int_equal(b.layer_downs, 1);
    assert_int_equal(b.fsm.cause, PPP_CAUSE_PEER_TERMINATED);
    assert_int_equal(b.fsm.restart_count, 0);
    assert_true(b.fsm.deadline == now + fake_default_config.restart);
    assert_int_equal(fake_count(&b, FSM_TERM_REQ), 0);
    assert_int_equal(run_timer(&b, &now, 10), 1);
    assert_int_equal(b.fsm.state, FSM_STOPPED);
    assert_int_equal(b.layer_finishes, 1);
}

static void feed_request(struct fake *f, uint8_t id)
{
    const uint8_t req[] = {FSM_CONF_REQ, id, 0, 8, 2, 6, 0, 0, 0, 0};

    input(f, T0, req, 8);
}

/* Section 4.6: after Max-Failure Naks without an Ack, Naks become Rejects;
 * an Ack sent restarts the count. */
static void max_failure_turns_naks_into_rejects(void **state)
{
    struct fake f;
    uint8_t id = 1;

    fake_init(&f, NULL);
    open_and_up(&f, T0);
    f.judge_result = FSM_CONF_NAK;
    for (int i = 0; i < fake_default_config.max_failure; i++) {
        feed_request(&f, id++);
        assert_false(f.last_reject_naks);
        assert_int_equal(fake_last(&f)->code, FSM_CONF_NAK);
    }
    feed_request(&f, id++);
    assert_true(f.last_reject_naks);
    assert_int_equal(fake_last(&f)->code, FSM_CONF_REJ);
    assert_int_equal(fake_last(&f)->id, id - 1);
    assert_int_equal(f.fsm.state, FSM_REQ_SENT);

    f.judge_result = FSM_CONF_ACK;
    feed_request(&f, id++);
    assert_int_equal(fake_last(&f)->code, FSM_CONF_ACK);
    assert_int_equal(f.fsm.state, FSM_ACK_SENT);
    f.judge_result = FSM_CONF_NAK;
    feed_request(&f, id++);
    assert_false(f.last_reject_naks);
    assert_int_equal(fake_last(&f)->code, FSM_CONF_NAK);
    assert_int_equal(f.fsm.state, FSM_REQ_SENT);
}

/* Sections 5.2-5.4: replies must carry our request's Identifier; only the
 * first reply to a request counts; ops->ack may refuse the contents. */
static void stale_and_bad_acks_are_dropped(void **state)
{
    struct fake f;
    uint8_t ack[] = {FSM_CONF_ACK, 0, 0, 8, 1, 4, 0x05, 0xdc};

    fake_init(&f, NULL);
    open_and_up(&f, T0);
    ack[1] = (uint8_t)(f.fsm.id + 1);
    input(&f, T0, ack, sizeof(ack));
    assert_int_equal(f.fsm.state, FSM_REQ_SENT);
    assert_int_equal(f.acks, 0);

    ack[1] = f.fsm.id;
    f.reply_ok = false;
    input(&f, T0, ack, sizeof(ack));
    assert_int_equal(f.fsm.state, FSM_REQ_SENT);
    assert_int_equal(f.acks, 1);

    f.reply_ok = true;
    input(&f, T0, ack, sizeof(ack));
    assert_int_equal(f.fsm.state, FSM_ACK_RCVD);
    /* the same Ack again (our request was sent twice): no crossed
     * connection, no renegotiation */
    input(&f, T0, ack, sizeof(ack));
    assert_int_equal(f.fsm.state, FSM_ACK_RCVD);
    assert_int_equal(f.nsent, 1);
}

static void nak_and_reject_drive_a_new_request(void **state)
{
    struct fake f;
    uint8_t nak[] = {FSM_CONF_NAK, 0, 0, 8, 1, 4, 0x05, 0xd4};
    uint8_t first;

    fake_init(&f, NULL);
    open_and_up(&f, T0);
    first = f.fsm.id;
    nak[1] = first;
    input(&f, T0, nak, sizeof(nak));
    assert_int_equal(f.naks, 1);
    assert_int_equal(f.fsm.state, FSM_REQ_SENT);
    assert_int_equal(fake_last(&f)->code, FSM_CONF_REQ);
    assert_int_not_equal(fake_last(&f)->id, first); /* options changed: new id */
    assert_int_equal(f.fsm.restart_count, fake_default_config.max_configure - 1);

    nak[0] = FSM_CONF_REJ;
    nak[1] = f.fsm.id;
    input(&f, T0, nak, sizeof(nak));
    assert_int_equal(f.rejects, 1);
    assert_int_equal(fake_count(&f, FSM_CONF_REQ), 3);
}

/* Section 5: short packets and bad Lengths are dropped; bytes beyond
 * Length are padding. */
static void malformed_packets_are_dropped(void **state)
{
    struct fake f;
    const uint8_t three[] = {FSM_CONF_REQ, 1, 0};
    const uint8_t length_too_small[] = {FSM_CONF_REQ, 1, 0, 3, 1, 4, 0, 0};
    const uint8_t length_too_big[] = {FSM_CONF_REQ, 1, 0, 9, 1, 4, 0, 0};
    const uint8_t padded[] = {FSM_CONF_REQ, 7, 0, 8, 1, 4, 0x05, 0xdc, 0xff, 0xff};

    fake_init(&f, NULL);
    open_and_up(&f, T0);
    input(&f, T0, three, sizeof(three));
    input(&f, T0, length_too_small, sizeof(length_too_small));
    input(&f, T0, length_too_big, sizeof(length_too_big));
    input(&f, T0, NULL, 0);
    assert_int_equal(f.judges, 0);
    assert_int_equal(f.nsent, 1);
    assert_int_equal(f.fsm.state, FSM_REQ_SENT);

    input(&f, T0, padded, sizeof(padded));
    assert_int_equal(f.judges, 1);
    assert_int_equal(f.last_judged_len, 4);
    assert_int_equal(fake_last(&f)->code, FSM_CONF_ACK);
    assert_int_equal(fake_last(&f)->len, 8);
    assert_int_equal(f.fsm.state, FSM_ACK_SENT);
}

/* Section 5.7: an unknown code is Code-Rejected with the packet inside;
 * codes the protocol knows (extended) are left to it. */
static void unknown_code_is_code_rejected(void **state)
{
    struct fake a, b;
    const uint8_t unknown[] = {12, 0x21, 0, 6, 0xaa, 0xbb, 0xee};
    const struct fake_packet *p;

    bring_up_pair(&a, &b);
    input(&a, T0, unknown, sizeof(unknown));
    assert_int_equal(a.extended_calls, 1);
    p = fake_last(&a);
    assert_int_equal(p->code, FSM_CODE_REJ);
    assert_int_equal(p->len, 4 + 6);
    assert_memory_equal(p->bytes + 4, unknown, 6);
    assert_int_equal(a.fsm.state, FSM_OPENED);

    a.extended_ok = true;
    input(&a, T0, unknown, sizeof(unknown));
    assert_int_equal(a.extended_calls, 2);
    assert_int_equal(fake_count(&a, FSM_CODE_REJ), 1);
}

static void code_reject_is_truncated_to_max_packet(void **state)
{
    static uint8_t big[FSM_MAX_PACKET + 200];
    struct fake f;

    fake_init(&f, NULL);
    open_and_up(&f, T0);
    big[0] = 0x42;
    big[1] = 9;
    put16(big + 2, sizeof(big));
    input(&f, T0, big, sizeof(big));
    assert_int_equal(fake_last(&f)->code, FSM_CODE_REJ);
    assert_int_equal(fake_last(&f)->len, FSM_MAX_PACKET);
    assert_int_equal(get16(fake_last(&f)->bytes + 2), FSM_MAX_PACKET);
}

/* Section 5.6: a Code-Reject of a code the protocol needs is fatal (RXJ-),
 * of an optional one it is not (RXJ+). */
static void code_reject_fatal_or_not(void **state)
{
    struct fake a, b;
    const uint8_t rej_echo[] = {FSM_CODE_REJ, 3, 0, 8, 9, 1, 0, 4};
    const uint8_t rej_conf_req[] = {FSM_CODE_REJ, 4, 0, 8, 1, 1, 0, 4};

    bring_up_pair(&a, &b);
    input(&a, T0, rej_echo, sizeof(rej_echo));
    assert_int_equal(a.fsm.state, FSM_OPENED);
    assert_int_equal(a.layer_downs, 0);

    a.nsent = 0;
    input(&a, T0, rej_conf_req, sizeof(rej_conf_req));
    assert_int_equal(a.fsm.state, FSM_STOPPING);
    assert_int_equal(a.layer_downs, 1);
    assert_int_equal(fake_last(&a)->code, FSM_TERM_REQ);
    assert_int_equal(a.fsm.restart_count, fake_default_config.max_terminate - 1);
}

static void protocol_reject_is_catastrophic(void **state)
{
    struct fake f;

    fake_init(&f, NULL);
    open_and_up(&f, T0);
    fsm_protocol_rejected(&f.fsm, T0);
    assert_int_equal(f.fsm.state, FSM_STOPPED);
    assert_int_equal(f.layer_finishes, 1);
    assert_true(f.fsm.deadline == PPP_TIME_NEVER);
}

/* A Terminate-Request is answered with its own Identifier (section 5.5). */
static void terminate_ack_echoes_identifier(void **state)
{
    struct fake f;
    const uint8_t term[] = {FSM_TERM_REQ, 0x77, 0, 4};

    fake_init(&f, NULL);
    open_and_up(&f, T0);
    input(&f, T0, term, sizeof(term));
    assert_int_equal(fake_last(&f)->code, FSM_TERM_ACK);
    assert_int_equal(fake_last(&f)->id, 0x77);
    assert_int_equal(f.fsm.state, FSM_REQ_SENT);
}

/* Closed answers everything but Terminate-Ack with Terminate-Ack, without
 * asking the protocol (section 4.2). */
static void closed_answers_with_terminate_ack(void **state)
{
    struct fake f;
    const uint8_t req[] = {FSM_CONF_REQ, 5, 0, 4};

    fake_init(&f, NULL);
    fsm_up(&f.fsm, T0);
    assert_int_equal(f.fsm.state, FSM_CLOSED);
    input(&f, T0, req, sizeof(req));
    assert_int_equal(f.judges, 0);
    assert_int_equal(fake_last(&f)->code, FSM_TERM_ACK);
    assert_int_equal(fake_last(&f)->id, 5);
}

/* Down in Opened and a later Up renegotiate from scratch. */
static void lower_layer_bounce_renegotiates(void **state)
{
    struct fake a, b;

    bring_up_pair(&a, &b);
    fsm_down(&a.fsm, T0);
    fsm_down(&b.fsm, T0);
    assert_int_equal(a.fsm.state, FSM_STARTING);
    assert_int_equal(a.layer_downs, 1);
    assert_true(a.fsm.deadline == PPP_TIME_NEVER);
    fsm_up(&a.fsm, T0);
    fsm_up(&b.fsm, T0);
    assert_true(fake_pump(&a, &b, T0) >= 0);
    assert_int_equal(a.fsm.state, FSM_OPENED);
    assert_int_equal(b.fsm.state, FSM_OPENED);
    assert_int_equal(a.layer_ups, 2);
    assert_int_equal(a.resets, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(back_to_back_both_reach_opened),
        cmocka_unit_test(initial_identifier_comes_from_random),
        cmocka_unit_test(transitions_are_logged),
        cmocka_unit_test(gives_up_after_max_configure),
        cmocka_unit_test(early_timeout_call_is_ignored),
        cmocka_unit_test(passive_keeps_waiting_after_max_configure),
        cmocka_unit_test(silent_waits_for_peer_request),
        cmocka_unit_test(close_sends_max_terminate_requests),
        cmocka_unit_test(close_reason_is_truncated),
        cmocka_unit_test(peer_terminate_request_waits_one_period),
        cmocka_unit_test(max_failure_turns_naks_into_rejects),
        cmocka_unit_test(stale_and_bad_acks_are_dropped),
        cmocka_unit_test(nak_and_reject_drive_a_new_request),
        cmocka_unit_test(malformed_packets_are_dropped),
        cmocka_unit_test(unknown_code_is_code_rejected),
        cmocka_unit_test(code_reject_is_truncated_to_max_packet),
        cmocka_unit_test(code_reject_fatal_or_not),
        cmocka_unit_test(protocol_reject_is_catastrophic),
        cmocka_unit_test(terminate_ack_echoes_identifier),
        cmocka_unit_test(closed_answers_with_terminate_ack),
        cmocka_unit_test(lower_layer_bounce_renegotiates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
