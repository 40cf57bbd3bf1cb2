/*
 * report.c - the detaching parent and the child's report.
 */
#include "report.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "exitcode.h"
#include "sanitize.h"

/* Reads one line (bounded) from fd into buf; returns its length. */
static size_t read_line(int fd, char *buf, size_t size)
{
    size_t len = 0;
    while (len + 1 < size) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
        if (memchr(buf, '\n', len))
            break;
    }
    buf[len] = 0;
    buf[strcspn(buf, "\n")] = 0;
    return len;
}

static pid_t waiting_for;

/* Ctrl-C on a waiting `pppssh up` stops the tunnel being set up (the child
 * is in its own session: the terminal does not signal it), and the parent
 * still waits for its report, so that the rollback is complete on exit. */
static void forward_signal(int sig)
{
    (void)sig;
    if (waiting_for > 0)
        kill(waiting_for, SIGTERM);
}

void report_stop_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGUSR1);
}

static _Noreturn void wait_for_child(int fd, pid_t pid, const sigset_t *old_mask)
{
    struct sigaction sa = {.sa_handler = forward_signal};
    sigemptyset(&sa.sa_mask);
    waiting_for = pid;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigprocmask(SIG_SETMASK, old_mask, NULL);
    char line[1024];
    size_t len = read_line(fd, line, sizeof(line));
    if (len >= 2 && strcmp(line, "UP") == 0)
        exit(RUN_EXIT_OK);
    int status;
    int pos = 0;
    if (sscanf(line, "ERR %d %n", &status, &pos) == 1 && pos > 0) {
        char clean[sizeof(line)];
        /* It may quote the server (a stderr line, a Terminate reason). */
        text_sanitize_str(clean, sizeof(clean), line + pos);
        fprintf(stderr, "pppssh: %s\n", clean);
        exit(status);
    }
    /* The child died without a word: say how. */
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    if (WIFSIGNALED(ws))
        fprintf(stderr, "pppssh: the tunnel process was killed by signal %d\n", WTERMSIG(ws));
    else
        fprintf(stderr, "pppssh: the tunnel process exited with status %d before the link was up\n",
                WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
    exit(WIFEXITED(ws) && WEXITSTATUS(ws) ? WEXITSTATUS(ws) : RUN_EXIT_FATAL);
}

int report_detach(int *fd)
{
    int p[2];
    sigset_t stop, old_mask;
    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    fflush(NULL);
    report_stop_signals(&stop);
    sigprocmask(SIG_BLOCK, &stop, &old_mask);
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
        close(p[0]);
        close(p[1]);
        return -e;
    }
    if (pid > 0) {
        close(p[1]);
        wait_for_child(p[0], pid, &old_mask);
    }
    close(p[0]);
    setsid();
    *fd = p[1];
    return 0;
}

static void say(int fd, const char *line)
{
    size_t len = strlen(line);
    while (len > 0) {
        ssize_t n = write(fd, line, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        line += n;
        len -= (size_t)n;
    }
}

void report_up(int fd)
{
    if (fd < 0)
        return;
    say(fd, "UP\n");
    close(fd);
}

void report_error(int fd, int status, const char *message)
{
    if (fd < 0)
        return;
    char line[1024];
    snprintf(line, sizeof(line), "ERR %d %s\n", status, message);
    say(fd, line);
    close(fd);
}
