/*
 * tun_pump.c - packets between the TUN interface and the engine.
 *
 * Outbound, packets wait in our own fair queue (fq.h: FQ-CoDel), not in
 * the engine, ssh or the kernel: the engine is fed only while its buffer
 * is nearly empty and the pacer (pacer.h) allows, so the queue below us
 * stays a few milliseconds long and the backlog sits where flows are kept
 * apart and CoDel can signal their senders.  What steers the pacer is
 * pace.c's business.
 *
 * While the supervisor reconnects, the TUN is still read: up to a small
 * bound the packets wait in the same queue for the link to come back, the
 * rest are dropped and counted (outage.h).
 */
#include "tunnel.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "exitcode.h"
#include "fq.h"
#include "log.h"
#include "netlink.h"
#include "tun.h"

#define TUN_READ_ROUNDS 64          /* packets per wake-up */
#define TUN_READ_BYTES (256 * 1024) /* and bytes: offloaded packets are up to 64 KiB */
#define ENGINE_LOW_WATER 4096       /* feed the engine only below this many unwritten bytes */

/* The TUN pppssh helper made for us, or a new one. */
static int tun_get(const struct run_params *p, char ifname[IFNAMSIZ], char *err, size_t errlen)
{
    if (p->tun_fd < 0)
        return tun_open(p->interface[0] ? p->interface : NULL, ifname, err, errlen);
    snprintf(ifname, IFNAMSIZ, "%s", p->interface);
    return p->tun_fd;
}

/* A userspace stack's socket stands in for the TUN: the same packets,
 * no interface to configure. */
static int stack_start(struct tunnel *t)
{
    t->pump.fd = t->p->packet_fd;
    snprintf(t->ifname, sizeof(t->ifname), "stack");
    t->ifindex = 0;
    t->cfg = configurator_none_new();
    if (!t->cfg) {
        tunnel_fail(t, RUN_EXIT_FATAL, "out of memory");
        return -1;
    }
    return 0;
}

static int tun_open_interface(struct tunnel *t)
{
    char err[256], ifname[IFNAMSIZ];
    int fd = tun_get(t->p, ifname, err, sizeof(err));
    if (fd < 0) {
        int status = RUN_EXIT_FATAL;
        if (fd == -EEXIST || fd == -EBUSY)
            status = RUN_EXIT_IN_USE;
        else if (fd == -EPERM || fd == -EACCES)
            status = RUN_EXIT_NOT_PERMITTED;
        else if (fd == -ENOENT || fd == -ENODEV || fd == -ENXIO)
            status = RUN_EXIT_NO_TUN;
        tunnel_fail(t, status, "%s", err);
        return -1;
    }
    t->pump.fd = fd;
    snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
    if (t->p->tun_fd < 0)
        log_info("[#] ip tuntap add %s mode tun", ifname);
    if (nl_link_index(ifname, &t->ifindex, err, sizeof(err)) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "%s", err);
        return -1;
    }
    /* The helper made the TUN (and hardened it): it configures it too. */
    if (t->p->helper_fd >= 0)
        t->cfg = configurator_helper_new(t->p->helper_fd);
    else if (t->p->cfg_fd >= 0) /* `up`'s privileged parent (hardened it) */
        t->cfg = configurator_socket_new(t->p->cfg_fd);
    else
        t->cfg = configurator_local_new(ifname, t->ifindex); /* hardens it */
    if (!t->cfg) {
        tunnel_fail(t, RUN_EXIT_FATAL, "out of memory");
        return -1;
    }
    return 0;
}

int tun_start(struct tunnel *t)
{
    int r = t->p->packet_fd >= 0 ? stack_start(t) : tun_open_interface(t);
    if (r < 0)
        return -1;
    struct fq_config fqc;
    fq_config_default(&fqc);
    fqc.seed = t->now ^ (uint64_t)getpid() << 32; /* flows collide differently per run */
    if (fq_new(&t->pump.fq, &fqc) != PPP_OK) {
        tunnel_fail(t, RUN_EXIT_FATAL, "out of memory for the packet queue");
        return -1;
    }
    outage_init(&t->pump.outage, fq_capacity(t->pump.fq));
    pace_setup(t);
    r = loop_watch(t, t->pump.fd, TAG_TUN, 0);
    if (r < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "cannot watch %s: %s", t->ifname, strerror(-r));
        return -1;
    }
    return 0;
}

/* Room the largest packet can need once HDLC-escaped (what the engine
 * reserves for it): one of the interface MTU, or with offloads on a
 * 64 KiB one and its header. */
static size_t room_needed(const struct tunnel *t)
{
    size_t largest = t->pump.offload_on ? sizeof(t->pump.packet) + PPP_OFFLOAD_HEADER_LEN
                     : t->mtu           ? t->mtu
                                        : 1500;
    return ppp_encoded_max(largest);
}

static bool network_up(const struct tunnel *t)
{
    return t->link && !t->st.stream_gone && (t->ipcp_up || t->ipv6cp_up);
}

/* The queue drains into the engine only once the network protocols are
 * back (outage.h): a reconnect's queue holds packets of both families. */
static bool may_drain(struct tunnel *t)
{
    bool v4 = network_up(t) && t->ipcp_up, v6 = network_up(t) && t->ipv6cp_up;
    return outage_may_drain(&t->pump.outage, v4, v6, t->now);
}

/* The link is down but will come back: the interface and its routes stay
 * (supervision_keeps_config), so its packets are ours to hold or drop. */
static bool link_down_kept(const struct tunnel *t)
{
    return t->iface_up && t->reported_up && !tunnel_stopping(t) && !network_up(t) &&
           supervision_keeps_config(t);
}

static bool engine_can_take(struct tunnel *t)
{
    const uint8_t *data;
    t->pump.stream_backlogged = ppp_link_tx_data(t->link, &data) > ENGINE_LOW_WATER;
    return !t->pump.stream_backlogged && ppp_link_tx_room(t->link) >= room_needed(t);
}

/* Hand queued packets to the engine while the pacer and the stream allow,
 * with a probe whenever one is due. */
static void pump(struct tunnel *t)
{
    if (!t->pump.fq || !may_drain(t))
        return;
    ppp_time now = t->now;
    while (!fq_empty(t->pump.fq) && pacer_can_send(&t->pace.pacer, now)) {
        /* Write only when the engine is past its low-water mark: small
         * frames then leave in one write, not one write per packet. */
        if (!engine_can_take(t)) {
            stream_flush(t);
            if (!engine_can_take(t))
                break;
        }
        pace_probe(t, now);
        struct ppp_offload off;
        size_t n =
            fq_dequeue_offloaded(t->pump.fq, now, &off, t->pump.packet, sizeof(t->pump.packet));
        if (n == 0)
            break;
        int r = tun_offload_send(t, &off, t->pump.packet, n, now);
        if (r != PPP_OK) {
            t->pump.in_dropped++;
            if (log_enabled(LOG_LEVEL_DEBUG))
                log_debug("dropped a packet from %s: %s", t->ifname, ppp_strerror(r));
            continue;
        }
        pacer_sent(&t->pace.pacer, n);
    }
    stream_flush(t);
}

/* Read the TUN whenever a network protocol is up: a backlog waits in our
 * queue, which drops by its own policy (CoDel, fattest flow first); and
 * while the link is down between sessions, within the outage bound. */
void tun_update_reading(struct tunnel *t)
{
    if (t->pump.fd < 0)
        return;
    pump(t);
    bool want = network_up(t) || link_down_kept(t);
    if (want != t->pump.reading) {
        loop_watch(t, t->pump.fd, TAG_TUN, want ? EPOLLIN : 0);
        t->pump.reading = want;
    }
}

void tun_readable(struct tunnel *t)
{
    bool down = link_down_kept(t);
    /* The queue drops by its own policy when full; reading less than it
     * holds between pumps keeps those drops CoDel's, not a burst. */
    size_t taken = 0;
    for (int i = 0; i < TUN_READ_ROUNDS && taken < TUN_READ_BYTES; i++) {
        struct ppp_offload off;
        ssize_t n = tun_read_packet(t, &off);
        if (n == -EPIPE) {
            tunnel_fail(t, RUN_EXIT_FATAL, "the userspace network stack closed its socket");
            return;
        }
        if (n < 0) {
            if (n != -EAGAIN && n != -EINTR)
                log_warn("reading %s: %s", t->ifname, strerror((int)-n));
            break;
        }
        taken += (size_t)n;
        if (down &&
            !outage_admit(&t->pump.outage, fq_stats(t->pump.fq)->chunks_used * (size_t)FQ_CHUNK,
                          (size_t)n, FQ_CHUNK))
            continue; /* counted as dropped-while-down */
        if (n == 0 ||
            fq_enqueue_offloaded(t->pump.fq, &off, t->pump.packet, (size_t)n, t->now) != PPP_OK)
            t->pump.in_dropped++;
    }
    pump(t);
}

ppp_time tun_expiry(struct tunnel *t)
{
    if (!network_up(t) || !t->pump.fq || fq_empty(t->pump.fq) || t->pump.stream_backlogged)
        return PPP_TIME_NEVER;
    if (!may_drain(t))
        return outage_drain_at(&t->pump.outage);
    return pacer_next_send(&t->pace.pacer, t->now);
}

void tun_echo_rtt(struct tunnel *t, ppp_time rtt)
{
    pace_echo_rtt(t, rtt);
}

size_t tun_queue_status(const struct tunnel *t, char *buf, size_t size)
{
    if (!t->pump.fq || size == 0)
        return 0;
    const struct fq_stats *q = fq_stats(t->pump.fq);
    const struct pacer *p = &t->pace.pacer;
    char rate[32];
    if (p->rate >= p->config.max_rate)
        snprintf(rate, sizeof(rate), "unlimited"); /* no queue below us yet */
    else
        snprintf(rate, sizeof(rate), "%.1f Mbit/s", p->rate * 8 / 1e6);
    char offload[48] = "off";
    if (t->pump.offload_on)
        snprintf(offload, sizeof(offload), "on, packets up to %u bytes", t->pump.offload_cap);
    int n = snprintf(buf, size,
                     "queue: %u packets, %u bytes, %u flows; max sojourn %.1f ms, target %.1f ms\n"
                     "queue-drops: %llu codel, %llu overflow; ecn-marks: %llu\n"
                     "queued-while-down: %llu packets (bound %zu bytes)\n"
                     "dropped-while-down: %llu packets\n"
                     "pacing: %s\n"
                     "pacer: %s (link %.1f Mbit/s), rtt %.2f ms, base %.2f ms, "
                     "queue below %.2f ms\n"
                     "offload: %s; %llu packets the peer could not take\n",
                     q->packets, q->bytes, q->active_flows, (double)q->max_sojourn / 1e6,
                     (double)fq_target(t->pump.fq) / 1e6, (unsigned long long)q->codel_drops,
                     (unsigned long long)q->overflow_drops, (unsigned long long)q->ecn_marks,
                     (unsigned long long)t->pump.outage.queued, t->pump.outage.limit,
                     (unsigned long long)t->pump.outage.dropped, pace_signal_name(t), rate,
                     p->link_rate * 8 / 1e6, (double)p->last_rtt / 1e6, (double)p->min_rtt / 1e6,
                     (double)p->queue_delay / 1e6, offload,
                     (unsigned long long)t->pump.offload_dropped);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

void tun_stop(struct tunnel *t)
{
    fq_del(t->pump.fq);
    t->pump.fq = NULL;
}

/* The loop's view of the link (engine_events.c follows the engine's events, which
 * come before any packet of a newly Opened NCP). */
static enum peer_verdict judge(const struct tunnel *t, int family, const struct ppp_offload *off,
                               const uint8_t *pkt, size_t len)
{
    bool antispoof = t->p->duties.antispoof && t->p->net.antispoof;
    const struct peer_filter f = {
        .ipv4_open = t->ipcp_up,
        .ipv6_open = t->ipv6cp_up,
        .spoof = antispoof ? &t->spoof : NULL,
    };
    return peer_filter_check(&f, family, off, pkt, len);
}

void tun_ip_packet(void *user, int family, const struct ppp_offload *off, const uint8_t *pkt,
                   size_t len)
{
    struct tunnel *t = user;
    enum peer_verdict v = judge(t, family, off, pkt, len);
    if (v != PEER_PASS) {
        /* Once per kind: a hostile peer must not flood the log. */
        if (t->pump.filtered[v]++ == 0)
            log_warn("dropping packets from the %s with %s", t->p->duties.peer,
                     peer_verdict_text(v));
        return;
    }
    if (t->pump.fd < 0 || !t->iface_up)
        return;
    /* A full TUN queue (EAGAIN) drops the packet, as a router would: a
     * blocking write would stall the PPP control traffic behind it. */
    if (tun_offload_write(t, off, pkt, len) < 0)
        t->pump.out_dropped++;
}

uint64_t tun_filtered(const struct tunnel *t, enum peer_verdict v)
{
    const struct ppp_stats *s = t->link ? ppp_link_stats(t->link) : NULL;
    uint64_t n = t->pump.filtered[v];
    if (s && v == PEER_WRONG_VERSION)
        n += s->rx_ip_wrong_version; /* the engine drops most of them */
    if (s && v == PEER_NCP_CLOSED)
        n += s->rx_ip_ncp_closed;
    return n;
}
