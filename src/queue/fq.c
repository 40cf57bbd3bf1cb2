/*
 * fq.c - FQ-CoDel (RFC 8290) over a fixed arena of packet chunks.
 *
 * Memory: one calloc in fq_new() holds the flows, the packet descriptors
 * and the chunks.  A packet is a chain of FQ_CHUNK-byte chunks, so any
 * size up to the arena fits without fragmenting it; free chunks and
 * descriptors are stacks, so a short queue keeps touching the same pages.
 */
#include "fq.h"

#include <stdlib.h>
#include <string.h>

#include "codel.h"
#include "ippkt.h"

#define NONE UINT32_MAX
#define OVERFLOW_BATCH 64 /* most packets one overflow drops (RFC 8290 4.1) */

enum flow_list { LIST_NONE, LIST_NEW, LIST_OLD };

struct fq_packet {
    uint32_t first_chunk;
    uint32_t next; /* next packet of the flow, or next free descriptor */
    uint32_t len;
    ppp_time enqueued;
    struct ppp_offload offload; /* all zero: a plain packet */
};

struct fq_flow {
    uint32_t head, tail; /* packets, NONE when empty */
    uint32_t bytes, packets;
    int32_t deficit;
    uint8_t list;
    uint32_t list_next;
    struct codel codel;
};

struct flow_list_head {
    uint32_t head, tail;
};

struct fq {
    struct fq_config config;
    struct codel_params codel;
    uint32_t n_chunks;
    uint32_t free_chunk, free_chunks; /* stack through chunk_next */
    uint32_t free_packet;             /* stack through packets[].next */
    struct flow_list_head new_flows, old_flows;
    struct fq_stats stats;
    struct fq_flow *flows;
    struct fq_packet *packets;
    uint32_t *chunk_next;
    uint8_t *chunks;
};

void fq_config_default(struct fq_config *c)
{
    memset(c, 0, sizeof(*c));
    c->flows = 1024;
    /* 1 MiB is 8 ms at 1 Gbit/s, well above the 5 ms CoDel aims for, and
     * keeps a saturated tunnel process under issue 5's 4 MB peak RSS. */
    c->memory = 1u << 20;
    c->quantum = 1514;
    c->target = 5 * PPP_MS;
    c->interval = 100 * PPP_MS;
    c->ecn = true;
}

/* CUBIC's (1 - beta) / beta with beta = 0.7, and the target's ceiling as
 * a share of the interval. */
#define LONE_FLOW_QUEUE_NUM 3
#define LONE_FLOW_QUEUE_DEN 7
#define TARGET_MAX_SHARE 5

void fq_set_path_rtt(struct fq *fq, ppp_time base_rtt)
{
    ppp_time floor = fq->config.target, ceiling = fq->config.interval / TARGET_MAX_SHARE;
    ppp_time t = base_rtt / LONE_FLOW_QUEUE_DEN * LONE_FLOW_QUEUE_NUM;
    if (ceiling < floor)
        ceiling = floor;
    fq->codel.target = t < floor ? floor : t > ceiling ? ceiling : t;
}

ppp_time fq_target(const struct fq *fq)
{
    return fq->codel.target;
}

static bool config_valid(const struct fq_config *c)
{
    return c->flows >= 1 && c->flows <= 65536 && c->memory >= 4 * FQ_CHUNK &&
           c->memory <= (256u << 20) && c->quantum >= 64 && c->target > 0 &&
           c->interval >= c->target;
}

int fq_new(struct fq **out, const struct fq_config *config)
{
    *out = NULL;
    if (!config_valid(config))
        return PPP_ERR_INVALID_ARGUMENT;
    uint32_t n_chunks = config->memory / FQ_CHUNK;
    size_t size = sizeof(struct fq) + config->flows * sizeof(struct fq_flow) +
                  n_chunks * (sizeof(struct fq_packet) + sizeof(uint32_t) + FQ_CHUNK);
    uint8_t *mem = calloc(1, size);
    if (!mem)
        return PPP_ERR_NOMEM;
    struct fq *fq = (struct fq *)mem;
    fq->config = *config;
    fq->codel = (struct codel_params){config->target, config->interval, config->quantum};
    fq->n_chunks = n_chunks;
    fq->flows = (struct fq_flow *)(mem + sizeof(struct fq));
    fq->packets = (struct fq_packet *)(fq->flows + config->flows);
    fq->chunk_next = (uint32_t *)(fq->packets + n_chunks);
    fq->chunks = (uint8_t *)(fq->chunk_next + n_chunks);
    for (uint32_t i = 0; i < config->flows; i++)
        fq->flows[i].head = fq->flows[i].tail = NONE;
    /* Every packet needs a chunk: as many descriptors as chunks. */
    for (uint32_t i = 0; i < n_chunks; i++) {
        fq->chunk_next[i] = i + 1 < n_chunks ? i + 1 : NONE;
        fq->packets[i].next = i + 1 < n_chunks ? i + 1 : NONE;
    }
    fq->free_chunk = 0;
    fq->free_chunks = n_chunks;
    fq->free_packet = 0;
    fq->new_flows = fq->old_flows = (struct flow_list_head){NONE, NONE};
    *out = fq;
    return PPP_OK;
}

void fq_del(struct fq *fq)
{
    free(fq);
}

bool fq_empty(const struct fq *fq)
{
    return fq->stats.packets == 0;
}

size_t fq_capacity(const struct fq *fq)
{
    return (size_t)fq->n_chunks * FQ_CHUNK;
}

const struct fq_stats *fq_stats(const struct fq *fq)
{
    return &fq->stats;
}

uint32_t fq_flow_of(const struct fq *fq, const uint8_t *pkt, size_t len)
{
    uint64_t h = ippkt_flow_hash(pkt, len, fq->config.seed);
    return (uint32_t)(((h >> 32) * fq->config.flows) >> 32);
}

uint32_t fq_flow_bytes(const struct fq *fq, uint32_t flow)
{
    return flow < fq->config.flows ? fq->flows[flow].bytes : 0;
}

/* ---- arena ---- */

static uint32_t chunks_for(size_t len)
{
    return (uint32_t)((len + FQ_CHUNK - 1) / FQ_CHUNK);
}

static uint8_t *chunk(struct fq *fq, uint32_t i)
{
    return fq->chunks + (size_t)i * FQ_CHUNK;
}

/* Caller checked that enough chunks are free. */
static uint32_t store(struct fq *fq, const uint8_t *pkt, size_t len)
{
    uint32_t first = fq->free_chunk, c = first, prev = NONE;
    for (size_t off = 0; off < len; off += FQ_CHUNK) {
        size_t n = len - off < FQ_CHUNK ? len - off : FQ_CHUNK;
        memcpy(chunk(fq, c), pkt + off, n);
        prev = c;
        c = fq->chunk_next[c];
    }
    fq->chunk_next[prev] = NONE;
    fq->free_chunk = c;
    fq->free_chunks -= chunks_for(len);
    fq->stats.chunks_used += chunks_for(len);
    return first;
}

static void load(struct fq *fq, const struct fq_packet *p, uint8_t *out)
{
    uint32_t c = p->first_chunk;
    for (size_t off = 0; off < p->len; off += FQ_CHUNK) {
        size_t n = p->len - off < FQ_CHUNK ? p->len - off : FQ_CHUNK;
        memcpy(out + off, chunk(fq, c), n);
        c = fq->chunk_next[c];
    }
}

static void release(struct fq *fq, uint32_t pi)
{
    struct fq_packet *p = &fq->packets[pi];
    uint32_t c = p->first_chunk, n = chunks_for(p->len);
    for (uint32_t i = 0; i < n; i++) {
        uint32_t next = fq->chunk_next[c];
        fq->chunk_next[c] = fq->free_chunk;
        fq->free_chunk = c;
        c = next;
    }
    fq->free_chunks += n;
    fq->stats.chunks_used -= n;
    p->next = fq->free_packet;
    fq->free_packet = pi;
}

/* ---- flows ---- */

static void list_push(struct fq *fq, struct flow_list_head *l, uint32_t fi, uint8_t which)
{
    struct fq_flow *f = &fq->flows[fi];
    f->list = which;
    f->list_next = NONE;
    if (l->tail == NONE)
        l->head = fi;
    else
        fq->flows[l->tail].list_next = fi;
    l->tail = fi;
}

static uint32_t list_pop(struct fq *fq, struct flow_list_head *l)
{
    uint32_t fi = l->head;
    l->head = fq->flows[fi].list_next;
    if (l->head == NONE)
        l->tail = NONE;
    fq->flows[fi].list = LIST_NONE;
    return fi;
}

/* Unlinks the head packet of a non-empty flow; the caller releases it. */
static uint32_t flow_take_head(struct fq *fq, struct fq_flow *f)
{
    uint32_t pi = f->head;
    struct fq_packet *p = &fq->packets[pi];
    f->head = p->next;
    if (f->head == NONE)
        f->tail = NONE;
    f->bytes -= p->len;
    f->packets--;
    fq->stats.bytes -= p->len;
    fq->stats.packets--;
    if (f->packets == 0)
        fq->stats.active_flows--;
    return pi;
}

static uint32_t fattest_flow(const struct fq *fq)
{
    uint32_t best = 0;
    for (uint32_t i = 1; i < fq->config.flows; i++)
        if (fq->flows[i].bytes > fq->flows[best].bytes)
            best = i;
    return best;
}

/* RFC 8290 section 4.1: when the queue is full, drop from the head of the
 * flow with the largest backlog, the one most likely causing it; half of
 * its backlog at once (at most a batch) so a flood does not rescan all
 * flows for every packet. */
static void drop_from_fattest(struct fq *fq)
{
    struct fq_flow *f = &fq->flows[fattest_flow(fq)];
    uint32_t goal = f->bytes / 2, dropped = 0;
    for (int i = 0; i < OVERFLOW_BATCH && f->packets; i++) {
        uint32_t pi = flow_take_head(fq, f);
        dropped += fq->packets[pi].len;
        release(fq, pi);
        fq->stats.overflow_drops++;
        if (dropped >= goal)
            break;
    }
}

int fq_enqueue(struct fq *fq, const uint8_t *pkt, size_t len, ppp_time now)
{
    return fq_enqueue_offloaded(fq, NULL, pkt, len, now);
}

int fq_enqueue_offloaded(struct fq *fq, const struct ppp_offload *off, const uint8_t *pkt,
                         size_t len, ppp_time now)
{
    if (len == 0)
        return PPP_ERR_BAD_PACKET;
    uint32_t need = len > fq_capacity(fq) ? NONE : chunks_for(len);
    if (need == NONE) {
        fq->stats.rejected++;
        return PPP_ERR_TOO_BIG;
    }
    while (fq->free_chunks < need)
        drop_from_fattest(fq);

    uint32_t fi = fq_flow_of(fq, pkt, len);
    struct fq_flow *f = &fq->flows[fi];
    uint32_t pi = fq->free_packet;
    struct fq_packet *p = &fq->packets[pi];
    fq->free_packet = p->next;
    p->first_chunk = store(fq, pkt, len);
    p->len = (uint32_t)len;
    p->enqueued = now;
    p->offload = off ? *off : (struct ppp_offload){0};
    p->next = NONE;
    if (f->tail == NONE)
        f->head = pi;
    else
        fq->packets[f->tail].next = pi;
    f->tail = pi;
    if (f->packets++ == 0)
        fq->stats.active_flows++;
    f->bytes += (uint32_t)len;
    fq->stats.bytes += (uint32_t)len;
    fq->stats.packets++;
    fq->stats.enqueued++;
    /* RFC 8290 section 4.1: a flow not on a list is new (sparse): it is
     * served ahead of the old ones, with a fresh quantum. */
    if (f->list == LIST_NONE) {
        f->deficit = (int32_t)fq->config.quantum;
        list_push(fq, &fq->new_flows, fi, LIST_NEW);
        fq->stats.new_flows++;
    }
    return PPP_OK;
}

/* CoDel at the head of one flow (RFC 8290 section 4.2): returns the
 * packet to send, or NONE once the flow is empty. */
static uint32_t flow_dequeue(struct fq *fq, struct fq_flow *f, ppp_time now)
{
    while (f->packets) {
        uint32_t pi = flow_take_head(fq, f);
        struct fq_packet *p = &fq->packets[pi];
        ppp_time sojourn = now > p->enqueued ? now - p->enqueued : 0;
        if (sojourn > fq->stats.max_sojourn)
            fq->stats.max_sojourn = sojourn;
        if (codel_judge(&f->codel, &fq->codel, now, sojourn, f->bytes) == CODEL_SEND)
            return pi;
        uint8_t *hdr = chunk(fq, p->first_chunk);
        size_t hdr_len = p->len < FQ_CHUNK ? p->len : FQ_CHUNK;
        if (fq->config.ecn && ippkt_set_ce(hdr, hdr_len)) {
            fq->stats.ecn_marks++;
            return pi;
        }
        fq->stats.codel_drops++;
        release(fq, pi);
    }
    codel_queue_empty(&f->codel);
    return NONE;
}

size_t fq_dequeue(struct fq *fq, ppp_time now, uint8_t *out, size_t cap)
{
    return fq_dequeue_offloaded(fq, now, NULL, out, cap);
}

size_t fq_dequeue_offloaded(struct fq *fq, ppp_time now, struct ppp_offload *off, uint8_t *out,
                            size_t cap)
{
    /* Each pass sends, or takes a flow off a list, or moves one with a
     * refilled deficit to the old list: bounded by the flows and packets. */
    for (;;) {
        struct flow_list_head *l = &fq->new_flows;
        if (l->head == NONE)
            l = &fq->old_flows;
        if (l->head == NONE)
            return 0;
        uint32_t fi = l->head;
        struct fq_flow *f = &fq->flows[fi];
        if (f->deficit <= 0) {
            f->deficit += (int32_t)fq->config.quantum;
            list_push(fq, &fq->old_flows, list_pop(fq, l), LIST_OLD);
            continue;
        }
        uint32_t pi = flow_dequeue(fq, f, now);
        if (pi == NONE) {
            /* An emptied new flow goes to the old list once more, so a
             * flow cannot stay "new" by emptying itself (section 4.2). */
            bool was_new = l == &fq->new_flows;
            list_pop(fq, l);
            if (was_new && fq->old_flows.head != NONE)
                list_push(fq, &fq->old_flows, fi, LIST_OLD);
            continue;
        }
        struct fq_packet *p = &fq->packets[pi];
        size_t len = p->len;
        f->deficit -= (int32_t)len;
        fq->stats.dequeued++;
        if (len > cap) { /* the caller cannot take it: do not wedge the queue */
            fq->stats.rejected++;
            release(fq, pi);
            continue;
        }
        load(fq, p, out);
        if (off)
            *off = p->offload;
        release(fq, pi);
        return len;
    }
}
