/*
 * link.c - struct ppp_link: the link phases of RFC 1661 section 3.2 driven
 * by LCP's layer events, the owner (fsm_parent) of the LCP, IPCP and
 * IPV6CP automatons.  Receiving is in link_rx.c, transmitting in
 * link_tx.c, timers and the keepalive in link_timers.c.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "link_internal.h"
#include "protocols.h"

/* ---- logging and events ---- */

void link_copy_printable(char *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? (char)src[i] : '?';
    dst[n] = '\0';
}

/* A warning or an error is the engine's account of what went wrong: kept
 * for ppp_link_failure_reason(), so the host never scrapes its log.
 * Lines about what the peer sent go to log_peer, if the host has one. */
static void link_vlog(struct ppp_link *link, bool peer, enum ppp_log_level level, const char *fmt,
                      va_list ap)
{
    void (*cb)(void *, enum ppp_log_level, const char *) = link->callbacks.log;
    char line[256];

    if (peer && link->callbacks.log_peer)
        cb = link->callbacks.log_peer;
    int n = vsnprintf(line, sizeof(line), fmt, ap);
    if (level <= PPP_LOG_WARN && n >= 0) {
        size_t len = (size_t)n < PPP_FAILURE_MAX ? (size_t)n : PPP_FAILURE_MAX;
        link_copy_printable(link->failure, (const uint8_t *)line, len);
    }
    if (cb)
        cb(link->user, level, line);
}

static void emit(struct ppp_link *link, struct ppp_event *ev)
{
    if (link->callbacks.event)
        link->callbacks.event(link->user, ev);
}

static void emit_simple(struct ppp_link *link, enum ppp_event_type type)
{
    struct ppp_event ev = {.type = type};

    emit(link, &ev);
}

static void set_phase(struct ppp_link *link, enum ppp_phase phase)
{
    struct ppp_event ev = {.type = PPP_EV_PHASE};
    bool ending = phase == PPP_PHASE_TERMINATE || phase == PPP_PHASE_DEAD;

    if (link->phase == phase)
        return;
    link->phase = phase;
    ev.u.phase.phase = phase;
    ev.u.phase.cause = ending ? link->cause : PPP_CAUSE_NONE;
    if (ending && link->cause != PPP_CAUSE_NONE)
        link_log(link, PPP_LOG_INFO, "link: phase %s (%s)", ppp_phase_name(phase),
                 ppp_cause_name(link->cause));
    else
        link_log(link, PPP_LOG_INFO, "link: phase %s", ppp_phase_name(phase));
    emit(link, &ev);
}

/* The first reason given sticks: a Terminate-Request we send because the
 * peer looks dead stays "peer dead" however the close then ends. */
void link_set_cause(struct ppp_link *link, enum ppp_cause cause)
{
    if (link->cause == PPP_CAUSE_NONE)
        link->cause = cause;
}

/* ---- the network protocols ---- */

static bool ncp_running(const struct ppp_fsm *fsm)
{
    return fsm->state > FSM_STOPPED;
}

static bool any_ncp_running(const struct ppp_link *link)
{
    return (link->settings.ipv4 && ncp_running(&link->ipcp.fsm)) ||
           (link->settings.ipv6 && ncp_running(&link->ipv6cp.fsm));
}

static void ncps_start(struct ppp_link *link, ppp_time now)
{
    if (link->settings.ipv4) {
        fsm_open(&link->ipcp.fsm, now);
        fsm_up(&link->ipcp.fsm, now);
    }
    if (link->settings.ipv6) {
        fsm_open(&link->ipv6cp.fsm, now);
        fsm_up(&link->ipv6cp.fsm, now);
    }
}

static void ncps_down(struct ppp_link *link, ppp_time now)
{
    if (link->settings.ipv4)
        fsm_down(&link->ipcp.fsm, now);
    if (link->settings.ipv6)
        fsm_down(&link->ipv6cp.fsm, now);
}

/* ---- the receive buffer ---- */

/* Longest frame kept for an MRU: RFC 1661 section 6.1 says 1500 must
 * always be accepted, whatever was negotiated.  Address, Control, 2-byte
 * Protocol and a 32-bit FCS come on top, and a little slack for peers
 * that overshoot. */
static size_t frame_limit(size_t mru)
{
    if (mru < 1500)
        mru = 1500;
    return mru + 4 + 4 + 16;
}

/* The buffer is allocated once for the largest MRU a Nak may bring us to;
 * the decoder only keeps frames up to what is in force now. */
static size_t decoder_capacity(const struct ppp_settings *s)
{
    return frame_limit(s->mru_max > s->mru ? s->mru_max : s->mru);
}

/* Over-long frames are dropped at the MRU in force plus slack, not at
 * the buffer's size (RFC 1662 section 4 leaves no reason to keep more). */
static void limit_rx(struct ppp_link *link, size_t mru)
{
    size_t cap = frame_limit(mru);

    link->decoder.cap = cap < link->rx_alloc ? cap : link->rx_alloc;
}

/* RFC 1661 sections 5.6 and 5.7: what we send (a Code-Reject's copy of
 * the rejected packet above all) must fit the peer's MRU. */
static void limit_tx_packets(struct ppp_link *link, size_t peer_mru)
{
    link->lcp.fsm.max_packet = peer_mru;
    link->ipcp.fsm.max_packet = peer_mru;
    link->ipv6cp.fsm.max_packet = peer_mru;
}

/* ---- LCP's layer events move the link through its phases ---- */

static void lcp_layer_up(struct ppp_link *link)
{
    link->lcp_params.type = PPP_EV_LCP_UP;
    lcp_result(&link->lcp, &link->lcp_params);
    link->lcp_up = true;
    link->ipcp_gave_up_told = false;
    /* RFC 1570: the FCS negotiated for our receive side applies from now. */
    link->decoder.fcs32 = link->lcp_params.u.lcp.fcs32_rx;
    limit_rx(link, link->lcp_params.u.lcp.mru_rx);
    limit_tx_packets(link, link->lcp_params.u.lcp.mru_tx);
    link_log(link, PPP_LOG_INFO, "LCP: up, mru %u/%u, magic %08x/%08x",
             link->lcp_params.u.lcp.mru_rx, link->lcp_params.u.lcp.mru_tx,
             link->lcp_params.u.lcp.magic_local, link->lcp_params.u.lcp.magic_peer);
    emit(link, &link->lcp_params);
    /* No Authenticate phase: ssh authenticated the session (RFC 1661
     * section 3.5 lets the phase be skipped when no protocol is agreed). */
    set_phase(link, PPP_PHASE_NETWORK);
    keepalive_start(&link->keepalive, link->now);
    ncps_start(link, link->now);
}

static void lcp_layer_down(struct ppp_link *link)
{
    link->lcp_up = false;
    link->decoder.fcs32 = false;
    limit_rx(link, link->settings.mru);
    limit_tx_packets(link, FSM_MAX_PACKET);
    keepalive_stop(&link->keepalive);
    ncps_down(link, link->now);
    link_log(link, PPP_LOG_INFO, "LCP: down");
    emit_simple(link, PPP_EV_LCP_DOWN);
    if (link->phase == PPP_PHASE_DEAD)
        return;
    /* Leaving Opened on a Configure-Request renegotiates (back to
     * Establish); leaving it for good, with a cause, is Termination. */
    set_phase(link, link->cause != PPP_CAUSE_NONE ? PPP_PHASE_TERMINATE : PPP_PHASE_ESTABLISH);
}

static struct ppp_link *owner_link(void *owner)
{
    return owner;
}

/* RFC 1661 section 4.6 bounds Naks (Max-Failure) but not Rejects, so a
 * peer that Acks our requests yet insists on an option we must Reject
 * (CHAP, say) would keep LCP negotiating for ever, as it does pppd.  A run
 * of refusals well past Max-Failure (and past loopback detection, which
 * also refuses) without one Ack means the negotiation will not converge. */
static void count_lcp_replies(struct ppp_link *link, const uint8_t *pkt, size_t len)
{
    unsigned limit = 2u * link->settings.max_failure + link->settings.max_loopback;

    if (len < 1)
        return;
    if (pkt[0] == FSM_CONF_ACK)
        link->lcp_refusals = 0;
    else if (pkt[0] == FSM_CONF_NAK || pkt[0] == FSM_CONF_REJ)
        link->not_converging |= ++link->lcp_refusals >= limit;
}

static void parent_send(void *owner, struct ppp_fsm *fsm, const uint8_t *pkt, size_t len)
{
    struct ppp_link *link = owner_link(owner);

    if (fsm == &link->lcp.fsm)
        count_lcp_replies(link, pkt, len);
    link_send_control(link, fsm->ops->protocol, pkt, len);
}

static void ncp_up(struct ppp_link *link, struct ppp_fsm *fsm)
{
    struct ppp_event ev = {0};

    if (fsm == &link->ipcp.fsm) {
        if (ipcp_failed(&link->ipcp)) {
            link->ncp_failed = true; /* closed from link_settle() */
            return;
        }
        ipcp_result(&link->ipcp, &ev);
        link->ipcp_announced = true;
        link->last_local_ip = link->ipcp.local;
    } else {
        if (ipv6cp_failed(&link->ipv6cp)) {
            link->ncp_failed = true;
            return;
        }
        ipv6cp_result(&link->ipv6cp, &ev);
        link->ipv6cp_announced = true;
    }
    link_log(link, PPP_LOG_INFO, "%s: up", fsm->ops->name);
    emit(link, &ev);
}

static void ncp_down(struct ppp_link *link, struct ppp_fsm *fsm)
{
    bool *announced = fsm == &link->ipcp.fsm ? &link->ipcp_announced : &link->ipv6cp_announced;

    if (!*announced)
        return;
    *announced = false;
    link_log(link, PPP_LOG_INFO, "%s: down", fsm->ops->name);
    emit_simple(link, fsm == &link->ipcp.fsm ? PPP_EV_IPCP_DOWN : PPP_EV_IPV6CP_DOWN);
}

static void parent_layer_up(void *owner, struct ppp_fsm *fsm)
{
    struct ppp_link *link = owner_link(owner);

    if (fsm == &link->lcp.fsm)
        lcp_layer_up(link);
    else
        ncp_up(link, fsm);
}

static void parent_layer_down(void *owner, struct ppp_fsm *fsm)
{
    struct ppp_link *link = owner_link(owner);

    if (fsm == &link->lcp.fsm)
        lcp_layer_down(link);
    else
        ncp_down(link, fsm);
}

static void parent_layer_started(void *owner, struct ppp_fsm *fsm)
{
    link_log(owner_link(owner), PPP_LOG_DEBUG, "%s: layer started", fsm->ops->name);
}

static void parent_layer_finished(void *owner, struct ppp_fsm *fsm)
{
    struct ppp_link *link = owner_link(owner);

    link_log(link, PPP_LOG_DEBUG, "%s: layer finished", fsm->ops->name);
    if (fsm == &link->lcp.fsm)
        link->lcp_finished = true;
    else
        link->ncp_finished = true;
}

static uint32_t parent_random(void *owner)
{
    return (uint32_t)(prng_next(&owner_link(owner)->prng) >> 32);
}

/* link_log() and link_log_peer() (link_internal.h) come here too. */
static void parent_log(void *owner, enum ppp_log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    link_vlog(owner_link(owner), false, level, fmt, ap);
    va_end(ap);
}

static void parent_log_peer(void *owner, enum ppp_log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    link_vlog(owner_link(owner), true, level, fmt, ap);
    va_end(ap);
}

/* ---- termination ---- */

void link_start_termination(struct ppp_link *link, ppp_time now, enum ppp_cause cause,
                            const char *reason)
{
    link_set_cause(link, cause);
    link_log(link, PPP_LOG_INFO, "LCP: closing: %s", reason);
    if (link->phase != PPP_PHASE_DEAD)
        set_phase(link, PPP_PHASE_TERMINATE);
    fsm_close(&link->lcp.fsm, now, reason);
}

/* Why LCP finished when nobody on our side asked it to. */
static enum ppp_cause finished_cause(const struct ppp_link *link)
{
    if (link->lcp.looped_back)
        return PPP_CAUSE_LOOPBACK;
    if (link->lcp.fsm.cause != PPP_CAUSE_NONE)
        return link->lcp.fsm.cause;
    return PPP_CAUSE_NEGOTIATION_FAILED; /* TO- or a catastrophic reject */
}

static void go_dead(struct ppp_link *link)
{
    link_set_cause(link, finished_cause(link));
    keepalive_stop(&link->keepalive);
    set_phase(link, PPP_PHASE_DEAD);
}

/* Tell the host, once per LCP session, that IPCP will not come up. */
static void ipcp_gave_up(struct ppp_link *link, const char *reason)
{
    struct ppp_event ev = {.type = PPP_EV_IPCP_FAILED};

    if (link->ipcp_gave_up_told || !link->lcp_up || !link->settings.ipv4)
        return;
    link->ipcp_gave_up_told = true;
    ev.u.failure.reason = reason;
    emit(link, &ev);
}

/* pppd (ipcp_up): addresses that make no usable link close the NCP; so
 * does a peer that insists on an unusable address while negotiating. */
static void close_failed_ncps(struct ppp_link *link, ppp_time now)
{
    if (link->ipcp.fsm.state >= FSM_REQ_SENT && ipcp_failed(&link->ipcp)) {
        if (link->ipcp.fsm.state != FSM_OPENED)
            link_log(link, PPP_LOG_ERROR, "IPCP: %s", link->ipcp.failure);
        fsm_close(&link->ipcp.fsm, now, link->ipcp.failure);
        ipcp_gave_up(link, link->ipcp.failure);
    }
    if (link->ipv6cp.fsm.state == FSM_OPENED && ipv6cp_failed(&link->ipv6cp))
        fsm_close(&link->ipv6cp.fsm, now, link->ipv6cp.failure);
}

/* Deferred work, run once the automatons have returned. */
void link_settle(struct ppp_link *link, ppp_time now)
{
    if (link->lcp.looped_back && !link->loopback_handled && link->phase != PPP_PHASE_DEAD) {
        link->loopback_handled = true;
        link_log(link, PPP_LOG_WARN, "LCP: serial line is looped back");
        link_start_termination(link, now, PPP_CAUSE_LOOPBACK, "Loopback detected");
    }
    if (link->not_converging) {
        link->not_converging = false;
        link->lcp_refusals = 0;
        if (link->phase != PPP_PHASE_DEAD)
            link_start_termination(link, now, PPP_CAUSE_NEGOTIATION_FAILED,
                                   "Negotiation not converging");
    }
    if (link->ncp_failed || ipcp_failed(&link->ipcp)) {
        link->ncp_failed = false;
        close_failed_ncps(link, now);
    }
    if (link->ncp_finished) {
        link->ncp_finished = false;
        if (link->ipcp.fsm.state <= FSM_STOPPED && !link->ipcp_announced)
            ipcp_gave_up(link, "the peer rejected it or stopped answering");
        /* pppd: with no network protocol left there is no use for the link. */
        if (link->lcp_up && !any_ncp_running(link))
            link_start_termination(link, now, PPP_CAUSE_NO_NETWORK, "No network protocols running");
    }
    if (link->lcp_finished) {
        link->lcp_finished = false;
        if (link->phase != PPP_PHASE_DEAD)
            go_dead(link);
    }
}

/* ---- life cycle ---- */

static void init_protocols(struct ppp_link *link)
{
    lcp_init(&link->lcp, &link->settings, &link->parent, &link_lcp_hooks);
    ipcp_init(&link->ipcp, &link->settings, &link->parent);
    ipv6cp_init(&link->ipv6cp, &link->settings, &link->parent);
}

int ppp_link_new(struct ppp_link **out, const struct ppp_settings *settings,
                 const struct ppp_callbacks *callbacks, void *user)
{
    size_t head = (sizeof(struct ppp_link) + 15) & ~(size_t)15;
    size_t rx_cap, total;
    struct ppp_link *link;
    uint8_t *mem;

    if (!out || !settings || !settings_valid(settings))
        return PPP_ERR_INVALID_ARGUMENT;
    rx_cap = decoder_capacity(settings);
    total = head + rx_cap + LINK_CONTROL_BUFFER + settings->tx_buffer;
    /* The only allocation the engine ever makes. */
    mem = calloc(1, total);
    if (!mem)
        return PPP_ERR_NOMEM;
    link = (struct ppp_link *)mem;
    link->settings = *settings;
    link->ipv6_wanted = settings->ipv6;
    if (callbacks)
        link->callbacks = *callbacks;
    link->user = user;
    link->parent = (struct fsm_parent){
        .owner = link,
        .send = parent_send,
        .layer_up = parent_layer_up,
        .layer_down = parent_layer_down,
        .layer_started = parent_layer_started,
        .layer_finished = parent_layer_finished,
        .random = parent_random,
        .log = parent_log,
        .log_peer = parent_log_peer,
    };
    prng_seed(&link->prng, settings->seed);
    hdlc_decoder_init(&link->decoder, mem + head, rx_cap);
    link->rx_alloc = rx_cap;
    limit_rx(link, settings->mru);
    txbuf_init(&link->control, mem + head + rx_cap, LINK_CONTROL_BUFFER);
    txbuf_init(&link->data, mem + head + rx_cap + LINK_CONTROL_BUFFER, settings->tx_buffer);
    keepalive_init(&link->keepalive, settings->echo_interval_ms, settings->echo_failures);
    link->phase = PPP_PHASE_DEAD;
    init_protocols(link);
    *out = link;
    return PPP_OK;
}

void ppp_link_del(struct ppp_link *link)
{
    free(link);
}

/* A new session starts from a clean slate: hunt for the first flag again
 * (RFC 1662 section 4.4 lets login noise precede it) and forget frames
 * queued for the old stream. */
static void reset_session(struct ppp_link *link)
{
    link->decoder.state = HDLC_RX_HUNT;
    link->decoder.len = 0;
    link->decoder.escaped = false;
    link->decoder.fcs32 = false;
    limit_rx(link, link->settings.mru);
    txbuf_clear(&link->control);
    txbuf_clear(&link->data);
    link->handed_out = NULL;
    link->cause = PPP_CAUSE_NONE;
    link->peer_reason[0] = '\0';
    link->failure[0] = '\0';
    link->lcp_up = false;
    link->lcp_finished = link->ncp_finished = link->loopback_handled = false;
    link->ncp_failed = link->ipcp_announced = link->ipv6cp_announced = false;
    link->lcp_refusals = 0;
    link->not_converging = false;
    keepalive_stop(&link->keepalive);
    link->settings.ipv6 = link->ipv6_wanted;
    init_protocols(link);
    ipcp_remember(&link->ipcp, link->last_local_ip);
}

int ppp_link_open(struct ppp_link *link, ppp_time now)
{
    if (link->phase != PPP_PHASE_DEAD)
        return PPP_OK; /* already on its way */
    link->now = now;
    reset_session(link);
    set_phase(link, PPP_PHASE_ESTABLISH);
    fsm_open(&link->lcp.fsm, now);
    fsm_up(&link->lcp.fsm, now);
    link_settle(link, now);
    return PPP_OK;
}

int ppp_link_close(struct ppp_link *link, ppp_time now, const char *reason)
{
    if (link->phase == PPP_PHASE_DEAD)
        return PPP_OK;
    link->now = now;
    link_start_termination(link, now, PPP_CAUSE_ADMIN_CLOSE, reason ? reason : "User request");
    link_settle(link, now);
    return PPP_OK;
}

void ppp_link_lower_down(struct ppp_link *link, ppp_time now)
{
    if (link->phase == PPP_PHASE_DEAD)
        return;
    link->now = now;
    link_set_cause(link, PPP_CAUSE_LOWER_DOWN);
    /* Quietly, so the layer-downs below do not report a Terminate phase
     * that never happens: the next report is Dead. */
    link->phase = PPP_PHASE_TERMINATE;
    /* RFC 1661 Down event: no Terminate exchange, there is no one to
     * talk to; the layer-down events still tell the caller what closed. */
    ncps_down(link, now);
    fsm_down(&link->lcp.fsm, now);
    keepalive_stop(&link->keepalive);
    txbuf_clear(&link->control);
    txbuf_clear(&link->data);
    link->handed_out = NULL;
    link->lcp_finished = link->ncp_finished = link->ncp_failed = false;
    set_phase(link, PPP_PHASE_DEAD);
}

int ppp_link_refuse_ipv6(struct ppp_link *link, ppp_time now, const char *reason)
{
    struct ppp_fsm *fsm = &link->ipv6cp.fsm;

    if (!link->settings.ipv6)
        return PPP_OK;
    link->now = now;
    link_log(link, PPP_LOG_WARN, "IPV6CP: not running IPv6 on this link%s%s", reason ? ": " : "",
             reason ? reason : "");
    /* Down then Close: whatever the state, to Initial without a packet
     * (This-Layer-Down if Opened, This-Layer-Finished on the way). */
    if (fsm->state >= FSM_CLOSED)
        fsm_down(fsm, now);
    fsm_close(fsm, now, NULL);
    link->settings.ipv6 = false; /* link_rx.c rejects IPV6CP and IPv6 now */
    if (link->lcp_up)
        lcp_send_protocol_reject(&link->lcp, PPP_PROTO_IPV6CP, NULL, 0);
    link_settle(link, now);
    return PPP_OK;
}

/* ---- accessors ---- */

enum ppp_phase ppp_link_phase(const struct ppp_link *link)
{
    return link->phase;
}

enum ppp_cause ppp_link_cause(const struct ppp_link *link)
{
    return link->cause;
}

const char *ppp_link_peer_reason(const struct ppp_link *link)
{
    return link->peer_reason;
}

const char *ppp_link_failure_reason(const struct ppp_link *link)
{
    return link->failure;
}

const struct ppp_stats *ppp_link_stats(const struct ppp_link *link)
{
    return &link->stats;
}
