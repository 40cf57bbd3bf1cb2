/* test_pacer.c - the pacer against a model bottleneck: a link of fixed
 * rate and delay with an unbounded FIFO in front (ssh's socket buffer),
 * where the probes queue behind the data as LCP echoes do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codel.h"
#include "fq.h"
#include "pacer.h"

#define STEP (100 * 1000) /* 100 us */
#define MAX_ITEMS 200000
#define PACKET 1500
#define PROBE 20

struct item {
    uint32_t bytes;
    ppp_time sent; /* probes: when sent; 0 for data */
    ppp_time held; /* data: how long it waited before the FIFO (a pause) */
    bool outside;  /* data of a flow outside the tunnel */
};

struct model {
    double rate;    /* bytes/s */
    ppp_time delay; /* one way */
    struct item fifo[MAX_ITEMS];
    size_t head, tail;
    double queued, budget;
    ppp_time replies[64]; /* arrival times of probe replies */
    ppp_time reply_sent[64];
    size_t n_replies;
    double delivered;
    ppp_time held_next;       /* what push() stamps on the item */
    ppp_time last_held;       /* the last data item served had waited this long */
    double delivered_outside; /* by the flow outside the tunnel */
};

static struct model m;

static void push(uint32_t bytes, ppp_time sent)
{
    assert_true(m.tail - m.head < MAX_ITEMS);
    m.fifo[m.tail++ % MAX_ITEMS] = (struct item){bytes, sent, m.held_next, false};
    m.queued += bytes;
}

/* Serve the FIFO at the link rate for one step; a probe that leaves it
 * comes back (as a reply) two delays later. */
static void serve(ppp_time now, bool measure)
{
    m.budget += m.rate * (double)STEP / 1e9;
    while (m.head < m.tail && m.budget >= m.fifo[m.head % MAX_ITEMS].bytes) {
        struct item *it = &m.fifo[m.head++ % MAX_ITEMS];
        m.budget -= it->bytes;
        m.queued -= it->bytes;
        if (measure && it->outside)
            m.delivered_outside += it->bytes;
        else if (measure && !it->sent)
            m.delivered += it->bytes;
        if (!it->sent)
            m.last_held = it->held;
        if (it->sent && m.n_replies < 64) {
            m.replies[m.n_replies] = now + 2 * m.delay;
            m.reply_sent[m.n_replies++] = it->sent;
        }
    }
    if (m.head == m.tail) {
        m.head = m.tail = 0;
        m.budget = m.budget > PACKET ? PACKET : m.budget; /* an idle link saves nothing */
    }
}

static void replies(struct pacer *p, ppp_time now)
{
    for (size_t i = 0; i < m.n_replies;) {
        if (m.replies[i] <= now) {
            pacer_on_rtt(p, now - m.reply_sent[i], now);
            m.replies[i] = m.replies[m.n_replies - 1];
            m.reply_sent[i] = m.reply_sent[--m.n_replies];
        } else {
            i++;
        }
    }
}

struct result {
    double utilisation; /* delivered / link rate over the measured part */
    double mean_delay;  /* standing queue in the FIFO, ms */
    double p90_delay;
    double mean_rate;     /* the pacer's rate over the measured part, bytes/s */
    uint64_t cuts;        /* rate decreases in the measured part */
    uint64_t cuts_unsent; /* ... where the unsent bytes alone were above target */
    uint64_t cuts_path;   /* ... where the path's standing queue alone was */
    double share;         /* of what the tunnel and the flow outside delivered, ours */
};

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A sender that always has data: run for `seconds`, measure after `warmup`. */
static struct result run(double rate, ppp_time delay, int seconds, int warmup)
{
    static double delays[400000];
    size_t n_delays = 0;
    struct pacer_config c;
    struct pacer p;
    memset(&m, 0, sizeof(m));
    m.rate = rate;
    m.delay = delay;
    pacer_config_default(&c);
    pacer_init(&p, &c, 1);
    ppp_time end = (ppp_time)seconds * 1000 * PPP_MS;
    ppp_time from = (ppp_time)warmup * 1000 * PPP_MS;
    for (ppp_time now = 1; now < end; now += STEP) {
        bool measure = now >= from;
        replies(&p, now);
        if (pacer_probe_due(&p, now, true)) {
            push(PROBE, now);
            pacer_probe_sent(&p, now);
        }
        while (pacer_can_send(&p, now)) {
            push(PACKET, 0);
            pacer_sent(&p, PACKET);
        }
        serve(now, measure);
        if (measure && n_delays < 400000)
            delays[n_delays++] = m.queued / rate * 1e3;
    }
    struct result r = {0};
    double sum = 0;
    for (size_t i = 0; i < n_delays; i++)
        sum += delays[i];
    qsort(delays, n_delays, sizeof(double), cmp_double);
    r.mean_delay = sum / (double)n_delays;
    r.p90_delay = delays[n_delays * 9 / 10];
    r.utilisation = m.delivered / (rate * (double)(end - from) / 1e9);
    print_message(
        "rate %.0f Mbit/s delay %.1f ms: utilisation %.3f, queue mean %.2f ms p90 %.2f ms\n",
        rate * 8 / 1e6, (double)delay / 1e6, r.utilisation, r.mean_delay, r.p90_delay);
    return r;
}

/* The shaped path: 20 Mbit/s, 20 ms each way. */
static void test_shaped_path(void **state)
{
    (void)state;
    struct result r = run(2.5e6, 20 * PPP_MS, 30, 5);
    assert_true(r.utilisation >= 0.90);
    assert_true(r.mean_delay <= 10.0);
    assert_true(r.p90_delay <= 20.0);
}

/* A fast short path (what ssh over a veth does): 1 Gbit/s, 0.2 ms. */
static void test_fast_path(void **state)
{
    (void)state;
    struct result r = run(125e6, 200 * 1000, 10, 3);
    assert_true(r.utilisation >= 0.90);
    assert_true(r.mean_delay <= 10.0);
}

/* A slow long path: 2 Mbit/s, 50 ms, where one 1500-byte packet alone
 * is 6 ms of queue: a few packets' worth is the best there is. */
static void test_slow_path(void **state)
{
    (void)state;
    struct result r = run(250e3, 50 * PPP_MS, 60, 20);
    assert_true(r.utilisation >= 0.90);
    assert_true(r.mean_delay <= 40.0);
}

/* An unused rate must not grow; a queue above target cuts it even
 * before the link's rate is known. */
static void test_idle_rate_does_not_grow(void **state)
{
    (void)state;
    struct pacer_config c;
    struct pacer p;
    pacer_config_default(&c);
    pacer_init(&p, &c, 1);
    ppp_time now = 1;
    for (int i = 0; i < 100; i++) {
        pacer_probe_sent(&p, now);
        pacer_sent(&p, 100); /* a trickle */
        now += PPP_MS;
        pacer_on_rtt(&p, PPP_MS, now);
        now += 49 * PPP_MS;
    }
    assert_true(p.rate <= c.initial_rate);
    /* A queue above target brings the rate down. */
    for (int i = 0; i < 10; i++) {
        pacer_probe_sent(&p, now);
        now += 30 * PPP_MS;
        pacer_on_rtt(&p, 30 * PPP_MS, now);
    }
    assert_true(p.rate <= c.initial_rate / 2);
    assert_true(p.decreases >= 5);
}

/* A backlog leaves in batches of about 2 ms of the rate, not a packet per
 * wake-up; a lone packet on a rested bucket goes at once. */
static void test_backlog_goes_in_batches(void **state)
{
    (void)state;
    struct pacer_config c;
    struct pacer p;
    pacer_config_default(&c);
    c.initial_rate = c.min_rate = c.max_rate = 2.5e6; /* 20 Mbit/s: 5000 bytes in 2 ms */
    pacer_init(&p, &c, 1);
    ppp_time now = 1000 * PPP_MS;
    assert_true(pacer_can_send(&p, now)); /* rested: at once */
    int sent = 0;
    while (pacer_can_send(&p, now) && sent < 100) {
        pacer_sent(&p, 1500);
        sent++;
    }
    assert_true(sent > 1 && sent < 100);
    /* A packet's worth of tokens (0.6 ms) is not a batch yet. */
    now += 700 * 1000;
    assert_false(pacer_can_send(&p, now));
    ppp_time next = pacer_next_send(&p, now);
    assert_true(next > now + PPP_MS);
    assert_true(next <= now + 3 * PPP_MS);
    now = next;
    int batch = 0;
    while (pacer_can_send(&p, now) && batch < 100) {
        pacer_sent(&p, 1500);
        batch++;
    }
    assert_in_range(batch, 3, 5); /* 5000 bytes of tokens, overdrawn once */
}

/* At a rate where one frame takes 12 ms, a drained bucket makes the next
 * packet wait one frame's time, no more: a batch is never less than a
 * frame, and never more at such a rate. */
static void test_lone_packet_waits_one_frame(void **state)
{
    (void)state;
    struct pacer_config c;
    struct pacer p;
    pacer_config_default(&c);
    c.initial_rate = c.min_rate = c.max_rate = 125e3; /* 1 Mbit/s */
    pacer_init(&p, &c, 1);
    ppp_time now = 1000 * PPP_MS;
    while (pacer_can_send(&p, now))
        pacer_sent(&p, 1500);
    ppp_time next = pacer_next_send(&p, now);
    assert_true(next - now <= 13 * PPP_MS);
    assert_true(pacer_can_send(&p, next));
}

/* A rate cut applies to what the bucket still holds: an unpaced start
 * that meets a queue does not go on sending its old allowance. */
static void test_a_cut_empties_the_old_allowance(void **state)
{
    (void)state;
    struct pacer_config c;
    struct pacer p;
    pacer_config_default(&c);
    pacer_config_for_path(&c);
    pacer_init(&p, &c, 1);
    ppp_time now = 10 * PPP_MS;
    assert_true(pacer_can_send(&p, now)); /* a full bucket of the unpaced rate */
    pacer_on_path(&p, now, 40 * PPP_MS, 0, 0, 1000, 0);
    pacer_sent(&p, 250000);
    now += 100 * PPP_MS; /* 250 kB delivered in 100 ms, a 50 ms queue, bytes unsent */
    pacer_on_path(&p, now, 40 * PPP_MS, 50 * PPP_MS, 60000, 251000, 225000);
    assert_true(p.rate < 2.5e6);
    int sent = 0;
    while (pacer_can_send(&p, now) && sent < 1000) {
        pacer_sent(&p, 1500);
        sent++;
    }
    assert_true(sent <= 12); /* the new rate's burst, 16 kB */
}

/* pacer_on_path(): the caller reads the outer TCP connection's state.
 * The model's connection shows what TCP_INFO would, a one-way delay
 * late: the bytes delivered (counted by ACKs) and a smoothed RTT. */
#define HISTORY 8192 /* steps of delivered-byte history: 800 ms */

struct path_view {
    double delivered_at[HISTORY]; /* served bytes, by step */
    double queue_at[HISTORY];     /* FIFO delay (ns), by step, + an ACK's hold */
    double held_at[HISTORY];      /* how long the ACKs sent then were held (ns) */
    double srtt_queue;            /* the smoothed queue part of the RTT */
};

static struct path_view view;

/* A sender whose flows pause for `off_ms` out of every `cycle_ms` (TCP
 * backing off after a drop), or never with off_ms 0.  The link rate
 * becomes rate2 at `change_s` (0: never).  Measures from `warmup` s. */
struct path_run {
    double rate, rate2;
    ppp_time delay;
    int seconds, warmup, change_s;
    int off_ms, cycle_ms;
    int queue_packets;            /* the bottleneck's queue (0: the bench's 100) */
    ppp_time ack_delay;           /* the receiver holds an ACK this long (see below) */
    bool window;                  /* the flows inside are held by their own window (below) */
    int stall_ms, stall_every_ms; /* CPU starvation: off the CPU this long this often (below) */
    unsigned stalled;             /* who is: STALL_PPPSSH, STALL_SSH */
    int pause_ms;                 /* the link pauses up to this long now and then (below) */
    bool outside;                 /* one TCP flow outside the tunnel shares the bottleneck */
    int outside_ends_s;           /* ... until then (0: to the end) */
};

/* One TCP flow outside the tunnel, through the same bottleneck (issue
 * 15's point c), and with it the tunnel's own outer connection: each a
 * window that doubles each round trip until the first drop, then grows
 * by a packet per round trip; a full queue drops what it sends and cuts
 * the window to 0.7 (CUBIC's beta, RFC 9438 section 4.6), once per round
 * trip.  The flow outside sends a window per RTT, which the bottleneck's
 * queue lengthens; the outer connection sends what the pacer hands over
 * while its window has room, and keeps the rest unsent. */
struct tcp_window {
    double window, credit;
    ppp_time last_cut;
    bool dropped;
};

static ppp_time model_rtt(void)
{
    return 2 * m.delay + (ppp_time)(m.queued / m.rate * 1e9);
}

/* May it send a packet now?  Not when the queue is full: a drop. */
static bool tcp_window_takes(struct tcp_window *w, double inflight, double queue_limit,
                             ppp_time now)
{
    if (m.queued >= queue_limit) {
        if (now - w->last_cut > model_rtt()) {
            w->window *= 0.7;
            w->last_cut = now;
        }
        w->dropped = true;
        return false;
    }
    return inflight < w->window;
}

static void tcp_window_grows(struct tcp_window *w, double acked)
{
    w->window += w->dropped ? PACKET * (double)STEP / (double)model_rtt() : acked;
}

static void outside_sends(struct tcp_window *o, double queue_limit, ppp_time now)
{
    double sent = 0;
    o->credit += o->window * (double)STEP / (double)model_rtt();
    for (; o->credit >= PACKET; o->credit -= PACKET) {
        if (!tcp_window_takes(o, 0, queue_limit, now)) {
            o->credit = 0;
            break;
        }
        push(PACKET, 0);
        m.fifo[(m.tail - 1) % MAX_ITEMS].outside = true;
        sent += PACKET;
    }
    tcp_window_grows(o, sent);
}

/* A path that pauses before the bottleneck, as a Wi-Fi hop does while a
 * station waits for the air (or a path through a busy host): now and
 * then it passes nothing on for 0 to pause_ms, after 0 to 6 pause_ms of
 * passing, as the bench's delay line pauses (bench/tools/delayline.c);
 * then what it held reaches the bottleneck at once.  The RTT varies by up
 * to pause_ms whatever the rate, and the bottleneck, with nothing
 * arriving, idles through a pause unless a queue stood there.  A fixed
 * seed keeps the runs the same. */
struct link_pauses {
    ppp_time until, next;
    uint64_t rng;
};

static uint64_t pause_random(struct link_pauses *lp, uint64_t max)
{
    lp->rng ^= lp->rng << 13; /* xorshift64 (Marsaglia 2003) */
    lp->rng ^= lp->rng >> 7;
    lp->rng ^= lp->rng << 17;
    return lp->rng % (max + 1);
}

static bool link_paused(const struct path_run *pr, struct link_pauses *lp, ppp_time now)
{
    if (pr->pause_ms == 0)
        return false;
    if (now >= lp->next) {
        ppp_time most = (ppp_time)pr->pause_ms * PPP_MS;
        lp->until = now + pause_random(lp, most);
        lp->next = lp->until + pause_random(lp, 6 * most);
    }
    return now < lp->until;
}

/* CPU starvation: on a machine whose cores a busy process shares, the
 * scheduler takes pppssh, or ssh between it and the connection, off the
 * CPU for a few milliseconds every few tens (a CFS share against a
 * competitor).  With `stalled` set, what the pacer hands over goes
 * through a model of ssh: a pipe it reads when it runs, into a socket
 * that takes a write once it holds less than TCP_NOTSENT_LOWAT unsent
 * (pace.c), and sends what the bottleneck's queue has room for.  The
 * loop probes and sends only while it runs and the pipe has room. */
#define STALL_PPPSSH 1u
#define STALL_SSH 2u
/* The far end's ssh or sshd, which reads what the connection receives:
 * while it does not run, the data waits unread in its socket, the window
 * it could advertise shrinks, and its kernel holds the ACK until the read
 * (Linux acknowledges at once only when the window's right edge moves
 * on: __tcp_ack_snd_check()), for up to a delayed-ACK timer (40 ms).  The
 * sender sees the bytes still in flight and RTT samples longer by the
 * wait, as a queue would show them. */
#define STALL_RECEIVER 4u
#define SSH_PIPE 65536.0
#define SOCKET_LOWAT 32768.0

struct ssh_model {
    double pipe;   /* written by pppssh, not yet read by ssh */
    double unsent; /* in the socket, waiting for room at the bottleneck */
};

/* The socket sends what the bottleneck's queue has room for. */
static void socket_sends(struct ssh_model *s, double queue_limit, double *pushed)
{
    while (s->unsent >= PACKET && m.queued < queue_limit) {
        push(PACKET, 0);
        *pushed += PACKET;
        s->unsent -= PACKET;
    }
}

/* ssh, when it runs, writes all it read once the socket is writable. */
static void ssh_runs(struct ssh_model *s, double queue_limit, double *pushed)
{
    if (s->unsent < SOCKET_LOWAT) {
        s->unsent += s->pipe;
        s->pipe = 0;
    }
    socket_sends(s, queue_limit, pushed);
}

/* With `outside`, the tunnel carries one TCP flow of its own, as on the
 * bench (iperf3 through pppssh), where that flow, not the pacer's rate,
 * is what most often limits: a window (as above) whose packets wait in
 * our queue (one flow: a FIFO under CoDel, with fq.c's target for the
 * path) until the pacer hands them to the outer connection's socket,
 * which takes them while it holds less than TCP_NOTSENT_LOWAT unsent
 * and sends what the outer connection's window lets through.  A
 * CoDel drop cuts the flow's window (once a round trip); its bytes in
 * flight are what it sent and the far end has not yet acknowledged. */
#define INNER_QUEUE 4096

struct inner_flow {
    struct tcp_window w;
    double sent; /* into our queue, less what CoDel dropped */
    ppp_time enqueued[INNER_QUEUE];
    size_t head, tail;
    struct codel codel;
    struct codel_params codel_params;
    double socket_unsent;
};

/* The CoDel target fq.c keeps for a path of this base RTT. */
static ppp_time path_codel_target(ppp_time base_rtt)
{
    struct fq_config c;
    struct fq *fq;
    fq_config_default(&c);
    assert_int_equal(fq_new(&fq, &c), 0);
    fq_set_path_rtt(fq, base_rtt);
    ppp_time target = fq_target(fq);
    fq_del(fq);
    return target;
}

static void inner_flow_sends(struct inner_flow *f, double acked, ppp_time now)
{
    while (f->sent - acked < f->w.window && f->tail - f->head < INNER_QUEUE) {
        f->enqueued[f->tail++ % INNER_QUEUE] = now;
        f->sent += PACKET;
    }
}

/* The pacer hands our queue's head packets to the socket as it allows. */
static void inner_flow_paced(struct inner_flow *f, struct pacer *p, ppp_time now)
{
    while (f->tail > f->head && f->socket_unsent < SOCKET_LOWAT && pacer_can_send(p, now)) {
        ppp_time sojourn = now - f->enqueued[f->head++ % INNER_QUEUE];
        uint32_t backlog = (uint32_t)((f->tail - f->head) * PACKET);
        if (codel_judge(&f->codel, &f->codel_params, now, sojourn, backlog) == CODEL_DROP) {
            f->sent -= PACKET;
            if (now - f->w.last_cut > model_rtt() + sojourn) {
                f->w.window *= 0.7;
                f->w.last_cut = now;
            }
            f->w.dropped = true;
            continue;
        }
        f->socket_unsent += PACKET;
        pacer_sent(p, PACKET);
    }
    if (f->tail == f->head)
        codel_queue_empty(&f->codel);
}

/* What a smoothed RTT keeps of itself over the ACKs of `bytes` (one per
 * two segments, each moving it an eighth: RFC 6298 section 2.3). */
static double srtt_keeps(double bytes)
{
    double keep = 1;
    for (double acks = bytes / (2 * PACKET); acks >= 1 && keep > 1e-6; acks--)
        keep *= 7.0 / 8;
    return keep;
}

static bool off_cpu(const struct path_run *pr, ppp_time now, unsigned who)
{
    if (!(pr->stalled & who) || pr->stall_every_ms == 0)
        return false;
    return (now / PPP_MS) % (ppp_time)pr->stall_every_ms < (ppp_time)pr->stall_ms;
}

/* One reading of the connection, as pace.c takes it. */
struct sample {
    ppp_time now, base_rtt, path_queue;
    double unsent, delivered, inflight;
};

/* pacer_on_path(), counting each cut by what was above target: the
 * bytes waiting unsent (at the link estimate) or the path's queue. */
static void take_sample(struct pacer *p, const struct sample *s, struct result *r)
{
    uint64_t cuts = p->decreases;
    double link = p->link_rate;
    pacer_on_path(p, s->now, s->base_rtt, s->path_queue, s->unsent, s->delivered, s->inflight);
    if (!r || p->decreases == cuts)
        return;
    ppp_time wait = link > 0 ? (ppp_time)(s->unsent / link * 1e9) : 0;
    r->cuts++;
    if (wait > p->config.target)
        r->cuts_unsent++;
    if (p->queue_delay - wait > p->config.target)
        r->cuts_path++;
}

/* One step of the starved machine: pppssh, while it runs, probes and
 * hands packets to ssh's pipe as the pacer allows; ssh, while it runs,
 * moves them on into the socket. */
static void starved_step(const struct path_run *pr, struct pacer *p, struct ssh_model *ssh,
                         const struct sample *smp, bool on, double queue_limit, double *pushed,
                         struct result *r)
{
    socket_sends(ssh, queue_limit, pushed);
    bool ssh_on = !off_cpu(pr, smp->now, STALL_SSH);
    while (on && !off_cpu(pr, smp->now, STALL_PPPSSH) && ssh->pipe < SSH_PIPE &&
           pacer_can_send(p, smp->now)) {
        if (pacer_probe_due(p, smp->now, true))
            take_sample(p, smp, r);
        ssh->pipe += PACKET;
        pacer_sent(p, PACKET);
        if (ssh_on)
            ssh_runs(ssh, queue_limit, pushed);
    }
    if (ssh_on)
        ssh_runs(ssh, queue_limit, pushed);
}

static struct result run_on_path(const struct path_run *pr, struct pacer *p)
{
    static double delays[400000];
    size_t n_delays = 0;
    struct pacer_config c;
    memset(&m, 0, sizeof(m));
    memset(&view, 0, sizeof(view));
    m.rate = pr->rate;
    m.delay = pr->delay;
    pacer_config_default(&c);
    pacer_config_for_path(&c);
    pacer_init(p, &c, 1);
    ppp_time end = (ppp_time)pr->seconds * 1000 * PPP_MS;
    ppp_time from = (ppp_time)pr->warmup * 1000 * PPP_MS;
    ppp_time change = (ppp_time)pr->change_s * 1000 * PPP_MS;
    double used = 0, capacity = 0, held = 0, pushed = 0, rate_sum = 0, acked = 0;
    double used_outside = 0;
    ppp_time reader_off_since = 0;
    double queue_limit = (pr->queue_packets ? pr->queue_packets : 100) * PACKET;
    struct ssh_model ssh = {0};
    struct link_pauses pauses = {.rng = 88172645463325252ull};
    struct tcp_window outside = {.window = 10 * PACKET}, outer = {.window = 10 * PACKET};
    double upstream = 0; /* held by a pause, not yet at the bottleneck */
    ppp_time upstream_since = 0;
    static struct inner_flow inner;
    memset(&inner, 0, sizeof(inner));
    inner.w.window = 10 * PACKET;
    inner.codel_params =
        (struct codel_params){path_codel_target(2 * pr->delay), 100 * PPP_MS, 1514};
    struct result r = {0};
    size_t lag = (size_t)(2 * pr->delay / STEP); /* an ACK comes back a base RTT after */
    for (uint64_t step = 0; (ppp_time)step * STEP < end; step++) {
        ppp_time now = 1 + (ppp_time)step * STEP;
        bool measure = now >= from;
        if (change && now >= change)
            m.rate = pr->rate2;
        bool on =
            pr->off_ms == 0 || (now / PPP_MS) % (ppp_time)pr->cycle_ms >= (ppp_time)pr->off_ms;
        size_t seen = (size_t)((step + HISTORY - lag) % HISTORY);
        /* The RTT is smoothed over ACKs: with none, it stays as it was. */
        double newly = view.delivered_at[seen] - view.delivered_at[(seen + HISTORY - 1) % HISTORY];
        if (newly > 0 && view.held_at[seen] > 0) /* a burst of late ACKs, each a sample */
            view.srtt_queue += (view.queue_at[seen] - view.srtt_queue) * (1 - srtt_keeps(newly));
        else if (newly > 0)
            view.srtt_queue += (view.queue_at[seen] - view.srtt_queue) / 80; /* ~8 ms */
        /* A receiver that delays ACKs (the last segment of each burst
         * waits for its timer) adds ack_delay to the RTT samples but
         * holds back no more than one ACK's worth of bytes. */
        double inflight = pushed - view.delivered_at[seen] + (pr->ack_delay ? 2 * PACKET : 0);
        struct sample smp = {
            now,  2 * pr->delay,           (ppp_time)view.srtt_queue + pr->ack_delay,
            held, view.delivered_at[seen], inflight};
        if (!pr->stalled && pacer_probe_due(p, now, true)) /* a trickle keeps it backlogged */
            take_sample(p, &smp, measure ? &r : NULL);
        /* The connection takes no more than the path's queue holds (100
         * packets, as the bench's shaper): beyond, its window is full and
         * what is written waits in it unsent (TCP_NOTSENT_LOWAT's worth). */
        held = 0;
        /* With `window`, the flows inside grow their window by what each
         * ACK acknowledges (slow start) and have no more in flight: all of
         * it passes through ssh at once, so the connection holds nothing
         * unsent and the bottleneck's queue fills with bytes the pacer
         * never held back (until a drop, which is not modelled: here the
         * window stops growing at a full queue). */
        double window = 10 * PACKET + view.delivered_at[seen];
        if (pr->stalled) {
            starved_step(pr, p, &ssh, &smp, on, queue_limit, &pushed, measure ? &r : NULL);
            held = ssh.unsent;
        }
        bool paused = link_paused(pr, &pauses, now);
        if (paused && upstream == 0)
            upstream_since = now;
        if (!paused && upstream > 0) { /* what the pause held, at once, each waited half of it */
            m.held_next = (now - upstream_since) / 2;
            for (; upstream >= PACKET; upstream -= PACKET)
                push(PACKET, 0);
            m.held_next = 0;
            upstream = 0;
        }
        if (pr->outside) {
            inner_flow_sends(&inner, view.delivered_at[seen], now);
            inner_flow_paced(&inner, p, now);
            while (inner.socket_unsent >= PACKET &&
                   tcp_window_takes(&outer, pushed - view.delivered_at[seen], queue_limit, now)) {
                push(PACKET, 0);
                pushed += PACKET;
                inner.socket_unsent -= PACKET;
            }
            held = inner.socket_unsent;
        }
        while (!pr->stalled && !pr->outside && on && pacer_can_send(p, now)) {
            if (pr->window && pushed - view.delivered_at[seen] >= window)
                break;
            if (pr->window && m.queued >= queue_limit)
                break;
            if (m.queued + upstream >= queue_limit) {
                held = 32768;
                break;
            }
            if (paused)
                upstream += PACKET;
            else
                push(PACKET, 0);
            pacer_sent(p, PACKET);
            pushed += PACKET;
        }
        if (pr->outside) {
            tcp_window_grows(&outer, newly);
            tcp_window_grows(&inner.w, newly);
            if (!pr->outside_ends_s || now < (ppp_time)pr->outside_ends_s * 1000 * PPP_MS)
                outside_sends(&outside, queue_limit, now);
        }
        double before = m.delivered, before_outside = m.delivered_outside;
        serve(now, true);
        if (measure && on)
            used += m.delivered - before;
        if (measure)
            used_outside += m.delivered_outside - before_outside;
        /* The receiver acknowledges what arrived when it runs; what it
         * held waited half the stall on average. */
        bool reader_on = !off_cpu(pr, now, STALL_RECEIVER);
        if (reader_on)
            acked = m.delivered;
        double hold = reader_on && reader_off_since ? (double)(now - reader_off_since) / 2 : 0;
        reader_off_since = reader_on ? 0 : reader_off_since ? reader_off_since : now;
        view.delivered_at[step % HISTORY] = acked;
        view.held_at[step % HISTORY] = hold;
        view.queue_at[step % HISTORY] = m.queued / m.rate * 1e9 + hold + (double)m.last_held;
        if (measure) {
            if (on)
                capacity += m.rate * (double)STEP / 1e9;
            if (n_delays < 400000)
                delays[n_delays++] = m.queued / m.rate * 1e3;
            rate_sum += p->rate;
        }
    }
    double sum = 0;
    for (size_t i = 0; i < n_delays; i++)
        sum += delays[i];
    qsort(delays, n_delays, sizeof(double), cmp_double);
    r.mean_delay = sum / (double)n_delays;
    r.p90_delay = delays[n_delays * 9 / 10];
    r.utilisation = used / capacity;
    r.share = used + used_outside > 0 ? used / (used + used_outside) : 0;
    r.mean_rate = rate_sum / (double)n_delays;
    print_message("on path %.0f Mbit/s, %.1f ms, off %d/%d ms: utilisation %.3f, queue mean %.2f "
                  "ms p90 %.2f ms, rate %.1f Mbit/s\n",
                  m.rate * 8 / 1e6, (double)pr->delay / 1e6, pr->off_ms, pr->cycle_ms,
                  r.utilisation, r.mean_delay, r.p90_delay, p->rate * 8 / 1e6);
    if (pr->outside)
        print_message("  against a flow outside: %.1f%% of what the two delivered, link %.1f%% "
                      "used; link estimate %.1f Mbit/s, cuts %llu\n",
                      100 * r.share, 100 * (used + used_outside) / capacity, p->link_rate * 8 / 1e6,
                      (unsigned long long)r.cuts);
    if (pr->stalled)
        print_message("  starved %d of every %d ms (%s%s): rate mean %.1f Mbit/s, link estimate "
                      "%.1f, cuts %llu (unsent above target %llu, path queue %llu)\n",
                      pr->stall_ms, pr->stall_every_ms, pr->stalled & STALL_PPPSSH ? "pppssh " : "",
                      pr->stalled & STALL_SSH        ? "ssh "
                      : pr->stalled & STALL_RECEIVER ? "the far reader"
                                                     : "",
                      r.mean_rate * 8 / 1e6, p->link_rate * 8 / 1e6, (unsigned long long)r.cuts,
                      (unsigned long long)r.cuts_unsent, (unsigned long long)r.cuts_path);
    return r;
}

/* The run uses at least `utilisation` of the link, with the queue's
 * p90 within the bound: 20 ms, or a quarter of the RTT on a
 * longer path. */
static void holds(const struct path_run *pr, double utilisation)
{
    struct pacer p;
    struct result r = run_on_path(pr, &p);
    double rtt_ms = 2 * (double)pr->delay / 1e6;
    assert_true(r.utilisation >= utilisation);
    assert_true(r.p90_delay <= (rtt_ms / 4 > 20.0 ? rtt_ms / 4 : 20.0));
}

static void test_on_path_shaped(void **state)
{
    (void)state;
    struct path_run pr = {.rate = 2.5e6, .delay = 20 * PPP_MS, .seconds = 30, .warmup = 5};
    holds(&pr, 0.90);
}

/* From the first second on, the link is full (the flows inside are in
 * slow start: a pacer that had to find the rate first would have CoDel
 * cut them short), and a second later the queue is back at target. */
static void test_on_path_starts_unpaced(void **state)
{
    (void)state;
    struct pacer p;
    struct path_run first = {.rate = 2.5e6, .delay = 20 * PPP_MS, .seconds = 1, .warmup = 0};
    assert_true(run_on_path(&first, &p).utilisation >= 0.90);
    struct path_run later = {.rate = 2.5e6, .delay = 20 * PPP_MS, .seconds = 4, .warmup = 1};
    assert_true(run_on_path(&later, &p).p90_delay <= 20.0);
}

/* A trickle (TCP ACKs of a download the other way) whose RTT is long
 * for a reason of its own (the ACKs coming back through the other
 * direction's queue) leaves the rate alone: cutting it to the trickle's
 * would throttle the next bulk flow for seconds. */
static void test_on_path_trickle_keeps_the_rate(void **state)
{
    (void)state;
    struct pacer_config c;
    struct pacer p;
    pacer_config_default(&c);
    pacer_config_for_path(&c);
    pacer_init(&p, &c, 1);
    double delivered = 1;
    for (ppp_time now = PPP_MS; now < 5000 * PPP_MS; now += 20 * PPP_MS) {
        assert_true(pacer_can_send(&p, now));
        pacer_sent(&p, 120);
        delivered += 120;
        pacer_on_path(&p, now, 40 * PPP_MS, 15 * PPP_MS, 0, delivered, 120);
    }
    assert_true(p.rate >= c.initial_rate);
    assert_int_equal(p.decreases, 0);
    /* Bytes held back in the connection are no trickle: that cuts. */
    for (ppp_time now = 5000 * PPP_MS; now < 5500 * PPP_MS; now += 20 * PPP_MS) {
        pacer_sent(&p, 50000);
        delivered += 50000;
        pacer_on_path(&p, now, 40 * PPP_MS, 15 * PPP_MS, 60000, delivered, 137500);
    }
    assert_true(p.decreases > 0);
    assert_true(p.rate < 50000 / 0.020);
}

/* The flows inside start (in slow start, as in the bench's trace): what
 * the connection delivers doubles each 50 ms period up to the link's
 * 2.5 MB/s, and bytes then wait in it unsent.  The first cut goes to about
 * the link's rate, not to half of a smoothed estimate that still lags
 * at a third of it: that would hold the flows to a crawl while the path
 * stands empty, and have CoDel drop them out of slow start. */
static double first_cut(double last_sample_gain)
{
    struct pacer_config c;
    struct pacer p;
    pacer_config_default(&c);
    pacer_config_for_path(&c);
    pacer_init(&p, &c, 1);
    const double link = 2.5e6;
    double delivered = 1, per_period = 4000;
    ppp_time now = PPP_MS;
    bool first_full = true;
    for (; p.decreases == 0 && now < 2000 * PPP_MS; now += 50 * PPP_MS) {
        bool full = per_period >= link / 20;
        if (full)
            per_period = link / 20;
        assert_true(pacer_can_send(&p, now));
        pacer_sent(&p, (size_t)per_period);
        /* a stretch ACK is a one-off: the samples after it are the link's */
        delivered += full && first_full ? per_period * last_sample_gain : per_period;
        first_full = first_full && !full;
        pacer_on_path(&p, now, 40 * PPP_MS, 4 * PPP_MS, full ? 30000 : 0, delivered,
                      full ? link * 0.044 : per_period);
        per_period *= 2;
    }
    assert_int_equal(p.decreases, 1);
    print_message("first cut to %.2f Mbit/s, link %.2f\n", p.rate * 8 / 1e6, link * 8 / 1e6);
    return p.rate / link;
}

static void test_on_path_first_cut_at_the_link_rate(void **state)
{
    (void)state;
    double share = first_cut(1);
    assert_true(share >= 0.8 && share <= 1.0);
    /* The sample that shows the queue counts twice the bytes (a stretch
     * ACK, a repaired loss): the estimate grows no faster than slow
     * start could have, a doubling per RTT, not to twice the link. */
    share = first_cut(2);
    assert_true(share >= 0.8 && share <= 1.3);
}

/* Flows that pause (400 ms in every two seconds, as TCP does after a
 * timeout) find the rate where they left it: a pause, and the stale RTT
 * it leaves behind, are no evidence that the link got slower. */
static void test_on_path_pauses_keep_the_rate(void **state)
{
    (void)state;
    struct path_run pr = {.rate = 2.5e6,
                          .delay = 20 * PPP_MS,
                          .seconds = 30,
                          .warmup = 5,
                          .off_ms = 400,
                          .cycle_ms = 2000};
    holds(&pr, 0.85);
}

/* The link halves: within a few seconds the queue is short again. */
static void test_on_path_link_slows(void **state)
{
    (void)state;
    struct path_run pr = {.rate = 2.5e6,
                          .rate2 = 1.25e6,
                          .delay = 20 * PPP_MS,
                          .seconds = 30,
                          .warmup = 15,
                          .change_s = 10};
    holds(&pr, 0.90);
}

/* The link doubles: the rate follows. */
static void test_on_path_link_speeds_up(void **state)
{
    (void)state;
    struct path_run pr = {.rate = 1.25e6,
                          .rate2 = 2.5e6,
                          .delay = 20 * PPP_MS,
                          .seconds = 30,
                          .warmup = 15,
                          .change_s = 10};
    holds(&pr, 0.90);
}

/* A receiver that delays its ACKs (here 15 ms on every sample: the far
 * sshd, busy, reads a burst late, and its kernel acknowledges the last
 * segment when the data is read or the delayed-ACK timer fires) makes the
 * RTT look like a standing queue that no rate cut shortens.  The bytes in
 * flight show no queue: the rate stays at the link's, not cut after cut
 * (the one flow that fell to 2% of the link). */
static void test_on_path_delayed_acks_are_no_queue(void **state)
{
    (void)state;
    struct path_run pr = {
        .rate = 2.5e6, .delay = 20 * PPP_MS, .seconds = 30, .warmup = 5, .ack_delay = 15 * PPP_MS};
    holds(&pr, 0.90);
    /* On a short path the same delay is three times the base RTT. */
    struct path_run short_path = {
        .rate = 2.5e6, .delay = 5 * PPP_MS, .seconds = 30, .warmup = 5, .ack_delay = 30 * PPP_MS};
    holds(&short_path, 0.90);
}

/* Before a download the server's end carried only the ACKs of an upload
 * (180 kB/s, application-limited): that is no link's rate.  When the
 * download starts and bytes wait unsent in the connection, the first cut
 * goes to what the busy link delivers, not to the ACKs' rate (it went to
 * 0.8 Mbit/s on a 20 Mbit/s path, and the download stayed at 44% of the
 * bare link's). */
static void test_on_path_idle_estimate_is_no_link(void **state)
{
    (void)state;
    struct pacer_config c;
    struct pacer p;
    pacer_config_default(&c);
    pacer_config_for_path(&c);
    pacer_init(&p, &c, 1);
    const double link = 2.5e6;
    double delivered = 1;
    ppp_time now = PPP_MS;
    for (int i = 0; i < 40; i++, now += 50 * PPP_MS) {
        pacer_sent(&p, 9000);
        delivered += 9000;
        pacer_on_path(&p, now, 40 * PPP_MS, 1 * PPP_MS, 0, delivered, 9000);
    }
    assert_int_equal(p.decreases, 0);
    double per_period = 20000;
    for (int i = 0; p.decreases == 0 && i < 40; i++, now += 50 * PPP_MS) {
        if (per_period > link / 20)
            per_period = link / 20;
        pacer_sent(&p, (size_t)(2 * per_period));
        delivered += per_period;
        pacer_on_path(&p, now, 40 * PPP_MS, 2 * PPP_MS, 30000, delivered, per_period);
        per_period *= 2;
    }
    print_message("first cut to %.2f Mbit/s, link %.2f\n", p.rate * 8 / 1e6, link * 8 / 1e6);
    assert_int_equal(p.decreases, 1);
    assert_true(p.rate >= 0.8 * link);
}

/* A fast long path with a deep bottleneck queue (100 Mbit/s, 150 ms, 1000
 * packets: the path where one flow collapsed): the queue stays short
 * without leaving the link idle. */
static void test_on_path_long_deep(void **state)
{
    (void)state;
    struct path_run pr = {
        .rate = 12.5e6, .delay = 75 * PPP_MS, .seconds = 30, .warmup = 10, .queue_packets = 1000};
    holds(&pr, 0.80);
    pr.ack_delay = 10 * PPP_MS;
    holds(&pr, 0.80);
}

/* Issue 15's r5 point (5 Mbit/s, 40 ms RTT, a 100-packet queue: 240 ms
 * of it).  The flows inside start in slow start and, with the pacer at
 * its unpaced start, fill the bottleneck's queue with their own window:
 * nothing waits unsent and we send less than the rate allows, but the
 * bytes in flight show the queue is ours.  Within the two seconds before
 * the bench's pings start, it is short. */
static void test_on_path_window_fills_slow_link(void **state)
{
    (void)state;
    struct path_run pr = {
        .rate = 625e3, .delay = 20 * PPP_MS, .seconds = 8, .warmup = 2, .window = true};
    holds(&pr, 0.90);
}

/* The trickle as the server's end saw it during an upload on the r5
 * point: ACKs, whose own ACKs come back through the upload's queue, so
 * its RTT grew to 85 ms; TCP_INFO counted its small segments in flight
 * as full ones (24 of them, 35 KB), against an estimate of the trickle's
 * own 20 KB/s.  That is no queue of ours to cut for: the download after
 * it started at 160 kbit/s. */
static void test_on_path_trickle_in_full_segments_keeps_the_rate(void **state)
{
    (void)state;
    struct pacer_config c;
    struct pacer p;
    pacer_config_default(&c);
    pacer_config_for_path(&c);
    pacer_init(&p, &c, 1);
    double delivered = 1;
    for (ppp_time now = PPP_MS; now < 5000 * PPP_MS; now += 20 * PPP_MS) {
        assert_true(pacer_can_send(&p, now));
        pacer_sent(&p, 400);
        delivered += 400;
        pacer_on_path(&p, now, 40 * PPP_MS, 85 * PPP_MS, 0, delivered, 24 * 1448);
    }
    assert_true(p.rate >= c.initial_rate);
    assert_int_equal(p.decreases, 0);
}

/* Issue 15's q1000 point (20 Mbit/s, 40 ms RTT, a 1000-packet queue):
 * the flows inside fill the deep queue with their own window at the
 * unpaced start, 600 ms of it.  Within three seconds it is short. */
static void test_on_path_deep_queue_fills_at_start(void **state)
{
    (void)state;
    struct path_run pr = {.rate = 2.5e6,
                          .delay = 20 * PPP_MS,
                          .seconds = 10,
                          .warmup = 3,
                          .queue_packets = 1000,
                          .window = true};
    holds(&pr, 0.90);
}

/* ssh, between pppssh and the connection, off the CPU 20 ms of every 50:
 * what pppssh wrote waits in ssh's pipe and leaves in one write, a queue
 * at the bottleneck that the pacer cuts for; the periods the bottleneck
 * stood idle through pull the link estimate down (to 14 Mbit/s), and the
 * link is 72% used.  pppssh does not see ssh's stall (its pipe did not
 * fill), so this stays as it was; the queue holds its bound. */
static void test_on_path_starved_ssh(void **state)
{
    (void)state;
    struct path_run pr = {.rate = 2.5e6,
                          .delay = 20 * PPP_MS,
                          .seconds = 30,
                          .warmup = 5,
                          .stall_ms = 20,
                          .stall_every_ms = 50,
                          .stalled = STALL_SSH};
    holds(&pr, 0.70);
    pr.stall_ms = 10;
    holds(&pr, 0.90);
}

/* The far end's reader off the CPU 20 ms of every 50 (or 10 of every 30):
 * its ACKs come late, in bursts, and the RTT and the bytes in flight show
 * a queue of up to 20 ms that no cut shortens.  But what the connection
 * delivers per period stays the link's, so each cut goes to the link's
 * rate and the rate comes back: the link stays busy (on main too). */
static void test_on_path_starved_reader_keeps_the_link(void **state)
{
    (void)state;
    struct path_run pr = {.rate = 2.5e6,
                          .delay = 20 * PPP_MS,
                          .seconds = 30,
                          .warmup = 5,
                          .stall_ms = 20,
                          .stall_every_ms = 50,
                          .stalled = STALL_RECEIVER};
    holds(&pr, 0.95);
    pr.stall_ms = 10;
    pr.stall_every_ms = 30;
    holds(&pr, 0.95);
}

/* A path that pauses before the bottleneck for up to 20 ms (the bench's
 * point `jitter`, Wi-Fi's variation): the RTT swings by the pauses'
 * length whatever we send, and the bottleneck idles through a pause
 * unless a queue stood there.  The cuts for those swings must not take
 * the rate down with them: the link stays 90% used (94% here; on the
 * bench one flow moved 70-85% of the bare link's up, 32-83% down, where
 * the model has no pauses on the ACKs' way back). */
static void test_on_path_pausing_path(void **state)
{
    (void)state;
    struct path_run pr = {
        .rate = 2.5e6, .delay = 20 * PPP_MS, .seconds = 30, .warmup = 5, .pause_ms = 20};
    holds(&pr, 0.90);
}

/* One TCP flow outside the tunnel through the same bottleneck (issue
 * 15's point c) keeps the queue there full, whatever we send: the tunnel
 * takes its fair share of the link, neither starving nor starved.  Both
 * flows start together, on a fresh tunnel.  (With the test of the
 * foreign queue read by the bytes in flight, which the test halves, the
 * mode ended at nearly every test and the share was 25%.) */
static void test_on_path_outside_flow_fair_share(void **state)
{
    (void)state;
    struct pacer p;
    struct path_run pr = {
        .rate = 2.5e6, .delay = 20 * PPP_MS, .seconds = 30, .warmup = 10, .outside = true};
    struct result r = run_on_path(&pr, &p);
    assert_true(r.share >= 0.40 && r.share <= 0.60);
}

/* Once the flow outside has gone, the queue is ours again: whether it
 * falls to the target by itself or the test every 2 s finds that half our
 * rate drains it, the pacer cuts for it as before (stuck taking it as
 * foreign, the queue stood at 41 ms, p90 56).  The test every 2 s is what
 * ends a queue taken as foreign by mistake when the link slows
 * (test_on_path_link_slows fails without it). */
static void test_on_path_outside_flow_gone_queue_is_ours(void **state)
{
    (void)state;
    struct path_run pr = {.rate = 2.5e6,
                          .delay = 20 * PPP_MS,
                          .seconds = 30,
                          .warmup = 20,
                          .outside = true,
                          .outside_ends_s = 15};
    holds(&pr, 0.90);
}

/* The retest, by itself: a queue of 60 ms that holds its height while we
 * send below the link estimate is taken as foreign; two seconds later the
 * pacer halves its rate for two periods, and the queue, as the test reads
 * it, shortens by `share` of what it would were it ours alone.  Is the
 * queue still taken as foreign after the answer? */
static bool still_foreign_after_test(double share)
{
    struct pacer_config c;
    struct pacer p;
    pacer_config_default(&c);
    pacer_config_for_path(&c);
    pacer_init(&p, &c, 1);
    const double ours = 1.25e6; /* delivered per second: half a 20 Mbit/s link */
    const ppp_time base = 40 * PPP_MS, step = 20 * PPP_MS;
    double delivered = 1, queue = 60 * PPP_MS, fall = 0;
    ppp_time test_from = 0;
    for (ppp_time now = PPP_MS; now < 10000 * PPP_MS; now += step) {
        pacer_sent(&p, (size_t)(ours * (double)step / 1e9));
        delivered += ours * (double)step / 1e9;
        if (!test_from && p.drain_until) { /* the test began: how far it should drain */
            ppp_time period = base + c.target;
            test_from = now;
            fall = share * (1 - p.test_rate / (2 * p.link_rate)) * (double)(2 * period);
        }
        if (test_from) /* down over the two periods, then held there */
            queue = 60 * PPP_MS - (ppp_time)(now >= p.drain_until
                                                 ? fall
                                                 : fall * (double)(now - test_from) /
                                                       (double)(p.drain_until - test_from));
        if (test_from && !p.drain_until) /* answered */
            return p.foreign;
        double inflight = 2 * ours * (double)(base + queue) / 1e9; /* the queue holds bytes */
        pacer_on_path(&p, now, base, queue, 0, delivered, inflight);
        if (!test_from)
            assert_true(p.foreign || now < 1000 * PPP_MS); /* taken as foreign in time */
    }
    fail_msg("no test within 10 s");
    return false;
}

/* Beside a flow that takes half the link, half our rate drains half of
 * what it would alone: that queue is not ours.  A queue that drains
 * nearly as it would alone is ours. */
static void test_on_path_foreign_retest_needs_most_of_the_drain(void **state)
{
    (void)state;
    assert_true(still_foreign_after_test(0.5));
    assert_true(still_foreign_after_test(0.65));
    assert_false(still_foreign_after_test(0.9));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shaped_path),
        cmocka_unit_test(test_fast_path),
        cmocka_unit_test(test_slow_path),
        cmocka_unit_test(test_idle_rate_does_not_grow),
        cmocka_unit_test(test_backlog_goes_in_batches),
        cmocka_unit_test(test_lone_packet_waits_one_frame),
        cmocka_unit_test(test_a_cut_empties_the_old_allowance),
        cmocka_unit_test(test_on_path_shaped),
        cmocka_unit_test(test_on_path_starts_unpaced),
        cmocka_unit_test(test_on_path_trickle_keeps_the_rate),
        cmocka_unit_test(test_on_path_first_cut_at_the_link_rate),
        cmocka_unit_test(test_on_path_pauses_keep_the_rate),
        cmocka_unit_test(test_on_path_link_slows),
        cmocka_unit_test(test_on_path_link_speeds_up),
        cmocka_unit_test(test_on_path_delayed_acks_are_no_queue),
        cmocka_unit_test(test_on_path_long_deep),
        cmocka_unit_test(test_on_path_idle_estimate_is_no_link),
        cmocka_unit_test(test_on_path_window_fills_slow_link),
        cmocka_unit_test(test_on_path_trickle_in_full_segments_keeps_the_rate),
        cmocka_unit_test(test_on_path_deep_queue_fills_at_start),
        cmocka_unit_test(test_on_path_starved_ssh),
        cmocka_unit_test(test_on_path_starved_reader_keeps_the_link),
        cmocka_unit_test(test_on_path_pausing_path),
        cmocka_unit_test(test_on_path_outside_flow_fair_share),
        cmocka_unit_test(test_on_path_outside_flow_gone_queue_is_ours),
        cmocka_unit_test(test_on_path_foreign_retest_needs_most_of_the_drain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
