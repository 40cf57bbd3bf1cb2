/*
 * pacer.h - how fast to hand packets to the stream so that the queue
 * below us (ssh's buffers, its TCP socket, the path) stays short.
 *
 * The delay of that queue is measured in band: an LCP Echo-Request (sent
 * by the caller when pacer_probe_due() says so) travels behind the data
 * already handed over, and its reply's RTT minus the smallest RTT seen
 * recently is the standing queue.  A token bucket paces at a rate that a
 * delay-based controller (LEDBAT's idea, RFC 6817, applied to a rate)
 * raises while that queue is below target and lowers while above, once
 * per RTT.  The backlog that the rate holds back waits in our own fair
 * queue (fq.h), where CoDel keeps it short.
 *
 * Sans I/O: time is passed in; rates are bytes per second.
 */
#ifndef PPPSSH_PACER_H
#define PPPSSH_PACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp.h"

struct pacer_config {
    ppp_time target;                         /* standing delay below us to aim at (5 ms) */
    ppp_time probe_interval;                 /* least time between probes (20 ms) */
    ppp_time probe_timeout;                  /* a reply this late is given up on (1 s) */
    ppp_time min_rtt_window;                 /* how long the base RTT is remembered (10 s) */
    double initial_rate, min_rate, max_rate; /* bytes/s */
    double gain_up, gain_down;               /* rate change per sample at full off-target */
};

void pacer_config_default(struct pacer_config *config);
/* For pacer_on_path(): start unpaced.  The flows inside are in slow start
 * then, and a rate that has to find the link first would make CoDel cut
 * them down to a few packets, to crawl back over seconds; the path's own
 * TCP shows a queue within a round trip, and pacing begins at what it
 * delivered. */
void pacer_config_for_path(struct pacer_config *config);

struct pacer {
    struct pacer_config config;
    double rate;         /* bytes/s */
    double tokens;       /* bytes that may go now; negative: wait */
    bool in_batch;       /* sending a batch: until the tokens run out */
    ppp_time refilled;   /* when tokens were last brought up to date */
    ppp_time probe_sent; /* outstanding probe, 0 if none */
    ppp_time last_probe;
    ppp_time min_rtt, min_rtt_cur, min_rtt_cur_start, min_rtt_prev;
    ppp_time drain_until;           /* half rate until then */
    ppp_time last_cut;              /* last rate decrease */
    ppp_time last_rtt, queue_delay; /* last sample, and its queueing part */
    uint64_t bytes_total;           /* handed over, ever */
    uint64_t probe_bytes;           /* bytes_total when the probe left */
    ppp_time prev_sent, prev_queue; /* the previous probe's send time and queue */
    uint64_t prev_bytes;
    double link_rate;        /* bottleneck estimate, 0 = none yet */
    double prev_delivered;   /* pacer_on_path(): delivered at prev_sent */
    double unsent_max;       /* pacer_on_path(): the most unsent since the last decision */
    ppp_time path_queue_max; /* pacer_on_path(): the longest path queue since the last decision */
    ppp_time path_queue_min; /* pacer_on_path(): the shortest standing queue since then */
    /* pacer_on_path(): a standing queue our cuts did not shorten (pacer.c's
     * whose_queue_is_foreign()) */
    ppp_time standing_since, standing_from, next_test;
    double standing_drained; /* ns of queue our rate below the link's should have drained */
    double test_rate;        /* the rate when the drain test began */
    bool foreign;
    bool link_measured; /* pacer_on_path(): link_rate came from a busy interval */
    double prev_link;   /* pacer_on_path(): the previous delivery sample */
    uint64_t samples, decreases;
};

void pacer_init(struct pacer *p, const struct pacer_config *config, ppp_time now);

/* May a packet be handed over now?  (It may overdraw the bucket once.)
 * A backlog goes in batches of a couple of milliseconds' worth: ssh then
 * reads, encrypts and frames several packets at once, where one at a time
 * would cost it a header, a MAC and a wake-up each. */
bool pacer_can_send(struct pacer *p, ppp_time now);
void pacer_sent(struct pacer *p, size_t bytes);
/* When pacer_can_send() turns true (now if it is). */
ppp_time pacer_next_send(const struct pacer *p, ppp_time now);

/* Should a probe go out now?  backlogged: data is waiting for the rate. */
bool pacer_probe_due(const struct pacer *p, ppp_time now, bool backlogged);
void pacer_probe_sent(struct pacer *p, ppp_time now);
/* When a probe will next be due, if the backlog lasts. */
ppp_time pacer_next_probe(const struct pacer *p);

/* A probe's (or any timestamped echo's) round trip time. */
void pacer_on_rtt(struct pacer *p, ppp_time rtt, ppp_time now);

/* The other signal, when the caller can read the outer TCP connection's
 * own state (TCP_INFO) instead of probing: its base RTT, the queueing
 * delay on its path (RTT above the base), the bytes it holds unsent, and
 * the bytes it has delivered in all, the last two in the pacer's own
 * units (the caller scales the connection's bytes by its overhead).
 * Only the queue in the connection is counted, not the time bytes wait
 * for a busy ssh or CPU, so a CPU-bound path is not throttled while a
 * bottleneck queue is kept near the target.  An interval in which we
 * sent less than the rate allowed and the connection held nothing back
 * changes nothing (its RTT may be long for reasons a lower rate would not
 * cure).  Call it when pacer_probe_due() says so: the sample is the probe
 * (no pacer_probe_sent()).  inflight: the bytes it has sent and not yet
 * had acknowledged, in the pacer's units too (see pacer_on_path). */
void pacer_on_path(struct pacer *p, ppp_time now, ppp_time base_rtt, ppp_time path_queue,
                   double unsent, double delivered, double inflight);

#endif
