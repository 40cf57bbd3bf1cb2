/*
 * keeper.c - pppssh-stack: the account's userspace network stack process
 * (stack.h).  It listens on the stack socket, takes one session at a
 * time (a newer one replaces an older: the reconnecting client's), moves
 * packets between it and the backend, and exits, removing its socket,
 * once no session has been attached for the grace period.
 *
 *   pppssh-stack --socket PATH [--grace SECONDS]
 *
 * Until it is ready its stderr is the starting serve's pipe: "ready", or
 * why not, is the last thing written there.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "backend.h"
#include "memory.h"
#include "sandbox.h"
#include "stack.h"

#define MAX_POLL 512
#define SESSION_ROUNDS 64 /* packets read from the session per turn */
#define SEND_WAIT_MS 20   /* the longest a full session socket holds the stack up */

struct keeper {
    const char *path;
    unsigned grace_s;
    uint32_t net4; /* the inner IPv4 /24, host order */
    int listen_fd, session_fd;
    ino_t socket_ino;       /* our socket's, so that we never remove a successor's */
    int64_t alone_since_ms; /* when the last session went; -1 while attached */
    struct backend *backend;
    uint64_t dropped;
};

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* A packet for the client.  The socket holds only a few 64 KiB packets
 * (a Unix socket's send buffer, net.core.wmem_max for an ordinary user):
 * when it is full we wait for the session to read, up to SEND_WAIT_MS,
 * a queue's worth of backpressure on libslirp, before dropping as a
 * router would.  Dropped too while no session is attached (TCP resends). */
static void deliver(const uint8_t *pkt, size_t len, void *opaque)
{
    struct keeper *k = opaque;
    for (int tries = 0; k->session_fd >= 0 && tries < 2; tries++) {
        if (send(k->session_fd, pkt, len, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
            return;
        if (errno != EAGAIN)
            break;
        struct pollfd pfd = {.fd = k->session_fd, .events = POLLOUT};
        if (poll(&pfd, 1, SEND_WAIT_MS) <= 0)
            break;
    }
    k->dropped++;
}

static int listen_on(const char *path, char *err, size_t errsize)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errsize, "%s: name too long", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    mode_t old = umask(077); /* only this account: the directory says so too */
    int r = fd < 0 ? -1 : bind(fd, (struct sockaddr *)&sa, sizeof(sa));
    umask(old);
    if (r < 0 || listen(fd, 4) < 0) {
        snprintf(err, errsize, "%s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

static void detach(struct keeper *k)
{
    if (k->session_fd >= 0)
        close(k->session_fd);
    k->session_fd = -1;
    k->alone_since_ms = now_ms();
}

static void accept_session(struct keeper *k)
{
    int fd = accept4(k->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 || cred.uid != getuid()) {
        close(fd); /* the directory's mode should have kept it out */
        return;
    }
    if (k->session_fd >= 0)
        syslog(LOG_INFO, "a new session (pid %d) replaces the attached one", (int)cred.pid);
    else
        syslog(LOG_INFO, "session attached (pid %d)", (int)cred.pid);
    if (k->session_fd >= 0)
        close(k->session_fd);
    k->session_fd = fd;
    k->alone_since_ms = -1;
}

/* A control message (portfwd.h): the session's port forwards, before
 * its packets; the answer goes back at once. */
static void control(struct keeper *k, const uint8_t *msg, size_t len)
{
    struct portfwd f[PORTFWD_MAX];
    size_t n = 0;
    char why[256] = "", answer[PORTFWD_MSG_MAX + 256];
    int r = portfwd_request_parse(msg, len, f, &n);
    if (r < 0)
        snprintf(why, sizeof(why), "%s: a request it cannot read (another version?)",
                 STACK_PROGRAM);
    if (r > 0 && backend_forward(k->backend, f, n, why, sizeof(why)) == 0) {
        syslog(LOG_INFO, "%zu port forwards", n);
        len = portfwd_answer(NULL, answer, sizeof(answer));
    } else {
        syslog(LOG_WARNING, "%s", why);
        len = portfwd_answer(why, answer, sizeof(answer));
    }
    send(k->session_fd, answer, len, MSG_DONTWAIT | MSG_NOSIGNAL);
}

static void read_session(struct keeper *k)
{
    for (int i = 0; i < SESSION_ROUNDS; i++) {
        size_t room;
        uint8_t *packet = backend_input_buffer(k->backend, &room);
        ssize_t n = recv(k->session_fd, packet, room, MSG_DONTWAIT);
        if (n > 0 && packet[0] == 0) {
            control(k, packet, (size_t)n);
            continue;
        }
        if (n > 0) {
            backend_input(k->backend, (size_t)n);
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            syslog(LOG_INFO, "session detached; waiting %u s for another", k->grace_s);
            detach(k);
        }
        return;
    }
}

static int run(struct keeper *k)
{
    static struct pollfd fds[MAX_POLL];
    while (!stopping) {
        int timeout = -1;
        if (k->session_fd < 0) {
            int64_t left = k->alone_since_ms + (int64_t)k->grace_s * 1000 - now_ms();
            if (left <= 0) {
                syslog(LOG_INFO, "no session for %u s: exiting", k->grace_s);
                return 0;
            }
            timeout = (int)left;
        }
        size_t n = 0;
        fds[n++] = (struct pollfd){.fd = k->listen_fd, .events = POLLIN};
        fds[n++] = (struct pollfd){.fd = k->session_fd, .events = POLLIN};
        backend_fill(k->backend, fds, &n, MAX_POLL, &timeout);
        int r = poll(fds, n, timeout);
        if (r < 0 && errno != EINTR)
            return 1;
        if (r > 0 && fds[0].revents)
            accept_session(k);
        else if (r > 0 && k->session_fd >= 0 && fds[1].revents)
            read_session(k);
        backend_poll(k->backend, fds, n, r < 0);
        memory_trim(now_ms());
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct keeper *k)
{
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--socket"))
            k->path = argv[i + 1];
        else if (!strcmp(argv[i], "--grace")) {
            char *end;
            errno = 0;
            unsigned long v = strtoul(argv[i + 1], &end, 10);
            if (end == argv[i + 1] || *end || errno || v > UINT_MAX || argv[i + 1][0] == '-')
                return -1; /* not strtoul's silent 0: no grace at all */
            k->grace_s = (unsigned)v;
        } else if (!strcmp(argv[i], "--network")) {
            if (stack_net4_parse(argv[i + 1], &k->net4) < 0)
                return -1;
        } else
            return -1;
    }
    return k->path && argc % 2 == 1 ? 0 : -1;
}

int main(int argc, char **argv)
{
    static struct keeper k = {.grace_s = STACK_GRACE_DEFAULT, .session_fd = -1};
    stack_net4_parse(STACK_NET4_DEFAULT, &k.net4);
    if (parse_args(argc, argv, &k) < 0) {
        fprintf(stderr, "usage: %s --socket PATH [--grace SECONDS] [--network A.B.C.0/24]\n",
                STACK_PROGRAM);
        return 2;
    }
    memory_setup();
    openlog(STACK_PROGRAM, LOG_PID, LOG_DAEMON);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGHUP, SIG_IGN); /* the SSH session's end is not ours */
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    char err[256];
    k.backend = backend_new(deliver, &k, k.net4, err, sizeof(err));
    if (k.backend)
        k.listen_fd = listen_on(k.path, err, sizeof(err));
    if (!k.backend || k.listen_fd < 0) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    struct stat st;
    k.socket_ino = stat(k.path, &st) == 0 ? st.st_ino : 0;
    k.alone_since_ms = now_ms();
    int null = open("/dev/null", O_WRONLY);
    /* From here on it reads what the client sends: only the calls a
     * stack makes are left to it (sandbox.h). */
    if (sandbox_restrict_stack_syscalls(0, err, sizeof(err)) < 0) {
        fprintf(stderr, "%s\n", err);
        unlink(k.path);
        return 1;
    }
    fprintf(stderr, "ready\n");
    if (null >= 0)
        dup2(null, STDERR_FILENO); /* the pipe's end: serve reads to EOF */
    syslog(LOG_INFO, "listening on %s, grace %u s", k.path, k.grace_s);
    int status = run(&k);
    if (stat(k.path, &st) == 0 && st.st_ino == k.socket_ino)
        unlink(k.path);
    close(k.listen_fd);
    backend_free(k.backend);
    return status;
}
