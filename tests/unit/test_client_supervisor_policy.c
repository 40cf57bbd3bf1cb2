/* test_client_supervisor_policy.c - the supervisor's decisions (supervisor_policy.h): which
 * failure backs off how long, MaxFail, resets, liveness, state names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "backoff.h"
#include "exitcode.h"
#include "supervisor_policy.h"

#define SEC ((ppp_time)1000000000u)

static const struct supervisor_config persist = {
    .persist = true, .max_fail = 0, .holdoff_ms = 1000};

static struct supervisor_decision after(const struct supervisor_config *c, unsigned fails,
                                        bool was_up, bool reset, int status, uint64_t random)
{
    struct supervisor_ending e = {
        .was_up = was_up, .reset = reset, .status = status, .random = random};
    return supervisor_after_session(c, fails, &e);
}

static void auth_and_host_key_failures_are_refusals(void **state)
{
    (void)state;
    assert_int_equal(supervisor_ssh_exit_status(SSH_FAIL_AUTH), RUN_EXIT_AUTH_REFUSED);
    assert_int_equal(supervisor_ssh_exit_status(SSH_FAIL_HOST_KEY), RUN_EXIT_HOST_KEY);
    assert_int_equal(supervisor_ssh_exit_status(SSH_FAIL_COMMAND_MISSING), RUN_EXIT_COMMAND_FAILED);
    assert_int_equal(supervisor_ssh_exit_status(SSH_FAIL_NOT_PERMITTED), RUN_EXIT_COMMAND_FAILED);
    assert_true(supervisor_refused(supervisor_ssh_exit_status(SSH_FAIL_AUTH)));
    assert_true(supervisor_refused(supervisor_ssh_exit_status(SSH_FAIL_HOST_KEY)));
    assert_true(supervisor_refused(supervisor_ssh_exit_status(SSH_FAIL_NOT_PERMITTED)));
}

static void network_failures_are_not_refusals(void **state)
{
    (void)state;
    enum ssh_failure net[] = {SSH_FAIL_REFUSED, SSH_FAIL_UNREACHABLE, SSH_FAIL_TIMEOUT,
                              SSH_FAIL_RESOLVE};
    for (size_t i = 0; i < sizeof(net) / sizeof(net[0]); i++) {
        assert_int_equal(supervisor_ssh_exit_status(net[i]), RUN_EXIT_CONNECT_FAILED);
        assert_false(supervisor_refused(supervisor_ssh_exit_status(net[i])));
    }
    assert_int_equal(supervisor_ssh_exit_status(SSH_FAIL_CLOSED), RUN_EXIT_HANGUP);
    assert_int_equal(supervisor_ssh_exit_status(SSH_FAIL_NONE), RUN_EXIT_HANGUP);
    assert_false(supervisor_refused(RUN_EXIT_HANGUP));
    assert_false(supervisor_refused(RUN_EXIT_PEER_DEAD));
}

static void a_link_that_was_up_retries_after_holdoff(void **state)
{
    (void)state;
    for (uint64_t r = 0; r < 1000; r++) {
        struct supervisor_decision d =
            after(&persist, 0, true, false, RUN_EXIT_PEER_DEAD, r * 7919);
        assert_int_equal(d.fails, 0); /* going down is not a failed attempt */
        assert_false(d.give_up);
        assert_false(d.refused);
        assert_in_range(d.delay_ms, 500, 1000);
    }
}

static void failed_attempts_count_and_back_off_exponentially_to_the_cap(void **state)
{
    (void)state;
    struct supervisor_decision d = after(&persist, 0, false, false, RUN_EXIT_CONNECT_FAILED, 0);
    assert_int_equal(d.fails, 1);
    uint32_t hi1 = 0, hi5 = 0;
    for (uint64_t r = 0; r < 2000; r++) {
        uint32_t a = after(&persist, 0, false, false, RUN_EXIT_CONNECT_FAILED, r * 7919).delay_ms;
        uint32_t b = after(&persist, 4, false, false, RUN_EXIT_CONNECT_FAILED, r * 7919).delay_ms;
        hi1 = a > hi1 ? a : hi1;
        hi5 = b > hi5 ? b : hi5;
    }
    assert_true(hi1 > 1000); /* doubled from Holdoff */
    assert_true(hi5 <= BACKOFF_NET_MAX_MS);
    assert_true(hi5 > BACKOFF_NET_MAX_MS * 9 / 10); /* the cap is reached */
}

static void an_auth_failure_backs_off_to_the_maximum_at_once(void **state)
{
    (void)state;
    for (uint64_t r = 0; r < 1000; r++) {
        struct supervisor_decision d = after(&persist, 0, false, false, RUN_EXIT_AUTH_REFUSED, r);
        assert_true(d.refused);
        assert_false(d.give_up);
        assert_true(d.delay_ms >= BACKOFF_REFUSED_MS * 9 / 10);
        assert_true(d.delay_ms <= BACKOFF_REFUSED_MS);
    }
}

static void max_fail_gives_up_after_that_many_consecutive_failures(void **state)
{
    (void)state;
    struct supervisor_config c = persist;
    c.max_fail = 3;
    assert_false(after(&c, 0, false, false, RUN_EXIT_CONNECT_FAILED, 1).give_up);
    assert_false(after(&c, 1, false, false, RUN_EXIT_CONNECT_FAILED, 1).give_up);
    struct supervisor_decision d = after(&c, 2, false, false, RUN_EXIT_CONNECT_FAILED, 1);
    assert_true(d.give_up);
    assert_int_equal(d.fails, 3);
    /* A session that came up in between starts the count afresh. */
    assert_false(after(&c, 2, true, false, RUN_EXIT_PEER_DEAD, 1).give_up);
    /* Refusals count like any other failure. */
    assert_true(after(&c, 2, false, false, RUN_EXIT_AUTH_REFUSED, 1).give_up);
}

static void max_fail_zero_never_gives_up(void **state)
{
    (void)state;
    assert_false(after(&persist, 100000, false, false, RUN_EXIT_CONNECT_FAILED, 1).give_up);
}

static void a_reset_reconnects_at_once_and_is_no_failure(void **state)
{
    (void)state;
    struct supervisor_config c = persist;
    c.max_fail = 1;
    struct supervisor_decision d = after(&c, 0, false, true, RUN_EXIT_HANGUP, 12345);
    assert_false(d.give_up);
    assert_int_equal(d.fails, 0);
    assert_int_equal(d.delay_ms, 0);
}

static void only_a_client_that_was_up_retries(void **state)
{
    (void)state;
    struct supervisor_config once = {.persist = false, .max_fail = 0, .holdoff_ms = 0};
    assert_true(supervisor_may_retry(&persist, true, false, true, false, false));
    assert_false(supervisor_may_retry(&persist, false, false, true, false, false)); /* server */
    assert_false(
        supervisor_may_retry(&persist, true, false, false, false, false)); /* first session */
    assert_false(supervisor_may_retry(&persist, true, false, true, true, false)); /* stopping */
    assert_false(supervisor_may_retry(&persist, true, false, true, false, true)); /* failed */
    assert_false(supervisor_may_retry(&once, true, false, true, false, false));   /* Persist=no */
    assert_true(supervisor_may_retry(&once, true, true, true, false, false));     /* but a reset */
}

static struct supervisor_liveness live(enum sup_state s)
{
    return (struct supervisor_liveness){.state = s,
                                        .reported_up = true,
                                        .session_start = 10 * SEC,
                                        .last_rx = 20 * SEC,
                                        .echo_interval_ms = 1000,
                                        .echo_failures = 3};
}

static void silence_of_interval_times_failures_is_death(void **state)
{
    (void)state;
    struct supervisor_liveness l = live(SUP_UP);
    assert_int_equal(supervisor_silence_deadline(&l), 23 * SEC);
    l.echo_interval_ms = 0; /* keepalive off */
    assert_int_equal(supervisor_silence_deadline(&l), PPP_TIME_NEVER);
}

static void a_reconnect_must_negotiate_in_time(void **state)
{
    (void)state;
    struct supervisor_liveness l = live(SUP_CONNECTING);
    assert_int_equal(supervisor_silence_deadline(&l),
                     10 * SEC + (ppp_time)SUPERVISOR_ESTABLISH_WAIT_MS * PPP_MS);
}

/* ssh -tt: silent until the far end speaks; a first session that hears
 * nothing gives up after SUPERVISOR_SILENT_WAIT_MS, one that heard a frame (or
 * is not silent: LCP's own Max-Configure ends it) never does so. */
static void a_silent_first_session_hears_the_far_end_in_time(void **state)
{
    (void)state;
    struct supervisor_liveness l = live(SUP_CONNECTING);
    l.reported_up = false;
    l.silent = true;
    l.last_rx = l.session_start;
    assert_int_equal(supervisor_first_frame_deadline(&l),
                     10 * SEC + (ppp_time)SUPERVISOR_SILENT_WAIT_MS * PPP_MS);
    assert_int_equal(supervisor_silence_deadline(&l), PPP_TIME_NEVER);
    l.last_rx = 11 * SEC; /* a frame came */
    assert_int_equal(supervisor_first_frame_deadline(&l), PPP_TIME_NEVER);
    l.last_rx = l.session_start;
    l.silent = false;
    assert_int_equal(supervisor_first_frame_deadline(&l), PPP_TIME_NEVER);
    l.silent = true;
    l.reported_up = true; /* a reconnect: SUPERVISOR_ESTABLISH_WAIT_MS instead */
    assert_int_equal(supervisor_first_frame_deadline(&l), PPP_TIME_NEVER);
    l.reported_up = false;
    l.stopping = true;
    assert_int_equal(supervisor_first_frame_deadline(&l), PPP_TIME_NEVER);
}

static void nothing_is_watched_while_not_running(void **state)
{
    (void)state;
    struct supervisor_liveness l = live(SUP_BACKOFF);
    assert_int_equal(supervisor_silence_deadline(&l), PPP_TIME_NEVER);
    l = live(SUP_UP);
    l.stopping = true;
    assert_int_equal(supervisor_silence_deadline(&l), PPP_TIME_NEVER);
    l = live(SUP_UP);
    l.dead = true;
    assert_int_equal(supervisor_silence_deadline(&l), PPP_TIME_NEVER);
    l = live(SUP_CONNECTING);
    l.reported_up = false; /* the first session: pppd's own timers decide */
    assert_int_equal(supervisor_silence_deadline(&l), PPP_TIME_NEVER);
}

static void state_names_for_status(void **state)
{
    (void)state;
    assert_string_equal(supervisor_state_label(SUP_CONNECTING, false), "connecting");
    assert_string_equal(supervisor_state_label(SUP_CONNECTING, true), "reconnecting");
    assert_string_equal(supervisor_state_label(SUP_ENDING, true), "reconnecting");
    assert_string_equal(supervisor_state_label(SUP_UP, true), "up");
    assert_string_equal(supervisor_state_label(SUP_BACKOFF, true), "backing off");
    assert_string_equal(supervisor_state_label(SUP_STOPPING, true), "stopping");
    assert_string_equal(supervisor_state_label(SUP_DONE, false), "stopping");
    assert_string_equal(supervisor_state_id(SUP_ENDING), "ending");
    assert_string_equal(supervisor_state_id(SUP_DONE), "done");
}

/* sshd's MaxStartups drops: retried at once-ish, doubling to 2 s, each
 * wait from its upper half, never past the deadline. */
static void a_dropped_first_connection_is_retried_within_the_deadline(void **state)
{
    (void)state;
    const ppp_time deadline = (ppp_time)SUPERVISOR_FIRST_CONNECT_MS * PPP_MS;
    uint32_t ms;
    for (uint64_t r = 0; r < 1000; r++) {
        assert_true(supervisor_first_retry(0, r * 7919, 0, deadline, &ms));
        assert_in_range(ms, SUPERVISOR_FIRST_RETRY_MIN_MS / 2, SUPERVISOR_FIRST_RETRY_MIN_MS);
        assert_true(supervisor_first_retry(3, r * 7919, 0, deadline, &ms));
        assert_in_range(ms, 400, 800);
        assert_true(supervisor_first_retry(40, r * 7919, 0, deadline, &ms));
        assert_in_range(ms, SUPERVISOR_FIRST_RETRY_MAX_MS / 2, SUPERVISOR_FIRST_RETRY_MAX_MS);
    }
    assert_false(supervisor_first_retry(0, 0, deadline - 10 * PPP_MS, deadline, &ms));
    assert_false(supervisor_first_retry(5, 1, deadline, deadline, &ms));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(auth_and_host_key_failures_are_refusals),
        cmocka_unit_test(network_failures_are_not_refusals),
        cmocka_unit_test(a_link_that_was_up_retries_after_holdoff),
        cmocka_unit_test(failed_attempts_count_and_back_off_exponentially_to_the_cap),
        cmocka_unit_test(an_auth_failure_backs_off_to_the_maximum_at_once),
        cmocka_unit_test(max_fail_gives_up_after_that_many_consecutive_failures),
        cmocka_unit_test(max_fail_zero_never_gives_up),
        cmocka_unit_test(a_reset_reconnects_at_once_and_is_no_failure),
        cmocka_unit_test(only_a_client_that_was_up_retries),
        cmocka_unit_test(silence_of_interval_times_failures_is_death),
        cmocka_unit_test(a_reconnect_must_negotiate_in_time),
        cmocka_unit_test(a_silent_first_session_hears_the_far_end_in_time),
        cmocka_unit_test(nothing_is_watched_while_not_running),
        cmocka_unit_test(state_names_for_status),
        cmocka_unit_test(a_dropped_first_connection_is_retried_within_the_deadline),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
