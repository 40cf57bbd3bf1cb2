/*
 * script_peer.h - a hand-scripted PPP peer for one engine: read what the
 * engine sent as packets, answer with hand-built ones.  For negotiation
 * scenarios no second engine would produce (a peer that Naks, Rejects,
 * insists on CHAP, omits header fields...).
 */
#ifndef SCRIPT_PEER_H
#define SCRIPT_PEER_H

#include "engine_harness.h"
#include "fsm.h"
#include "wire.h"

struct script {
    ppp_time now;
    struct h_end us;
    struct h_reader rd;
    struct h_frame f[H_MAX_FRAMES];
    size_t n;
};

static inline void sc_new(struct script *sc, const struct ppp_settings *s)
{
    memset(sc, 0, sizeof(*sc));
    sc->now = 1000 * PPP_MS;
    if (h_end_new(&sc->us, "us", s, &sc->now) != PPP_OK)
        abort();
    h_reader_init(&sc->rd, false);
}

static inline void sc_free(struct script *sc)
{
    ppp_link_del(sc->us.link);
}

/* Everything the engine has sent since the last read. */
static inline size_t sc_read(struct script *sc)
{
    sc->n = h_drain(sc->us.link, &sc->rd, sc->f, H_MAX_FRAMES);
    return sc->n;
}

static inline const struct h_frame *sc_find(const struct script *sc, uint16_t protocol,
                                            uint8_t code)
{
    for (size_t i = 0; i < sc->n; i++)
        if (sc->f[i].protocol == protocol && sc->f[i].len >= 4 && sc->f[i].info[0] == code)
            return &sc->f[i];
    return NULL;
}

static inline size_t sc_count(const struct script *sc, uint16_t protocol, uint8_t code)
{
    size_t n = 0;

    for (size_t i = 0; i < sc->n; i++)
        n += sc->f[i].protocol == protocol && sc->f[i].len >= 4 && sc->f[i].info[0] == code;
    return n;
}

/* The data of option `type` in a Configure packet, or NULL. */
static inline const uint8_t *sc_option(const struct h_frame *f, uint8_t type, size_t *len)
{
    size_t end = f->len >= 4 ? get16(f->info + 2) : 0;

    if (end > f->len)
        end = f->len;
    for (size_t i = 4; i + 2 <= end && f->info[i + 1] >= 2; i += f->info[i + 1]) {
        if (f->info[i] == type) {
            if (len)
                *len = f->info[i + 1] - 2u;
            return f->info + i + 2;
        }
    }
    return NULL;
}

static inline void sc_send_tx(struct script *sc, uint16_t protocol, uint8_t code, uint8_t id,
                              const uint8_t *data, size_t len, const struct hdlc_tx *tx)
{
    uint8_t pkt[2048];

    pkt[0] = code;
    pkt[1] = id;
    put16(pkt + 2, (uint16_t)(4 + len));
    if (len)
        memcpy(pkt + 4, data, len);
    h_feed(sc->us.link, protocol, pkt, 4 + len, tx, sc->now);
}

static inline void sc_send(struct script *sc, uint16_t protocol, uint8_t code, uint8_t id,
                           const uint8_t *data, size_t len)
{
    sc_send_tx(sc, protocol, code, id, data, len, NULL);
}

/* Answer a Configure-Request of the engine's, echoing its options. */
static inline void sc_ack(struct script *sc, const struct h_frame *req)
{
    sc_send(sc, req->protocol, FSM_CONF_ACK, req->info[1], req->info + 4,
            get16(req->info + 2) - 4u);
}

static inline void sc_advance(struct script *sc, ppp_time dt)
{
    sc->now += dt;
    if (ppp_link_expiry(sc->us.link) <= sc->now)
        ppp_link_handle_expiry(sc->us.link, sc->now);
}

#define SC_PEER_MAGIC 0x5eed1234u

/* Open the engine and bring its LCP up with a well-behaved peer; leaves
 * what the engine sent after LCP came up in sc->f. */
static inline bool sc_lcp_up(struct script *sc)
{
    const uint8_t magic[] = {5, 6, 0x5e, 0xed, 0x12, 0x34};
    const struct h_frame *req;

    ppp_link_open(sc->us.link, sc->now);
    sc_read(sc);
    req = sc_find(sc, PPP_PROTO_LCP, FSM_CONF_REQ);
    if (!req)
        return false;
    sc_ack(sc, req);
    sc_send(sc, PPP_PROTO_LCP, FSM_CONF_REQ, 0x41, magic, sizeof(magic));
    sc_read(sc);
    return sc->us.lcp_up && sc_find(sc, PPP_PROTO_LCP, FSM_CONF_ACK);
}

#endif
