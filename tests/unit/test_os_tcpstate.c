/* test_os_tcpstate.c - TCP_INFO and the TCP socket options refused (not faked) on anything but TCP.
 * No connection is made: an unconnected TCP socket is the only TCP here. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tcpstate.h"

static void assert_refused(int fd, int expected)
{
    struct tcp_state out;
    memset(&out, 0x5A, sizeof(out));
    struct tcp_state before = out;
    assert_int_equal(tcp_state_read(fd, &out), -expected);
    assert_memory_equal(&out, &before, sizeof(out));
    assert_int_equal(tcp_state_set_notsent_lowat(fd, 16384), -expected);
    assert_int_equal(tcp_state_ack_now(fd), -expected);
}

static void unix_socketpair_is_refused(void **state)
{
    /* A unix socket has no IPPROTO_TCP options at all. */
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    assert_refused(sv[0], EOPNOTSUPP);
    close(sv[0]);
    close(sv[1]);
    assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
    assert_refused(sv[1], EOPNOTSUPP);
    close(sv[0]);
    close(sv[1]);
}

static void pipe_is_refused(void **state)
{
    int p[2];
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    assert_refused(p[0], ENOTSOCK);
    assert_refused(p[1], ENOTSOCK);
    close(p[0]);
    close(p[1]);
}

static void closed_fd_is_refused(void **state)
{
    int p[2];
    assert_int_equal(pipe2(p, O_CLOEXEC), 0);
    close(p[0]);
    close(p[1]);
    struct tcp_state out;
    assert_int_equal(tcp_state_read(p[0], &out), -EBADF);
    assert_int_equal(tcp_state_set_notsent_lowat(p[0], 1), -EBADF);
    assert_int_equal(tcp_state_ack_now(p[0]), -EBADF);
}

static void tcp_socket_is_accepted(void **state)
{
    /* Never connected: TCP_INFO of a socket with nothing in flight. */
    int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(s >= 0);
    struct tcp_state out;
    memset(&out, 0x5A, sizeof(out));
    assert_int_equal(tcp_state_read(s, &out), 0);
    assert_int_equal(out.notsent_bytes, 0);
    assert_int_equal(out.bytes_acked, 0);
    assert_int_equal(out.inflight_bytes, 0);
    assert_int_equal(out.rtt_us, 0);

    assert_int_equal(tcp_state_set_notsent_lowat(s, 16384), 0);
    int lowat = 0;
    socklen_t len = sizeof(lowat);
    assert_int_equal(getsockopt(s, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &lowat, &len), 0);
    assert_int_equal(lowat, 16384);

    /* Delayed ACKs on first, so that the call has something to undo. */
    int quick = 0;
    assert_int_equal(setsockopt(s, IPPROTO_TCP, TCP_QUICKACK, &quick, sizeof(quick)), 0);
    len = sizeof(quick);
    assert_int_equal(getsockopt(s, IPPROTO_TCP, TCP_QUICKACK, &quick, &len), 0);
    assert_int_equal(quick, 0);
    assert_int_equal(tcp_state_ack_now(s), 0);
    assert_int_equal(getsockopt(s, IPPROTO_TCP, TCP_QUICKACK, &quick, &len), 0);
    assert_int_equal(quick, 1);
    close(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unix_socketpair_is_refused),
        cmocka_unit_test(pipe_is_refused),
        cmocka_unit_test(closed_fd_is_refused),
        cmocka_unit_test(tcp_socket_is_accepted),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
