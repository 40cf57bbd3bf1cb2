/* test_server_helper_ask.c - the session's side of pppssh helper: what it
 * sends for each request, and how it reads DONE, FAILED (the helper's
 * reason), an answer it does not understand and a helper that is not
 * there.  The helper's answer is queued on a socket pair before the
 * request is sent, so no second process is needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "helper_ask.h"
#include "seqpacket.h"

static int sv[2];
static char err[512];

static int setup(void **state)
{
    (void)state;
    return socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
}

static int teardown(void **state)
{
    (void)state;
    close(sv[0]);
    close(sv[1]);
    return 0;
}

static void helper_answers(const struct helper_answer *a)
{
    uint8_t msg[HELPER_ANSWER_LEN];
    assert_int_equal(helper_answer_encode(a, msg), HELPER_ANSWER_LEN);
    assert_int_equal(send(sv[1], msg, sizeof(msg), 0), HELPER_ANSWER_LEN);
}

static void helper_heard(struct helper_request *r)
{
    uint8_t msg[HELPER_REQUEST_LEN + 1];
    ssize_t n = recv(sv[1], msg, sizeof(msg), 0);
    assert_int_equal(helper_request_decode(msg, (size_t)n, r), HELPER_REQUEST_LEN);
}

static void ipv6_up_is_sent_and_done(void **state)
{
    (void)state;
    static const uint8_t ifid[8] = {0x02, 0, 0, 0, 0, 0, 0, 0x42};
    struct helper_request r;
    helper_answers(&(struct helper_answer){.type = HELPER_DONE});
    assert_int_equal(helper_ask(sv[0], HELPER_IPV6_UP, 1500, ifid, err, sizeof(err)), 0);
    helper_heard(&r);
    assert_int_equal(r.type, HELPER_IPV6_UP);
    assert_int_equal(r.mtu, 1500);
    assert_memory_equal(r.ifid, ifid, 8);
}

static void failed_carries_the_helpers_reason(void **state)
{
    (void)state;
    struct helper_answer a = {.type = HELPER_FAILED};
    strcpy(a.reason, "cannot add address: File exists");
    helper_answers(&a);
    assert_int_equal(helper_ask(sv[0], HELPER_IPV4_UP, 1500, NULL, err, sizeof(err)), -1);
    assert_string_equal(err, "pppssh helper: cannot add address: File exists");
}

static void an_answer_not_understood_fails(void **state)
{
    (void)state;
    uint8_t garbage[HELPER_ANSWER_LEN] = {9, 9};
    assert_int_equal(send(sv[1], garbage, sizeof(garbage), 0), HELPER_ANSWER_LEN);
    assert_int_equal(helper_ask(sv[0], HELPER_BYE, 0, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "not understood"));
}

static void a_helper_that_hung_up_fails(void **state)
{
    (void)state;
    struct helper_request r;
    assert_int_equal(shutdown(sv[1], SHUT_WR), 0);
    assert_int_equal(helper_ask(sv[0], HELPER_IPV4_DOWN, 0, NULL, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "hung up"));
    helper_heard(&r);
    assert_int_equal(r.type, HELPER_IPV4_DOWN);
}

/* GRANTED with n_fds descriptors (the TUN, then the lease), queued. */
static void helper_grants(size_t n_fds, int fds[2])
{
    struct helper_answer a = {.type = HELPER_GRANTED};
    uint8_t msg[HELPER_ANSWER_LEN];
    strcpy(a.grant.ifname, "pppssh-alice");
    a.grant.local.s_addr = htonl(0xc612ff01);
    a.grant.remote.s_addr = htonl(0xc612ff02);
    assert_int_equal(helper_answer_encode(&a, msg), HELPER_ANSWER_LEN);
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(seqpacket_send(sv[1], msg, sizeof(msg), fds, n_fds), 0);
}

static void a_grant_brings_the_tun_and_the_lease(void **state)
{
    (void)state;
    struct helper_grant g;
    struct helper_request r;
    int fds[2], tun_fd, lease_fd;
    helper_grants(2, fds);
    assert_int_equal(helper_ask_open_on(sv[0], "alice", &g, &tun_fd, &lease_fd, err, sizeof(err)),
                     sv[0]);
    helper_heard(&r);
    assert_int_equal(r.type, HELPER_OPEN);
    assert_string_equal(r.user, "alice");
    assert_string_equal(g.ifname, "pppssh-alice");
    assert_true(tun_fd >= 0 && lease_fd >= 0 && tun_fd != lease_fd);
    close(tun_fd);
    close(lease_fd);
    close(fds[0]);
    close(fds[1]);
}

/* --local/--remote of a serve that split itself: no lease to hold. */
static void fixed_addresses_come_without_a_lease(void **state)
{
    (void)state;
    struct helper_grant g;
    int fds[2], tun_fd, lease_fd;
    helper_grants(1, fds);
    assert_int_equal(helper_ask_open_on(sv[0], "root", &g, &tun_fd, &lease_fd, err, sizeof(err)),
                     sv[0]);
    assert_true(tun_fd >= 0);
    assert_int_equal(lease_fd, -1);
    close(tun_fd);
    close(fds[0]);
    close(fds[1]);
}

/* An answer that came after its request timed out (HELPER_ASK_MS) is
 * read and dropped, its descriptors closed; the session goes on. */
static void a_late_answer_is_dropped_not_a_hang_up(void **state)
{
    (void)state;
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    uint8_t msg[HELPER_ANSWER_LEN];
    assert_int_equal(helper_answer_encode(&(struct helper_answer){.type = HELPER_DONE}, msg),
                     HELPER_ANSWER_LEN);
    struct iovec iov = {.iov_base = msg, .iov_len = sizeof(msg)};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control = {0};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                       .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pipefd[0], sizeof(int));
    assert_int_equal(sendmsg(sv[1], &m, 0), HELPER_ANSWER_LEN);
    close(pipefd[0]);
    assert_int_equal(helper_ask_late(sv[0]), 1);
    /* the descriptor that came with it was closed: the pipe has no reader */
    signal(SIGPIPE, SIG_IGN);
    assert_int_equal(write(pipefd[1], "x", 1), -1);
    assert_int_equal(errno, EPIPE);
    close(pipefd[1]);
    /* and it is gone: the next request reads its own answer */
    helper_answers(&(struct helper_answer){.type = HELPER_FAILED, .reason = "second"});
    assert_int_equal(helper_ask(sv[0], HELPER_IPV4_UP, 1500, NULL, err, sizeof(err)), -1);
    assert_string_equal(err, "pppssh helper: second");
}

static void a_hang_up_is_not_a_late_answer(void **state)
{
    (void)state;
    assert_int_equal(shutdown(sv[1], SHUT_WR), 0);
    assert_int_equal(helper_ask_late(sv[0]), 0);
}

static void no_helper_there(void **state)
{
    (void)state;
    struct helper_grant g;
    int tun_fd, lease_fd;
    assert_int_equal(helper_ask_open("/nonexistent/pppssh/helper.sock", "alice", &g, &tun_fd,
                                     &lease_fd, err, sizeof(err)),
                     -ENOENT);
    assert_int_equal(
        helper_ask_open("/nonexistent", "../x", &g, &tun_fd, &lease_fd, err, sizeof(err)), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(ipv6_up_is_sent_and_done, setup, teardown),
        cmocka_unit_test_setup_teardown(failed_carries_the_helpers_reason, setup, teardown),
        cmocka_unit_test_setup_teardown(an_answer_not_understood_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(a_helper_that_hung_up_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(a_grant_brings_the_tun_and_the_lease, setup, teardown),
        cmocka_unit_test_setup_teardown(fixed_addresses_come_without_a_lease, setup, teardown),
        cmocka_unit_test_setup_teardown(a_late_answer_is_dropped_not_a_hang_up, setup, teardown),
        cmocka_unit_test_setup_teardown(a_hang_up_is_not_a_late_answer, setup, teardown),
        cmocka_unit_test(no_helper_there),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
