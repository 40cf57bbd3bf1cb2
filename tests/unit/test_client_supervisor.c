/* test_client_supervisor.c - the supervisor's one state and its
 * transitions, driven as the loop drives them (supervise() after each
 * wake-up) with a real engine and no transport: a first session that dies
 * ends the tunnel; once the link has been up, Persist backs off and
 * reconnects; a stop in backoff ends it; a stop while up waits for the
 * link to go Dead.  Whether the link is Dead is read from the engine. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "tunnel.h"

struct bed {
    struct run_params p;
    struct tunnel *t;
};

static void noop_event(void *user, const struct ppp_event *ev)
{
    (void)user;
    (void)ev;
}

static struct bed *bed_new(bool persist)
{
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    run_params_init(&b->p, RUN_CLIENT);
    b->p.sup.persist = persist;
    b->p.sup.hook_dir = "/nonexistent-dir";
    b->t = malloc(sizeof(*b->t));
    assert_non_null(b->t);
    tunnel_init(b->t, &b->p);
    static const struct ppp_callbacks cb = {.event = noop_event};
    assert_int_equal(ppp_link_new(&b->t->link, &b->p.ppp, &cb, b->t), PPP_OK);
    struct hook_config hooks = {.dir = "/nonexistent-dir"};
    hooks_init(&b->t->sup.hooks, &hooks);
    return b;
}

static void bed_free(struct bed *b)
{
    hooks_free(&b->t->sup.hooks);
    ppp_link_del(b->t->link);
    free(b->t);
    free(b);
}

/* The session's link opens (Establish): no longer Dead. */
static void open_link(struct tunnel *t)
{
    assert_int_equal(ppp_link_open(t->link, t->now), PPP_OK);
    assert_false(tunnel_link_dead(t));
}

/* The link comes up (what IPCP up does) and `up` was told. */
static void bring_up(struct tunnel *t)
{
    open_link(t);
    supervisor_link_up(t);
    t->reported_up = true;
    assert_int_equal(t->sup.state, SUP_UP);
}

/* The transport goes and the loop wakes up. */
static void lose_link(struct tunnel *t)
{
    ppp_link_lower_down(t->link, t->now);
    supervise(t);
}

static void a_first_session_that_dies_ends_the_tunnel(void **state)
{
    (void)state;
    struct bed *b = bed_new(true);
    struct tunnel *t = b->t;
    assert_int_equal(t->sup.state, SUP_CONNECTING);
    open_link(t);
    supervise(t);
    assert_int_equal(t->sup.state, SUP_CONNECTING); /* the link is not Dead */
    lose_link(t);
    /* Never up: no reconnect (pppd's updetach reports the failure). */
    assert_int_equal(t->sup.state, SUP_DONE);
    assert_string_equal(supervisor_state_name(t), "stopping");
    bed_free(b);
}

static void once_up_persist_backs_off_then_reconnects(void **state)
{
    (void)state;
    struct bed *b = bed_new(true);
    struct tunnel *t = b->t;
    bring_up(t);
    assert_string_equal(supervisor_state_name(t), "up");
    lose_link(t);
    assert_int_equal(t->sup.state, SUP_BACKOFF);
    assert_true(t->sup.retry_at != PPP_TIME_NEVER);
    assert_true(t->sup.last_error[0] != 0); /* why it went down, for status */
    assert_true(supervisor_expiry(t) <= t->sup.retry_at);
    /* A stop while backing off ends the tunnel at once. */
    tunnel_stop(t, "test");
    assert_int_equal(t->sup.state, SUP_STOPPING);
    supervise(t);
    assert_int_equal(t->sup.state, SUP_DONE);
    bed_free(b);
}

static void without_persist_a_link_that_was_up_ends(void **state)
{
    (void)state;
    struct bed *b = bed_new(false);
    struct tunnel *t = b->t;
    bring_up(t);
    lose_link(t);
    assert_int_equal(t->sup.state, SUP_DONE);
    bed_free(b);
}

static void a_stop_while_up_waits_for_the_link_to_go_dead(void **state)
{
    (void)state;
    struct bed *b = bed_new(true);
    struct tunnel *t = b->t;
    bring_up(t);
    tunnel_stop(t, "down requested");
    assert_int_equal(t->sup.state, SUP_STOPPING);
    assert_true(tunnel_stopping(t));
    supervise(t);
    assert_int_equal(t->sup.state, SUP_STOPPING); /* LCP Terminate under way */
    lose_link(t);
    assert_int_equal(t->sup.state, SUP_DONE);
    bed_free(b);
}

static void a_reset_is_refused_before_the_link_was_up(void **state)
{
    (void)state;
    struct bed *b = bed_new(true);
    struct tunnel *t = b->t;
    open_link(t);
    supervisor_reset(t, "test");
    assert_false(t->sup.reset_pending);
    assert_int_equal(t->sup.state, SUP_CONNECTING);
    bed_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_first_session_that_dies_ends_the_tunnel),
        cmocka_unit_test(once_up_persist_backs_off_then_reconnects),
        cmocka_unit_test(without_persist_a_link_that_was_up_ends),
        cmocka_unit_test(a_stop_while_up_waits_for_the_link_to_go_dead),
        cmocka_unit_test(a_reset_is_refused_before_the_link_was_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
