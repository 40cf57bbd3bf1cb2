/*
 * configurator_socket.c - configurator_socket.h: a request crosses the
 * socket as the bytes of struct cfg_request (plain data, fixed size); the
 * answer is struct cfg_answer.  The privileged end trusts nothing in a
 * request: a wrong size or a kind outside the list is refused, and what
 * it names must be in the tunnel's configuration (cfg_policy_allows).
 */
#include "configurator_socket.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "seqpacket.h"

_Static_assert(CFG_REPLY_FDS == SEQPACKET_MAX_FDS, "a reply's descriptors fit in one message");

struct cfg_answer {
    int result;    /* 0 or -errno */
    int value;     /* the reply's (configurator.h, struct cfg_reply) */
    bool ipv6_off; /* the interface's IPv6 state after the request */
    char why[200];
    char ipv6_why[200];
};

/* A resolver job's child is reaped by polling (netcfg_poll) at least this
 * often while it runs: the served loop has no signalfd of its own. */
#define SERVE_POLL_STEP_MS 100
/* The pipe of CFG_DNS's reply is looked at this often while it is open
 * (the session's loop has no descriptor of it to watch). */
#define DNS_DONE_POLL_MS 50

/* How long the session's end waits for the privileged end to close after
 * the last request (it only removes two names first): a bound, not a
 * pace. */
#define SERVE_CLOSE_MS 5000

static bool same_prefix(const struct os_prefix *a, const struct os_prefix *b)
{
    if (a->len != b->len || a->ip.family != b->ip.family)
        return false;
    return a->ip.family == AF_INET ? a->ip.v4.s_addr == b->ip.v4.s_addr
                                   : memcmp(&a->ip.v6, &b->ip.v6, sizeof(a->ip.v6)) == 0;
}

static bool link_local64(const struct os_prefix *p)
{
    return p->ip.family == AF_INET6 && p->len == 64 && p->ip.v6.s6_addr[0] == 0xfe &&
           (p->ip.v6.s6_addr[1] & 0xc0) == 0x80;
}

static bool unicast4(struct in_addr a)
{
    uint32_t h = ntohl(a.s_addr);
    return h != 0 && (h >> 24) != 127 && (h >> 28) < 14; /* not 0, loopback, multicast, class E */
}

static bool route_allowed(const struct cfg_policy *policy, const struct cfg_request *rq)
{
    for (size_t i = 0; i < policy->n_routes; i++)
        if (same_prefix(&policy->routes[i], &rq->prefix))
            return rq->keep_outside.family == 0 || rq->prefix.len == 0;
    return false;
}

bool cfg_policy_allows(const struct cfg_policy *policy, const struct cfg_request *rq, char *why,
                       size_t size)
{
    bool ok = false;
    switch (rq->kind) {
    case CFG_LINK_UP:
    case CFG_GSO_MAX:
        ok = rq->mtu >= 68 && rq->mtu <= 65535; /* RFC 791's minimum, IP's maximum */
        break;
    case CFG_IPV4_UP:
        ok = unicast4(rq->local) && unicast4(rq->peer);
        break;
    case CFG_IPV6_UP:
        ok = link_local64(&rq->prefix) ||
             (policy->has_address6 && same_prefix(&policy->address6, &rq->prefix));
        break;
    case CFG_ROUTE:
        ok = route_allowed(policy, rq);
        break;
    case CFG_DNS:
        ok = rq->n_dns <= policy->max_dns && rq->n_dns <= CFG_DNS_MAX;
        break;
    case CFG_PROXY_ARP:
        ok = policy->proxy_arp && unicast4(rq->peer);
        break;
    case CFG_FORWARD:
        ok = policy->forward && (rq->family == AF_INET || rq->family == AF_INET6);
        break;
    case CFG_MASQUERADE:
        ok = policy->masquerade &&
             strncmp(rq->oif, policy->masquerade_oif, sizeof(rq->oif)) == 0;
        break;
    case CFG_DOWN:
        ok = rq->family == AF_INET || rq->family == AF_INET6;
        break;
    case CFG_UNDO_ALL:
        ok = true;
        break;
    case CFG_CONNECT:
    case CFG_KILL:
        ok = policy->transport;
        break;
    case CFG_HOOK:
        ok = policy->hooks && (rq->hook == CFG_HOOK_UP || rq->hook == CFG_HOOK_DOWN) &&
             unicast4(rq->local) && unicast4(rq->peer) && rq->n_dns <= 2;
        break;
    }
    if (!ok)
        snprintf(why, size, "%s request outside the tunnel's configuration",
                 cfg_request_name(rq->kind));
    return ok;
}

/* ---- the unprivileged end ---- */

struct socket_configurator {
    struct configurator ops; /* first: the session holds a pointer to it */
    int sock;
    bool ipv6_off;
    char ipv6_why[200];
    struct cfg_reply reply; /* the last answer's, until taken */
    int dns_done;           /* CFG_DNS's pipe: end-of-file once applied; -1: none */
    long long dns_polled_ms;
};

static void drop_reply(struct cfg_reply *r)
{
    for (size_t i = 0; i < r->n_fds; i++)
        close(r->fds[i]);
    memset(r, 0, sizeof(*r));
}

static struct socket_configurator *self(struct configurator *c)
{
    return (struct socket_configurator *)c;
}

/* One answer: the first, unasked, is the interface's IPv6 reading, which
 * the session needs before the link starts (engine_check_ipv6). */
static int receive_answer(struct socket_configurator *s, char *why, size_t size)
{
    struct cfg_answer a;
    ssize_t n;
    drop_reply(&s->reply); /* not taken: not wanted */
    do {
        struct pollfd pfd = {.fd = s->sock, .events = POLLIN};
        (void)poll(&pfd, 1, -1); /* seqpacket_recv never blocks */
        n = seqpacket_recv(s->sock, &a, sizeof(a), s->reply.fds, &s->reply.n_fds);
    } while (n == -EINTR || n == -EAGAIN);
    if (n != (ssize_t)sizeof(a)) {
        drop_reply(&s->reply);
        snprintf(why, size, "privileged part: %s", n < 0 ? strerror((int)-n) : "gone");
        return -EIO;
    }
    s->reply.value = a.value;
    a.why[sizeof(a.why) - 1] = a.ipv6_why[sizeof(a.ipv6_why) - 1] = '\0';
    s->ipv6_off = a.ipv6_off;
    snprintf(s->ipv6_why, sizeof(s->ipv6_why), "%s", a.ipv6_why);
    if (a.result < 0)
        snprintf(why, size, "%s", a.why);
    return a.result < 0 ? a.result : 0;
}

static void dns_forget(struct socket_configurator *s)
{
    if (s->dns_done >= 0)
        close(s->dns_done);
    s->dns_done = -1;
}

/* A new set of resolvers replaces one still being applied. */
static void dns_watch(struct socket_configurator *s, const struct cfg_request *rq)
{
    dns_forget(s);
    if (s->reply.n_fds == 1) {
        s->dns_done = s->reply.fds[0];
        s->reply.n_fds = 0;
        s->dns_polled_ms = rq->now_ms;
    }
}

static int socket_request(struct configurator *c, const struct cfg_request *rq, char *why,
                          size_t size)
{
    struct socket_configurator *s = self(c);
    if (send(s->sock, rq, sizeof(*rq), MSG_NOSIGNAL) != (ssize_t)sizeof(*rq)) {
        snprintf(why, size, "privileged part: %s", strerror(errno));
        return -EIO;
    }
    int r = receive_answer(s, why, size);
    if (r == 0 && rq->kind == CFG_DNS)
        dns_watch(s, rq);
    return r;
}

/* The resolver jobs run in the privileged part, which closes the pipe
 * of their CFG_DNS once they have ended (dns_settle below). */
static void socket_poll(struct configurator *c, long long now_ms)
{
    struct socket_configurator *s = self(c);
    if (s->dns_done < 0)
        return;
    s->dns_polled_ms = now_ms;
    struct pollfd pfd = {.fd = s->dns_done, .events = POLLIN};
    char byte;
    if (poll(&pfd, 1, 0) != 0 && read(s->dns_done, &byte, 1) <= 0)
        dns_forget(s);
}

static long long socket_expiry(const struct configurator *c)
{
    const struct socket_configurator *s = (const struct socket_configurator *)c;
    return s->dns_done >= 0 ? s->dns_polled_ms + DNS_DONE_POLL_MS : -1;
}

static bool socket_dns_busy(const struct configurator *c)
{
    return ((const struct socket_configurator *)c)->dns_done >= 0;
}

static bool socket_ipv6_off(const struct configurator *c, char *why, size_t size)
{
    const struct socket_configurator *s = (const struct socket_configurator *)c;
    if (s->ipv6_off)
        snprintf(why, size, "%s", s->ipv6_why);
    return s->ipv6_off;
}

static void socket_reply(struct configurator *c, struct cfg_reply *out)
{
    *out = self(c)->reply;
    memset(&self(c)->reply, 0, sizeof(self(c)->reply));
}

/* Waits (bounded) for the privileged end to close its side, discarding
 * anything else it sends. */
static void wait_closed(int sock, int timeout_ms)
{
    long long deadline = os_clock_ms() + timeout_ms;
    char buf[64];
    for (;;) {
        long long left = deadline - os_clock_ms();
        struct pollfd pfd = {.fd = sock, .events = POLLIN};
        if (left <= 0 || poll(&pfd, 1, (int)left) == 0)
            return;
        ssize_t n = recv(sock, buf, sizeof(buf), MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            return;
    }
}

/* UNDO_ALL answered before the socket closes: when the session ends, the
 * addresses and routes are gone already (a closed socket alone undoes
 * everything too, for a session that dies).  Then the privileged end
 * removes the tunnel's name (up_split.c) and closes: once that is seen,
 * `pppssh down`, answered after this, returns with the name free. */
static void socket_free(struct configurator *c)
{
    struct cfg_request rq = {.kind = CFG_UNDO_ALL};
    char why[200];
    if (socket_request(c, &rq, why, sizeof(why)) < 0)
        log_warn("%s", why);
    drop_reply(&self(c)->reply);
    dns_forget(self(c));
    shutdown(self(c)->sock, SHUT_WR);
    wait_closed(self(c)->sock, SERVE_CLOSE_MS);
    close(self(c)->sock);
    free(c);
}

struct configurator *configurator_socket_new(int sock)
{
    struct socket_configurator *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->ops = (struct configurator){.request = socket_request,
                                   .poll = socket_poll,
                                   .expiry = socket_expiry,
                                   .ipv6_off = socket_ipv6_off,
                                   .dns_busy = socket_dns_busy,
                                   .free = socket_free,
                                   .reply = socket_reply};
    s->sock = sock;
    s->dns_done = -1;
    char why[200];
    if (receive_answer(s, why, sizeof(why)) < 0) {
        log_error("%s", why);
        free(s);
        return NULL;
    }
    return &s->ops;
}

/* ---- the privileged end ---- */

/* The resolvers of the last CFG_DNS have been applied, or failed, or were
 * killed at their timeout: its pipe closes, the session sees end-of-file. */
static void dns_settle(const struct configurator *inner, int *dns_done_w)
{
    if (*dns_done_w < 0 || (inner->dns_busy && inner->dns_busy(inner)))
        return;
    close(*dns_done_w);
    *dns_done_w = -1;
}

/* CFG_DNS carried out: its reply is a pipe whose write end stays here
 * until the resolvers are applied, so that `up` says "up" only after
 * (engine_report_up).  Without a pipe the session does not wait. */
static void dns_pipe_reply(const struct configurator *inner, int *dns_done_w,
                           struct cfg_reply *reply)
{
    int p[2];
    if (*dns_done_w >= 0)
        close(*dns_done_w); /* the set it was for is replaced */
    *dns_done_w = -1;
    if (reply->n_fds != 0 || pipe2(p, O_CLOEXEC) < 0)
        return;
    reply->fds[reply->n_fds++] = p[0];
    *dns_done_w = p[1];
    dns_settle(inner, dns_done_w); /* a command that could not start: done already */
}

static void answer(int sock, struct configurator *inner, const struct cfg_policy *policy,
                   const struct cfg_request *rq, ssize_t len, int *dns_done_w)
{
    struct cfg_answer a;
    struct cfg_reply reply = {0};
    memset(&a, 0, sizeof(a));
    if (!rq) {
        /* the first answer, unasked */
    } else if (len != (ssize_t)sizeof(*rq)) {
        a.result = -EINVAL;
        snprintf(a.why, sizeof(a.why), "configuration request of %zd bytes", len);
    } else if (!cfg_policy_allows(policy, rq, a.why, sizeof(a.why))) {
        a.result = -EPERM;
    } else {
        a.result = inner->request(inner, rq, a.why, sizeof(a.why));
        if (inner->reply)
            inner->reply(inner, &reply);
        if (a.result == 0 && rq->kind == CFG_DNS)
            dns_pipe_reply(inner, dns_done_w, &reply);
    }
    a.value = reply.value;
    a.ipv6_off = inner->ipv6_off(inner, a.ipv6_why, sizeof(a.ipv6_why));
    if (seqpacket_send(sock, &a, sizeof(a), reply.fds, reply.n_fds) == -EAGAIN) {
        /* The session reads its answer at once; a full queue is a session
         * that asks without reading: it waits for room, a bounded time. */
        struct pollfd pfd = {.fd = sock, .events = POLLOUT};
        if (poll(&pfd, 1, 1000) > 0)
            (void)seqpacket_send(sock, &a, sizeof(a), reply.fds, reply.n_fds);
    }
    for (size_t i = 0; i < reply.n_fds; i++)
        close(reply.fds[i]); /* copies went with the answer */
}

static int wait_ms(const struct configurator *inner, long long now)
{
    long long due = inner->expiry(inner);
    if (due < 0)
        return -1;
    long long ms = due > now ? due - now : 0;
    return ms < SERVE_POLL_STEP_MS ? (int)ms : SERVE_POLL_STEP_MS;
}

int configurator_serve(int sock, struct configurator *inner, const struct cfg_policy *policy,
                       volatile sig_atomic_t *stop)
{
    int r = 0, dns_done_w = -1;
    answer(sock, inner, policy, NULL, 0, &dns_done_w);
    while (!stop || !*stop) {
        struct pollfd pfd = {.fd = sock, .events = POLLIN};
        int n = poll(&pfd, 1, wait_ms(inner, os_clock_ms()));
        inner->poll(inner, os_clock_ms());
        dns_settle(inner, &dns_done_w);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = -errno;
            break;
        }
        if (n == 0)
            continue;
        struct cfg_request rq;
        memset(&rq, 0, sizeof(rq));
        /* MSG_TRUNC: the real length of a message too long for rq. */
        ssize_t len = recv(sock, &rq, sizeof(rq), MSG_TRUNC);
        /* The other end is gone, however it died (ECONNRESET: it left
         * unread messages behind, unix(7)). */
        if (len == 0 || (len < 0 && errno == ECONNRESET))
            break;
        if (len < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            r = -errno;
            break;
        }
        answer(sock, inner, policy, &rq, len, &dns_done_w);
    }
    if (dns_done_w >= 0)
        close(dns_done_w);
    inner->free(inner);
    return r;
}
