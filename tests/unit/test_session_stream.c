/* test_session_stream.c - the transport's stream with a real child
 * (`/bin/sh -c`): its stderr read line by line into what it said (a line
 * split across reads, the last line without a newline at its end), text
 * on the stream before the link is up taken as its messages, end of
 * stream telling the engine, and a graceful stop that lets the child exit
 * on end of stream (its own status, no SIGTERM). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tunnel.h"

struct bed {
    struct run_params p;
    struct tunnel t;
    sigset_t old;
};

static void noop_event(void *user, const struct ppp_event *ev)
{
    (void)user;
    (void)ev;
}

/* A client tunnel whose transport is `/bin/sh -c command`, started, with
 * the loop's epoll set and SIGCHLD signalfd. */
static struct bed *bed_new(const char *command)
{
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    run_params_init(&b->p, RUN_CLIENT);
    b->p.spawn.shell_command = command;
    struct tunnel *t = &b->t;
    tunnel_init(t, &b->p);
    ssh_stderr_init(&t->st.said);
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    assert_true(t->epfd >= 0);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    assert_int_equal(sigprocmask(SIG_BLOCK, &chld, &b->old), 0);
    t->signal_fd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    assert_true(t->signal_fd >= 0);
    static const struct ppp_callbacks cb = {.event = noop_event};
    assert_int_equal(ppp_link_new(&t->link, &b->p.ppp, &cb, t), PPP_OK);
    assert_int_equal(stream_start(t), 0);
    assert_false(t->failed);
    assert_true(t->st.child.pid > 0);
    return b;
}

static void bed_free(struct bed *b)
{
    stream_stop(&b->t, false);
    ppp_link_del(b->t.link);
    close(b->t.epfd);
    close(b->t.signal_fd);
    sigprocmask(SIG_SETMASK, &b->old, NULL);
    free(b);
}

/* Waits (bounded) until fd has something to read or has hung up. */
static void wait_readable(int fd)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    assert_int_equal(poll(&pfd, 1, 5000), 1);
}

static void stderr_lines_tell_why_the_child_failed(void **state)
{
    (void)state;
    /* The reason comes in two writes, then a last line without a newline. */
    struct bed *b = bed_new("printf 'debug1: trying\\nPermission de' >&2; sleep 0.2; "
                            "printf 'nied (publickey).\\nlast words' >&2; exec sleep 5");
    struct tunnel *t = &b->t;
    for (int i = 0; i < 50 && !t->st.err_eof; i++) {
        wait_readable(t->st.child.stderr_fd);
        stream_stderr_readable(t);
        if (t->st.said.failure == SSH_FAIL_AUTH && t->st.err_len == strlen("last words"))
            break;
    }
    assert_int_equal(t->st.said.failure, SSH_FAIL_AUTH);
    assert_string_equal(t->st.said.failure_line, "Permission denied (publickey).");
    /* The unfinished line waits for the rest of it ... */
    assert_int_equal(t->st.err_len, strlen("last words"));
    assert_false(t->st.err_eof);
    /* ... and the end of stderr takes it as it is. */
    stream_stop(t, false);
    assert_true(t->st.err_eof);
    assert_int_equal(t->st.err_len, 0);
    assert_true(t->st.child_exited);
    assert_true(WIFSIGNALED(t->st.child_status)); /* `sleep 5` was stopped */
    bed_free(b);
}

static void text_before_the_link_is_up_counts_as_stderr(void **state)
{
    (void)state;
    /* With ssh -tt the remote's stderr shares the pty with the stream. */
    struct bed *b = bed_new("printf 'sh: 1: pppssh: not found\\r\\n'; exec sleep 5");
    struct tunnel *t = &b->t;
    assert_int_equal(ppp_link_open(t->link, t->now), PPP_OK);
    wait_readable(t->st.in_fd);
    stream_readable(t);
    assert_int_equal(t->st.said.failure, SSH_FAIL_COMMAND_MISSING);
    assert_false(t->st.stream_gone);
    bed_free(b);
}

static void end_of_stream_takes_the_link_down(void **state)
{
    (void)state;
    struct bed *b = bed_new("exit 3");
    struct tunnel *t = &b->t;
    assert_int_equal(ppp_link_open(t->link, t->now), PPP_OK);
    assert_false(tunnel_link_dead(t));
    for (int i = 0; i < 50 && !t->st.stream_gone; i++) {
        wait_readable(t->st.in_fd);
        stream_readable(t);
    }
    assert_true(t->st.stream_gone);
    /* RFC 1661 Down: with no transport the link cannot stay up. */
    assert_true(tunnel_link_dead(t) || ppp_link_phase(t->link) == PPP_PHASE_TERMINATE);
    /* SIGCHLD: the child's status, as it exited. */
    for (int i = 0; i < 50 && !t->st.child_exited; i++) {
        poll(&(struct pollfd){.fd = t->signal_fd, .events = POLLIN}, 1, 100);
        stream_child_changed(t);
    }
    assert_true(t->st.child_exited);
    assert_true(WIFEXITED(t->st.child_status));
    assert_int_equal(WEXITSTATUS(t->st.child_status), 3);
    bed_free(b);
}

static void a_graceful_stop_lets_the_child_leave_on_end_of_stream(void **state)
{
    (void)state;
    struct bed *b = bed_new("cat >/dev/null; echo 'Connection closed by 198.18.0.1' >&2; exit 7");
    struct tunnel *t = &b->t;
    stream_stop(t, true);
    assert_true(t->st.child_exited);
    assert_true(WIFEXITED(t->st.child_status)); /* not SIGTERM */
    assert_int_equal(WEXITSTATUS(t->st.child_status), 7);
    /* Its last words were picked up. */
    assert_int_equal(t->st.said.failure, SSH_FAIL_CLOSED);
    bed_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stderr_lines_tell_why_the_child_failed),
        cmocka_unit_test(text_before_the_link_is_up_counts_as_stderr),
        cmocka_unit_test(end_of_stream_takes_the_link_down),
        cmocka_unit_test(a_graceful_stop_lets_the_child_leave_on_end_of_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
