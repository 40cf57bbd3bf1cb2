/* test_client_backoff.c - the supervisor's wait before reconnecting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "backoff.h"

/* The smallest and largest wait for an attempt: random 0 and all ones
 * bound the jitter (random % (n + 1) spans 0..n). */
static uint32_t least(uint32_t holdoff, unsigned fails, bool refused)
{
    uint32_t lo = UINT32_MAX;
    for (uint64_t r = 0; r < 4000; r++) {
        uint32_t d = backoff_delay_ms(holdoff, fails, refused, r * 7919);
        lo = d < lo ? d : lo;
    }
    return lo;
}

static uint32_t most(uint32_t holdoff, unsigned fails, bool refused)
{
    uint32_t hi = 0;
    for (uint64_t r = 0; r < 4000; r++) {
        uint32_t d = backoff_delay_ms(holdoff, fails, refused, r * 7919);
        hi = d > hi ? d : hi;
    }
    return hi;
}

static void first_retry_waits_up_to_holdoff_from_its_upper_half(void **state)
{
    (void)state;
    assert_true(least(1000, 0, false) >= 500);
    assert_true(most(1000, 0, false) <= 1000);
    assert_true(most(1000, 0, false) > least(1000, 0, false)); /* jitter */
}

static void each_failure_doubles_the_wait_up_to_the_short_cap(void **state)
{
    (void)state;
    assert_true(most(1000, 1, false) <= 2000);
    assert_true(least(1000, 1, false) >= 1000);
    assert_true(most(1000, 2, false) <= BACKOFF_NET_MAX_MS);
    assert_true(least(1000, 2, false) >= BACKOFF_NET_MAX_MS / 2);
    /* A long outage never spaces attempts beyond the cap. */
    assert_true(most(1000, 500, false) <= BACKOFF_NET_MAX_MS);
    assert_true(least(1000, 500, false) >= BACKOFF_NET_MAX_MS / 2);
}

static void a_longer_holdoff_is_its_own_cap(void **state)
{
    (void)state;
    assert_true(most(30000, 3, false) <= 30000);
    assert_true(least(30000, 3, false) >= 15000);
}

static void holdoff_zero_retries_at_once_then_backs_off(void **state)
{
    (void)state;
    assert_int_equal(most(0, 0, false), 0);
    assert_true(least(0, 1, false) >= BACKOFF_MIN_STEP_MS);
}

static void a_refusal_waits_the_long_maximum_at_once(void **state)
{
    (void)state;
    assert_true(least(1000, 0, true) >= BACKOFF_REFUSED_MS * 9 / 10);
    assert_true(most(1000, 0, true) <= BACKOFF_REFUSED_MS);
    assert_true(least(120000, 0, true) >= 108000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(first_retry_waits_up_to_holdoff_from_its_upper_half),
        cmocka_unit_test(each_failure_doubles_the_wait_up_to_the_short_cap),
        cmocka_unit_test(a_longer_holdoff_is_its_own_cap),
        cmocka_unit_test(holdoff_zero_retries_at_once_then_backs_off),
        cmocka_unit_test(a_refusal_waits_the_long_maximum_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
