/* seqpacket.c - a message and its descriptors on a SOCK_SEQPACKET socket */
#include "seqpacket.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

union fd_control {
    struct cmsghdr align;
    char buf[CMSG_SPACE(sizeof(int) * SEQPACKET_MAX_FDS)];
};

int seqpacket_send(int sock, const void *buf, size_t len, const int *fds, size_t n_fds)
{
    struct iovec iov = {.iov_base = (void *)buf, .iov_len = len};
    union fd_control control;
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1};
    if (n_fds > SEQPACKET_MAX_FDS)
        return -EINVAL;
    if (n_fds) {
        memset(&control, 0, sizeof(control));
        msg.msg_control = control.buf;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * n_fds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * n_fds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * n_fds);
    }
    ssize_t n;
    do {
        n = sendmsg(sock, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    return (size_t)n == len ? 0 : -EMSGSIZE;
}

/* Every descriptor of msg into fds (up to the maximum; the rest closed). */
static void take_fds(struct msghdr *msg, int fds[SEQPACKET_MAX_FDS], size_t *n_fds)
{
    *n_fds = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < n; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
            if (*n_fds < SEQPACKET_MAX_FDS)
                fds[(*n_fds)++] = fd;
            else
                close(fd);
        }
    }
}

static void close_fds(int *fds, size_t *n_fds)
{
    for (size_t i = 0; i < *n_fds; i++)
        close(fds[i]);
    *n_fds = 0;
}

ssize_t seqpacket_recv(int sock, void *buf, size_t len, int fds[SEQPACKET_MAX_FDS], size_t *n_fds)
{
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    union fd_control control;
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    ssize_t n;
    *n_fds = 0;
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    take_fds(&msg, fds, n_fds);
    if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) {
        close_fds(fds, n_fds);
        return -EMSGSIZE;
    }
    return n;
}
