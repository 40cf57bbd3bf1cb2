/*
 * backend_slirp.c - the backend on libslirp 4.7 (docs/userspace-stack.md):
 * its timers in a short list, its descriptors in the keeper's poll(), the
 * Ethernet shim (ethshim.h) at its edge, and beside it the ICMPv6 echo
 * libslirp does not forward (ping6.h).
 */
#include "backend.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libslirp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "ethshim.h"
#include "ping6.h"
#include "stack.h"

#define MAX_TIMERS 16
#define MAX_REPLIES 32
#define REPLY_ROOM 96

struct timer {
    SlirpTimerCb cb;
    void *cb_opaque;
    int64_t expire_ms; /* -1: not armed */
    int used;
};

struct backend {
    Slirp *slirp;
    struct ping6 *ping6;
    backend_deliver_fn deliver;
    void *opaque;
    struct timer timers[MAX_TIMERS];
    /* Answers to libslirp's ARP and NDP, fed back after its call returns:
     * slirp_input from inside its own send_packet is not safe. */
    uint8_t replies[MAX_REPLIES][REPLY_ROOM];
    size_t reply_len[MAX_REPLIES], n_replies;
    struct in_addr client4; /* where inbound forwards go */
    struct portfwd forwards[PORTFWD_MAX];
    size_t n_forwards;
    struct pollfd *fds; /* during backend_fill / backend_poll */
    size_t base, n, max;
    uint8_t frame[ETH_HEADER_LEN + 65536];
};

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t clock_get_ns(void *opaque)
{
    (void)opaque;
    return now_ns();
}

static ssize_t send_packet(const void *buf, size_t len, void *opaque)
{
    struct backend *b = opaque;
    uint8_t reply[REPLY_ROOM];
    const uint8_t *out;
    size_t out_len;
    switch (ethshim_from_stack(buf, len, reply, sizeof(reply), &out, &out_len)) {
    case ETHSHIM_PACKET:
        b->deliver(out, out_len, b->opaque);
        break;
    case ETHSHIM_REPLY:
        if (b->n_replies < MAX_REPLIES) {
            memcpy(b->replies[b->n_replies], out, out_len);
            b->reply_len[b->n_replies++] = out_len;
        }
        break;
    case ETHSHIM_DROP:
        break;
    }
    return (ssize_t)len;
}

static void feed_replies(struct backend *b)
{
    for (size_t i = 0; i < b->n_replies; i++)
        slirp_input(b->slirp, b->replies[i], (int)b->reply_len[i]);
    b->n_replies = 0;
}

static void guest_error(const char *msg, void *opaque)
{
    (void)opaque;
    syslog(LOG_WARNING, "libslirp: %s", msg);
}

static void *timer_new(SlirpTimerCb cb, void *cb_opaque, void *opaque)
{
    struct backend *b = opaque;
    for (int i = 0; i < MAX_TIMERS; i++) {
        struct timer *t = &b->timers[i];
        if (!t->used) {
            *t = (struct timer){.cb = cb, .cb_opaque = cb_opaque, .expire_ms = -1, .used = 1};
            return t;
        }
    }
    syslog(LOG_ERR, "libslirp wants more than %d timers", MAX_TIMERS);
    return NULL;
}

static void timer_free(void *timer, void *opaque)
{
    (void)opaque;
    if (timer)
        ((struct timer *)timer)->used = 0;
}

static void timer_mod(void *timer, int64_t expire_ms, void *opaque)
{
    (void)opaque;
    if (timer)
        ((struct timer *)timer)->expire_ms = expire_ms;
}

static void poll_fd_noop(int fd, void *opaque)
{
    (void)fd;
    (void)opaque;
}

static void notify(void *opaque)
{
    (void)opaque; /* the loop wakes on its own each turn */
}

static const SlirpCb callbacks = {
    .send_packet = send_packet,
    .guest_error = guest_error,
    .clock_get_ns = clock_get_ns,
    .timer_new = timer_new,
    .timer_free = timer_free,
    .timer_mod = timer_mod,
    .register_poll_fd = poll_fd_noop,
    .unregister_poll_fd = poll_fd_noop,
    .notify = notify,
};

static struct in_addr net4_host(uint32_t net4, uint32_t host)
{
    return (struct in_addr){.s_addr = htonl(net4 + host)};
}

struct backend *backend_new(backend_deliver_fn deliver, void *opaque, uint32_t net4, char *err,
                            size_t errsize)
{
    struct backend *b = calloc(1, sizeof(*b));
    if (!b) {
        snprintf(err, errsize, "out of memory");
        return NULL;
    }
    b->deliver = deliver;
    b->opaque = opaque;
    SlirpConfig cfg = {
        .version = 1,
        .in_enabled = true,
        .in6_enabled = true,
        .vprefix_len = STACK_PREFIX6_LEN,
        .if_mtu = STACK_MTU,
        .if_mru = STACK_MTU,
        /* The server's loopback services are not the tunnel's to reach:
         * the network's .2 is the stack, not the host. */
        .disable_host_loopback = true,
    };
    cfg.vnetwork = net4_host(net4, 0);
    cfg.vnetmask.s_addr = htonl(~0u << (32 - STACK_PREFIX4));
    cfg.vhost = net4_host(net4, STACK_HOST4_HOST);
    cfg.vdhcp_start = b->client4 = net4_host(net4, STACK_CLIENT4_HOST);
    cfg.vnameserver = net4_host(net4, STACK_DNS4_HOST);
    inet_pton(AF_INET6, STACK_PREFIX6, &cfg.vprefix_addr6);
    inet_pton(AF_INET6, STACK_HOST6, &cfg.vhost6);
    inet_pton(AF_INET6, STACK_DNS6, &cfg.vnameserver6);
    b->slirp = slirp_new(&cfg, &callbacks, b);
    if (!b->slirp) {
        snprintf(err, errsize, "libslirp %s refused its configuration", slirp_version_string());
        free(b);
        return NULL;
    }
    b->ping6 = ping6_new(deliver, opaque, cfg.vhost6.s6_addr);
    if (!b->ping6) {
        snprintf(err, errsize, "out of memory");
        backend_free(b);
        return NULL;
    }
    return b;
}

void backend_free(struct backend *b)
{
    if (!b)
        return;
    slirp_cleanup(b->slirp);
    ping6_free(b->ping6);
    free(b);
}

static bool listed(const struct portfwd *f, const struct portfwd *all, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (portfwd_equal(f, &all[i]))
            return true;
    return false;
}

static void unforward(struct backend *b, const struct portfwd *f)
{
    struct in_addr any = {.s_addr = htonl(INADDR_ANY)};
    slirp_remove_hostfwd(b->slirp, f->udp, any, f->host_port);
}

static void why_not(const struct portfwd *f, int e, char *err, size_t errsize)
{
    char text[PORTFWD_TEXT_MAX];
    snprintf(err, errsize,
             "PortForward %s: this account cannot listen on %s port %u of the server: %s%s",
             portfwd_format(f, text, sizeof(text)), f->udp ? "UDP" : "TCP", f->host_port,
             strerror(e),
             e == EACCES ? " (ports below net.ipv4.ip_unprivileged_port_start, 1024 by default, "
                           "need privilege)"
                         : "");
}

int backend_forward(struct backend *b, const struct portfwd *f, size_t n, char *err, size_t errsize)
{
    size_t kept = 0;
    for (size_t i = 0; i < b->n_forwards; i++) {
        if (listed(&b->forwards[i], f, n))
            b->forwards[kept++] = b->forwards[i];
        else
            unforward(b, &b->forwards[i]);
    }
    b->n_forwards = kept;
    struct in_addr any = {.s_addr = htonl(INADDR_ANY)};
    for (size_t i = 0; i < n; i++) {
        if (listed(&f[i], b->forwards, b->n_forwards))
            continue;
        errno = 0;
        if (b->n_forwards == PORTFWD_MAX ||
            slirp_add_hostfwd(b->slirp, f[i].udp, any, f[i].host_port, b->client4,
                              f[i].client_port) < 0) {
            why_not(&f[i], errno ? errno : ENOSPC, err, errsize);
            while (b->n_forwards > kept) /* none of this call's: the session fails */
                unforward(b, &b->forwards[--b->n_forwards]);
            return -1;
        }
        b->forwards[b->n_forwards++] = f[i];
    }
    return 0;
}

uint8_t *backend_input_buffer(struct backend *b, size_t *room)
{
    *room = sizeof(b->frame) - ETH_HEADER_LEN;
    return b->frame + ETH_HEADER_LEN;
}

void backend_input(struct backend *b, size_t len)
{
    if (ping6_input(b->ping6, b->frame + ETH_HEADER_LEN, len))
        return;
    size_t n = ethshim_wrap(b->frame, len);
    if (n)
        slirp_input(b->slirp, b->frame, (int)n);
    feed_replies(b);
}

static int add_poll(int fd, int events, void *opaque)
{
    struct backend *b = opaque;
    if (b->n >= b->max)
        return -1; /* not watched this turn; its timer will come again */
    short ev = 0;
    if (events & SLIRP_POLL_IN)
        ev |= POLLIN;
    if (events & SLIRP_POLL_OUT)
        ev |= POLLOUT;
    if (events & SLIRP_POLL_PRI)
        ev |= POLLPRI;
    b->fds[b->n] = (struct pollfd){.fd = fd, .events = ev};
    return (int)(b->n++ - b->base);
}

static int get_revents(int idx, void *opaque)
{
    struct backend *b = opaque;
    if (idx < 0 || b->base + (size_t)idx >= b->n)
        return 0;
    short r = b->fds[b->base + (size_t)idx].revents;
    int ev = 0;
    if (r & POLLIN)
        ev |= SLIRP_POLL_IN;
    if (r & POLLOUT)
        ev |= SLIRP_POLL_OUT;
    if (r & POLLPRI)
        ev |= SLIRP_POLL_PRI;
    if (r & POLLERR)
        ev |= SLIRP_POLL_ERR;
    if (r & POLLHUP)
        ev |= SLIRP_POLL_HUP;
    return ev;
}

void backend_fill(struct backend *b, struct pollfd *fds, size_t *n, size_t max, int *timeout_ms)
{
    b->fds = fds;
    b->base = b->n = *n;
    b->max = max;
    uint32_t timeout = *timeout_ms < 0 ? UINT32_MAX : (uint32_t)*timeout_ms;
    slirp_pollfds_fill(b->slirp, &timeout, add_poll, b);
    ping6_fill(b->ping6, fds, &b->n, max);
    int64_t now_ms = now_ns() / 1000000;
    for (int i = 0; i < MAX_TIMERS; i++) {
        const struct timer *t = &b->timers[i];
        if (t->used && t->expire_ms >= 0) {
            int64_t wait = t->expire_ms > now_ms ? t->expire_ms - now_ms : 0;
            if (wait < timeout)
                timeout = (uint32_t)wait;
        }
    }
    *n = b->n;
    *timeout_ms = timeout == UINT32_MAX ? -1 : (int)timeout;
}

void backend_poll(struct backend *b, struct pollfd *fds, size_t n, int error)
{
    b->fds = fds;
    b->n = n;
    slirp_pollfds_poll(b->slirp, error, get_revents, b);
    if (!error)
        ping6_poll(b->ping6, fds, n);
    int64_t now_ms = now_ns() / 1000000;
    for (int i = 0; i < MAX_TIMERS; i++) {
        struct timer *t = &b->timers[i];
        if (t->used && t->expire_ms >= 0 && t->expire_ms <= now_ms) {
            t->expire_ms = -1;
            t->cb(t->cb_opaque);
        }
    }
    feed_replies(b);
}
