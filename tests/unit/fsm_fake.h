/*
 * fsm_fake.h - a scriptable protocol (struct fsm_ops) and a recording owner
 * (struct fsm_parent) for the automaton tests.  Two fakes can be joined back
 * to back: packets queue up and fake_pump() delivers them, so no callback
 * ever re-enters the automaton that is sending.
 */
#ifndef PPPSSH_FSM_FAKE_H
#define PPPSSH_FSM_FAKE_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fsm.h"
#include "wire.h"

#define FAKE_MAX_SENT 64
#define FAKE_KEEP 96 /* bytes of each sent packet kept for inspection */

struct fake_packet {
    uint8_t code, id;
    size_t len; /* whole packet, header included */
    uint8_t bytes[FAKE_KEEP];
};

struct fake {
    struct ppp_fsm fsm;
    struct fsm_ops ops;
    struct fsm_parent parent;
    struct fake *peer; /* back to back: where fake_pump() delivers */
    bool drop;         /* lose everything we send */

    struct fake_packet sent[FAKE_MAX_SENT];
    size_t nsent, delivered;

    int layer_ups, layer_downs, layer_starts, layer_finishes;
    int ops_ups, ops_downs, resets, builds, judges, acks, naks, rejects;
    int judge_result;      /* what judge_request answers (before reject_naks) */
    bool last_reject_naks; /* the reject_naks argument of the last judge */
    size_t last_judged_len;
    bool reply_ok;    /* what ack/nak/reject answer */
    bool extended_ok; /* what extended answers */
    int extended_calls;
    uint8_t fatal_code; /* code_reject_fatal: true only for this code */
    uint32_t random_value;
    char last_log[160];
    char transitions[32][160]; /* "Req-Sent -> Ack-Rcvd on RCA" lines, newest last */
    size_t ntransitions;
};

static inline struct fake *fake_of(struct ppp_fsm *fsm)
{
    return container_of(fsm, struct fake, fsm);
}

static const uint8_t fake_request_opts[] = {1, 4, 0x05, 0xdc};

static inline void fake_reset(struct ppp_fsm *fsm)
{
    fake_of(fsm)->resets++;
}

static inline size_t fake_build(struct ppp_fsm *fsm, uint8_t *buf, size_t cap)
{
    fake_of(fsm)->builds++;
    memcpy(buf, fake_request_opts, sizeof(fake_request_opts));
    return sizeof(fake_request_opts);
}

static inline int fake_judge(struct ppp_fsm *fsm, const uint8_t *opts, size_t len, uint8_t *out,
                             size_t cap, size_t *out_len, bool reject_naks)
{
    struct fake *f = fake_of(fsm);
    int result = f->judge_result;

    f->judges++;
    f->last_reject_naks = reject_naks;
    f->last_judged_len = len;
    if (result == FSM_CONF_NAK && reject_naks)
        result = FSM_CONF_REJ;
    memcpy(out, opts, len);
    *out_len = len;
    return result;
}

static inline bool fake_ack(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    fake_of(fsm)->acks++;
    return fake_of(fsm)->reply_ok;
}

static inline bool fake_nak(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    fake_of(fsm)->naks++;
    return fake_of(fsm)->reply_ok;
}

static inline bool fake_reject(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    fake_of(fsm)->rejects++;
    return fake_of(fsm)->reply_ok;
}

static inline void fake_ops_up(struct ppp_fsm *fsm)
{
    fake_of(fsm)->ops_ups++;
}

static inline void fake_ops_down(struct ppp_fsm *fsm)
{
    fake_of(fsm)->ops_downs++;
}

static inline bool fake_extended(struct ppp_fsm *fsm, ppp_time now, uint8_t code, uint8_t id,
                                 const uint8_t *data, size_t len)
{
    fake_of(fsm)->extended_calls++;
    return fake_of(fsm)->extended_ok;
}

static inline bool fake_code_reject_fatal(struct ppp_fsm *fsm, uint8_t code)
{
    return code == fake_of(fsm)->fatal_code;
}

static inline void fake_send(void *owner, struct ppp_fsm *fsm, const uint8_t *pkt, size_t len)
{
    struct fake *f = owner;
    struct fake_packet *p;

    if (f->nsent == FAKE_MAX_SENT)
        return;
    p = &f->sent[f->nsent++];
    p->code = pkt[0];
    p->id = pkt[1];
    p->len = len;
    memcpy(p->bytes, pkt, len < FAKE_KEEP ? len : FAKE_KEEP);
}

static inline void fake_layer_up(void *owner, struct ppp_fsm *fsm)
{
    ((struct fake *)owner)->layer_ups++;
}

static inline void fake_layer_down(void *owner, struct ppp_fsm *fsm)
{
    ((struct fake *)owner)->layer_downs++;
}

static inline void fake_layer_started(void *owner, struct ppp_fsm *fsm)
{
    ((struct fake *)owner)->layer_starts++;
}

static inline void fake_layer_finished(void *owner, struct ppp_fsm *fsm)
{
    ((struct fake *)owner)->layer_finishes++;
}

static inline uint32_t fake_random(void *owner)
{
    return ((struct fake *)owner)->random_value;
}

static inline void __attribute__((format(printf, 3, 4)))
fake_log(void *owner, enum ppp_log_level level, const char *fmt, ...)
{
    struct fake *f = owner;
    const char *arrow;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(f->last_log, sizeof(f->last_log), fmt, ap);
    va_end(ap);
    arrow = strstr(f->last_log, " -> ");
    if (arrow && f->ntransitions < ARRAY_SIZE(f->transitions))
        snprintf(f->transitions[f->ntransitions++], sizeof(f->transitions[0]), "%s", f->last_log);
}

static const struct fsm_config fake_default_config = {
    .restart = 3000 * PPP_MS,
    .max_configure = 10,
    .max_terminate = 3,
    .max_failure = 5,
};

static inline void fake_init(struct fake *f, const struct fsm_config *config)
{
    memset(f, 0, sizeof(*f));
    f->ops = (struct fsm_ops){
        .name = "LCP",
        .protocol = 0xc021,
        .reset = fake_reset,
        .build_request = fake_build,
        .judge_request = fake_judge,
        .ack = fake_ack,
        .nak = fake_nak,
        .reject = fake_reject,
        .up = fake_ops_up,
        .down = fake_ops_down,
        .extended = fake_extended,
        .code_reject_fatal = fake_code_reject_fatal,
    };
    f->parent = (struct fsm_parent){
        .owner = f,
        .send = fake_send,
        .layer_up = fake_layer_up,
        .layer_down = fake_layer_down,
        .layer_started = fake_layer_started,
        .layer_finished = fake_layer_finished,
        .random = fake_random,
        .log = fake_log,
    };
    f->judge_result = FSM_CONF_ACK;
    f->reply_ok = true;
    f->fatal_code = FSM_CONF_REQ;
    f->random_value = 0x1234;
    fsm_init(&f->fsm, &f->ops, &f->parent, config ? config : &fake_default_config);
}

static inline const struct fake_packet *fake_last(const struct fake *f)
{
    return f->nsent ? &f->sent[f->nsent - 1] : NULL;
}

static inline size_t fake_count(const struct fake *f, uint8_t code)
{
    size_t n = 0;

    for (size_t i = 0; i < f->nsent; i++)
        n += f->sent[i].code == code;
    return n;
}

/* Deliver queued packets both ways until neither side has anything left;
 * bounded so a ping-pong bug fails the test instead of hanging it. */
static inline int fake_pump(struct fake *a, struct fake *b, ppp_time now)
{
    for (int round = 0; round < 100; round++) {
        bool moved = false;
        struct fake *sides[2] = {a, b};

        for (int s = 0; s < 2; s++) {
            struct fake *from = sides[s], *to = sides[1 - s];

            while (from->delivered < from->nsent) {
                const struct fake_packet *p = &from->sent[from->delivered++];

                moved = true;
                if (!from->drop && p->len <= FAKE_KEEP)
                    fsm_input(&to->fsm, now, p->bytes, p->len);
            }
        }
        if (!moved)
            return round;
    }
    return -1;
}

#endif
