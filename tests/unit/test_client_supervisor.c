/* test_client_supervisor.c - the supervisor without a loop, a session or
 * an engine: facts in (supervision.h), its one state and the actions it
 * records out.  A first session that dies ends the tunnel; once the link
 * has been up, Persist backs off and asks for a new session; a stop in
 * backoff ends it; a stop while up waits for the link to go Dead; a reset
 * or a silent peer asks for a kill, then for the session's end; a check
 * is answered by the echo or its timeout; MaxFail fails the tunnel.  The
 * test includes no header of src/session/ but the narrow one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "exitcode.h"
#include "supervisor.h"

#define PPP_SEC (1000 * PPP_MS)

struct bed {
    struct supervisor s;
    struct session_facts f;
};

static struct bed *bed_new(bool persist, unsigned max_fail)
{
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    supervisor_init(&b->s);
    b->f = (struct session_facts){.now = 1 * PPP_SEC,
                                  .started = 1 * PPP_SEC,
                                  .link_dead = true,
                                  .stop_reason = "",
                                  .exit_msg = "",
                                  .failure_line = "",
                                  .ifname = "ppp0"};
    struct supervisor_setup setup = {
        .reconnect = true,
        .hooks = false,
        .policy = {.persist = persist, .max_fail = max_fail, .holdoff_ms = 1000},
        .hook_dir = "/nonexistent-dir",
        .echo_interval_ms = 1000,
        .echo_failures = 3,
    };
    supervisor_first_session(&b->s, &setup, &b->f);
    return b;
}

static void bed_free(struct bed *b)
{
    supervisor_finish(&b->s, &b->f);
    free(b);
}

/* The next recorded action is kind (with text containing words, if any). */
static void expect_action(struct bed *b, enum session_action_kind kind, const char *words)
{
    struct session_action a;
    assert_true(supervisor_next_action(&b->s, &a));
    assert_int_equal(a.kind, kind);
    if (words)
        assert_non_null(strstr(a.text, words));
}

static void expect_no_action(struct bed *b)
{
    struct session_action a;
    assert_false(supervisor_next_action(&b->s, &a));
}

/* The session performs SESSION_START: the child runs, the link opens. */
static void start_session(struct bed *b)
{
    expect_action(b, SESSION_START, NULL);
    b->f.link_dead = false;
    b->f.has_child = true;
    b->f.child_exited = b->f.words_read = b->f.stream_gone = false;
    supervisor_session_started(&b->s, &b->f);
    assert_int_equal(b->s.state, SUP_CONNECTING);
}

/* IPCP is up and `up` was told. */
static void bring_up(struct bed *b)
{
    b->f.ipcp_up = true;
    supervisor_link_up(&b->s, &b->f);
    expect_action(b, SESSION_ANSWER_UP, NULL);
    b->f.reported_up = true;
    assert_int_equal(b->s.state, SUP_UP);
    assert_string_equal(supervisor_state_name(&b->s, &b->f), "up");
}

/* The transport went and said why (the child exited, its stderr closed). */
static void lose_link(struct bed *b)
{
    b->f.link_dead = true;
    b->f.child_exited = b->f.words_read = b->f.stream_gone = true;
    b->f.ipcp_up = false;
    supervise(&b->s, &b->f);
}

/* The session performed SESSION_OVER: the child is gone, and why. */
static void session_ended(struct bed *b, int status)
{
    expect_action(b, SESSION_OVER, NULL);
    b->f.has_child = false;
    supervisor_session_ended(&b->s, &b->f, status, "the transport closed");
}

static void a_first_session_that_dies_ends_the_tunnel(void **state)
{
    (void)state;
    struct bed *b = bed_new(true, 0);
    start_session(b);
    supervise(&b->s, &b->f);
    assert_int_equal(b->s.state, SUP_CONNECTING); /* the link is not Dead */
    expect_no_action(b);
    lose_link(b);
    /* Never up: no reconnect (pppd's updetach reports the failure); the
     * session's own end stops the child, nothing is asked of it. */
    assert_int_equal(b->s.state, SUP_DONE);
    expect_no_action(b);
    bed_free(b);
}

static void once_up_persist_backs_off_then_starts_again(void **state)
{
    (void)state;
    struct bed *b = bed_new(true, 0);
    start_session(b);
    bring_up(b);
    lose_link(b);
    assert_int_equal(b->s.state, SUP_ENDING);
    session_ended(b, RUN_EXIT_HANGUP);
    assert_int_equal(b->s.state, SUP_BACKOFF);
    assert_string_equal(b->s.last_error, "the transport closed"); /* for status */
    assert_true(b->s.retry_at != PPP_TIME_NEVER);
    assert_true(supervisor_expiry(&b->s, &b->f) <= b->s.retry_at);
    b->f.now = b->s.retry_at;
    supervisor_timer(&b->s, &b->f);
    start_session(b);
    assert_int_equal(b->s.sessions, 2);
    bed_free(b);
}

static void a_stop_in_backoff_ends_the_tunnel(void **state)
{
    (void)state;
    struct bed *b = bed_new(true, 0);
    start_session(b);
    bring_up(b);
    lose_link(b);
    session_ended(b, RUN_EXIT_HANGUP);
    supervisor_set_state(&b->s, SUP_STOPPING, "test");
    b->f.stopping = true;
    b->f.stop_reason = "test";
    supervise(&b->s, &b->f);
    assert_int_equal(b->s.state, SUP_DONE);
    expect_no_action(b);
    bed_free(b);
}

static void without_persist_a_link_that_was_up_ends(void **state)
{
    (void)state;
    struct bed *b = bed_new(false, 0);
    start_session(b);
    bring_up(b);
    lose_link(b);
    assert_int_equal(b->s.state, SUP_DONE);
    expect_no_action(b);
    bed_free(b);
}

static void a_stop_while_up_waits_for_the_link_to_go_dead(void **state)
{
    (void)state;
    struct bed *b = bed_new(true, 0);
    start_session(b);
    bring_up(b);
    supervisor_set_state(&b->s, SUP_STOPPING, "down requested");
    b->f.stopping = true;
    supervise(&b->s, &b->f);
    assert_int_equal(b->s.state, SUP_STOPPING); /* LCP Terminate under way */
    lose_link(b);
    assert_int_equal(b->s.state, SUP_DONE);
    bed_free(b);
}

static void a_reset_is_refused_before_the_link_was_up(void **state)
{
    (void)state;
    struct bed *b = bed_new(true, 0);
    start_session(b);
    supervisor_reset(&b->s, &b->f, "test");
    assert_false(b->s.reset_pending);
    supervise(&b->s, &b->f);
    expect_no_action(b);
    assert_int_equal(b->s.state, SUP_CONNECTING);
    bed_free(b);
}

/* A reset asks for a kill; once the session performed it (the link is
 * Dead), the next call asks for the session's end and backs off 0 s. */
static void a_reset_kills_then_ends_the_session(void **state)
{
    (void)state;
    struct bed *b = bed_new(false, 0);
    start_session(b);
    bring_up(b);
    supervisor_reset(&b->s, &b->f, "test");
    supervise(&b->s, &b->f);
    expect_action(b, SESSION_KILL, "reset (test)");
    expect_no_action(b);
    lose_link(b);
    session_ended(b, RUN_EXIT_HANGUP);
    assert_int_equal(b->s.state, SUP_BACKOFF);
    assert_int_equal(b->s.retry_at, b->f.now); /* a reset waits for nothing */
    bed_free(b);
}

static void a_silent_peer_is_killed(void **state)
{
    (void)state;
    struct bed *b = bed_new(true, 0);
    start_session(b);
    bring_up(b);
    ppp_time deadline = supervisor_expiry(&b->s, &b->f);
    assert_true(deadline <= b->f.now + 3 * PPP_SEC); /* interval x failures */
    b->f.now = deadline;
    b->f.echo_sent = 3;
    supervisor_timer(&b->s, &b->f);
    supervise(&b->s, &b->f);
    expect_action(b, SESSION_KILL, "peer not responding (3 echo-requests");
    bed_free(b);
}

static void sshd_dropping_the_first_connection_is_retried(void **state)
{
    (void)state;
    struct bed *b = bed_new(false, 0);
    start_session(b);
    b->f.dropped_before_start = true;
    b->f.failure_line = "Connection closed by 198.18.0.1 port 22";
    lose_link(b);
    expect_action(b, SESSION_DROP, NULL);
    assert_int_equal(b->s.state, SUP_BACKOFF);
    assert_int_equal(b->s.fails, 1);
    b->f.now = b->s.retry_at;
    b->f.dropped_before_start = false;
    supervisor_timer(&b->s, &b->f);
    start_session(b);
    bed_free(b);
}

static void a_check_is_answered_by_the_echo_or_its_timeout(void **state)
{
    (void)state;
    struct bed *b = bed_new(true, 0);
    char why[320];
    start_session(b);
    assert_false(supervisor_may_check(&b->s, &b->f, why, sizeof(why)));
    assert_non_null(strstr(why, "not up: connecting"));
    bring_up(b);
    assert_true(supervisor_may_check(&b->s, &b->f, why, sizeof(why)));
    supervisor_check_sent(&b->s, &b->f);
    b->f.echo_rtt = 2 * PPP_MS;
    supervisor_echo_reply(&b->s, &b->f);
    expect_action(b, SESSION_ANSWER_ECHO, "alive: echo-rtt 2.000 ms");
    supervisor_check_sent(&b->s, &b->f);
    b->f.now += 3 * PPP_SEC;
    b->f.rx_frames++; /* the link itself is alive */
    supervisor_heard(&b->s, &b->f);
    supervisor_timer(&b->s, &b->f);
    expect_action(b, SESSION_ANSWER_ECHO, "no reply");
    expect_no_action(b);
    bed_free(b);
}

static void a_silent_far_end_fails_the_first_session(void **state)
{
    (void)state;
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    supervisor_init(&b->s);
    b->f = (struct session_facts){.now = PPP_SEC,
                                  .started = PPP_SEC,
                                  .link_dead = true,
                                  .stop_reason = "",
                                  .exit_msg = "",
                                  .failure_line = "",
                                  .ifname = "ppp0"};
    struct supervisor_setup setup = {
        .reconnect = true, .silent = true, .hook_dir = "/nonexistent-dir"};
    supervisor_first_session(&b->s, &setup, &b->f);
    start_session(b);
    b->f.now += (ppp_time)SUPERVISOR_SILENT_WAIT_MS * PPP_MS;
    supervisor_timer(&b->s, &b->f);
    struct session_action a;
    assert_true(supervisor_next_action(&b->s, &a));
    assert_int_equal(a.kind, SESSION_FAIL);
    assert_int_equal(a.status, RUN_EXIT_NEGOTIATION);
    expect_action(b, SESSION_KILL, "no PPP frame");
    bed_free(b);
}

static void max_fail_fails_the_tunnel(void **state)
{
    (void)state;
    struct bed *b = bed_new(true, 1);
    start_session(b);
    bring_up(b);
    lose_link(b);
    session_ended(b, RUN_EXIT_HANGUP); /* it was up: no failed attempt */
    assert_int_equal(b->s.state, SUP_BACKOFF);
    b->f.now = b->s.retry_at;
    supervisor_timer(&b->s, &b->f);
    start_session(b);
    lose_link(b); /* this one never came up: the one attempt MaxFail allows */
    session_ended(b, RUN_EXIT_HANGUP);
    struct session_action a;
    assert_true(supervisor_next_action(&b->s, &a));
    assert_int_equal(a.kind, SESSION_FAIL);
    assert_int_equal(a.status, RUN_EXIT_HANGUP);
    assert_non_null(strstr(a.text, "MaxFail"));
    assert_int_equal(b->s.state, SUP_DONE);
    bed_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_first_session_that_dies_ends_the_tunnel),
        cmocka_unit_test(once_up_persist_backs_off_then_starts_again),
        cmocka_unit_test(a_stop_in_backoff_ends_the_tunnel),
        cmocka_unit_test(without_persist_a_link_that_was_up_ends),
        cmocka_unit_test(a_stop_while_up_waits_for_the_link_to_go_dead),
        cmocka_unit_test(a_reset_is_refused_before_the_link_was_up),
        cmocka_unit_test(a_reset_kills_then_ends_the_session),
        cmocka_unit_test(a_silent_peer_is_killed),
        cmocka_unit_test(sshd_dropping_the_first_connection_is_retried),
        cmocka_unit_test(a_check_is_answered_by_the_echo_or_its_timeout),
        cmocka_unit_test(a_silent_far_end_fails_the_first_session),
        cmocka_unit_test(max_fail_fails_the_tunnel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
