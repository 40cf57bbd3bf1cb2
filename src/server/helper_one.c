/*
 * helper_one.c - the helper's role for one session (helper.h): what a
 * privileged `pppssh serve` becomes after splitting off its unprivileged
 * session.  The per-session work is helper_session.h's, as in the daemon;
 * only the loop is this small one: the session's socket, its admission
 * child, and the signals meant for the session.
 */
#include "helper.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helper_session.h"
#include "log.h"

/* Once the session's socket has closed, how long the session may take to
 * exit (it has written its accounting line by then) before SIGKILL: a
 * session that broke the protocol and stays is not waited for forever. */
#define HELPER_ONE_EXIT_MS 5000

struct one {
    pid_t child;
    int status;
    bool child_done;
};

/* Admission children and the session itself, whichever ended. */
static void reap(struct one *o)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
        if (pid == o->child) {
            o->status = status;
            o->child_done = true;
        }
}

/* sshd's hang-up, an administrator's TERM: they are meant for the session,
 * which ends itself as it would unsplit; we follow when its socket closes. */
static void signals_readable(struct one *o, int signal_fd)
{
    struct signalfd_siginfo si;
    while (read(signal_fd, &si, sizeof(si)) == sizeof(si))
        if (si.ssi_signo != SIGCHLD && !o->child_done)
            kill(o->child, (int)si.ssi_signo);
    reap(o);
}

/* false once the session is over (hung up or broke the protocol). */
static bool session_step(struct helper_session *s, const struct pollfd *p, const char *config_path)
{
    if (p[1].revents && !helper_session_request(s, config_path))
        return false;
    if (p[2].revents && s->worker_fd >= 0 && !helper_session_admitted(s))
        return false;
    return true;
}

/* Reaped within HELPER_ONE_EXIT_MS (signals still passed on), or killed. */
static void wait_child(struct one *o, int signal_fd)
{
    for (int waited = 0; !o->child_done && signal_fd >= 0 && waited < HELPER_ONE_EXIT_MS;
         waited += 100) {
        struct pollfd p = {.fd = signal_fd, .events = POLLIN};
        if (poll(&p, 1, 100) > 0)
            signals_readable(o, signal_fd);
        else
            reap(o);
    }
    if (o->child_done)
        return;
    log_warn("helper: the session (pid %d) did not exit: SIGKILL", (int)o->child);
    kill(o->child, SIGKILL);
    while (waitpid(o->child, &o->status, 0) < 0 && errno == EINTR) {
        /* its status is ours */
    }
}

static int exit_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 1;
}

int helper_serve_one(int fd, pid_t child, const char *config_path,
                     const struct admission_request *fixed, const sigset_t *forwarded)
{
    struct one o = {.child = child};
    int signal_fd = signalfd(-1, forwarded, SFD_NONBLOCK | SFD_CLOEXEC);
    /* The caller is the privileged serve itself, trusted as root is. */
    struct helper_session *s = helper_session_new_for(fd, child, 0);
    if (s)
        s->fixed = fixed;
    if (signal_fd < 0)
        log_error("helper: signalfd: %s", strerror(errno));
    while (s && signal_fd >= 0) {
        struct pollfd p[3] = {{.fd = signal_fd, .events = POLLIN},
                              {.fd = s->fd, .events = POLLIN},
                              {.fd = s->worker_fd, .events = POLLIN}};
        if (poll(p, 3, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            signals_readable(&o, signal_fd);
        if (!session_step(s, p, config_path)) {
            helper_session_end(s); /* undoes what it configured, deletes the interface */
            s = NULL;
        }
    }
    if (s) {
        kill(child, SIGTERM);
        helper_session_end(s);
    }
    wait_child(&o, signal_fd);
    if (signal_fd >= 0)
        close(signal_fd);
    return exit_status(o.status);
}
