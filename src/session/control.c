/*
 * control.c - the control socket: paths, listening, and the client side.
 */
#include "control.h"

#include "clock.h"
#include "strictmodes.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

static const char *chosen_dir; /* control_use_run_dir(); NULL = environment */
static bool strict_dir;

void control_use_run_dir(const char *dir, bool strict)
{
    chosen_dir = dir && *dir ? dir : CONTROL_RUN_DIR;
    strict_dir = strict;
}

const char *control_run_dir(void)
{
    if (chosen_dir)
        return chosen_dir;
    const char *dir = getenv("PPPSSH_RUN_DIR");
    return dir && *dir ? dir : CONTROL_RUN_DIR;
}

int control_make_run_dir(char *err, size_t errlen)
{
    const char *dir = control_run_dir();
    /* 0711: every account must reach helper.sock in it (0666) and its
     * userspace/ directory; nothing else there is theirs to open (control
     * sockets and pid files 0600, leases/ 0700) or to list. */
    if (mkdir(dir, 0711) < 0 && errno != EEXIST) {
        int e = errno;
        snprintf(err, errlen, "cannot create %s: %s", dir, strerror(e));
        return -e;
    }
    /* Leases there decide which session holds which address: whoever
     * else could write there could hand one out. */
    return strict_dir ? strictmodes_check(dir, geteuid(), err, errlen) : 0;
}

int control_socket_path(const char *name, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s/%s.sock", control_run_dir(), name);
    return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int make_addr(const char *name, struct sockaddr_un *sa)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    return control_socket_path(name, sa->sun_path, sizeof(sa->sun_path));
}

static int connect_to(const char *name)
{
    struct sockaddr_un sa;
    int r = make_addr(name, &sa);
    if (r < 0)
        return r;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        r = -errno;
        close(fd);
        return r;
    }
    return fd;
}

int control_listen(const char *name, char *err, size_t errlen)
{
    struct sockaddr_un sa;
    int r = control_make_run_dir(err, errlen);
    if (r < 0)
        return r;
    if (make_addr(name, &sa) < 0) {
        snprintf(err, errlen, "tunnel name '%s' is too long for a socket path", name);
        return -ENAMETOOLONG;
    }
    int probe = connect_to(name);
    if (probe >= 0) {
        close(probe);
        snprintf(err, errlen, "tunnel %s is already running", name);
        return -EADDRINUSE;
    }
    unlink(sa.sun_path); /* stale: nobody answers there */
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        r = -errno;
        snprintf(err, errlen, "cannot create control socket: %s", strerror(-r));
        return r;
    }
    mode_t old = umask(0077); /* the socket is born 0600 */
    r = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? -errno : 0;
    umask(old);
    if (r == 0 && listen(fd, CONTROL_MAX_CLIENTS) < 0)
        r = -errno;
    if (r < 0) {
        snprintf(err, errlen, "cannot listen on %s: %s", sa.sun_path, strerror(-r));
        close(fd);
        return r;
    }
    return fd;
}

void control_unlink(const char *name)
{
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    if (control_socket_path(name, path, sizeof(path)) == 0)
        unlink(path);
}

static int copy_answer(int fd, int out_fd, int timeout_ms, char *err, size_t errlen)
{
    long long deadline = os_clock_ms() + timeout_ms;
    char buf[4096];
    for (;;) {
        long long left = deadline - os_clock_ms();
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0) {
            snprintf(err, errlen, "the tunnel did not answer within %d s", timeout_ms / 1000);
            return -ETIMEDOUT;
        }
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            snprintf(err, errlen, "reading the tunnel's answer: %s", strerror(e));
            return -e;
        }
        if (n == 0)
            return 0;
        if (write(out_fd, buf, (size_t)n) < 0)
            return -errno;
    }
}

int control_request(const char *name, const char *request, int out_fd, int timeout_ms, char *err,
                    size_t errlen)
{
    int fd = connect_to(name);
    if (fd == -ENOENT || fd == -ECONNREFUSED) {
        snprintf(err, errlen, "no tunnel %s is running", name);
        return fd;
    }
    if (fd < 0) {
        snprintf(err, errlen, "cannot reach tunnel %s: %s", name, strerror(-fd));
        return fd;
    }
    char line[64];
    int len = snprintf(line, sizeof(line), "%s\n", request);
    int r = 0;
    if (write(fd, line, (size_t)len) != len) {
        r = -errno;
        snprintf(err, errlen, "cannot talk to tunnel %s: %s", name, strerror(-r));
    } else {
        r = copy_answer(fd, out_fd, timeout_ms, err, errlen);
    }
    close(fd);
    return r;
}

enum ctl_request control_parse_request(const char *buf, size_t len, size_t cap)
{
    static const struct {
        const char *word;
        enum ctl_request request;
    } known[] = {
        {"status", CTL_REQ_STATUS},
        {"fields", CTL_REQ_FIELDS},
        {"check", CTL_REQ_CHECK},
        {"reset", CTL_REQ_RESET},
        {"down", CTL_REQ_DOWN},
    };
    const char *nl = memchr(buf, '\n', len);
    if (!nl && len < cap)
        return CTL_REQ_INCOMPLETE;
    size_t n = nl ? (size_t)(nl - buf) : len;
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
        if (strlen(known[i].word) == n && memcmp(known[i].word, buf, n) == 0)
            return known[i].request;
    return CTL_REQ_UNKNOWN;
}
