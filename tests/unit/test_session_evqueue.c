/* test_session_evqueue.c - the engine's events, recorded inside its callback
 * and acted on after it returns: kept in order, their reason copied (the
 * engine's text is gone after the call), bounded with the loss marked. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "evqueue.h"

static struct evqueue q; /* large: not on the stack */

static struct ppp_event phase(enum ppp_phase p)
{
    return (struct ppp_event){.type = PPP_EV_PHASE, .u.phase.phase = p};
}

static void events_come_out_in_order(void **state)
{
    (void)state;
    struct ppp_event ev;
    evqueue_init(&q);
    assert_false(evqueue_next(&q, &ev));
    struct ppp_event a = phase(PPP_PHASE_ESTABLISH), b = phase(PPP_PHASE_NETWORK);
    assert_true(evqueue_record(&q, &a));
    assert_true(evqueue_record(&q, &b));
    assert_true(evqueue_next(&q, &ev));
    assert_int_equal(ev.u.phase.phase, PPP_PHASE_ESTABLISH);
    /* One recorded while the first is handled goes after the second. */
    struct ppp_event c = phase(PPP_PHASE_TERMINATE);
    assert_true(evqueue_record(&q, &c));
    assert_true(evqueue_next(&q, &ev));
    assert_int_equal(ev.u.phase.phase, PPP_PHASE_NETWORK);
    assert_true(evqueue_next(&q, &ev));
    assert_int_equal(ev.u.phase.phase, PPP_PHASE_TERMINATE);
    assert_false(evqueue_next(&q, &ev));
}

static void a_failure_keeps_its_reason_after_the_engine_returns(void **state)
{
    (void)state;
    struct ppp_event ev;
    char fleeting[64];
    strcpy(fleeting, "the peer insists on 198.18.0.1");
    struct ppp_event f = {.type = PPP_EV_IPCP_FAILED, .u.failure.reason = fleeting};
    evqueue_init(&q);
    assert_true(evqueue_record(&q, &f));
    memset(fleeting, 'x', sizeof(fleeting) - 1); /* the engine's buffer, reused */
    assert_true(evqueue_next(&q, &ev));
    assert_string_equal(ev.u.failure.reason, "the peer insists on 198.18.0.1");
}

static void a_flood_is_bounded_and_marked(void **state)
{
    (void)state;
    struct ppp_event ev, p = phase(PPP_PHASE_ESTABLISH);
    evqueue_init(&q);
    for (int i = 0; i < EVQUEUE_MAX; i++)
        assert_true(evqueue_record(&q, &p));
    assert_false(evqueue_record(&q, &p));
    assert_true(evqueue_take_overflow(&q));
    assert_false(evqueue_take_overflow(&q)); /* read once */
    int n = 0;
    while (evqueue_next(&q, &ev))
        n++;
    assert_int_equal(n, EVQUEUE_MAX);
    /* Wrapped around: still in order. */
    struct ppp_event a = phase(PPP_PHASE_NETWORK), b = phase(PPP_PHASE_DEAD);
    assert_true(evqueue_record(&q, &a));
    assert_true(evqueue_record(&q, &b));
    assert_true(evqueue_next(&q, &ev));
    assert_int_equal(ev.u.phase.phase, PPP_PHASE_NETWORK);
    assert_true(evqueue_next(&q, &ev));
    assert_int_equal(ev.u.phase.phase, PPP_PHASE_DEAD);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(events_come_out_in_order),
        cmocka_unit_test(a_failure_keeps_its_reason_after_the_engine_returns),
        cmocka_unit_test(a_flood_is_bounded_and_marked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
