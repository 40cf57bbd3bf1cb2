/* test_session_supervision.c - the session's side of supervision.h,
 * without a loop: the facts it shows the supervisor follow the tunnel
 * (the engine's phase and counters, a stop, a failure), and what the
 * supervisor records is performed once its call returns: the link up
 * answers a `pppssh reset` waiting on the control socket, a check's
 * timeout answers a waiting `pppssh check`, a silent far end fails the
 * tunnel with its status and ends the transport (the link goes Dead). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "exitcode.h"
#include "tunnel.h"

struct bed {
    struct run_params p;
    struct tunnel *t;
    int peer_fd; /* the control client's end */
};

static void noop_event(void *user, const struct ppp_event *ev)
{
    (void)user;
    (void)ev;
}

/* A client tunnel whose engine is open, with no transport or loop. */
static struct bed *bed_new(bool silent)
{
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    run_params_init(&b->p, RUN_CLIENT);
    b->p.sup.hook_dir = "/nonexistent-dir";
    b->p.ppp.silent = silent;
    b->t = malloc(sizeof(*b->t));
    assert_non_null(b->t);
    struct tunnel *t = b->t;
    tunnel_init(t, &b->p);
    snprintf(t->ifname, sizeof(t->ifname), "ppptest0");
    static const struct ppp_callbacks cb = {.event = noop_event};
    assert_int_equal(ppp_link_new(&t->link, &b->p.ppp, &cb, t), PPP_OK);
    struct supervisor_setup setup = {.reconnect = true,
                                     .silent = silent,
                                     .hook_dir = "/nonexistent-dir",
                                     .echo_interval_ms = 1000,
                                     .echo_failures = 3};
    struct session_facts f = session_facts(t);
    supervisor_first_session(&t->sup, &setup, &f);
    struct session_action a;
    assert_true(supervisor_next_action(&t->sup, &a)); /* the start, done by hand: */
    assert_int_equal(a.kind, SESSION_START);
    assert_int_equal(ppp_link_open(t->link, t->now), PPP_OK);
    f = session_facts(t);
    supervisor_session_started(&t->sup, &f);
    b->peer_fd = -1;
    return b;
}

/* A control client connected and waiting (as ctl_server.c leaves it). */
static struct ctl_client *waiting_client(struct bed *b)
{
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
    struct ctl_client *c = &b->t->ctl.clients[0];
    c->fd = sv[0];
    b->peer_fd = sv[1];
    return c;
}

static void expect_answer(struct bed *b, const char *words)
{
    char buf[256];
    ssize_t n = read(b->peer_fd, buf, sizeof(buf) - 1); /* written already, or never */
    assert_true(n > 0);
    buf[n] = 0;
    assert_non_null(strstr(buf, words));
    assert_int_equal(b->t->ctl.clients[0].fd, -1); /* answered and closed */
}

static void bed_free(struct bed *b)
{
    supervision_finish(b->t);
    if (b->peer_fd >= 0)
        close(b->peer_fd);
    ctl_close_all(b->t);
    ppp_link_del(b->t->link);
    free(b->t);
    free(b);
}

static void the_facts_follow_the_tunnel(void **state)
{
    (void)state;
    struct bed *b = bed_new(false);
    struct tunnel *t = b->t;
    struct session_facts f = session_facts(t);
    assert_false(f.link_dead);
    assert_false(f.stopping || f.failed || f.reported_up);
    assert_string_equal(f.ifname, "ppptest0");
    tunnel_fail(t, RUN_EXIT_CONFIG, "a test");
    f = session_facts(t);
    assert_true(f.failed);
    assert_string_equal(f.exit_msg, "a test");
    ppp_link_lower_down(t->link, t->now);
    f = session_facts(t);
    assert_true(f.link_dead);
    bed_free(b);
}

static void the_link_up_answers_a_waiting_reset(void **state)
{
    (void)state;
    struct bed *b = bed_new(false);
    struct ctl_client *c = waiting_client(b);
    c->waiting_up = true;
    supervision_link_up(b->t);
    assert_int_equal(b->t->sup.state, SUP_UP);
    expect_answer(b, "up\n");
    bed_free(b);
}

static void a_check_timeout_answers_a_waiting_check(void **state)
{
    (void)state;
    struct bed *b = bed_new(false);
    struct tunnel *t = b->t;
    supervision_link_up(t);
    struct ctl_client *c = waiting_client(b);
    c->waiting_echo = true;
    struct session_facts f = session_facts(t);
    supervisor_check_sent(&t->sup, &f);
    t->now = t->sup.check_until;
    supervision_timer(t);
    expect_answer(b, "no reply");
    bed_free(b);
}

static void a_silent_far_end_fails_the_tunnel_and_ends_the_link(void **state)
{
    (void)state;
    struct bed *b = bed_new(true);
    struct tunnel *t = b->t;
    t->now += (ppp_time)SUPERVISOR_SILENT_WAIT_MS * PPP_MS;
    supervision_timer(t);
    assert_true(t->failed);
    assert_int_equal(t->exit_status, RUN_EXIT_NEGOTIATION);
    assert_true(tunnel_link_dead(t)); /* the transport's end: the engine is Down */
    bed_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_facts_follow_the_tunnel),
        cmocka_unit_test(the_link_up_answers_a_waiting_reset),
        cmocka_unit_test(a_check_timeout_answers_a_waiting_check),
        cmocka_unit_test(a_silent_far_end_fails_the_tunnel_and_ends_the_link),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
