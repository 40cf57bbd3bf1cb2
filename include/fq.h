/*
 * fq.h - the outbound packet queue: per-flow fair queuing with CoDel on
 * every flow, after FQ-CoDel (RFC 8290, CoDel itself RFC 8289).
 *
 * Packets from the TUN interface are copied in (fq_enqueue) and copied out
 * in the order the scheduler picks (fq_dequeue).  Flows are hashed on the
 * 5-tuple into a fixed number of queues served by deficit round robin,
 * sparse flows (a ping, a DNS query, a TCP handshake) ahead of the bulk.
 * CoDel drops or ECN-marks at the head of a queue whose packets keep
 * waiting longer than the target.
 *
 * Sans I/O like the engine: time is passed in, nothing is allocated after
 * fq_new(), and the packets live in a preallocated arena of fixed-size
 * chunks, so the memory is bounded whatever arrives.
 */
#ifndef PPPSSH_FQ_H
#define PPPSSH_FQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp.h"

#define FQ_CHUNK 256 /* arena chunk size: a 1500-byte packet takes 6 */

struct fq_config {
    uint32_t flows;    /* number of flow queues (1024) */
    uint32_t memory;   /* bytes of packet arena (1 MiB) */
    uint32_t quantum;  /* DRR quantum in bytes, about one MTU (1514) */
    ppp_time target;   /* CoDel target (5 ms) */
    ppp_time interval; /* CoDel interval (100 ms) */
    bool ecn;          /* mark ECN-capable packets instead of dropping */
    uint64_t seed;     /* perturbs the flow hash */
};

void fq_config_default(struct fq_config *config);

struct fq_stats {
    uint64_t enqueued, dequeued; /* packets */
    uint64_t codel_drops;        /* dropped at the head by CoDel */
    uint64_t overflow_drops;     /* dropped from the fattest flow: arena full */
    uint64_t ecn_marks;          /* CE set instead of a drop */
    uint64_t rejected;           /* larger than the whole arena */
    uint64_t new_flows;          /* times a flow entered the new-flows list */
    uint32_t packets;            /* queued now */
    uint32_t bytes;              /* queued now (packet bytes) */
    uint32_t chunks_used;        /* arena chunks in use now */
    uint32_t active_flows;       /* flows with packets now */
    ppp_time max_sojourn;        /* longest wait seen at a dequeue */
};

struct fq;

/* Returns PPP_OK, PPP_ERR_INVALID_ARGUMENT or PPP_ERR_NOMEM. */
int fq_new(struct fq **fq, const struct fq_config *config);
void fq_del(struct fq *fq);

/* Copy one packet in.  Returns PPP_OK (maybe after dropping packets of the
 * fattest flow to make room) or PPP_ERR_TOO_BIG (never fits the arena). */
int fq_enqueue(struct fq *fq, const uint8_t *pkt, size_t len, ppp_time now);
/* The same, keeping the packet's offload metadata (NULL: none) with it.
 * A packet of up to 64 KiB of TCP segments is one packet to the queue:
 * it is hashed, charged to its flow's deficit and judged by CoDel whole. */
int fq_enqueue_offloaded(struct fq *fq, const struct ppp_offload *off, const uint8_t *pkt,
                         size_t len, ppp_time now);

/* Copy the next packet to send into out (cap must hold the largest packet
 * ever enqueued, e.g. 65535) and return its length; 0 when empty.  CoDel
 * may drop packets on the way. */
size_t fq_dequeue(struct fq *fq, ppp_time now, uint8_t *out, size_t cap);
/* The same, with the packet's offload metadata (all zero if it had none)
 * in *off unless off is NULL. */
size_t fq_dequeue_offloaded(struct fq *fq, ppp_time now, struct ppp_offload *off, uint8_t *out,
                            size_t cap);

/* Tell the queue the base RTT of the path below (0: unknown); CoDel's
 * target follows it.  The fair queue is the bottleneck queue of the
 * flows inside, and a flow alone must keep the link busy across its own
 * backoffs: a CUBIC sender cuts its window to beta = 0.7 of what it was
 * (RFC 9438 section 4.6), so the link stays busy only if the queue it had
 * standing was at least (1 - beta) / beta of the base RTT.  The configured
 * target (5 ms, RFC 8289) covers paths up to about 12 ms; above, the
 * target grows with the RTT, up to a fifth of the interval (20 ms), within
 * which CoDel must see the queue drain.  Other flows do not wait behind
 * it: new flows go first. */
void fq_set_path_rtt(struct fq *fq, ppp_time base_rtt);
/* The CoDel target in force. */
ppp_time fq_target(const struct fq *fq);

bool fq_empty(const struct fq *fq);
/* Arena bytes the queue may use in all (the bound on its memory). */
size_t fq_capacity(const struct fq *fq);
const struct fq_stats *fq_stats(const struct fq *fq);

/* The queue a packet is hashed to, and that queue's backlog in bytes (for
 * tests and the status output). */
uint32_t fq_flow_of(const struct fq *fq, const uint8_t *pkt, size_t len);
uint32_t fq_flow_bytes(const struct fq *fq, uint32_t flow);

#endif
