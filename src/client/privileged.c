/*
 * privileged.c - privileged.h: the transport and the hooks of a split
 * `up`, run in the privileged part.  The session learns the transport's
 * end from a pipe that carries its wait status (it cannot wait for
 * another's child), and a hook job's from a pipe that closes when the job
 * has run (hooks_remote.h).
 */
#include "privileged.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"

/* How often a running transport is looked at: the serve loop has no
 * SIGCHLD of its own (configurator_socket.c). */
#define TRANSPORT_POLL_MS 100
#define TRANSPORT_KILL_MS 1000 /* ssh leaves at once on SIGTERM (stream.c) */

struct privileged {
    struct configurator ops; /* first: configurator_serve holds a pointer to it */
    struct configurator *inner;
    struct privileged_setup setup;
    pid_t pid;       /* the transport, 0: none */
    int status_w;    /* the write end of its status pipe, -1: none */
    int last_status; /* of the transport that ended last */
    struct hook_runner hooks;
    int done_w[HOOKS_QUEUE + 1]; /* a job's pipe per job queued or running, oldest first */
    size_t n_done;
    bool have_pair;             /* the last IPV4_UP carried out here: */
    struct in_addr local, peer; /* a hook gets these addresses or none */
    bool down_owed;             /* ip-up ran and no ip-down followed: */
    struct hook_env up_env;     /* what ip-down gets if the session dies */
    struct cfg_reply reply;
};

static struct privileged *self(struct configurator *c)
{
    return (struct privileged *)c;
}

static void transport_ended(struct privileged *p, int status)
{
    char text[64];
    log_info("%s %s", p->setup.transport.shell_command ? "Command" : "ssh",
             spawn_describe_status(status, text, sizeof(text)));
    p->last_status = status;
    if (p->status_w >= 0) {
        /* A pipe has room for one int; a session that is gone: EPIPE. */
        ssize_t unused = write(p->status_w, &status, sizeof(status));
        (void)unused;
        close(p->status_w);
    }
    p->status_w = -1;
    p->pid = 0;
}

static void transport_end(struct privileged *p)
{
    int status = 0;
    if (p->pid && spawn_terminate(p->pid, TRANSPORT_KILL_MS, &status) == 0)
        transport_ended(p, status);
}

static int connect_now(struct privileged *p, char *why, size_t size)
{
    int st[2];
    struct spawn_child child;
    transport_end(p); /* one transport at a time */
    if (pipe2(st, O_CLOEXEC) < 0) {
        snprintf(why, size, "pipe: %s", strerror(errno));
        return -errno;
    }
    int r = spawn_start(&p->setup.transport, &child, why, size);
    if (r < 0) {
        close(st[0]);
        close(st[1]);
        return r;
    }
    const struct spawn_account *a = p->setup.transport.account;
    log_info("started %s as %s (pid %d)", p->setup.transport.shell_command ? "Command" : "ssh",
             a ? a->name : "root", (int)child.pid);
    p->pid = child.pid;
    p->status_w = st[1];
    p->reply = (struct cfg_reply){.value = child.pid,
                                  .fds = {child.io_fd, child.stderr_fd, st[0]},
                                  .n_fds = 3};
    return 0;
}

/* Jobs run in the order queued: as many pipes close as jobs have ended. */
static void hooks_settle(struct privileged *p)
{
    size_t pending = p->hooks.n_queued + (p->hooks.busy ? 1 : 0);
    while (p->n_done > pending) {
        close(p->done_w[0]);
        memmove(p->done_w, p->done_w + 1, --p->n_done * sizeof(p->done_w[0]));
    }
}

static int hook_now(struct privileged *p, const struct cfg_request *rq, char *why, size_t size)
{
    int done[2];
    /* What root's hooks are told is what the interface has, nothing a
     * session made up. */
    if (!p->have_pair || rq->local.s_addr != p->local.s_addr ||
        rq->peer.s_addr != p->peer.s_addr) {
        snprintf(why, size, "hook with addresses the interface was not given");
        return -EPERM;
    }
    if (p->n_done == sizeof(p->done_w) / sizeof(p->done_w[0])) {
        snprintf(why, size, "hooks: %d jobs already wait", HOOKS_QUEUE);
        return -ENOSPC;
    }
    if (pipe2(done, O_CLOEXEC) < 0) {
        snprintf(why, size, "pipe: %s", strerror(errno));
        return -errno;
    }
    struct hook_env env = {
        .ifname = p->setup.ifname,
        .local = rq->local,
        .remote = rq->peer,
        .ipparam = p->setup.ipparam,
        .has_dns1 = rq->n_dns > 0 && rq->dns[0].family == AF_INET, /* DNS1 */
        .has_dns2 = rq->n_dns > 1 && rq->dns[1].family == AF_INET, /* DNS2 */
        .dns1 = rq->dns[0].v4,
        .dns2 = rq->dns[1].v4,
    };
    enum hook_kind kind = rq->hook == CFG_HOOK_UP ? HOOK_IP_UP : HOOK_IP_DOWN;
    int r = hooks_queue(&p->hooks, kind, &env, os_clock_ms());
    if (r < 0) {
        close(done[0]);
        close(done[1]);
        snprintf(why, size, "hooks: %s", strerror(-r));
        return r;
    }
    p->done_w[p->n_done++] = done[1];
    p->down_owed = kind == HOOK_IP_UP;
    p->up_env = env;
    p->reply = (struct cfg_reply){.fds = {done[0]}, .n_fds = 1};
    hooks_settle(p); /* no script to run: the job is done already */
    return 0;
}

static int priv_request(struct configurator *c, const struct cfg_request *rq, char *why,
                        size_t size)
{
    struct privileged *p = self(c);
    memset(&p->reply, 0, sizeof(p->reply));
    switch (rq->kind) {
    case CFG_CONNECT:
        return connect_now(p, why, size);
    case CFG_KILL:
        transport_end(p);
        p->reply.value = p->last_status;
        return 0;
    case CFG_HOOK:
        if (!p->setup.run_hooks)
            break;
        return hook_now(p, rq, why, size);
    default: {
        int r = p->inner->request(p->inner, rq, why, size);
        if (r == 0 && rq->kind == CFG_IPV4_UP) {
            p->have_pair = true;
            p->local = rq->local;
            p->peer = rq->peer;
        }
        return r;
    }
    }
    snprintf(why, size, "%s is not carried out here", cfg_request_name(rq->kind));
    return -EPERM;
}

static void priv_reply(struct configurator *c, struct cfg_reply *out)
{
    *out = self(c)->reply;
    memset(&self(c)->reply, 0, sizeof(self(c)->reply));
}

static void priv_poll(struct configurator *c, long long now_ms)
{
    struct privileged *p = self(c);
    int status;
    p->inner->poll(p->inner, now_ms);
    if (p->pid && spawn_reap(p->pid, &status) == 1)
        transport_ended(p, status);
    hooks_poll(&p->hooks, now_ms);
    hooks_settle(p);
}

static long long earliest(long long a, long long b)
{
    return a < 0 ? b : b < 0 ? a : a < b ? a : b;
}

static long long priv_expiry(const struct configurator *c)
{
    const struct privileged *p = (const struct privileged *)c;
    long long due = earliest(p->inner->expiry(p->inner), hooks_expiry(&p->hooks));
    return earliest(due, p->pid ? os_clock_ms() + TRANSPORT_POLL_MS : -1);
}

static bool priv_ipv6_off(const struct configurator *c, char *why, size_t size)
{
    const struct privileged *p = (const struct privileged *)c;
    return p->inner->ipv6_off(p->inner, why, size);
}

static bool priv_dns_busy(const struct configurator *c)
{
    const struct privileged *p = (const struct privileged *)c;
    return p->inner->dns_busy && p->inner->dns_busy(p->inner);
}

/* ip-down runs with the addresses still in place: hooks before the undo.
 * A session killed after ip-up (SIGKILL, a crash) never asks for ip-down,
 * and its interface went with its TUN: pppd runs ip-down whenever the
 * link goes down, after the addresses are cleared, so it runs here. */
static void priv_free(struct configurator *c)
{
    struct privileged *p = self(c);
    transport_end(p);
    if (p->down_owed) {
        log_info("the session ended without ip-down: running it");
        if (hooks_queue(&p->hooks, HOOK_IP_DOWN, &p->up_env, os_clock_ms()) < 0)
            log_warn("hooks: cannot queue ip-down");
    }
    hooks_drain(&p->hooks);
    hooks_settle(p);
    for (size_t i = 0; i < p->n_done; i++)
        close(p->done_w[i]);
    hooks_free(&p->hooks);
    p->inner->free(p->inner);
    free(p);
}

struct configurator *configurator_privileged_new(struct configurator *inner,
                                                 const struct privileged_setup *setup)
{
    struct privileged *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->ops = (struct configurator){.request = priv_request,
                                   .poll = priv_poll,
                                   .expiry = priv_expiry,
                                   .ipv6_off = priv_ipv6_off,
                                   .dns_busy = priv_dns_busy,
                                   .free = priv_free,
                                   .reply = priv_reply};
    p->inner = inner;
    p->setup = *setup;
    p->status_w = -1;
    hooks_init(&p->hooks, &setup->hooks);
    return &p->ops;
}
