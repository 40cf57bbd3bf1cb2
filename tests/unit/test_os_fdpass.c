/* test_os_fdpass.c - passing a descriptor by SCM_RIGHTS: through the
 * abstract-name datagram socket (fdpass_listen/fdpass_take) and over a
 * connected socket pair, as ssh's ProxyUseFdpass reads it.  A pipe
 * stands in for the TCP connection: what is written through the
 * received descriptor must come out of the original pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"

struct fixture {
    char name[FDPASS_NAME_MAX];
    int listener, sender;
    int pipe[2];
};

static char err[256];

static int setup(void **state)
{
    static struct fixture f;
    static unsigned serial;
    /* Abstract names are shared by every process in the namespace:
     * other test runs must not collide with ours. */
    snprintf(f.name, sizeof(f.name), "pppssh-test-fdpass-%d-%u", (int)getpid(), serial++);
    f.listener = fdpass_listen(f.name, err, sizeof(err));
    assert_true(f.listener >= 0);
    f.sender = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(f.sender >= 0);
    assert_int_equal(pipe2(f.pipe, O_CLOEXEC | O_NONBLOCK), 0);
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    close(f->listener);
    close(f->sender);
    close(f->pipe[0]);
    close(f->pipe[1]);
    return 0;
}

/* The abstract address of name, as fdpass.c builds it (unix(7)). */
static socklen_t address(const char *name, struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    memcpy(sun->sun_path + 1, name, strlen(name));
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

/* Writes one message through fd and expects it to come out of the
 * pipe's read end. */
static void assert_writes_into(int fd, int read_end)
{
    char buf[16] = {0};
    assert_int_equal(write(fd, "through", 7), 7);
    assert_int_equal(read(read_end, buf, sizeof(buf)), 7);
    assert_memory_equal(buf, "through", 7);
}

static void round_trip_through_the_name(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(fdpass_send(f->sender, f->pipe[1], f->name), 0);
    int fd = fdpass_take(f->listener, geteuid());
    assert_true(fd >= 0);
    /* A new descriptor for the same pipe, not our own number back. */
    assert_int_not_equal(fd, f->pipe[1]);
    assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
    assert_writes_into(fd, f->pipe[0]);
    close(fd);
    /* One message, one descriptor. */
    assert_int_equal(fdpass_take(f->listener, geteuid()), -EAGAIN);
}

static void listener_is_non_blocking_and_close_on_exec(void **state)
{
    struct fixture *f = *state;
    assert_true(fcntl(f->listener, F_GETFL) & O_NONBLOCK);
    assert_true(fcntl(f->listener, F_GETFD) & FD_CLOEXEC);
    int passcred = 0;
    socklen_t len = sizeof(passcred);
    assert_int_equal(getsockopt(f->listener, SOL_SOCKET, SO_PASSCRED, &passcred, &len), 0);
    assert_int_equal(passcred, 1);
}

static void nothing_waiting_is_eagain(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(fdpass_take(f->listener, geteuid()), -EAGAIN);
}

static void plain_datagram_is_not_a_connection(void **state)
{
    struct fixture *f = *state;
    struct sockaddr_un sun;
    socklen_t len = address(f->name, &sun);
    assert_int_equal(sendto(f->sender, "x", 1, 0, (struct sockaddr *)&sun, len), 1);
    assert_int_equal(fdpass_take(f->listener, geteuid()), -EAGAIN);
    /* It was consumed, and a real one behind it is still taken. */
    assert_int_equal(sendto(f->sender, "y", 1, 0, (struct sockaddr *)&sun, len), 1);
    assert_int_equal(fdpass_send(f->sender, f->pipe[1], f->name), 0);
    int fd = fdpass_take(f->listener, geteuid());
    assert_true(fd >= 0);
    assert_writes_into(fd, f->pipe[0]);
    close(fd);
}

static void junk_is_read_a_bounded_number_at_a_time(void **state)
{
    /* Nine datagrams without a descriptor, then a real one: one call
     * drops at most eight (so that a flood cannot hold up the caller's
     * loop), and the next call gets past the rest. */
    struct fixture *f = *state;
    struct sockaddr_un sun;
    socklen_t len = address(f->name, &sun);
    for (int i = 0; i < 9; i++)
        assert_int_equal(sendto(f->sender, "x", 1, 0, (struct sockaddr *)&sun, len), 1);
    assert_int_equal(fdpass_send(f->sender, f->pipe[1], f->name), 0);
    assert_int_equal(fdpass_take(f->listener, geteuid()), -EAGAIN);
    int fd = fdpass_take(f->listener, geteuid());
    assert_true(fd >= 0);
    assert_writes_into(fd, f->pipe[0]);
    close(fd);
}

/* Sends two descriptors in one SCM_RIGHTS message. */
static void send_two(int sock, const char *name, int first, int second)
{
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(2 * sizeof(int))];
    } control;
    struct sockaddr_un sun;
    struct msghdr msg = {.msg_name = &sun,
                         .msg_namelen = address(name, &sun),
                         .msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    int fds[2] = {first, second};
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(fds));
    memcpy(CMSG_DATA(c), fds, sizeof(fds));
    assert_int_equal(sendmsg(sock, &msg, 0), 1);
}

static void extra_descriptors_are_closed(void **state)
{
    struct fixture *f = *state;
    int other[2];
    assert_int_equal(pipe2(other, O_CLOEXEC | O_NONBLOCK), 0);
    send_two(f->sender, f->name, f->pipe[1], other[1]);
    close(other[1]);
    int fd = fdpass_take(f->listener, geteuid());
    assert_true(fd >= 0);
    assert_writes_into(fd, f->pipe[0]);
    close(fd);
    /* Had the second copy been kept open, this read would wait for a
     * writer (EAGAIN) instead of seeing the end of the pipe. */
    char buf[4];
    assert_int_equal(read(other[0], buf, sizeof(buf)), 0);
    close(other[0]);
}

static void another_users_descriptor_is_refused(void **state)
{
    struct fixture *f = *state;
    if (geteuid() != 0)
        skip(); /* only root can become another user to send one */
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0)
        _exit(setresuid(65534, 65534, 65534) == 0 &&
                      fdpass_send(f->sender, f->pipe[1], f->name) == 0
                  ? 0
                  : 1);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(fdpass_take(f->listener, geteuid()), -EAGAIN);
    /* The refused copy was closed: with ours closed too, the pipe ends. */
    close(f->pipe[1]);
    f->pipe[1] = -1;
    char buf[4];
    assert_int_equal(read(f->pipe[0], buf, sizeof(buf)), 0);
}

static void second_listener_on_the_name_fails(void **state)
{
    struct fixture *f = *state;
    err[0] = 0;
    assert_int_equal(fdpass_listen(f->name, err, sizeof(err)), -EADDRINUSE);
    assert_non_null(strstr(err, "cannot bind the fdpass socket"));
    /* The first one still works. */
    assert_int_equal(fdpass_send(f->sender, f->pipe[1], f->name), 0);
    int fd = fdpass_take(f->listener, geteuid());
    assert_true(fd >= 0);
    close(fd);
}

static void send_to_a_missing_name_fails(void **state)
{
    struct fixture *f = *state;
    char name[FDPASS_NAME_MAX + 8];
    snprintf(name, sizeof(name), "%s-nobody", f->name);
    assert_int_equal(fdpass_send(f->sender, f->pipe[1], name), -ECONNREFUSED);
}

/* What ssh does with ProxyUseFdpass=yes: one recvmsg on the command's
 * stdout, a stream socket pair, for exactly one descriptor. */
static int receive_like_ssh(int sock)
{
    char byte;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    if (recvmsg(sock, &msg, MSG_DONTWAIT) != 1)
        return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
        c->cmsg_len != CMSG_LEN(sizeof(int)))
        return -1;
    int fd;
    memcpy(&fd, CMSG_DATA(c), sizeof(fd));
    return fd;
}

static void round_trip_over_a_socketpair(void **state)
{
    struct fixture *f = *state;
    int sv[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    assert_int_equal(fdpass_send(sv[0], f->pipe[1], NULL), 0);
    int fd = receive_like_ssh(sv[1]);
    assert_true(fd >= 0);
    assert_writes_into(fd, f->pipe[0]);
    close(fd);
    /* The peer gone: an error, not SIGPIPE (MSG_NOSIGNAL). */
    close(sv[1]);
    assert_int_equal(fdpass_send(sv[0], f->pipe[1], NULL), -EPIPE);
    close(sv[0]);
}

static void send_on_a_non_socket_fails(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(fdpass_send(f->pipe[1], f->pipe[1], NULL), -ENOTSOCK);
    assert_int_equal(fdpass_take(f->pipe[0], geteuid()), -ENOTSOCK);
}

int main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(round_trip_through_the_name),
        T(listener_is_non_blocking_and_close_on_exec),
        T(nothing_waiting_is_eagain),
        T(plain_datagram_is_not_a_connection),
        T(junk_is_read_a_bounded_number_at_a_time),
        T(extra_descriptors_are_closed),
        T(another_users_descriptor_is_refused),
        T(second_listener_on_the_name_fails),
        T(send_to_a_missing_name_fails),
        T(round_trip_over_a_socketpair),
        T(send_on_a_non_socket_fails),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
