/*
 * ctl_fields.c - the values of TUNNEL_FIELDS (fields.h) for the control
 * socket's "fields" request: "key=value" lines, one per field, in order.
 */
#include "tunnel.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fields.h"
#include "supervisor_policy.h"

__attribute__((format(printf, 3, 4))) static void set(struct field_values *fv, int i,
                                                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(fv->v[i], sizeof(fv->v[i]), fmt, ap);
    va_end(ap);
    /* One line per field, one column per field in `dump`. */
    for (char *c = fv->v[i]; *c; c++)
        if (*c == '\n' || *c == '\t' || *c == '\r')
            *c = ' ';
}

static void set_ip(struct field_values *fv, int i, int family, const void *addr)
{
    struct os_ip ip = {.family = family};
    if (family == AF_INET)
        memcpy(&ip.v4, addr, sizeof(ip.v4));
    else
        memcpy(&ip.v6, addr, sizeof(ip.v6));
    char text[INET6_ADDRSTRLEN];
    set(fv, i, "%s", os_ip_format(&ip, text, sizeof(text)));
}

static void set_link_local(struct field_values *fv, int i, const uint8_t ifid[8])
{
    struct in6_addr ll = {.s6_addr = {0xfe, 0x80}};
    memcpy(&ll.s6_addr[8], ifid, 8);
    set_ip(fv, i, AF_INET6, &ll);
}

static void addresses(const struct tunnel *t, struct field_values *fv)
{
    if (t->ipcp_up) {
        set_ip(fv, FIELD_LOCAL4, AF_INET, &t->local4);
        set_ip(fv, FIELD_PEER4, AF_INET, &t->remote4);
    }
    if (t->ipv6cp_up) {
        set_link_local(fv, FIELD_LOCAL6, t->local_ifid);
        set_link_local(fv, FIELD_PEER6, t->remote_ifid);
        char p[OS_PREFIX_TEXT_MAX];
        if (t->p->net.has_address6)
            set(fv, FIELD_ADDRESS6, "%s", os_prefix_format(&t->p->net.address6, p, sizeof(p)));
    }
}

static void traffic(const struct tunnel *t, struct field_values *fv)
{
    if (!t->link)
        return;
    const struct ppp_stats *s = ppp_link_stats(t->link);
    set(fv, FIELD_TX_BYTES, "%llu", (unsigned long long)s->tx_ip_bytes);
    set(fv, FIELD_TX_PACKETS, "%llu", (unsigned long long)s->tx_ip_packets);
    set(fv, FIELD_RX_BYTES, "%llu", (unsigned long long)s->rx_ip_bytes);
    set(fv, FIELD_RX_PACKETS, "%llu", (unsigned long long)s->rx_ip_packets);
    if (s->echo_replies)
        set(fv, FIELD_ECHO_RTT, "%llu", (unsigned long long)(t->echo_rtt / 1000));
}

static void queue(const struct tunnel *t, struct field_values *fv)
{
    if (!t->pump.fq)
        return;
    const struct fq_stats *q = fq_stats(t->pump.fq);
    const struct pacer *p = &t->pace.pacer;
    set(fv, FIELD_QUEUE_PACKETS, "%u", q->packets);
    set(fv, FIELD_QUEUE_DELAY_MAX, "%llu", (unsigned long long)(q->max_sojourn / 1000));
    set(fv, FIELD_QUEUE_DROPS, "%llu", (unsigned long long)(q->codel_drops + q->overflow_drops));
    set(fv, FIELD_PATH_QUEUE_DELAY, "%llu", (unsigned long long)(p->queue_delay / 1000));
    if (p->rate < p->config.max_rate) /* else: unlimited, no queue below us yet */
        set(fv, FIELD_PACER_RATE, "%.0f", p->rate * 8);
}

void ctl_fields(const struct tunnel *t, struct field_values *fv)
{
    field_values_clear(fv);
    set(fv, FIELD_TUNNEL, "%s", t->p->name ? t->p->name : t->ifname);
    set(fv, FIELD_STATE, "%s", supervisor_state_id(t->sup.state));
    set(fv, FIELD_INTERFACE, "%s", t->ifname[0] ? t->ifname : FIELD_ABSENT);
    set(fv, FIELD_PID, "%d", (int)getpid());
    addresses(t, fv);
    if (t->sup.state == SUP_UP)
        set(fv, FIELD_UPTIME, "%llu",
            (unsigned long long)((t->now - t->sup.up_since) / (1000 * PPP_MS)));
    traffic(t, fv);
    queue(t, fv);
    set(fv, FIELD_RECONNECTS, "%u", t->sup.reconnects);
    if (t->sup.last_error[0])
        set(fv, FIELD_LAST_ERROR, "%s", t->sup.last_error);
}
