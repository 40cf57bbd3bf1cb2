/*
 * fuzz_engine.h - shared by the protocol fuzz targets: bring a whole engine
 * into a state chosen by the input's first byte (by a canned exchange with
 * a scripted peer), then feed the rest as packets of one protocol, each
 * preceded by a 2-byte length, with the clock moving between them.  After
 * every step the engine's invariants are checked; a violation aborts.
 */
#ifndef FUZZ_ENGINE_H
#define FUZZ_ENGINE_H

#include "../unit/script_peer.h"
#include "fuzz_ipcheck.h"
#include "ipcp.h"
#include "offload.h"
#include "protocols.h"

enum fuzz_mode {
    FUZZ_REQ_SENT,   /* just opened: LCP Req-Sent */
    FUZZ_LCP_OPENED, /* LCP Opened, NCPs negotiating */
    FUZZ_ALL_OPENED, /* LCP, IPCP and IPV6CP Opened */
    FUZZ_CLOSING,    /* LCP Opened, then closed by us: Closing */
    FUZZ_MODES
};

#define FUZZ_ADDR_US 0xc612ff01u
#define FUZZ_ADDR_PEER 0xc612ff02u

static struct script fuzz_sc;

static inline void fuzz_check(bool ok)
{
    if (!ok)
        abort();
}

static inline void fuzz_settings(struct ppp_settings *s, uint8_t variant)
{
    ppp_settings_default(s);
    s->local_ip = FUZZ_ADDR_US;
    s->remote_ip = FUZZ_ADDR_PEER;
    s->mru_max = 1500;
    s->tx_buffer = 8192;
    s->echo_interval_ms = 1000;
    s->echo_failures = 3;
    s->request_dns = variant & 1;
    s->pfc = s->acfc = variant & 2;
    s->offload = variant & 4;
    if (variant & 8) { /* take what the peer says: its address sanity alone guards us */
        s->remote_ip = 0;
        s->accept_local = s->accept_remote = true;
    }
    s->seed = variant;
}

/* The engine hands on only IP of the frame's own version while its NCP
 * is Opened, and offload metadata that fits the packet and names nothing
 * but its TCP or UDP checksum field: checked here on the oracle's own
 * terms (fuzz_ipcheck.h), and by finishing the checksum in a copy of
 * exactly the packet's size (ASan sees any byte past it). */
static inline void fuzz_ip(struct h_end *end, int family, const uint8_t *pkt, size_t len)
{
    const struct ppp_offload *off = &end->last_offload;

    fuzz_check(family == 4 || family == 6);
    fuzz_check(len > 0 && pkt[0] >> 4 == family);
    fuzz_check(family == 4 ? end->ipcp_up : end->ipv6cp_up);
    if (!end->offloaded)
        return; /* plain IP is the peer's business, whatever its header */
    fuzz_check(len >= 20);
    fuzz_check(off->hdr_len <= len);
    fuzz_check(off->gso_type == PPP_GSO_NONE || off->gso_size > 0);
    fuzz_check(oracle_offload_placed(off, pkt, len));
    fuzz_check(oracle_checksum_writes_only_its_field(off, pkt, len));
}

static inline void fuzz_ncp_up(struct script *sc, uint16_t protocol, const uint8_t *opts,
                               size_t len)
{
    const struct h_frame *req = sc_find(sc, protocol, FSM_CONF_REQ);

    if (req)
        sc_ack(sc, req);
    sc_send(sc, protocol, FSM_CONF_REQ, 0x33, opts, len);
}

static inline void fuzz_enter(struct script *sc, enum fuzz_mode mode)
{
    static const uint8_t ipcp_opts[] = {3, 6, 198, 18, 255, 2};
    static const uint8_t ipv6cp_opts[] = {1, 10, 2, 0, 0, 0, 0, 0, 0, 2};

    if (mode == FUZZ_REQ_SENT) {
        ppp_link_open(sc->us.link, sc->now);
        sc_read(sc);
        return;
    }
    fuzz_check(sc_lcp_up(sc));
    if (mode == FUZZ_ALL_OPENED) {
        fuzz_ncp_up(sc, PPP_PROTO_IPCP, ipcp_opts, sizeof(ipcp_opts));
        fuzz_ncp_up(sc, PPP_PROTO_IPV6CP, ipv6cp_opts, sizeof(ipv6cp_opts));
        fuzz_check(sc->us.ipcp_up && sc->us.ipv6cp_up);
    }
    if (mode == FUZZ_CLOSING)
        ppp_link_close(sc->us.link, sc->now, "fuzz");
    sc_read(sc);
}

static inline void fuzz_invariants(struct script *sc)
{
    const uint8_t *data;
    size_t pending = ppp_link_tx_data(sc->us.link, &data);
    ppp_time expiry = ppp_link_expiry(sc->us.link);
    enum ppp_phase phase = ppp_link_phase(sc->us.link);

    /* output bounded by the two buffers */
    fuzz_check(pending <= 8192 + sc->us.settings.tx_buffer);
    fuzz_check(ppp_link_tx_room(sc->us.link) <= sc->us.settings.tx_buffer);
    /* every due timer was handled: no busy loop for the caller */
    fuzz_check(expiry > sc->now);
    fuzz_check(phase <= PPP_PHASE_TERMINATE);
    fuzz_check((phase == PPP_PHASE_DEAD) == sc->us.dead);
    /* layers up only while LCP is */
    fuzz_check(sc->us.lcp_up || (!sc->us.ipcp_up && !sc->us.ipv6cp_up));
    fuzz_check(sc->us.lcp_up == (phase == PPP_PHASE_NETWORK));
    /* IPCP comes up only with two usable, different addresses (pppd's
     * bad_ip_adrs), whatever the peer offers */
    if (sc->us.ipcp_up) {
        uint32_t local = sc->us.ipcp.u.ipcp.local, remote = sc->us.ipcp.u.ipcp.remote;
        fuzz_check(local && remote && local != remote);
        fuzz_check(!ipcp_address_unusable(local) && !ipcp_address_unusable(remote));
    }
    /* the peer's Terminate reason is bounded, printable text */
    const char *reason = ppp_link_peer_reason(sc->us.link);
    size_t reason_len = strnlen(reason, PPP_REASON_MAX + 1);
    fuzz_check(reason_len <= PPP_REASON_MAX);
    for (size_t i = 0; i < reason_len; i++)
        fuzz_check(reason[i] >= 0x20 && reason[i] < 0x7f);
    /* a cause is given exactly when the link is ending */
    if (phase == PPP_PHASE_DEAD || phase == PPP_PHASE_TERMINATE)
        fuzz_check(ppp_link_cause(sc->us.link) != PPP_CAUSE_NONE);
}

/* One step of the clock, by an amount the input chooses. */
static inline void fuzz_tick(struct script *sc, uint8_t how)
{
    static const ppp_time steps[4] = {0, 10 * PPP_MS, 1000 * PPP_MS, 3000 * PPP_MS};

    sc->now += steps[how & 3];
    if (ppp_link_expiry(sc->us.link) <= sc->now)
        ppp_link_handle_expiry(sc->us.link, sc->now);
}

static inline void fuzz_begin(struct script *sc, uint8_t first)
{
    struct ppp_settings s;

    fuzz_settings(&s, first >> 2);
    sc_new(sc, &s);
    sc->us.on_ip = fuzz_ip;
    fuzz_enter(sc, (enum fuzz_mode)(first % FUZZ_MODES));
    fuzz_invariants(sc);
}

/* Feed [len16][packet]... as `protocol` packets, ff 03 + Protocol first. */
static inline int fuzz_protocol(const uint8_t *data, size_t size, uint16_t protocol)
{
    struct script *sc = &fuzz_sc;
    uint8_t frame[4 + 2048];

    if (size < 1)
        return 0;
    fuzz_begin(sc, data[0]);
    data++, size--;
    while (size >= 2) {
        size_t len = get16(data) & 0x7ff;
        uint8_t tick = data[0] >> 6;

        data += 2, size -= 2;
        if (len > size)
            len = size;
        frame[0] = 0xff;
        frame[1] = 0x03;
        put16(frame + 2, protocol);
        memcpy(frame + 4, data, len);
        ppp_link_input_frame(sc->us.link, frame, 4 + len, sc->now);
        data += len, size -= len;
        fuzz_tick(sc, tick);
        fuzz_invariants(sc);
        sc_read(sc);
    }
    sc_free(sc);
    return 0;
}

#endif
