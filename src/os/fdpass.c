/* fdpass.c - the TCP connection to the SSH server, passed by SCM_RIGHTS */
#include "fdpass.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "errtext.h"

/* An abstract address (unix(7)): a leading NUL, no file to clean up. */
static socklen_t abstract_addr(const char *name, struct sockaddr_un *sun)
{
    memset(sun, 0, sizeof(*sun));
    sun->sun_family = AF_UNIX;
    size_t len = strnlen(name, sizeof(sun->sun_path) - 1);
    memcpy(sun->sun_path + 1, name, len);
    return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len);
}

int fdpass_send(int sock, int fd, const char *name)
{
    char byte = 0;
    struct iovec iov = {.iov_base = &byte, .iov_len = 1};
    union {
        struct cmsghdr align;
        char buf[CMSG_SPACE(sizeof(int))];
    } control;
    struct sockaddr_un sun;
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = control.buf,
                         .msg_controllen = sizeof(control.buf)};
    if (name) {
        msg.msg_name = &sun;
        msg.msg_namelen = abstract_addr(name, &sun);
    }
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof(int));
    ssize_t n;
    do {
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n == 1 ? 0 : -errno;
}

int fdpass_listen(const char *name, char *err, size_t errlen)
{
    struct sockaddr_un sun;
    socklen_t len = abstract_addr(name, &sun);
    int on = 1;
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0)
        return errtext_set(-errno, err, errlen, "cannot create a unix socket: %s", strerror(errno));
    if (setsockopt(s, SOL_SOCKET, SO_PASSCRED, &on, sizeof(on)) < 0 ||
        bind(s, (struct sockaddr *)&sun, len) < 0) {
        int e = errno;
        close(s);
        return errtext_set(-e, err, errlen, "cannot bind the fdpass socket: %s", strerror(e));
    }
    return s;
}

/* The descriptor and the sender's uid out of one message's control data;
 * every descriptor but the first is closed. */
static int parse_control(struct msghdr *msg, uid_t *uid)
{
    int fd = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
        if (c->cmsg_level != SOL_SOCKET)
            continue;
        if (c->cmsg_type == SCM_CREDENTIALS && c->cmsg_len >= CMSG_LEN(sizeof(struct ucred))) {
            struct ucred cred;
            memcpy(&cred, CMSG_DATA(c), sizeof(cred));
            *uid = cred.uid;
        } else if (c->cmsg_type == SCM_RIGHTS) {
            size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < n; i++) {
                int one;
                memcpy(&one, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                if (fd < 0)
                    fd = one;
                else
                    close(one);
            }
        }
    }
    return fd;
}

int fdpass_take(int sock, uid_t from)
{
    for (int tries = 0; tries < 8; tries++) {
        char byte;
        struct iovec iov = {.iov_base = &byte, .iov_len = 1};
        union {
            struct cmsghdr align;
            char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(4 * sizeof(int))];
        } control;
        struct msghdr msg = {.msg_iov = &iov,
                             .msg_iovlen = 1,
                             .msg_control = control.buf,
                             .msg_controllen = sizeof(control.buf)};
        ssize_t n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        uid_t uid = (uid_t)-1;
        int fd = parse_control(&msg, &uid);
        if (fd >= 0 && uid == from)
            return fd;
        if (fd >= 0)
            close(fd); /* someone else's: not the connection ssh got */
    }
    return -EAGAIN;
}

/* poll(2)'s timeout: int milliseconds, -1 for none.  ssh -G prints
 * ConnectTimeout=4w as 2419200 s, which times 1000 overflows an int. */
static int poll_ms(unsigned timeout_s)
{
    if (timeout_s == 0)
        return -1;
    return timeout_s > INT_MAX / 1000 ? INT_MAX : (int)timeout_s * 1000;
}

static int connect_one(const struct addrinfo *ai, unsigned timeout_s)
{
    int s = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK, ai->ai_protocol);
    if (s < 0)
        return -errno;
    /* Nagle off: the stream carries whole PPP frames, and an ACK frame
     * followed by a data frame must not wait a delayed ACK (~40 ms) for
     * the first.  ssh sets this itself only for a pty session. */
    int one = 1;
    (void)setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    int e = 0;
    if (connect(s, ai->ai_addr, ai->ai_addrlen) < 0) {
        e = errno;
        if (e == EINPROGRESS) {
            struct pollfd pfd = {.fd = s, .events = POLLOUT};
            int r;
            do {
                r = poll(&pfd, 1, poll_ms(timeout_s));
            } while (r < 0 && errno == EINTR);
            socklen_t len = sizeof(e);
            if (r == 0)
                e = ETIMEDOUT;
            else if (r < 0 || getsockopt(s, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
                e = errno;
        }
    }
    int flags = fcntl(s, F_GETFL);
    if (e == 0 && (flags < 0 || fcntl(s, F_SETFL, flags & ~O_NONBLOCK) < 0))
        e = errno;
    if (e) {
        close(s);
        return -e;
    }
    return s;
}

int fdpass_connect(const char *host, unsigned port, int family, unsigned timeout_s, char *err,
                   size_t errlen)
{
    char service[8];
    snprintf(service, sizeof(service), "%u", port);
    struct addrinfo hints = {.ai_family = family, .ai_socktype = SOCK_STREAM}, *res = NULL;
    int g = getaddrinfo(host, service, &hints, &res);
    if (g != 0)
        return errtext_set(-ENOENT, err, errlen, "Could not resolve hostname %s: %s", host,
                           gai_strerror(g));
    int s = -EHOSTUNREACH;
    for (const struct addrinfo *ai = res; ai; ai = ai->ai_next) {
        s = connect_one(ai, timeout_s);
        if (s >= 0)
            break;
    }
    freeaddrinfo(res);
    if (s < 0)
        return errtext_set(s, err, errlen, "connect to host %s port %u: %s", host, port,
                           strerror(-s));
    return s;
}
