/*
 * helper_loop.c - pppssh helper's listening socket and its one epoll loop
 * (helper.h).  Sessions live in a table; epoll carries each watched
 * descriptor's slot and kind.
 */
#include "helper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "errtext.h"
#include "helper_session.h"
#include "log.h"
#include "sdnotify.h"

enum watch_kind { W_LISTEN, W_SIGNAL, W_SESSION, W_WORKER };

struct helper {
    int epfd, listen_fd, signal_fd;
    const char *config_path;
    struct helper_session *sessions[HELPER_MAX_SESSIONS];
    size_t n_sessions;
    bool stop;
};

/* sd_listen_fds(3): the first passed descriptor, if it is ours. */
static int systemd_socket(void)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    if (!pid || !fds || atol(pid) != (long)getpid() || atoi(fds) < 1)
        return -1;
    int fd = 3; /* SD_LISTEN_FDS_START */
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    return fd;
}

static int bind_path(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sun.sun_path))
        return errtext_set(-ENAMETOOLONG, err, errlen, "socket path %s is too long", path);
    memcpy(sun.sun_path, path, strlen(path) + 1);
    char dir[sizeof(sun.sun_path)];
    snprintf(dir, sizeof(dir), "%s", path);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = 0;
        mkdir(dir, 0711); /* /run/pppssh; an existing one is kept as it is */
    }
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (s < 0)
        return errtext_set(-errno, err, errlen, "socket: %s", strerror(errno));
    unlink(path); /* a stale socket of an earlier helper */
    if (bind(s, (struct sockaddr *)&sun, sizeof(sun)) < 0 || chmod(path, 0666) < 0 ||
        listen(s, 128) < 0) {
        int e = errno;
        close(s);
        return errtext_set(-e, err, errlen, "cannot listen on %s: %s", path, strerror(e));
    }
    return s;
}

int helper_listen(const char *path, bool *bound, char *err, size_t errlen)
{
    int fd = systemd_socket();
    *bound = fd < 0;
    return fd >= 0 ? fd : bind_path(path, err, errlen);
}

static uint64_t tag(enum watch_kind kind, size_t slot)
{
    return (uint64_t)slot << 8 | kind;
}

static int watch(struct helper *h, int fd, enum watch_kind kind, size_t slot)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = tag(kind, slot)};
    return epoll_ctl(h->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

static void end_session(struct helper *h, size_t slot)
{
    struct helper_session *s = h->sessions[slot];
    h->sessions[slot] = NULL;
    h->n_sessions--;
    log_info("helper: session of %s (pid %d, uid %u) ended", s->user[0] ? s->user : "-",
             (int)s->pid, (unsigned)s->uid);
    helper_session_end(s); /* closing its descriptors takes them out of epoll */
}

static void accept_one(struct helper *h)
{
    int fd = accept4(h->listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    size_t slot = 0;
    while (slot < HELPER_MAX_SESSIONS && h->sessions[slot])
        slot++;
    if (slot == HELPER_MAX_SESSIONS) {
        log_warn("helper: %d sessions already: refusing another", HELPER_MAX_SESSIONS);
        close(fd);
        return;
    }
    struct helper_session *s = helper_session_new(fd);
    if (!s)
        return;
    h->sessions[slot] = s;
    h->n_sessions++;
    if (watch(h, fd, W_SESSION, slot) < 0)
        end_session(h, slot);
}

/* Events are not trusted to be this session's: a slot freed and taken
 * again in one batch gets its predecessor's.  A read that finds nothing
 * (EAGAIN) costs nothing; a hang-up reads as the end of the stream. */
static void session_readable(struct helper *h, size_t slot)
{
    struct helper_session *s = h->sessions[slot];
    bool had_worker = s->worker_fd >= 0;
    if (!helper_session_request(s, h->config_path)) {
        end_session(h, slot); /* hung up (however it died) or broke the protocol */
        return;
    }
    if (!had_worker && s->worker_fd >= 0 && watch(h, s->worker_fd, W_WORKER, slot) < 0)
        end_session(h, slot);
}

static void worker_readable(struct helper *h, size_t slot)
{
    if (h->sessions[slot]->worker_fd >= 0 && !helper_session_admitted(h->sessions[slot]))
        end_session(h, slot);
}

static void signal_readable(struct helper *h)
{
    struct signalfd_siginfo si;
    while (read(h->signal_fd, &si, sizeof(si)) == sizeof(si)) {
        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
            h->stop = true;
    }
    while (waitpid(-1, NULL, WNOHANG) > 0) {
        /* admission children reaped */
    }
}

static void dispatch(struct helper *h, const struct epoll_event *ev)
{
    enum watch_kind kind = (enum watch_kind)(ev->data.u64 & 0xff);
    size_t slot = (size_t)(ev->data.u64 >> 8);
    if (kind == W_LISTEN)
        accept_one(h);
    else if (kind == W_SIGNAL)
        signal_readable(h);
    else if (slot < HELPER_MAX_SESSIONS && h->sessions[slot] && kind == W_SESSION)
        session_readable(h, slot);
    else if (slot < HELPER_MAX_SESSIONS && h->sessions[slot] && kind == W_WORKER)
        worker_readable(h, slot);
}

static int signals_start(struct helper *h)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);
    h->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    return h->signal_fd < 0 ? -errno : watch(h, h->signal_fd, W_SIGNAL, 0);
}

static void run(struct helper *h)
{
    struct epoll_event events[32];
    while (!h->stop) {
        int n = epoll_wait(h->epfd, events, 32, -1);
        if (n < 0 && errno != EINTR) {
            log_error("helper: epoll_wait: %s", strerror(errno));
            return;
        }
        for (int i = 0; i < n; i++)
            dispatch(h, &events[i]);
    }
}

int helper_serve(int listen_fd, const char *config_path)
{
    struct helper *h = calloc(1, sizeof(*h));
    if (!h)
        return 1;
    h->listen_fd = listen_fd;
    h->config_path = config_path;
    h->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (h->epfd < 0 || watch(h, listen_fd, W_LISTEN, 0) < 0 || signals_start(h) < 0) {
        log_error("helper: cannot set up the event loop: %s", strerror(errno));
        free(h);
        return 1;
    }
    log_info("helper: serving on its socket (%s)", config_path);
    sd_notify_ready("serving");
    run(h);
    sd_notify_stopping("ending every session");
    for (size_t slot = 0; slot < HELPER_MAX_SESSIONS; slot++)
        if (h->sessions[slot])
            end_session(h, slot);
    close(h->epfd);
    close(h->signal_fd);
    free(h);
    return 0;
}
