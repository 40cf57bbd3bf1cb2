/*
 * ctl_server.c - answering requests on the control socket: "status",
 * "fields", "check", "reset" and "down" (control.h describes the protocol).
 */
#include "tunnel.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fields.h"
#include "log.h"

static void close_client(struct tunnel *t, struct ctl_client *c)
{
    loop_unwatch(t, c->fd);
    close(c->fd);
    c->fd = -1;
    c->len = 0;
    c->waiting_down = c->waiting_up = c->waiting_echo = false;
}

void ctl_accept(struct tunnel *t)
{
    int fd = accept4(t->ctl.fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0)
        return;
    for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++) {
        struct ctl_client *c = &t->ctl.clients[i];
        if (c->fd >= 0)
            continue;
        if (loop_watch(t, fd, TAG_CTL_CLIENT + i, EPOLLIN) == 0) {
            c->fd = fd;
            return;
        }
        break;
    }
    close(fd); /* busy: the client sees the connection closed */
}

struct text {
    char buf[4096];
    size_t len;
};

__attribute__((format(printf, 2, 3))) static void put(struct text *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(out->buf + out->len, sizeof(out->buf) - out->len, fmt, ap);
    va_end(ap);
    if (n > 0)
        out->len +=
            (size_t)n < sizeof(out->buf) - out->len ? (size_t)n : sizeof(out->buf) - out->len - 1;
}

static void put_duration(struct text *out, const char *key, ppp_time ns)
{
    unsigned long long s = ns / 1000000000u;
    put(out, "%s: %llud %02lluh %02llum %02llus\n", key, s / 86400, s / 3600 % 24, s / 60 % 60,
        s % 60);
}

static void put_addresses(struct text *out, const struct tunnel *t)
{
    char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], p[OS_PREFIX_TEXT_MAX];
    if (t->ipcp_up) {
        struct os_ip l = {.family = AF_INET, .v4 = t->local4},
                     r = {.family = AF_INET, .v4 = t->remote4};
        put(out, "local: %s\nremote: %s\n", os_ip_format(&l, a, sizeof(a)),
            os_ip_format(&r, b, sizeof(b)));
    }
    if (t->ipv6cp_up) {
        struct os_ip ll = {.family = AF_INET6};
        ll.v6.s6_addr[0] = 0xfe;
        ll.v6.s6_addr[1] = 0x80;
        memcpy(&ll.v6.s6_addr[8], t->local_ifid, 8);
        put(out, "local6: %s\n", os_ip_format(&ll, a, sizeof(a)));
        memcpy(&ll.v6.s6_addr[8], t->remote_ifid, 8);
        put(out, "remote6: %s\n", os_ip_format(&ll, a, sizeof(a)));
        if (t->p->net.has_address6)
            put(out, "address6: %s\n", os_prefix_format(&t->p->net.address6, p, sizeof(p)));
    }
    if (t->ipv6_off[0])
        put(out, "ipv6: off (%s)\n", t->ipv6_off);
    for (size_t i = 0; i < t->p->net.n_routes; i++) {
        const struct os_prefix *r = &t->p->net.routes[i];
        bool active = r->ip.family == AF_INET ? t->ipcp_up : t->ipv6cp_up;
        put(out, "route: %s%s\n", os_prefix_format(r, p, sizeof(p)), active ? "" : " (inactive)");
    }
}

static void status(struct tunnel *t, struct text *out)
{
    ppp_time now = t->now;
    put(out, "tunnel: %s\nstate: %s\ninterface: %s\n", t->p->name ? t->p->name : "-",
        supervision_state_name(t), t->ifname);
    if (t->link)
        put(out, "phase: %s\n", ppp_phase_name(ppp_link_phase(t->link)));
    put(out, "pid: %d\n", (int)getpid());
    if (t->st.child.pid)
        put(out, "transport-pid: %d\n", (int)t->st.child.pid);
    put_addresses(out, t);
    if (t->sup.state == SUP_UP)
        put_duration(out, "uptime", now - t->sup.up_since);
    put_duration(out, "running", now - t->started);
    put(out, "reconnects: %u\n", t->sup.reconnects);
    if (t->sup.state != SUP_UP && t->reported_up)
        put(out, "attempt: %u\n", t->sup.fails + 1);
    if (t->sup.state == SUP_BACKOFF && t->sup.retry_at != PPP_TIME_NEVER)
        put(out, "retry-in: %.1f s\n",
            t->sup.retry_at > now ? (double)(t->sup.retry_at - now) / 1e9 : 0.0);
    put(out, "last-error: %s\n", t->sup.last_error[0] ? t->sup.last_error : "-");
    if (!t->link)
        return;
    const struct ppp_stats *s = ppp_link_stats(t->link);
    put(out, "sent: %llu bytes, %llu packets\n", (unsigned long long)s->tx_ip_bytes,
        (unsigned long long)s->tx_ip_packets);
    put(out, "received: %llu bytes, %llu packets\n", (unsigned long long)s->rx_ip_bytes,
        (unsigned long long)s->rx_ip_packets);
    put(out, "stream: %llu bytes out, %llu bytes in\n", (unsigned long long)s->tx_bytes,
        (unsigned long long)s->rx_bytes);
    put(out, "dropped: %llu to peer, %llu from peer, %llu bad frames\n",
        (unsigned long long)t->pump.in_dropped,
        (unsigned long long)(t->pump.out_dropped + s->rx_dropped),
        (unsigned long long)(s->rx_bad_fcs + s->rx_runts + s->rx_too_long));
    put(out,
        "filtered: %llu wrong IP version, %llu closed NCP, %llu unreadable, %llu spoofed source, "
        "%llu router messages, %llu bad offload\n",
        (unsigned long long)tun_filtered(t, PEER_WRONG_VERSION),
        (unsigned long long)tun_filtered(t, PEER_NCP_CLOSED),
        (unsigned long long)tun_filtered(t, PEER_UNREADABLE),
        (unsigned long long)tun_filtered(t, PEER_SPOOFED),
        (unsigned long long)tun_filtered(t, PEER_ROUTER),
        (unsigned long long)tun_filtered(t, PEER_BAD_OFFLOAD));
    if (s->echo_replies)
        put(out, "echo-rtt: %.3f ms\n", (double)t->echo_rtt / 1e6);
    else
        put(out, "echo-rtt: -\n");
    char queue[768];
    if (tun_queue_status(t, queue, sizeof(queue)))
        put(out, "%s", queue);
}

static void fields(const struct tunnel *t, struct text *out)
{
    struct field_values fv;
    ctl_fields(t, &fv);
    for (int i = 0; i < FIELD_COUNT; i++)
        put(out, "%s=%s\n", TUNNEL_FIELDS[i].key, fv.v[i]);
}

static void answer(struct tunnel *t, struct ctl_client *c, enum ctl_request request)
{
    struct text out = {.len = 0};
    if (request == CTL_REQ_STATUS) {
        status(t, &out);
    } else if (request == CTL_REQ_FIELDS) {
        fields(t, &out);
    } else if (request == CTL_REQ_CHECK) {
        char why[320];
        if (supervision_check(t, why, sizeof(why)))
            c->waiting_echo = true;
        else
            put(&out, "%s\n", why);
    } else if (request == CTL_REQ_RESET) {
        if (!t->reported_up || tunnel_stopping(t)) {
            put(&out, "not reset: the link has not been up yet\n");
        } else {
            put(&out, "resetting %s\n", t->p->name ? t->p->name : t->ifname);
            c->waiting_up = true;
            supervision_reset(t, "reset requested");
        }
    } else if (request == CTL_REQ_DOWN) {
        put(&out, "stopping %s\n", t->p->name ? t->p->name : t->ifname);
        c->waiting_down = true;
        tunnel_stop(t, "down requested");
    } else {
        put(&out, "error: unknown request '%s' (known: status, fields, check, reset, down)\n", c->buf);
    }
    /* A few hundred bytes into a fresh socket buffer: never blocks. */
    if (write(c->fd, out.buf, out.len) < 0)
        log_debug("control: %s", strerror(errno));
    if (!c->waiting_down && !c->waiting_up && !c->waiting_echo)
        close_client(t, c);
    else
        loop_unwatch(t, c->fd);
}

static void answer_waiting(struct tunnel *t, bool up, const char *text)
{
    for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++) {
        struct ctl_client *c = &t->ctl.clients[i];
        if (c->fd < 0 || !(up ? c->waiting_up : c->waiting_echo))
            continue;
        if (write(c->fd, text, strlen(text)) < 0)
            log_debug("control: %s", strerror(errno));
        close(c->fd); /* no longer in the epoll set */
        c->fd = -1;
        c->len = 0;
        c->waiting_down = c->waiting_up = c->waiting_echo = false;
    }
}

void ctl_answer_up(struct tunnel *t)
{
    answer_waiting(t, true, "up\n");
}

void ctl_answer_echo(struct tunnel *t, const char *text)
{
    answer_waiting(t, false, text);
}

void ctl_readable(struct tunnel *t, unsigned index)
{
    struct ctl_client *c = &t->ctl.clients[index];
    ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        close_client(t, c);
        return;
    }
    c->len += (size_t)n;
    c->buf[c->len] = 0;
    enum ctl_request request = control_parse_request(c->buf, c->len, sizeof(c->buf) - 1);
    if (request == CTL_REQ_INCOMPLETE)
        return;
    c->buf[strcspn(c->buf, "\n")] = 0; /* for the error line */
    answer(t, c, request);
}

void ctl_close_all(struct tunnel *t)
{
    for (unsigned i = 0; i < CONTROL_MAX_CLIENTS; i++) {
        struct ctl_client *c = &t->ctl.clients[i];
        if (c->fd < 0)
            continue;
        if (c->waiting_down && write(c->fd, "down\n", 5) < 0)
            log_debug("control: %s", strerror(errno));
        close(c->fd); /* the epoll set is about to go */
        c->fd = -1;
    }
}
