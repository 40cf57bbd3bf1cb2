/*
 * stream.c - the byte stream that carries PPP: the transport child (ssh or
 * a `Command`) on a socketpair, with its stderr read line by line to learn
 * why it failed, or (pppssh serve) our own stdin/stdout.
 */
#include "tunnel.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "exitcode.h"
#include "log.h"

#define READ_ROUNDS 16         /* reads per wake-up, so the TUN side gets its turn */
#define CHILD_EOF_WAIT_MS 1000 /* for the child to exit on end of stream */

static void set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags >= 0)
        fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* A split `up` whose privileged part runs ssh (configurator.h CONNECT):
 * the same descriptors spawn_start() gives, and one more that carries
 * the wait status, since only the parent can wait for a child. */
static int connect_remote(struct tunnel *t, char *err, size_t errlen)
{
    struct cfg_request rq = {.kind = CFG_CONNECT};
    struct cfg_reply reply;
    int r = t->cfg->request(t->cfg, &rq, err, errlen);
    t->cfg->reply(t->cfg, &reply);
    if (r == 0 && reply.n_fds != 3) {
        snprintf(err, errlen, "the privileged part sent %zu descriptors for the transport",
                 reply.n_fds);
        r = -EPROTO;
    }
    if (r < 0) {
        for (size_t i = 0; i < reply.n_fds; i++)
            close(reply.fds[i]);
        return r;
    }
    t->st.child = (struct spawn_child){
        .pid = (pid_t)reply.value, .io_fd = reply.fds[0], .stderr_fd = reply.fds[1]};
    t->st.status_fd = reply.fds[2];
    set_nonblocking(t->st.status_fd);
    return loop_watch(t, t->st.status_fd, TAG_TRANSPORT_END, EPOLLIN);
}

static int spawn_transport(struct tunnel *t)
{
    char err[256];
    int r = t->p->transport_remote ? connect_remote(t, err, sizeof(err))
                                   : spawn_start(&t->p->spawn, &t->st.child, err, sizeof(err));
    if (r < 0 && t->reported_up) {
        /* A reconnect: one failed attempt, the supervisor tries again. */
        ssh_stderr_note(&t->st.said, err);
        return -1;
    }
    if (r < 0) {
        tunnel_fail(t, RUN_EXIT_COMMAND_FAILED, "%s", err);
        return -1;
    }
    log_info("started %s (pid %d)", t->p->spawn.shell_command ? "Command" : "ssh",
             (int)t->st.child.pid);
    t->st.in_fd = t->st.out_fd = t->st.child.io_fd;
    return loop_watch(t, t->st.child.stderr_fd, TAG_STDERR, EPOLLIN);
}

void stream_reset(struct tunnel *t)
{
    t->st.child = (struct spawn_child){.pid = 0, .io_fd = -1, .stderr_fd = -1};
    t->st.status_fd = -1;
    t->st.child_exited = false;
    t->st.child_status = 0;
    t->st.in_fd = t->st.out_fd = -1;
    t->st.stream_gone = false;
    t->st.stream_events = t->st.out_events = 0;
    t->st.err_len = 0;
    t->st.err_eof = false;
    ssh_stderr_init(&t->st.said);
    t->st.text_len = 0;
}

int stream_start(struct tunnel *t)
{
    const struct run_params *p = t->p;
    int r;
    if (p->spawn.argv || p->spawn.shell_command) {
        pace_stream_start(t);
        if (spawn_transport(t) < 0)
            return -1;
    } else {
        t->st.in_fd = p->in_fd;
        t->st.out_fd = p->out_fd;
        set_nonblocking(t->st.in_fd);
        set_nonblocking(t->st.out_fd);
        t->st.err_eof = true;
    }
    t->st.stream_events = EPOLLIN;
    r = loop_watch(t, t->st.in_fd, TAG_STREAM_IN, EPOLLIN);
    if (r == 0 && t->st.out_fd != t->st.in_fd)
        r = loop_watch(t, t->st.out_fd, TAG_STREAM_OUT, 0);
    if (r < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "cannot watch the transport: %s", strerror(-r));
        return -1;
    }
    return 0;
}

/* The stream is gone: stop watching it (a hung-up socket would wake epoll
 * forever) and tell the engine (RFC 1661 Down event). */
static void stream_lost(struct tunnel *t, const char *why)
{
    if (t->st.stream_gone)
        return;
    if (t->reported_up)
        log_debug("transport closed (%s)", why);
    else
        log_info("transport closed (%s)", why);
    t->st.stream_gone = true;
    loop_unwatch(t, t->st.in_fd);
    if (t->st.out_fd != t->st.in_fd)
        loop_unwatch(t, t->st.out_fd);
    if (t->link)
        ppp_link_lower_down(t->link, t->now);
}

static void stderr_line(struct tunnel *t, char *line);

/* Before the link is up, text lines on the stream that carry no PPP flag
 * are the remote's messages (with ssh -tt its stderr shares the pty):
 * treat them as stderr lines so that their reason reaches the user. */
static void note_text(struct tunnel *t, const uint8_t *data, size_t n)
{
    if (t->reported_up || memchr(data, 0x7e, n))
        return;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = data[i];
        if (c == '\n' || c == '\r' || t->st.text_len == sizeof(t->st.text_acc) - 1) {
            t->st.text_acc[t->st.text_len] = 0;
            if (t->st.text_len)
                stderr_line(t, t->st.text_acc);
            t->st.text_len = 0;
        } else if (c >= 0x20 && c < 0x7f) {
            t->st.text_acc[t->st.text_len++] = (char)c;
        }
    }
}

void stream_readable(struct tunnel *t)
{
    size_t got = 0;
    for (int i = 0; i < READ_ROUNDS && !t->st.stream_gone; i++) {
        ssize_t n = read(t->st.in_fd, t->st.stream_rx, sizeof(t->st.stream_rx));
        if (n > 0) {
            pace_stream_readable(t);
            note_text(t, t->st.stream_rx, (size_t)n);
            ppp_link_input(t->link, t->st.stream_rx, (size_t)n, t->now);
            supervision_heard(t);
            got += (size_t)n;
            continue;
        }
        if (n == 0)
            stream_lost(t, "end of stream");
        else if (errno != EAGAIN && errno != EINTR)
            stream_lost(t, strerror(errno));
        else
            pace_stream_drained(t, got);
        return;
    }
}

static void want_output(struct tunnel *t, bool on)
{
    if (t->st.out_fd == t->st.in_fd) {
        uint32_t events = EPOLLIN | (on ? EPOLLOUT : 0);
        if (events != t->st.stream_events) {
            loop_watch(t, t->st.in_fd, TAG_STREAM_IN, events);
            t->st.stream_events = events;
        }
    } else {
        uint32_t events = on ? EPOLLOUT : 0;
        if (events != t->st.out_events) {
            loop_watch(t, t->st.out_fd, TAG_STREAM_OUT, events);
            t->st.out_events = events;
        }
    }
}

void stream_flush(struct tunnel *t)
{
    const uint8_t *data;
    size_t len;
    if (!t->link || t->st.stream_gone)
        return;
    while ((len = ppp_link_tx_data(t->link, &data)) > 0) {
        ssize_t n = write(t->st.out_fd, data, len);
        if (n > 0) {
            ppp_link_tx_consume(t->link, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            want_output(t, true);
            return;
        }
        stream_lost(t, n < 0 ? strerror(errno) : "write returned 0");
        return;
    }
    want_output(t, false);
}

static void stderr_line(struct tunnel *t, char *line)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        line[--len] = 0;
    if (!len)
        return;
    /* The far end writes what it likes here: rate-limited (peerlog.c);
     * log_msg() and ssh_stderr_add() both sanitize it.  ssh names itself
     * in its own errors ("ssh: connect to host ..."): said once. */
    const char *who = t->p->spawn.shell_command ? "command" : "ssh";
    const char *text = line;
    if (!t->p->spawn.shell_command && strncmp(text, "ssh: ", 5) == 0)
        text += 5;
    peerlog_text(t, LOG_LEVEL_INFO, "%s: %s", who, text);
    ssh_stderr_add(&t->st.said, line, len);
}

void stream_stderr_readable(struct tunnel *t)
{
    ssize_t n = read(t->st.child.stderr_fd, t->st.err_buf + t->st.err_len,
                     sizeof(t->st.err_buf) - 1 - t->st.err_len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        if (t->st.err_len) {
            t->st.err_buf[t->st.err_len] = 0;
            stderr_line(t, t->st.err_buf);
            t->st.err_len = 0;
        }
        loop_unwatch(t, t->st.child.stderr_fd);
        t->st.err_eof = true;
        return;
    }
    t->st.err_len += (size_t)n;
    t->st.err_buf[t->st.err_len] = 0;
    char *start = t->st.err_buf, *nl;
    while ((nl = strchr(start, '\n'))) {
        *nl = 0;
        stderr_line(t, start);
        start = nl + 1;
    }
    t->st.err_len = strlen(start);
    memmove(t->st.err_buf, start, t->st.err_len);
    if (t->st.err_len == sizeof(t->st.err_buf) - 1) { /* an endless line: take it as it is */
        stderr_line(t, t->st.err_buf);
        t->st.err_len = 0;
    }
}

static void status_close(struct tunnel *t)
{
    if (t->st.status_fd >= 0) {
        loop_unwatch(t, t->st.status_fd);
        close(t->st.status_fd);
        t->st.status_fd = -1;
    }
}

/* 1 and *status once the privileged part has said the transport ended
 * (a closed pipe without a word: it died with the privileged part). */
static int remote_reap(struct tunnel *t, int *status)
{
    ssize_t n = read(t->st.status_fd, status, sizeof(*status));
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return 0;
    if (n != (ssize_t)sizeof(*status))
        *status = SIGKILL; /* as a wait status: killed by SIGKILL */
    status_close(t);
    return 1;
}

void stream_child_changed(struct tunnel *t)
{
    if (t->st.child.pid == 0 || t->st.child_exited)
        return;
    int status;
    if (t->st.status_fd >= 0 ? remote_reap(t, &status) == 1
                             : !t->p->transport_remote && spawn_reap(t->st.child.pid, &status) == 1) {
        char text[64];
        t->st.child_exited = true;
        t->st.child_status = status;
        log_info("%s %s", t->p->spawn.shell_command ? "Command" : "ssh",
                 spawn_describe_status(status, text, sizeof(text)));
    }
}

/* Waits up to timeout_ms for SIGCHLD (the signalfd is still open). */
static void wait_child(struct tunnel *t, int timeout_ms)
{
    ppp_time deadline = os_clock_ns() + (ppp_time)timeout_ms * PPP_MS; /* a bounded wait */
    while (!t->st.child_exited && t->signal_fd >= 0) {
        ppp_time now = os_clock_ns();
        if (now >= deadline)
            return;
        /* The privileged part's child: its end comes on status_fd. */
        int fd = t->st.status_fd >= 0 ? t->st.status_fd : t->signal_fd;
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, (int)((deadline - now) / PPP_MS) + 1) > 0 && fd == t->signal_fd) {
            struct signalfd_siginfo si;
            while (read(t->signal_fd, &si, sizeof(si)) == sizeof(si))
                ; /* we are ending anyway: only SIGCHLD matters now */
        }
        stream_child_changed(t);
    }
}

/* KILL: the privileged part ends it and answers with its wait status. */
static void terminate_remote(struct tunnel *t)
{
    struct cfg_request rq = {.kind = CFG_KILL};
    struct cfg_reply reply;
    char why[200];
    int r = t->cfg->request(t->cfg, &rq, why, sizeof(why));
    if (r < 0)
        log_warn("%s", why);
    t->cfg->reply(t->cfg, &reply);
    t->st.child_exited = true;
    t->st.child_status = r < 0 ? SIGKILL : reply.value; /* gone with the privileged part */
    status_close(t);
}

static void terminate_child(struct tunnel *t, int timeout_ms)
{
    int status;
    if (t->p->transport_remote) {
        if (t->st.child.pid && !t->st.child_exited)
            terminate_remote(t);
        return;
    }
    if (t->st.child.pid && !t->st.child_exited &&
        spawn_terminate(t->st.child.pid, timeout_ms, &status) == 0) {
        t->st.child_exited = true;
        t->st.child_status = status;
    }
}

void stream_kill(struct tunnel *t, const char *why)
{
    /* ssh leaves at once on SIGTERM, whatever state its connection is in. */
    terminate_child(t, 1000);
    stream_lost(t, why);
}

void stream_stop(struct tunnel *t, bool graceful)
{
    /* End of stream first: ssh passes the EOF on, the far end's pppssh
     * serve sees it, logs its accounting line and exits, and ssh with it.
     * Only a child that does not follow gets SIGTERM. */
    if (graceful && t->st.child.pid && !t->st.child_exited && !t->st.stream_gone) {
        shutdown(t->st.child.io_fd, SHUT_WR);
        wait_child(t, CHILD_EOF_WAIT_MS);
    }
    terminate_child(t, 2000);
    /* Pick up the last words of the child, if any are left. */
    if (t->st.child.stderr_fd >= 0 && !t->st.err_eof)
        stream_stderr_readable(t);
    spawn_close(&t->st.child);
    status_close(t);
    pace_stream_stop(t);
}
