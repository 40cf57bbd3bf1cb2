/*
 * attach.c - serve's side of the seam: find the account's stack socket,
 * start the stack when nobody listens there, connect (stack.h).
 */
#include "stack.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define START_TIMEOUT_MS 5000
#define ANSWER_TIMEOUT_MS 3000 /* the stack answers at once; an older one never */

/* DIR exists (or is made), is ours, a directory and closed to others:
 * another account must not reach our stack, which is our sockets. */
static int private_dir(const char *dir, char *err, size_t errsize)
{
    if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
        snprintf(err, errsize, "cannot make %s: %s", dir, strerror(errno));
        return -1;
    }
    struct stat st;
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode) || st.st_uid != getuid() ||
        (st.st_mode & 077)) {
        snprintf(err, errsize, "%s must be a directory of this account's, mode 0700", dir);
        return -1;
    }
    return 0;
}

int stack_socket_path(uint32_t net4, char *path, size_t size, char *err, size_t errsize)
{
    char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
    const char *runtime = getenv("XDG_RUNTIME_DIR");
    struct stat st;
    int n;
    if (runtime && runtime[0] == '/' && stat(runtime, &st) == 0 && st.st_uid == getuid()) {
        n = snprintf(dir, sizeof(dir), "%s/pppssh", runtime);
    } else {
        struct passwd *pw = getpwuid(getuid());
        if (!pw) {
            snprintf(err, errsize, "no home directory for uid %u", (unsigned)getuid());
            return -1;
        }
        char cache[sizeof(dir)];
        if (snprintf(cache, sizeof(cache), "%s/.cache", pw->pw_dir) >= (int)sizeof(cache) ||
            (mkdir(cache, 0700) < 0 && errno != EEXIST)) {
            snprintf(err, errsize, "cannot make %s/.cache", pw->pw_dir);
            return -1;
        }
        n = snprintf(dir, sizeof(dir), "%s/pppssh", cache);
    }
    if (n < 0 || (size_t)n >= sizeof(dir) - 32) {
        snprintf(err, errsize, "the stack socket's directory name is too long");
        return -1;
    }
    if (private_dir(dir, err, errsize) < 0)
        return -1;
    uint32_t usual;
    char net[INET_ADDRSTRLEN];
    stack_net4_parse(STACK_NET4_DEFAULT, &usual);
    if (net4 == usual) /* the name a stack before StackNetwork listened on */
        snprintf(path, size, "%s/stack.sock", dir);
    else
        snprintf(path, size, "%s/stack-%s.sock", dir, stack_net4_format(net4, net, sizeof(net)));
    return 0;
}

static int connect_to(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

/* Runs the stack detached from us (its own session, reparented), with its
 * stderr on a pipe until it is ready: what it, or the dynamic loader
 * when libslirp is missing, says there reaches our error. */
static int start_stack(const char *program, const char *path, unsigned grace_s, uint32_t net4,
                       char *err, size_t errsize)
{
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        snprintf(err, errsize, "pipe: %s", strerror(errno));
        return -1;
    }
    char grace[16];
    snprintf(grace, sizeof(grace), "%u", grace_s);
    char network[INET_ADDRSTRLEN + 3];
    stack_net4_format(net4, network, sizeof(network));
    strcat(network, "/24");
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        if (fork() != 0)
            _exit(0); /* the stack is nobody's child: no zombie in serve */
        int null = open("/dev/null", O_RDWR);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
        }
        dup2(p[1], STDERR_FILENO);
        execl(program, STACK_PROGRAM, "--socket", path, "--grace", grace, "--network", network,
              (char *)NULL);
        dprintf(STDERR_FILENO, "cannot run %s: %s", program, strerror(errno));
        _exit(127);
    }
    close(p[1]);
    if (pid < 0) {
        close(p[0]);
        snprintf(err, errsize, "fork: %s", strerror(errno));
        return -1;
    }
    waitpid(pid, NULL, 0);
    char said[512];
    size_t got = 0;
    struct pollfd pfd = {.fd = p[0], .events = POLLIN};
    while (got < sizeof(said) - 1 && poll(&pfd, 1, START_TIMEOUT_MS) > 0) {
        ssize_t n = read(p[0], said + got, sizeof(said) - 1 - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    close(p[0]);
    said[got] = '\0';
    while (got && (said[got - 1] == '\n'))
        said[--got] = '\0';
    if (strcmp(said, "ready")) {
        snprintf(err, errsize, "the userspace network stack did not start: %s",
                 got ? said : "no answer");
        return -1;
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The session's port forwards, agreed before any packet (portfwd.h).
 * IP packets for the client that come first are dropped (TCP resends).
 * A stack of an older pppssh does not answer: without forwards to ask
 * for, that is no matter. */
static int agree_forwards(int fd, const struct stack_request *rq, char *err, size_t errsize)
{
    char msg[PORTFWD_MSG_MAX];
    size_t len = portfwd_request(rq->forwards, rq->n_forwards, msg, sizeof(msg));
    if (send(fd, msg, len, MSG_NOSIGNAL) < 0) {
        snprintf(err, errsize, "the userspace network stack: %s", strerror(errno));
        return -1;
    }
    int64_t deadline = now_ms() + ANSWER_TIMEOUT_MS;
    for (int64_t left; (left = deadline - now_ms()) > 0;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, (int)left) <= 0)
            continue;
        uint8_t answer[256];
        ssize_t n = recv(fd, answer, sizeof(answer), MSG_TRUNC | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
            snprintf(err, errsize, "the userspace network stack closed its socket");
            return -1;
        }
        int r = n > 0 ? portfwd_answer_parse(answer, (size_t)n < sizeof(answer) ? (size_t)n : 0,
                                             msg, sizeof(msg))
                      : 0;
        if (r == 1)
            return 0;
        if (r < 0) {
            snprintf(err, errsize, "%s", msg);
            return -1;
        }
    }
    if (!rq->n_forwards)
        return 0;
    snprintf(err, errsize,
             "the running %s is too old for PortForward; it exits %u s after its last session",
             STACK_PROGRAM, rq->grace_s);
    return -1;
}

static int attached(int fd, const struct stack_request *rq, char *err, size_t errsize)
{
    if (agree_forwards(fd, rq, err, errsize) == 0)
        return fd;
    close(fd);
    return -1;
}

int stack_attach(const char *program, const struct stack_request *rq, char *err, size_t errsize)
{
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    unsigned grace_s = rq->grace_s;
    uint32_t net4 = rq->net4;
    if (stack_socket_path(net4, path, sizeof(path), err, errsize) < 0)
        return -1;
    /* Twice: a stack started at the same moment by another session of
     * ours wins the bind, and we connect to it instead. */
    for (int attempt = 0; attempt < 2; attempt++) {
        int fd = connect_to(path);
        if (fd >= 0)
            return attached(fd, rq, err, errsize);
        if (fd != -ENOENT && fd != -ECONNREFUSED) {
            snprintf(err, errsize, "%s: %s", path, strerror(-fd));
            return -1;
        }
        if (fd == -ECONNREFUSED)
            unlink(path); /* a stack that died without cleaning up */
        if (start_stack(program, path, grace_s, net4, err, errsize) < 0 && attempt == 1)
            return -1;
    }
    int fd = connect_to(path);
    if (fd < 0) {
        snprintf(err, errsize, "%s: %s", path, strerror(-fd));
        return -1;
    }
    return attached(fd, rq, err, errsize);
}
