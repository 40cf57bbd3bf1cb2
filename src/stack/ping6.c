/*
 * ping6.c - see ping6.h.
 */
#include "ping6.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "icmp6.h"

#define MAX_FLOWS 16
#define IDLE_MS 60000      /* a flow's socket closes after a minute without requests */
#define REPLIES_PER_POLL 8 /* per socket and turn */
#define PACKET_ROOM 65536

/* One client source and echo identifier: its own ping socket, for the
 * kernel gives each socket an identifier of its own and matches replies
 * by it. */
struct flow {
    int fd; /* -1: free */
    uint8_t client[IP6_ADDR_LEN];
    uint16_t ident;
    int64_t last_ms;
    int poll_index; /* in the fds of this turn, -1: not there */
};

struct ping6 {
    backend_deliver_fn deliver;
    void *opaque;
    uint8_t stack6[IP6_ADDR_LEN];
    struct flow flows[MAX_FLOWS];
    bool refused_noted;
    uint8_t packet[PACKET_ROOM];
};

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct ping6 *ping6_new(backend_deliver_fn deliver, void *opaque, const uint8_t *stack6)
{
    struct ping6 *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    p->deliver = deliver;
    p->opaque = opaque;
    memcpy(p->stack6, stack6, IP6_ADDR_LEN);
    for (int i = 0; i < MAX_FLOWS; i++)
        p->flows[i].fd = -1;
    return p;
}

void ping6_free(struct ping6 *p)
{
    if (!p)
        return;
    for (int i = 0; i < MAX_FLOWS; i++)
        if (p->flows[i].fd >= 0)
            close(p->flows[i].fd);
    free(p);
}

static void close_flow(struct flow *f)
{
    close(f->fd);
    f->fd = -1;
}

/* The flow of this source and identifier, or a new one (the free slot,
 * else the one idle longest): NULL with errno when no socket opens. */
static struct flow *flow_for(struct ping6 *p, const struct icmp6_echo *e, int64_t now)
{
    struct flow *slot = NULL;
    for (int i = 0; i < MAX_FLOWS; i++) {
        struct flow *f = &p->flows[i];
        if (f->fd >= 0 && f->ident == e->ident && !memcmp(f->client, e->src, IP6_ADDR_LEN))
            return f;
        if (f->fd >= 0 && now - f->last_ms > IDLE_MS)
            close_flow(f);
        if (!slot || (slot->fd >= 0 && (f->fd < 0 || f->last_ms < slot->last_ms)))
            slot = f;
    }
    int fd = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_ICMPV6);
    if (fd < 0)
        return NULL;
    if (slot->fd >= 0)
        close_flow(slot);
    *slot = (struct flow){.fd = fd, .ident = e->ident, .poll_index = -1};
    memcpy(slot->client, e->src, IP6_ADDR_LEN);
    return slot;
}

/* Ping sockets refused: the client hears why at once, the log once. */
static void refuse(struct ping6 *p, const uint8_t *pkt, size_t len, int e)
{
    if (!p->refused_noted) {
        syslog(LOG_NOTICE,
               "ICMPv6 echo is not forwarded: this account may not open ping sockets (%s; "
               "net.ipv4.ping_group_range must include one of its groups)",
               strerror(e));
        p->refused_noted = true;
    }
    size_t n = icmp6_unreachable(p->stack6, ICMP6_UNREACH_PROHIBITED, pkt, len, p->packet,
                                 sizeof(p->packet));
    if (n)
        p->deliver(p->packet, n, p->opaque);
}

bool ping6_input(struct ping6 *p, const uint8_t *pkt, size_t len)
{
    struct icmp6_echo e;
    if (!icmp6_echo_request(pkt, len, &e) || !memcmp(e.dst, p->stack6, IP6_ADDR_LEN))
        return false;
    int64_t now = now_ms();
    struct flow *f = flow_for(p, &e, now);
    if (!f) {
        if (errno == EACCES || errno == EPERM)
            refuse(p, pkt, len, errno);
        return true;
    }
    f->last_ms = now;
    struct sockaddr_in6 to = {.sin6_family = AF_INET6};
    memcpy(&to.sin6_addr, e.dst, IP6_ADDR_LEN);
    /* The kernel writes its identifier and the checksum (a ping socket);
     * a send that fails is a lost echo, as on the wire. */
    sendto(f->fd, e.msg, e.len, MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to));
    return true;
}

void ping6_fill(struct ping6 *p, struct pollfd *fds, size_t *n, size_t max)
{
    for (int i = 0; i < MAX_FLOWS; i++) {
        struct flow *f = &p->flows[i];
        f->poll_index = -1;
        if (f->fd < 0 || *n >= max)
            continue;
        f->poll_index = (int)*n;
        fds[(*n)++] = (struct pollfd){.fd = f->fd, .events = POLLIN};
    }
}

static void read_replies(struct ping6 *p, struct flow *f)
{
    uint8_t msg[PACKET_ROOM - IP6_HEADER_LEN];
    for (int i = 0; i < REPLIES_PER_POLL; i++) {
        struct sockaddr_in6 from;
        socklen_t fromlen = sizeof(from);
        ssize_t n =
            recvfrom(f->fd, msg, sizeof(msg), MSG_DONTWAIT, (struct sockaddr *)&from, &fromlen);
        if (n < 0)
            return;
        size_t len = icmp6_echo_reply(from.sin6_addr.s6_addr, f->client, f->ident, msg, (size_t)n,
                                      p->packet, sizeof(p->packet));
        if (len)
            p->deliver(p->packet, len, p->opaque);
    }
}

void ping6_poll(struct ping6 *p, const struct pollfd *fds, size_t n)
{
    for (int i = 0; i < MAX_FLOWS; i++) {
        struct flow *f = &p->flows[i];
        if (f->fd >= 0 && f->poll_index >= 0 && (size_t)f->poll_index < n &&
            (fds[f->poll_index].revents & POLLIN))
            read_replies(p, f);
    }
}
