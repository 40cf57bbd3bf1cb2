/* test_session_outage.c - the bound on packets held while the link is down. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fq.h"
#include "outage.h"

static void limit_is_the_smaller_of_bound_and_capacity(void **state)
{
    (void)state;
    struct outage_queue o;
    outage_init(&o, 2u << 20);
    assert_int_equal(o.limit, OUTAGE_QUEUE_MAX);
    outage_init(&o, 64 * 1024);
    assert_int_equal(o.limit, 64 * 1024);
    assert_int_equal(o.queued, 0);
    assert_int_equal(o.dropped, 0);
}

static void admits_up_to_the_limit_counting_whole_chunks(void **state)
{
    (void)state;
    struct outage_queue o;
    outage_init(&o, 4 * FQ_CHUNK);
    /* 1 byte takes a whole chunk: 3 chunks used leave room for 1 chunk. */
    assert_true(outage_admit(&o, 3 * FQ_CHUNK, 1, FQ_CHUNK));
    assert_true(outage_admit(&o, 3 * FQ_CHUNK, FQ_CHUNK, FQ_CHUNK));
    assert_false(outage_admit(&o, 3 * FQ_CHUNK, FQ_CHUNK + 1, FQ_CHUNK));
    assert_false(outage_admit(&o, 4 * FQ_CHUNK, 1, FQ_CHUNK));
    assert_int_equal(o.queued, 2);
    assert_int_equal(o.dropped, 2);
}

static void empty_or_over_limit_queue_drops(void **state)
{
    (void)state;
    struct outage_queue o;
    outage_init(&o, 1000);
    assert_false(outage_admit(&o, 0, 0, FQ_CHUNK));     /* nothing read */
    assert_false(outage_admit(&o, 5000, 40, FQ_CHUNK)); /* queue fuller than the bound */
    assert_int_equal(o.dropped, 2);
    assert_int_equal(o.queued, 0);
}

/* With the real queue: a flood while down leaves at most the bound in the
 * arena, and every packet is either queued or counted as dropped. */
static void flood_into_real_queue_stays_within_bound(void **state)
{
    (void)state;
    struct fq_config c;
    fq_config_default(&c);
    struct fq *fq;
    assert_int_equal(fq_new(&fq, &c), PPP_OK);
    struct outage_queue o;
    outage_init(&o, fq_capacity(fq));
    uint8_t pkt[1400] = {0x45, 0, 0x05, 0x78};
    pkt[9] = 17; /* UDP */
    const unsigned sent = 10000;
    for (unsigned i = 0; i < sent; i++) {
        pkt[21] = (uint8_t)i; /* source port: many flows */
        size_t used = fq_stats(fq)->chunks_used * (size_t)FQ_CHUNK;
        if (outage_admit(&o, used, sizeof(pkt), FQ_CHUNK))
            assert_int_equal(fq_enqueue(fq, pkt, sizeof(pkt), 1000), PPP_OK);
    }
    const struct fq_stats *s = fq_stats(fq);
    assert_true((size_t)s->chunks_used * FQ_CHUNK <= OUTAGE_QUEUE_MAX);
    assert_true((size_t)s->chunks_used * FQ_CHUNK > OUTAGE_QUEUE_MAX - 6 * FQ_CHUNK);
    assert_int_equal(o.queued + o.dropped, sent);
    assert_int_equal(o.queued, s->packets);
    assert_int_equal(s->overflow_drops, 0); /* the bound acted before the arena filled */
    fq_del(fq);
}

#define SEC ((ppp_time)1000000000u)

static void drains_at_once_on_the_first_link_up(void **state)
{
    (void)state;
    struct outage_queue o;
    outage_init(&o, 1u << 20);
    assert_false(outage_may_drain(&o, false, false, 1 * SEC));
    assert_int_equal(outage_drain_at(&o), PPP_TIME_NEVER);
    assert_true(outage_may_drain(&o, false, true, 2 * SEC)); /* nothing was up before */
    assert_true(outage_may_drain(&o, true, true, 3 * SEC));
}

static void after_a_reconnect_waits_for_every_ncp_that_was_up(void **state)
{
    (void)state;
    struct outage_queue o;
    outage_init(&o, 1u << 20);
    assert_true(outage_may_drain(&o, true, true, 1 * SEC));
    assert_false(outage_may_drain(&o, false, false, 5 * SEC)); /* link down */
    /* IPV6CP reopens first: IPv4 packets in the queue would be refused. */
    assert_false(outage_may_drain(&o, false, true, 10 * SEC));
    assert_int_equal(outage_drain_at(&o), 10 * SEC + OUTAGE_NCP_GRACE_MS * PPP_MS);
    assert_false(outage_may_drain(&o, false, true, 11 * SEC));
    assert_true(outage_may_drain(&o, true, true, 11 * SEC));
}

static void an_ncp_that_does_not_return_is_waited_for_only_the_grace(void **state)
{
    (void)state;
    struct outage_queue o;
    outage_init(&o, 1u << 20);
    assert_true(outage_may_drain(&o, true, true, 1 * SEC));
    assert_false(outage_may_drain(&o, false, false, 2 * SEC));
    assert_false(outage_may_drain(&o, true, false, 3 * SEC));
    assert_false(outage_may_drain(&o, true, false, 3 * SEC + OUTAGE_NCP_GRACE_MS * PPP_MS - 1));
    assert_true(outage_may_drain(&o, true, false, 3 * SEC + OUTAGE_NCP_GRACE_MS * PPP_MS));
}

static void an_ncp_never_up_is_not_waited_for(void **state)
{
    (void)state;
    struct outage_queue o;
    outage_init(&o, 1u << 20);
    assert_true(outage_may_drain(&o, true, false, 1 * SEC)); /* the peer refused IPV6CP */
    assert_false(outage_may_drain(&o, false, false, 2 * SEC));
    assert_true(outage_may_drain(&o, true, false, 3 * SEC));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limit_is_the_smaller_of_bound_and_capacity),
        cmocka_unit_test(admits_up_to_the_limit_counting_whole_chunks),
        cmocka_unit_test(empty_or_over_limit_queue_drops),
        cmocka_unit_test(flood_into_real_queue_stays_within_bound),
        cmocka_unit_test(drains_at_once_on_the_first_link_up),
        cmocka_unit_test(after_a_reconnect_waits_for_every_ncp_that_was_up),
        cmocka_unit_test(an_ncp_that_does_not_return_is_waited_for_only_the_grace),
        cmocka_unit_test(an_ncp_never_up_is_not_waited_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
