/* test_os_seqpacket.c - one message and its descriptors on a
 * SOCK_SEQPACKET pair: the descriptors arrive working and close-on-exec,
 * a message longer than the buffer is refused with its descriptors
 * closed, the end of the stream reads as 0, and a peer that does not read
 * never blocks the sender. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "seqpacket.h"

static void pair(int sv[2])
{
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
}

static void message_and_descriptors_arrive(void **state)
{
    (void)state;
    int sv[2], p[2], q[2], fds[SEQPACKET_MAX_FDS];
    size_t n_fds;
    char buf[16];
    pair(sv);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(pipe(q), 0);
    int send_fds[2] = {p[1], q[1]};
    assert_int_equal(seqpacket_send(sv[0], "hello", 5, send_fds, 2), 0);
    assert_int_equal(seqpacket_recv(sv[1], buf, sizeof(buf), fds, &n_fds), 5);
    assert_memory_equal(buf, "hello", 5);
    assert_int_equal(n_fds, 2);
    assert_true(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
    assert_int_equal(write(fds[1], "x", 1), 1); /* the second is q's write end */
    assert_int_equal(read(q[0], buf, 1), 1);
    assert_int_equal(buf[0], 'x');
    for (int i = 0; i < 2; i++)
        close(fds[i]);
    close(p[0]);
    close(p[1]);
    close(q[0]);
    close(q[1]);
    close(sv[0]);
    assert_int_equal(seqpacket_recv(sv[1], buf, sizeof(buf), fds, &n_fds), 0); /* the end */
    close(sv[1]);
}

static void too_long_is_refused(void **state)
{
    (void)state;
    int sv[2], p[2], fds[SEQPACKET_MAX_FDS];
    size_t n_fds;
    char buf[4];
    pair(sv);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(seqpacket_send(sv[0], "too long", 8, &p[1], 1), 0);
    close(p[1]);
    assert_int_equal(seqpacket_recv(sv[1], buf, sizeof(buf), fds, &n_fds), -EMSGSIZE);
    assert_int_equal(n_fds, 0);
    assert_int_equal(read(p[0], buf, 1), 0); /* every write end closed: its copy too */
    close(p[0]);
    close(sv[0]);
    close(sv[1]);
}

static void a_peer_that_does_not_read_never_blocks(void **state)
{
    (void)state;
    int sv[2], r = 0;
    char msg[1200] = {0};
    pair(sv);
    for (int i = 0; i < 100000 && r == 0; i++)
        r = seqpacket_send(sv[0], msg, sizeof(msg), NULL, 0);
    assert_int_equal(r, -EAGAIN);
    close(sv[0]);
    close(sv[1]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(message_and_descriptors_arrive),
        cmocka_unit_test(too_long_is_refused),
        cmocka_unit_test(a_peer_that_does_not_read_never_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
