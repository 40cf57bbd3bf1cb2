/* pacer.c - token bucket at a rate steered by the in-band queue delay */
#include "pacer.h"

#include <string.h>

#define BURST_TIME (2 * PPP_MS) /* the bucket holds this much of the rate */
#define MIN_BURST 16384.0       /* but at least a few frames */
#define BATCH_TIME (2 * PPP_MS) /* a backlog leaves in batches of this much */
#define MIN_BATCH 1500.0        /* one full-size frame: no wait beyond the rate's own */
#define MAX_BATCH 65536.0       /* beyond, batching gains ssh nothing */
/* The caller's clock reads for sending and for the reply differ a little
 * from the engine's: a reply whose send time is this close is our probe. */
#define PROBE_MATCH PPP_MS
/* Sending below this share of the rate, we were not what the rate held
 * back; unsent bytes in the connection beyond this, it was the limit. */
#define APP_LIMITED_SHARE 0.8
#define APP_LIMITED_UNSENT 2048.0
/* A queue the bytes in flight show, this long, is ours even when we sent
 * below the rate: no delayed-ACK timer makes it (see pacer_on_path). */
#define OWN_QUEUE_AT_LEAST (50 * PPP_MS)
#define OWN_QUEUE_MARGIN 4.0
#define PATH_QUEUE_NONE UINT64_MAX /* path_queue_min before a sample */

void pacer_config_default(struct pacer_config *c)
{
    memset(c, 0, sizeof(*c));
    c->target = 5 * PPP_MS;
    c->probe_interval = 20 * PPP_MS;
    c->probe_timeout = 1000 * PPP_MS;
    c->min_rtt_window = 10000 * PPP_MS;
    c->initial_rate = 125e3; /* 1 Mbit/s, doubling per RTT until the link shows */
    c->min_rate = 32e3;
    c->max_rate = 50e9;
    c->gain_up = 0.25;
    c->gain_down = 0.25;
}

void pacer_config_for_path(struct pacer_config *c)
{
    c->initial_rate = c->max_rate;
}

void pacer_init(struct pacer *p, const struct pacer_config *config, ppp_time now)
{
    memset(p, 0, sizeof(*p));
    p->config = *config;
    p->rate = config->initial_rate;
    p->refilled = now;
    p->path_queue_min = PATH_QUEUE_NONE;
}

static double burst(const struct pacer *p)
{
    double b = p->rate * (double)BURST_TIME / 1e9;
    return b > MIN_BURST ? b : MIN_BURST;
}

/* Half the rate while draining the queue to see the base RTT again. */
static double current_rate(const struct pacer *p, ppp_time now)
{
    return now < p->drain_until ? p->rate / 2 : p->rate;
}

static void refill(struct pacer *p, ppp_time now)
{
    if (now <= p->refilled)
        return;
    p->tokens += current_rate(p, now) * (double)(now - p->refilled) / 1e9;
    if (p->tokens > burst(p))
        p->tokens = burst(p);
    p->refilled = now;
}

static void clamp_rate(struct pacer *p)
{
    if (p->rate < p->config.min_rate)
        p->rate = p->config.min_rate;
    if (p->rate > p->config.max_rate)
        p->rate = p->config.max_rate;
    /* A cut applies now, not once the bucket of the old rate is spent. */
    if (p->tokens > burst(p))
        p->tokens = burst(p);
}

/* A probe still out is a sample too: its RTT is at least its age.  Once
 * that shows the queue above target, cut the rate without waiting for the
 * reply (which a queue of seconds would delay by seconds), at most once
 * per base RTT, as a reply would. */
static void late_probe(struct pacer *p, ppp_time now)
{
    const struct pacer_config *c = &p->config;
    if (!p->probe_sent || p->samples == 0)
        return;
    ppp_time age = now - p->probe_sent;
    ppp_time period = p->min_rtt + c->target;
    if (age < period + 4 * c->target || now - p->last_cut < period)
        return;
    ppp_time queue = age - p->min_rtt;
    double off = ((double)c->target - (double)queue) / (double)c->target;
    p->rate *= 1 + c->gain_down * (off < -1 ? -1 : off);
    p->last_cut = now;
    p->decreases++;
    clamp_rate(p);
}

/* What the bucket must hold before a batch starts. */
static double batch(const struct pacer *p, ppp_time now)
{
    double b = current_rate(p, now) * (double)BATCH_TIME / 1e9;
    b = b < MIN_BATCH ? MIN_BATCH : b > MAX_BATCH ? MAX_BATCH : b;
    return b < burst(p) ? b : burst(p);
}

bool pacer_can_send(struct pacer *p, ppp_time now)
{
    late_probe(p, now);
    refill(p, now);
    if (p->tokens <= 0) {
        p->in_batch = false;
        return false;
    }
    if (!p->in_batch && p->tokens < batch(p, now))
        return false;
    p->in_batch = true;
    return true;
}

void pacer_sent(struct pacer *p, size_t bytes)
{
    p->tokens -= (double)bytes;
    p->bytes_total += bytes;
}

ppp_time pacer_next_send(const struct pacer *p, ppp_time now)
{
    double tokens = p->tokens, rate = current_rate(p, now);
    if (now > p->refilled)
        tokens += rate * (double)(now - p->refilled) / 1e9;
    double want = p->in_batch ? 0 : batch(p, now);
    if (tokens > 0 && tokens >= want)
        return now;
    return now + (ppp_time)((want - tokens) / rate * 1e9) + 1;
}

ppp_time pacer_next_probe(const struct pacer *p)
{
    if (p->samples == 0 && !p->probe_sent)
        return 0; /* the first as soon as there is data: learn the base RTT */
    ppp_time next = p->last_probe + p->config.probe_interval;
    /* One probe in flight: its reply is the once-per-RTT sample. */
    if (p->probe_sent && p->probe_sent + p->config.probe_timeout > next)
        next = p->probe_sent + p->config.probe_timeout;
    return next;
}

bool pacer_probe_due(const struct pacer *p, ppp_time now, bool backlogged)
{
    return backlogged && now >= pacer_next_probe(p);
}

void pacer_probe_sent(struct pacer *p, ppp_time now)
{
    p->probe_sent = now;
    p->probe_bytes = p->bytes_total;
    p->last_probe = now;
}

/* The base RTT is the smallest over the last window, kept as the minima
 * of two half windows so an old minimum (a path that got longer) ages out.
 * A queue we keep standing would hide the base RTT from the new half
 * window: each one starts by sending at half the rate for two RTTs, which
 * drains the queue (BBR's ProbeRTT idea) at the cost of ~1% of the rate. */
static void update_min_rtt(struct pacer *p, ppp_time rtt, ppp_time now)
{
    if (p->samples == 0 || now - p->min_rtt_cur_start > p->config.min_rtt_window / 2) {
        p->min_rtt_prev = p->samples ? p->min_rtt_cur : rtt;
        p->min_rtt_cur = rtt;
        p->min_rtt_cur_start = now;
        if (p->samples)
            p->drain_until = now + 2 * (p->min_rtt + p->config.target);
    } else if (rtt < p->min_rtt_cur) {
        p->min_rtt_cur = rtt;
    }
    p->min_rtt = p->min_rtt_cur < p->min_rtt_prev ? p->min_rtt_cur : p->min_rtt_prev;
}

/* While the queue below us never ran empty between two probes, the link
 * drained at its own rate C: the bytes handed over between the probes'
 * send times went out, plus the growth of the queue, so
 *     C * (T + d2 - d1) = S.
 * Returns 0 when the samples cannot tell. */
static double bottleneck_rate(const struct pacer *p, ppp_time sent, ppp_time queue, uint64_t bytes)
{
    ppp_time floor = p->config.target / 4; /* below this the queue may have emptied */
    if (!p->prev_sent || p->prev_queue < floor || queue < floor || sent <= p->prev_sent)
        return 0;
    double interval = (double)(sent - p->prev_sent) + (double)queue - (double)p->prev_queue;
    if (interval <= 0)
        return 0;
    return (double)(bytes - p->prev_bytes) / interval * 1e9;
}

void pacer_on_rtt(struct pacer *p, ppp_time rtt, ppp_time now)
{
    const struct pacer_config *c = &p->config;
    update_min_rtt(p, rtt, now);
    p->samples++;
    p->last_rtt = rtt;
    p->queue_delay = rtt - p->min_rtt;

    /* Only our own probe tells when it was sent and what went before it;
     * a keepalive echo's RTT only feeds the base RTT. */
    ppp_time sent = now - rtt;
    if (!p->probe_sent || sent < p->probe_sent || sent - p->probe_sent > PROBE_MATCH)
        return;
    if (now < p->drain_until + p->min_rtt) { /* samples of the drain say nothing of the rate */
        p->probe_sent = 0;
        p->prev_sent = 0;
        return;
    }
    sent = p->probe_sent;
    p->probe_sent = 0;
    ppp_time queue = p->queue_delay;
    uint64_t bytes = p->probe_bytes;
    double link = bottleneck_rate(p, sent, queue, bytes);
    double elapsed = (double)(sent - p->prev_sent) / 1e9;
    double sending = p->prev_sent && elapsed > 0 ? (double)(bytes - p->prev_bytes) / elapsed : 0;
    p->prev_sent = sent;
    p->prev_queue = queue;
    p->prev_bytes = bytes;

    if (link > 0) {
        /* Send at the link's rate, corrected to bring the queue to target
         * over a few round trips: the correction is seen an RTT late, and
         * a faster one oscillates (found with the model in test_pacer.c). */
        p->link_rate = p->link_rate ? 0.5 * p->link_rate + 0.5 * link : link;
        double horizon = 4.0 * (double)(p->min_rtt + c->target);
        double k = 1 + ((double)c->target - (double)queue) / horizon;
        p->rate = p->link_rate * (k < 0.5 ? 0.5 : k > 1.25 ? 1.25 : k);
        if (queue > c->target) {
            p->last_cut = now;
            p->decreases++;
        }
    } else if (queue <= c->target) {
        /* The queue is (nearly) empty: the link can take more, if the
         * rate is in use at all (an idle tunnel must not claim a rate the
         * path never showed). */
        if (sending >= p->rate / 2)
            p->rate *= p->link_rate ? 1 + c->gain_up : 2; /* slow start */
    } else if (now - p->last_cut >= p->min_rtt) {
        /* Above target without an estimate yet (the first samples). */
        double off = ((double)c->target - (double)queue) / (double)c->target;
        p->rate *= 1 + c->gain_down * (off < -1 ? -1 : off);
        p->last_cut = now;
        p->decreases++;
    }
    clamp_rate(p);
}

/* Before the first cut the pacer has held nothing back: the flows inside
 * are still in slow start. */
static bool in_startup(const struct pacer *p)
{
    return p->decreases == 0;
}

/* How much slow start can have grown a rate in `elapsed`: a doubling per
 * base RTT (2^n taken as linear between whole doublings, a little over). */
#define UNBOUNDED_GROWTH 1e9

static double slow_start_growth(ppp_time elapsed, ppp_time base_rtt)
{
    ppp_time doublings = base_rtt ? elapsed / base_rtt : 0;
    if (base_rtt == 0 || doublings > 30)
        return UNBOUNDED_GROWTH; /* no RTT known, or long enough to be anything */
    double whole = (double)((uint64_t)1 << doublings);
    return whole * (1 + (double)(elapsed % base_rtt) / (double)base_rtt);
}

/* The link's rate, smoothed over samples of what a busy bottleneck
 * delivered.  One sample is noisy by an ACK's worth of bytes (a
 * receiver's stretch ACK acknowledges up to 64 KB at once), so each
 * counts a quarter; and one lower sample may say that the flows inside
 * paused for a moment, so none lowers the estimate by more than a
 * quarter.  In startup, though, each sample is larger than the last: a
 * larger one is taken whole (as BBR's Startup keeps the largest), up to
 * what slow start could have grown the estimate to since, so that one
 * sample swollen by a stretch ACK or a repaired loss cannot double it.
 * Smoothed, the estimate lagged at a third of the link when the first
 * queue showed, and the cut to it held the flows to a crawl for half a
 * second while CoDel dropped them out of slow start. */
static void note_link_rate(struct pacer *p, double rate, double growth)
{
    if (p->link_rate <= 0) {
        p->link_rate = rate;
        return;
    }
    if (in_startup(p) && rate > p->link_rate) {
        double most = p->link_rate * growth;
        p->link_rate = rate < most ? rate : most;
        return;
    }
    double next = 0.75 * p->link_rate + 0.25 * rate;
    p->link_rate = next < 0.75 * p->link_rate ? 0.75 * p->link_rate : next;
}

/* Once per base RTT plus target (what a rate change takes to show in the
 * smoothed RTT).  What the connection delivered since the last decision
 * is a sample of the link's rate, unless we had less to send (our queue
 * ran dry while the one below stayed short: BBR's application-limited
 * samples).  Send at the link's rate, corrected to bring the queue to
 * target over a few round trips; below target that is up to a quarter
 * above it, so delivery can show a faster link.  (The kernel's own
 * per-ACK tcpi_delivery_rate overshoots a token bucket's bursts by half:
 * an average over the interval does not.) */
/* The queue on the path, as the RTT above its base says, unless the bytes
 * in flight say it is shorter.  A queue at the bottleneck holds bytes: the
 * connection then has more in flight than the path's bandwidth-delay
 * product, link rate times base RTT (BBR's model of the path: Cardwell et
 * al., "BBR: Congestion-Based Congestion Control", ACM Queue 14(5), 2016;
 * draft-ietf-ccwg-bbr).  A smoothed RTT is also long for reasons that hold
 * no bytes back: a receiver that delays its ACKs, or acknowledges a burst
 * only once the application read it (the far sshd on a busy CPU); each
 * such ACK turns into an RTT sample a delayed-ACK timer long, up to 40 ms
 * on Linux, which a lower rate does not shorten.  Taken as a queue, it cut
 * the rate, the smaller rate delivered less, the estimate followed it
 * down, and one flow ended at a few percent of the link. */
static ppp_time path_standing_queue(const struct pacer *p, ppp_time base_rtt, ppp_time path_queue,
                                    double inflight)
{
    if (p->link_rate <= 0)
        return path_queue;
    double beyond = inflight / p->link_rate * 1e9 - (double)base_rtt;
    if (beyond >= (double)path_queue)
        return path_queue;
    return beyond > 0 ? (ppp_time)beyond : 0;
}

/* One reading of the path: the queue we act on (what stands at the
 * bottleneck, plus what waits unsent in the connection at the link's
 * rate), kept for the decision at the end of the period. */
static ppp_time note_path_sample(struct pacer *p, ppp_time now, ppp_time base_rtt,
                                 ppp_time path_queue, double unsent, ppp_time standing)
{
    ppp_time queue = standing;
    if (queue > p->path_queue_max)
        p->path_queue_max = queue;
    /* A queue taken as foreign holds others' bytes, which ours in flight
     * do not account for; and the test of it halves ours, which would
     * show the queue fall to a few ms whoever holds it (the mode then
     * ended at nearly every test on the bench).  Its RTT tells. */
    ppp_time lowest = p->foreign ? path_queue : standing;
    if (lowest < p->path_queue_min)
        p->path_queue_min = lowest;
    if (p->link_rate > 0) {
        double wait = unsent / p->link_rate * 1e9;
        queue += (ppp_time)(wait < 10e9 ? wait : 10e9); /* bounded before the cast */
    }
    p->samples++;
    p->last_probe = now;
    p->probe_sent = 0;
    p->min_rtt = base_rtt;
    p->queue_delay = queue;
    p->last_rtt = base_rtt + path_queue;
    if (unsent > p->unsent_max)
        p->unsent_max = unsent;
    return queue;
}

/* What one period carried: how long it was, what we handed over and
 * what the connection delivered, per second. */
struct path_interval {
    ppp_time length;
    double sending, link;
};

static struct path_interval close_interval(struct pacer *p, ppp_time now, double delivered)
{
    struct path_interval iv = {.length = p->prev_sent ? now - p->prev_sent : 0};
    double elapsed = (double)iv.length / 1e9;
    iv.sending = elapsed > 0 ? (double)(p->bytes_total - p->prev_bytes) / elapsed : 0;
    /* Nothing delivered when the interval began: the first round trip
     * is in it, which says nothing of the rate. */
    iv.link = elapsed > 0 && p->prev_delivered > 0 ? (delivered - p->prev_delivered) / elapsed : 0;
    p->prev_sent = now;
    p->prev_bytes = p->bytes_total;
    p->prev_delivered = delivered;
    return iv;
}

/* Application-limited: we had less to send than the rate allowed,
 * and the connection never held bytes back either.  Its RTT may still
 * be long, but for another reason (the peer's delayed ACKs, ACKs
 * coming back through the other direction's queue): cutting our rate
 * would not shorten it. */
static bool app_limited(const struct pacer *p, const struct path_interval *iv, ppp_time standing,
                        double inflight, ppp_time round_trip)
{
    if (iv->sending >= APP_LIMITED_SHARE * p->rate || p->unsent_max >= APP_LIMITED_UNSENT)
        return false;
    /* Unless the bytes in flight show a queue at the bottleneck longer
     * than any delayed-ACK timer: then the link was busy through the
     * interval (what it delivered is its rate) and the queue is ours,
     * though our rate held nothing back.  That is the unpaced start: the
     * flows inside fill the bottleneck with their own slow-start windows,
     * which ssh passes on at once; as application-limited, the pacer
     * never cut, and at 5 Mbit/s the 100-packet queue stood at 240 ms
     * until the first loss (issue 15's r5 point).  BBR likewise ends its
     * Startup on a full pipe, whatever limited the sender
     * (draft-ietf-ccwg-bbr section 4.3.1.2).  A shorter queue may be the
     * peer's delayed ACKs (Linux: 40 ms).  And the bytes in flight must
     * be bytes: TCP_INFO counts a trickle's small segments as full ones,
     * so a trickle of ACKs whose own ACKs come back through the other
     * direction's full queue shows ten times what it sent in a round trip
     * in flight (Little's law: a queue of our bytes holds at most what we
     * sent in a round trip; a smoothed RTT lags a growing queue, hence
     * the margin). */
    double seconds = (double)round_trip / 1e9;
    return !(p->link_rate > 0 && standing > p->config.target && standing > OWN_QUEUE_AT_LEAST &&
             inflight <= OWN_QUEUE_MARGIN * iv->sending * seconds);
}

static void estimate_link(struct pacer *p, const struct path_interval *iv, ppp_time base_rtt,
                          bool limited)
{
    if (iv->link <= 0 || (iv->link <= p->link_rate && limited))
        return;
    /* An estimate from idle traffic (pings, the ACKs of a transfer
     * the other way) is no link's rate: until an interval was busy,
     * no cut goes to it, and a sample may raise it to what we handed
     * over in its interval, not only by slow start's doubling. */
    double growth = slow_start_growth(iv->length, base_rtt);
    if (!p->link_measured && p->link_rate > 0 && iv->sending > p->link_rate * growth)
        growth = iv->sending / p->link_rate; /* up to what we handed over */
    note_link_rate(p, iv->link, growth);
    if (!limited)
        p->link_measured = true;
}

static void steer_rate(struct pacer *p, ppp_time now, ppp_time queue, ppp_time period,
                       const struct path_interval *iv, bool limited, bool filling)
{
    const struct pacer_config *c = &p->config;
    double k = 1 + ((double)c->target - (double)queue) / (4.0 * (double)period);
    if (limited)
        return; /* the rate stays where the last busy spell left it */
    if (queue > c->target && p->link_measured && !filling) {
        p->rate = p->link_rate * (k < 0.5 ? 0.5 : k);
        p->last_cut = now;
        p->decreases++;
        return;
    }
    /* The queue below is short and ours held packets back: the rate
     * is what limits.  Back to the link's rate at once; beyond it,
     * once the queue has stayed short for two periods since the last
     * cut (which empties it on purpose), probe a little above what
     * got through, as the link may have got faster; else creep up
     * toward target. */
    bool settled = now - p->last_cut >= 2 * period;
    double base = iv->link > 0 ? iv->link : iv->sending;
    double want = base * (settled && queue < c->target / 2 ? 1 + c->gain_up / 2 : k);
    if (want < p->link_rate * (k < 1 ? k : 1))
        want = p->link_rate * (k < 1 ? k : 1);
    if (base <= 0)
        p->rate *= 2; /* slow start */
    else if (want > p->rate)
        p->rate = want;
}

/* Whose is the queue standing on the path?  Ours shortens when we cut:
 * below the link's rate it drains.  A flow outside the tunnel through the
 * same bottleneck (a download beside the tunnel, another user's) keeps
 * it full whatever we send; cutting for it hands that flow the link, the
 * smaller rate delivers less, the link estimate follows, and the tunnel
 * ends with a few percent of the link (2% in test_pacer.c's model, 20-23%
 * on the bench's point c).  Delay-based senders meet this everywhere: Copa
 * (Arun and Balakrishnan, NSDI 2018, section 2.2) leaves its delay
 * target while the queue has not nearly emptied for five RTTs, and
 * competes as a loss-based flow would.  Here: a queue standing above
 * twice the target that our rate, below the link's, should have drained
 * by FOREIGN_DRAINED and did not shorten by the target is someone
 * else's.  The rate then leaves the path's queue to the outer TCP
 * connection, which competes for its share as the flow beside it does,
 * and goes by the bytes waiting unsent in that connection alone.  Every
 * FOREIGN_RETEST it sends at half the rate for two periods: a queue that
 * shortens by three quarters of what it would if it were ours alone was
 * ours after all (the other flow ended, and the outer connection filled
 * the queue itself).  Once the queue is short again, whatever held it
 * has gone. */
#define FOREIGN_DRAINED(target) (4 * (target))
#define FOREIGN_AFTER 3 /* periods: a cut shows a round trip late */
#define FOREIGN_RETEST (2000 * PPP_MS)
/* What the test must drain, as a share of what it would drain were the
 * queue ours alone: that share is how much of what arrives at the queue
 * was ours.  Beside a flow that takes half the link it is a half, so a
 * threshold of a half was a coin's toss: in test_pacer.c's model (when
 * its tunnel never ran dry) 2 of 9 tests took the queue for ours while
 * the flow outside ran, and each such mistake costs the link estimate
 * about a quarter (the bench's point c).
 * A queue that is ours alone drains 90% and more. */
#define FOREIGN_OURS_SHARE 0.75

/* Not foreign yet: has the queue held its height (within a target)
 * through FOREIGN_AFTER periods in which our rate, below the link's,
 * should have drained FOREIGN_DRAINED of it? */
static void watch_standing_queue(struct pacer *p, ppp_time now, ppp_time lowest, ppp_time period,
                                 ppp_time elapsed)
{
    ppp_time target = p->config.target;
    if (lowest <= 2 * target) { /* near target: where our own cuts hold it */
        p->standing_since = 0;
        return;
    }
    bool moved = lowest > p->standing_from + target || lowest + target <= p->standing_from;
    if (!p->standing_since || moved) { /* from this height on */
        p->standing_since = now;
        p->standing_from = lowest;
        p->standing_drained = 0;
        return;
    }
    if (p->link_rate > 0 && p->rate < p->link_rate)
        p->standing_drained += (1 - p->rate / p->link_rate) * (double)elapsed;
    if (now - p->standing_since >= FOREIGN_AFTER * period &&
        p->standing_drained >= (double)FOREIGN_DRAINED(target)) {
        p->foreign = true;
        p->next_test = now + FOREIGN_RETEST;
    }
}

/* The test's answer: once the smoothed RTT shows the last of the half
 * rate, a round trip (the queue's included) after it ended.  Read a
 * period after the test, a 117 ms queue was still falling in
 * test_pacer.c's model. */
static ppp_time test_answered_at(const struct pacer *p, ppp_time period)
{
    return p->drain_until + period + p->standing_from;
}

/* Foreign: every FOREIGN_RETEST, two periods at half the rate
 * (current_rate()), then the answer.  Alone, half our rate drains the
 * queue at the link's rate less that half; beside another flow, by our
 * share of that only (FOREIGN_OURS_SHARE). */
static void retest_foreign_queue(struct pacer *p, ppp_time now, ppp_time lowest, ppp_time period)
{
    if (!p->drain_until && now >= p->next_test) {
        p->standing_from = lowest;
        p->test_rate = p->rate < p->link_rate ? p->rate : p->link_rate;
        p->drain_until = now + 2 * period;
    } else if (p->drain_until && now >= test_answered_at(p, period)) {
        double alone = (1 - p->test_rate / (2 * p->link_rate)) * (double)(2 * period);
        if ((double)p->standing_from - (double)lowest >= alone * FOREIGN_OURS_SHARE) {
            p->foreign = false;
            p->standing_since = 0;
        }
        p->drain_until = 0;
        p->next_test = now + FOREIGN_RETEST;
    }
}

static bool whose_queue_is_foreign(struct pacer *p, ppp_time now, ppp_time lowest, ppp_time period,
                                   ppp_time elapsed)
{
    if (lowest <= p->config.target) { /* short again: whoever held it has gone */
        p->foreign = false;
        p->standing_since = 0;
        p->drain_until = 0;
    } else if (!p->foreign) {
        watch_standing_queue(p, now, lowest, period, elapsed);
    } else {
        retest_foreign_queue(p, now, lowest, period);
    }
    return p->foreign;
}

void pacer_on_path(struct pacer *p, ppp_time now, ppp_time base_rtt, ppp_time path_queue,
                   double unsent, double delivered, double inflight)
{
    const struct pacer_config *c = &p->config;
    ppp_time standing = path_standing_queue(p, base_rtt, path_queue, inflight);
    ppp_time queue = note_path_sample(p, now, base_rtt, path_queue, unsent, standing);
    ppp_time period = base_rtt + c->target;
    if (p->prev_sent && now - p->prev_sent < period)
        return;
    if (whose_queue_is_foreign(p, now, p->path_queue_min, period,
                               p->prev_sent ? now - p->prev_sent : 0))
        queue -= standing; /* the unsent bytes' wait alone */
    p->path_queue_min = PATH_QUEUE_NONE;
    bool testing = p->drain_until && now < test_answered_at(p, period);
    struct path_interval iv = close_interval(p, now, delivered);
    bool limited = app_limited(p, &iv, standing, inflight, base_rtt + path_queue);
    /* (A sample taken while the path stood empty was tried as a lower
     * bound that cannot lower the estimate.  After a loss the rate then
     * stays at the link's while the connection's window takes a third of
     * it, and the rest waits in ssh's buffers, not in our queue.  On the
     * 0.5% loss point of issue 15's matrix, one flow's pings had a p90 of
     * 635 and 863 ms with it, 145 and 789 ms without, throughput as
     * noisy: no gain shown, so it stays out until what waits below us is
     * bounded.) */
    /* In startup, bytes waiting unsent while what the connection delivers
     * still grows by a quarter a round are its own slow start, not a
     * queue: the pipe is full once delivery stops growing (BBR's
     * full-pipe test, draft-ietf-ccwg-bbr section 4.3.1.2), or once the
     * path itself shows a queue. */
    bool filling = in_startup(p) && iv.link > 1.25 * p->prev_link && p->path_queue_max <= c->target;
    p->prev_link = iv.link;
    p->unsent_max = 0;
    p->path_queue_max = 0;
    if (testing)
        return; /* half the rate on purpose: says nothing of the link */
    estimate_link(p, &iv, base_rtt, limited);
    steer_rate(p, now, queue, period, &iv, limited, filling);
    clamp_rate(p);
}
