/*
 * ncp_harness.h - a recording struct fsm_parent for the IPCP and IPV6CP
 * tests: keeps every packet sent, counts layer events, keeps the last log
 * line, draws "random" numbers from a fixed xorshift sequence, and can join
 * two automatons back to back; and drives one NCP directly (judge
 * a request, build ours, take an Ack, feed it packets).
 */
#ifndef NCP_HARNESS_H
#define NCP_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fsm.h"

#define HARNESS_MAX_PACKETS 64
#define HARNESS_PACKET_CAP 128

struct harness {
    struct ppp_fsm *fsm;  /* the automaton this owner serves */
    struct harness *peer; /* back to back: where sent packets go */
    uint8_t sent[HARNESS_MAX_PACKETS][HARNESS_PACKET_CAP];
    size_t sent_len[HARNESS_MAX_PACKETS];
    size_t nsent;     /* total sent */
    size_t delivered; /* of those, handed to the peer */
    int ups, downs, starts, finishes;
    uint32_t rng;
    char log[256];
    enum ppp_log_level log_level;
    int nlogs;
};

static inline void harness_send(void *owner, struct ppp_fsm *fsm, const uint8_t *pkt, size_t len)
{
    struct harness *h = owner;
    size_t slot = h->nsent % HARNESS_MAX_PACKETS;

    (void)fsm;
    if (len > HARNESS_PACKET_CAP)
        len = HARNESS_PACKET_CAP;
    memcpy(h->sent[slot], pkt, len);
    h->sent_len[slot] = len;
    h->nsent++;
}

static inline void harness_up(void *owner, struct ppp_fsm *fsm)
{
    (void)fsm;
    ((struct harness *)owner)->ups++;
}

static inline void harness_down(void *owner, struct ppp_fsm *fsm)
{
    (void)fsm;
    ((struct harness *)owner)->downs++;
}

static inline void harness_started(void *owner, struct ppp_fsm *fsm)
{
    (void)fsm;
    ((struct harness *)owner)->starts++;
}

static inline void harness_finished(void *owner, struct ppp_fsm *fsm)
{
    (void)fsm;
    ((struct harness *)owner)->finishes++;
}

static inline uint32_t harness_random(void *owner)
{
    struct harness *h = owner;

    h->rng ^= h->rng << 13;
    h->rng ^= h->rng >> 17;
    h->rng ^= h->rng << 5;
    return h->rng;
}

__attribute__((format(printf, 3, 4))) static inline void
harness_log(void *owner, enum ppp_log_level level, const char *fmt, ...)
{
    struct harness *h = owner;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(h->log, sizeof(h->log), fmt, ap);
    va_end(ap);
    h->log_level = level;
    h->nlogs++;
}

static inline struct fsm_parent harness_parent(struct harness *h, uint32_t seed)
{
    memset(h, 0, sizeof(*h));
    h->rng = seed ? seed : 1;
    return (struct fsm_parent){
        .owner = h,
        .send = harness_send,
        .layer_up = harness_up,
        .layer_down = harness_down,
        .layer_started = harness_started,
        .layer_finished = harness_finished,
        .random = harness_random,
        .log = harness_log,
    };
}

/* The last packet sent, Code first. */
static inline const uint8_t *harness_last(const struct harness *h, size_t *len)
{
    size_t slot = (h->nsent - 1) % HARNESS_MAX_PACKETS;

    *len = h->sent_len[slot];
    return h->sent[slot];
}

/* How many packets with this Code were sent (of the last 64). */
static inline int harness_count(const struct harness *h, uint8_t code)
{
    int n = 0;
    size_t kept = h->nsent < HARNESS_MAX_PACKETS ? h->nsent : HARNESS_MAX_PACKETS;

    for (size_t i = 0; i < kept; i++)
        n += h->sent_len[i] > 0 && h->sent[i][0] == code;
    return n;
}

/* Deliver everything both sides have sent until both are quiet; returns
 * the number of packets delivered.  Bounded: a negotiation that loops
 * stops after `max` packets. */
static inline int harness_pump(struct harness *a, struct harness *b, ppp_time now, int max)
{
    int moved = 0;
    bool busy = true;

    while (busy && moved < max) {
        busy = false;
        struct harness *sides[2] = {a, b};
        for (int i = 0; i < 2; i++) {
            struct harness *from = sides[i];
            if (from->delivered < from->nsent) {
                size_t slot = from->delivered % HARNESS_MAX_PACKETS;
                from->delivered++;
                fsm_input(from->peer->fsm, now, from->sent[slot], from->sent_len[slot]);
                moved++;
                busy = true;
            }
        }
    }
    return moved;
}

/* ---- driving one NCP directly (the test includes <cmocka.h> first) ---- */

/* The reply judge_request built: its Code and options. */
struct verdict {
    int code;
    uint8_t out[64];
    size_t len;
};

static inline struct verdict judge_rn(struct harness *h, const uint8_t *opts, size_t len,
                                      bool reject_naks)
{
    struct verdict v;

    v.code =
        h->fsm->ops->judge_request(h->fsm, opts, len, v.out, sizeof(v.out), &v.len, reject_naks);
    return v;
}

/* The verdict on the peer's request, before Max-Failure. */
static inline struct verdict judge(struct harness *h, const uint8_t *opts, size_t len)
{
    return judge_rn(h, opts, len, false);
}

/* Our request's options into buf (64 bytes); their length. */
static inline size_t request(struct harness *h, uint8_t *buf)
{
    return h->fsm->ops->build_request(h->fsm, buf, 64);
}

/* Our request is Acked as sent; This-Layer-Up runs. */
static inline void ack_and_up(struct harness *h)
{
    uint8_t req[64];
    size_t len = request(h, req);

    assert_true(h->fsm->ops->ack(h->fsm, req, len));
    h->fsm->ops->up(h->fsm);
}

/* A packet from the peer (Code, Identifier, options) into the automaton,
 * at time 0. */
static inline void feed(struct harness *h, uint8_t code, uint8_t id, const uint8_t *opts,
                        size_t len)
{
    uint8_t pkt[64];

    pkt[0] = code;
    pkt[1] = id;
    pkt[2] = 0; /* Length: never above 64 here */
    pkt[3] = (uint8_t)(4 + len);
    memcpy(pkt + 4, opts, len);
    fsm_input(h->fsm, 0, pkt, 4 + len);
}

/* The Configure-Request we sent last, Code first; fails the test if we
 * sent none. */
static inline const uint8_t *our_last_request(const struct harness *h)
{
    for (size_t n = h->nsent; n > 0; n--) {
        const uint8_t *pkt = h->sent[(n - 1) % HARNESS_MAX_PACKETS];
        if (pkt[0] == FSM_CONF_REQ)
            return pkt;
    }
    fail();
    return NULL;
}

#endif
