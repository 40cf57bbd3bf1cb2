/* hooks_remote.c - hooks_remote.h: jobs another process runs */
#include "hooks_remote.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

static const char *kind_name(enum hook_kind kind)
{
    return kind == HOOK_IP_UP ? "ip-up" : "ip-down";
}

int hooks_remote_queue(struct hook_runner *r, enum hook_kind kind, const struct hook_env *env,
                       long long now_ms)
{
    r->polled_ms = now_ms;
    if (r->n_remote == sizeof(r->remote_fds) / sizeof(r->remote_fds[0])) {
        log_warn("%s hooks not run: %d jobs already wait", kind_name(kind), HOOKS_QUEUE);
        return -ENOSPC;
    }
    int fd = r->cfg.remote(r->cfg.remote_ctx, kind, env);
    if (fd < 0) {
        log_warn("%s hooks not run: %s", kind_name(kind), strerror(-fd));
        return fd;
    }
    r->remote_fds[r->n_remote++] = fd;
    return 0;
}

/* The oldest job has run: its descriptor reads end-of-file (or failed). */
static bool oldest_ended(struct hook_runner *r, int wait_ms)
{
    struct pollfd pfd = {.fd = r->remote_fds[0], .events = POLLIN};
    int n;
    do
        n = poll(&pfd, 1, wait_ms);
    while (n < 0 && errno == EINTR);
    if (n == 0)
        return false;
    char byte;
    return n < 0 || read(r->remote_fds[0], &byte, 1) <= 0;
}

void hooks_remote_poll(struct hook_runner *r, int wait_ms)
{
    long long deadline = os_clock_ms() + wait_ms;
    while (r->n_remote) {
        long long left = deadline - os_clock_ms();
        if (!oldest_ended(r, left > 0 ? (int)left : 0))
            return;
        close(r->remote_fds[0]);
        memmove(r->remote_fds, r->remote_fds + 1, --r->n_remote * sizeof(r->remote_fds[0]));
    }
}

void hooks_remote_forget(struct hook_runner *r)
{
    for (size_t i = 0; i < r->n_remote; i++)
        close(r->remote_fds[i]);
    r->n_remote = 0;
}
