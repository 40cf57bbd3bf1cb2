/*
 * engine_harness.h - drive whole PPP engines with no OS: a deterministic
 * clock, bounded in-memory byte queues between two engines (optionally
 * cutting the stream into random chunks and corrupting frames), event
 * recording, and helpers to read an engine's output as frames or to feed
 * it hand-built frames.  Header-only; each test program includes it once.
 */
#ifndef ENGINE_HARNESS_H
#define ENGINE_HARNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hdlc.h"
#include "link.h"
#include "protocols.h"

/* ---- a deterministic generator for the tests' own choices ---- */

static inline uint64_t h_rand(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static inline uint32_t h_below(uint64_t *s, uint32_t n)
{
    return (uint32_t)(h_rand(s) % n);
}

/* ---- what one engine told us ---- */

#define H_MAX_EVENTS 512

struct h_end {
    struct ppp_link *link;
    struct ppp_settings settings;
    const char *name;
    struct ppp_event events[H_MAX_EVENTS];
    size_t nevents;
    struct ppp_event lcp, ipcp, ipv6cp; /* the latest *_UP */
    bool lcp_up, ipcp_up, ipv6cp_up;
    enum ppp_phase phase;
    enum ppp_cause dead_cause;
    bool dead; /* reached Dead (after having left it) */
    ppp_time dead_at;
    ppp_time *clock;
    unsigned echo_rtts;
    unsigned ipcp_failures; /* PPP_EV_IPCP_FAILED */
    char ipcp_failure[128]; /* its latest reason */
    /* received IP packets go here (may be NULL) */
    void (*on_ip)(struct h_end *end, int family, const uint8_t *pkt, size_t len);
    /* the last packet's offload metadata, as on_ip sees it */
    bool offloaded;
    struct ppp_offload last_offload;
    void *ctx;
    /* every log line goes here too (may be NULL) */
    void (*on_log)(struct h_end *end, const char *line);
};

static inline void h_event(void *user, const struct ppp_event *ev)
{
    struct h_end *e = user;

    if (e->nevents < H_MAX_EVENTS)
        e->events[e->nevents++] = *ev;
    switch (ev->type) {
    case PPP_EV_PHASE:
        e->phase = ev->u.phase.phase;
        if (ev->u.phase.phase == PPP_PHASE_DEAD) {
            e->dead = true;
            e->dead_cause = ev->u.phase.cause;
            e->dead_at = *e->clock;
        }
        break;
    case PPP_EV_LCP_UP:
        e->lcp = *ev;
        e->lcp_up = true;
        break;
    case PPP_EV_LCP_DOWN:
        e->lcp_up = false;
        break;
    case PPP_EV_IPCP_UP:
        e->ipcp = *ev;
        e->ipcp_up = true;
        break;
    case PPP_EV_IPCP_DOWN:
        e->ipcp_up = false;
        break;
    case PPP_EV_IPV6CP_UP:
        e->ipv6cp = *ev;
        e->ipv6cp_up = true;
        break;
    case PPP_EV_IPV6CP_DOWN:
        e->ipv6cp_up = false;
        break;
    case PPP_EV_ECHO_RTT:
        e->echo_rtts++;
        break;
    case PPP_EV_IPCP_FAILED:
        e->ipcp_failures++;
        snprintf(e->ipcp_failure, sizeof(e->ipcp_failure), "%s", ev->u.failure.reason);
        break;
    }
}

static inline void h_ip(void *user, int family, const struct ppp_offload *off, const uint8_t *pkt,
                        size_t len)
{
    struct h_end *e = user;

    e->offloaded = off != NULL;
    e->last_offload = off ? *off : (struct ppp_offload){0};
    if (e->on_ip)
        e->on_ip(e, family, pkt, len);
}

static inline void h_log(void *user, enum ppp_log_level level, const char *line)
{
    struct h_end *e = user;

    if (e->on_log)
        e->on_log(e, line);
    if (getenv("H_VERBOSE"))
        fprintf(stderr, "%s %llu.%06llu %s\n", e->name,
                (unsigned long long)(*e->clock / 1000000000),
                (unsigned long long)(*e->clock / 1000 % 1000000), line);
}

static inline int h_end_new(struct h_end *e, const char *name, const struct ppp_settings *s,
                            ppp_time *clock)
{
    static const struct ppp_callbacks cb = {.event = h_event, .ip_packet = h_ip, .log = h_log};

    memset(e, 0, sizeof(*e));
    e->name = name;
    e->settings = *s;
    e->clock = clock;
    return ppp_link_new(&e->link, s, &cb, e);
}

static inline size_t h_count_events(const struct h_end *e, enum ppp_event_type type)
{
    size_t n = 0;

    for (size_t i = 0; i < e->nevents; i++)
        n += e->events[i].type == type;
    return n;
}

/* ---- a one-way byte queue, as a pipe or socket would be ---- */

#define H_WIRE_CAP (64 * 1024)

struct h_wire {
    uint8_t buf[H_WIRE_CAP];
    size_t head, len;
    /* corruption: per mille of frames that get one bit flipped */
    unsigned corrupt_per_mille;
    int corrupt_countdown; /* >0: flip the byte this many bytes into the frame */
    uint64_t corrupted;
    bool cut; /* false: the peer is unplugged, bytes vanish */
};

static inline void h_wire_put(struct h_wire *w, const uint8_t *data, size_t n, uint64_t *seed)
{
    for (size_t i = 0; i < n; i++) {
        uint8_t b = data[i];

        if (b == HDLC_FLAG) {
            if (w->corrupt_per_mille && h_below(seed, 1000) < w->corrupt_per_mille)
                w->corrupt_countdown = 1 + (int)h_below(seed, 48);
        } else if (w->corrupt_countdown > 0 && --w->corrupt_countdown == 0) {
            b ^= (uint8_t)(1u << h_below(seed, 8));
            w->corrupted++;
        }
        w->buf[(w->head + w->len) % H_WIRE_CAP] = b;
        w->len++;
    }
}

/* ---- two engines joined by two wires ---- */

struct h_pair {
    ppp_time now;
    uint64_t seed;
    struct h_end a, b;
    struct h_wire ab, ba;
    size_t max_chunk; /* delivery chunk sizes 1..max_chunk */
    size_t max_write; /* a writer takes at most this much per call (0: all) */
    size_t budget;    /* bytes each direction may carry per step (0: the wire's room) */
};

static inline void h_pair_init(struct h_pair *p, uint64_t seed)
{
    memset(p, 0, sizeof(*p));
    p->seed = seed;
    p->now = 1000 * PPP_MS; /* not zero: zero times hide bugs */
    p->max_chunk = 4096;
}

/* Move what the engine has written into the wire, as much as fits. */
static inline void h_transmit(struct h_pair *p, struct h_end *from, struct h_wire *w)
{
    size_t budget = p->budget ? p->budget : H_WIRE_CAP;

    for (int guard = 0; guard < 64 && budget > 0; guard++) {
        const uint8_t *data;
        size_t n = ppp_link_tx_data(from->link, &data);
        size_t room = H_WIRE_CAP - w->len;

        if (room > budget)
            room = budget;
        if (n == 0 || room == 0)
            return;
        if (n > room)
            n = room;
        if (p->max_write && n > 1) {
            size_t cap = 1 + h_below(&p->seed, (uint32_t)p->max_write);
            if (n > cap)
                n = cap;
        }
        if (w->cut)
            ; /* unplugged: bytes leave the engine and are lost */
        else
            h_wire_put(w, data, n, &p->seed);
        ppp_link_tx_consume(from->link, n);
        budget -= n;
    }
}

/* Hand the wire's bytes to the engine in random chunk sizes. */
static inline void h_deliver(struct h_pair *p, struct h_wire *w, struct h_end *to)
{
    uint8_t chunk[4096];

    while (w->len > 0) {
        size_t n = 1 + h_below(&p->seed, (uint32_t)(p->max_chunk < sizeof(chunk) ? p->max_chunk
                                                                                 : sizeof(chunk)));
        if (n > w->len)
            n = w->len;
        for (size_t i = 0; i < n; i++)
            chunk[i] = w->buf[(w->head + i) % H_WIRE_CAP];
        w->head = (w->head + n) % H_WIRE_CAP;
        w->len -= n;
        ppp_link_input(to->link, chunk, n, p->now);
    }
}

static inline void h_timers(struct h_pair *p, struct h_end *e)
{
    if (ppp_link_expiry(e->link) <= p->now)
        ppp_link_handle_expiry(e->link, p->now);
}

/* One round: both directions flow, timers run, then time moves on by dt. */
static inline void h_step(struct h_pair *p, ppp_time dt)
{
    h_transmit(p, &p->a, &p->ab);
    h_transmit(p, &p->b, &p->ba);
    h_deliver(p, &p->ab, &p->b);
    h_deliver(p, &p->ba, &p->a);
    h_timers(p, &p->a);
    h_timers(p, &p->b);
    p->now += dt;
}

static inline bool h_all_up(const struct h_end *e)
{
    return e->lcp_up && (!e->settings.ipv4 || e->ipcp_up) && (!e->settings.ipv6 || e->ipv6cp_up);
}

/* Run until both ends have every enabled protocol up; false on timeout. */
static inline bool h_run_until_up(struct h_pair *p, ppp_time limit)
{
    ppp_time end = p->now + limit;

    while (p->now < end) {
        h_step(p, PPP_MS);
        if (h_all_up(&p->a) && h_all_up(&p->b))
            return true;
    }
    return false;
}

static inline void h_run_for(struct h_pair *p, ppp_time span, ppp_time dt)
{
    ppp_time end = p->now + span;

    while (p->now < end)
        h_step(p, dt);
}

/* ---- reading one engine's output as packets ---- */

struct h_frame {
    uint16_t protocol;
    uint8_t info[2048];
    size_t len;
    bool has_address; /* ff 03 present */
};

#define H_MAX_FRAMES 64

struct h_reader {
    struct hdlc_decoder dec;
    uint8_t buf[70000];
};

static inline void h_reader_init(struct h_reader *r, bool fcs32)
{
    hdlc_decoder_init(&r->dec, r->buf, sizeof(r->buf));
    r->dec.fcs32 = fcs32;
}

/* Drain everything the engine has to send and decode it into frames. */
static inline size_t h_drain(struct ppp_link *link, struct h_reader *r, struct h_frame *out,
                             size_t max)
{
    size_t count = 0;
    const uint8_t *data;
    size_t n;

    while ((n = ppp_link_tx_data(link, &data)) > 0) {
        size_t off = 0;

        while (off < n) {
            const uint8_t *frame;
            size_t flen;
            const uint8_t *info;
            size_t ilen;

            off += hdlc_decode(&r->dec, data + off, n - off, &frame, &flen);
            if (!frame || count >= max)
                continue;
            if (!ppp_frame_parse(frame, flen, &out[count].protocol, &info, &ilen))
                continue;
            if (ilen > sizeof(out[count].info))
                ilen = sizeof(out[count].info);
            memcpy(out[count].info, info, ilen);
            out[count].len = ilen;
            out[count].has_address = flen >= 2 && frame[0] == 0xff && frame[1] == 0x03;
            count++;
        }
        ppp_link_tx_consume(link, n);
    }
    return count;
}

/* Feed one packet to the engine as an HDLC-encoded frame on the stream. */
static inline void h_feed(struct ppp_link *link, uint16_t protocol, const uint8_t *info, size_t len,
                          const struct hdlc_tx *tx, ppp_time now)
{
    static const struct hdlc_tx plain = {.accm = 0xffffffff};
    uint8_t buf[8192];
    size_t n = hdlc_encode(buf, sizeof(buf), tx ? tx : &plain, protocol, info, len, true);

    ppp_link_input(link, buf, n, now);
}

#endif
