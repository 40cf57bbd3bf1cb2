/*
 * fuzz_fq.c - libFuzzer target for the outbound queue.
 *
 * Input: byte 0 picks the arena size and ECN; then a sequence of
 * operations, each one byte of opcode followed by its arguments:
 * enqueue (length, flow, time step, then the packet bytes, which may be
 * anything, IP or not) or dequeue.  Invariants: the queue's byte and
 * packet counts match a shadow count, memory never exceeds the arena,
 * every packet comes out intact (a tag written in it) and in FIFO order
 * within its flow, and draining at the end returns every packet not
 * counted as dropped.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fq.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define TAG_OFF 40 /* past any IPv4/IPv6 header and ports we build */
#define MAX_LEN (TAG_OFF + 8 + 255 * 16)

static void check(int condition)
{
    if (!condition)
        abort();
}

static uint8_t pkt[MAX_LEN], out[65536];
static uint32_t last_tag[65536];

struct input {
    const uint8_t *p;
    size_t n;
};

static uint8_t next(struct input *in)
{
    if (!in->n)
        return 0;
    in->n--;
    return *in->p++;
}

/* A packet of one of a few flows (IPv4 UDP by source port) or raw bytes. */
static size_t build(struct input *in, uint32_t tag)
{
    size_t len = TAG_OFF + 8 + (size_t)next(in) * 16;
    uint8_t flow = next(in);
    memset(pkt, 0, len);
    if (flow & 0x80) { /* raw: whatever the input says, tag kept */
        for (size_t i = 0; i < TAG_OFF && in->n; i++)
            pkt[i] = next(in);
    } else {
        pkt[0] = 0x45;
        pkt[1] = flow & 3; /* ECN field */
        pkt[9] = 17;
        pkt[12] = 198, pkt[13] = 18, pkt[15] = 1;
        pkt[16] = 198, pkt[17] = 19, pkt[19] = 2;
        pkt[21] = flow & 0x7c;
    }
    memcpy(pkt + TAG_OFF, &tag, 4);
    memcpy(pkt + TAG_OFF + 4, &tag, 4);
    return len;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct input in = {data, size};
    struct fq_config c;
    struct fq *fq;
    uint8_t mode = next(&in);
    fq_config_default(&c);
    c.memory = (mode & 3) == 0 ? 4 * FQ_CHUNK : (16u << 10) << (mode & 3);
    c.ecn = mode & 4;
    c.flows = (mode & 8) ? 1 : 64;
    if (fq_new(&fq, &c) != PPP_OK)
        return 0;
    memset(last_tag, 0, sizeof(last_tag));
    ppp_time now = 0;
    uint32_t tag = 1;
    uint64_t sent = 0, got = 0;
    while (in.n) {
        uint8_t op = next(&in);
        now += (ppp_time)(op >> 4) * 3 * PPP_MS;
        if (op & 1) {
            size_t len = build(&in, tag);
            uint32_t flow = fq_flow_of(fq, pkt, len);
            int r = fq_enqueue(fq, pkt, len, now);
            check(r == PPP_OK || (r == PPP_ERR_TOO_BIG && len > fq_capacity(fq)));
            (void)flow;
            if (r == PPP_OK)
                sent++, tag++;
        } else {
            size_t len = fq_dequeue(fq, now, out, sizeof(out));
            if (len) {
                uint32_t t1, t2;
                check(len >= TAG_OFF + 8);
                memcpy(&t1, out + TAG_OFF, 4);
                memcpy(&t2, out + TAG_OFF + 4, 4);
                check(t1 == t2 && t1 > 0 && t1 < tag);
                uint32_t flow = fq_flow_of(fq, out, len);
                check(t1 > last_tag[flow]); /* FIFO within the flow */
                last_tag[flow] = t1;
                got++;
            }
        }
        const struct fq_stats *s = fq_stats(fq);
        check((size_t)s->chunks_used * FQ_CHUNK <= fq_capacity(fq));
        check(s->bytes <= (size_t)s->chunks_used * FQ_CHUNK);
        check(s->packets <= s->chunks_used);
        check(sent == got + s->packets + s->codel_drops + s->overflow_drops);
    }
    while (fq_dequeue(fq, now, out, sizeof(out)))
        got++;
    const struct fq_stats *s = fq_stats(fq);
    check(s->packets == 0 && s->bytes == 0 && s->chunks_used == 0 && s->active_flows == 0);
    check(sent == got + s->codel_drops + s->overflow_drops);
    fq_del(fq);
    return 0;
}
