/*
 * link_rx.c - the receive path: bytes -> HDLC frames -> demultiplexing by
 * Protocol to LCP, the network control protocols and the IP callback.
 */
#include <string.h>

#include "link_internal.h"
#include "offload.h"
#include "protocols.h"
#include "wire.h"

void link_sync_rx_stats(struct ppp_link *link)
{
    const struct hdlc_rx_stats *d = &link->decoder.stats;

    link->stats.rx_bad_fcs = d->bad_fcs;
    link->stats.rx_runts = d->runts;
    link->stats.rx_too_long = d->too_long;
    link->stats.rx_aborts = d->aborts;
    link->stats.rx_bytes_outside_frames = d->outside_frames;
}

static void drop(struct ppp_link *link)
{
    link->stats.rx_dropped++;
}

/* RFC 1661 section 5.7: a protocol we do not speak is answered with an
 * LCP Protocol-Reject (only sent while LCP is Opened; callers check). */
static void reject(struct ppp_link *link, uint16_t protocol, const uint8_t *info, size_t len)
{
    link->stats.rx_unknown_protocol++;
    link_log_peer(link, PPP_LOG_DEBUG, "LCP: rejecting protocol 0x%04x", protocol);
    lcp_send_protocol_reject(&link->lcp, protocol, info, len);
}

/* RFC 1661 section 5.5: a Terminate-Request's Data is the peer's to fill;
 * pppd and pppssh serve put the reason there.  Kept as printable ASCII
 * only (it ends up in logs and on a terminal); the packet's own Length
 * bounds it, as the automaton will check. */
static void note_peer_reason(struct ppp_link *link, const uint8_t *info, size_t len)
{
    size_t declared = len >= 4 ? (size_t)info[2] << 8 | info[3] : 0;
    if (declared < 4 || declared > len)
        return;
    size_t n = declared - 4 < PPP_REASON_MAX ? declared - 4 : PPP_REASON_MAX;
    link_copy_printable(link->peer_reason, info + 4, n);
}

/* Returns false for our own Echo looped back (not a sign of the peer). */
static bool lcp_packet(struct ppp_link *link, const uint8_t *info, size_t len, ppp_time now)
{
    if (len > 0 && info[0] == FSM_TERM_REQ) {
        bool opened = link->lcp.fsm.state == FSM_OPENED, first = !link->peer_reason[0];
        note_peer_reason(link, info, len);
        const char *why = link->peer_reason;
        /* Noted before the automaton runs: its layer-down must already
         * know the link is ending, not renegotiating. */
        if (opened) {
            link_set_cause(link, PPP_CAUSE_PEER_TERMINATED);
            link_log(link, PPP_LOG_INFO, "LCP: terminated by peer%s%s%s", *why ? " (" : "", why,
                     *why ? ")" : "");
        } else if (first && *why) { /* once: a peer repeating itself is no news */
            link_log(link, PPP_LOG_INFO, "LCP: peer sent Terminate-Request (%s)", why);
        }
    }
    return lcp_input(&link->lcp, now, info, len);
}

static void ncp_packet(struct ppp_link *link, bool enabled, struct ppp_fsm *fsm, uint16_t protocol,
                       const uint8_t *info, size_t len, ppp_time now)
{
    if (enabled)
        fsm_input(fsm, now, info, len);
    else
        reject(link, protocol, info, len);
}

static void ip_packet(struct ppp_link *link, bool enabled, const struct ppp_fsm *ncp, int family,
                      uint16_t protocol, const struct ppp_offload *off, const uint8_t *info,
                      size_t len)
{
    if (!enabled) {
        reject(link, protocol, info, len);
        return;
    }
    /* Data for a network protocol that is not (yet, or any more) Opened
     * cannot be delivered: RFC 1661 section 3.4 has it discarded. */
    if (ncp->state != FSM_OPENED) {
        link->stats.rx_ip_ncp_closed++;
        drop(link);
        return;
    }
    /* A 0x0021 frame carries IPv4 (RFC 1332 section 1), a 0x0057 frame
     * IPv6 (RFC 5072 section 2): anything else would reach the other
     * family's stack past its NCP, which may not even be open. */
    if (len == 0 || info[0] >> 4 != family) {
        link->stats.rx_ip_wrong_version++;
        drop(link);
        return;
    }
    link->stats.rx_ip_packets++;
    link->stats.rx_ip_bytes += len;
    if (link->callbacks.ip_packet)
        link->callbacks.ip_packet(link->user, family, off, info, len);
}

/* An IP packet with offload metadata (offload.h): only from a peer that
 * Acked our Vendor-Specific option; anything else is a protocol we never
 * agreed to (RFC 1661 section 5.7). */
static void offloaded_packet(struct ppp_link *link, const uint8_t *info, size_t len)
{
    const struct ppp_settings *s = &link->settings;
    struct ppp_offload off;

    if (!link->lcp_params.u.lcp.offload_rx) {
        reject(link, PPP_PROTO_VSNP, info, len);
        return;
    }
    if (len < PPP_OFFLOAD_HEADER_LEN) {
        drop(link);
        return;
    }
    offload_get(info, &off);
    info += PPP_OFFLOAD_HEADER_LEN;
    len -= PPP_OFFLOAD_HEADER_LEN;
    if (!ppp_offload_valid(&off, info, len)) {
        drop(link);
        return;
    }
    /* The family is one we run: we asked for the option, so none is
     * Protocol-Rejected here (its Information is not the peer's packet). */
    int family = info[0] >> 4;
    if (family == 4 && s->ipv4)
        ip_packet(link, true, &link->ipcp.fsm, 4, PPP_PROTO_VSNP, &off, info, len);
    else if (family == 6 && s->ipv6)
        ip_packet(link, true, &link->ipv6cp.fsm, 6, PPP_PROTO_VSNP, &off, info, len);
    else
        drop(link);
}

/* Returns whether the frame proves the peer alive: every one does except
 * our own LCP Echo coming back on a looped line. */
static bool demux(struct ppp_link *link, uint16_t protocol, const uint8_t *info, size_t len,
                  ppp_time now)
{
    const struct ppp_settings *s = &link->settings;

    if (protocol == PPP_PROTO_LCP)
        return lcp_packet(link, info, len, now);
    /* RFC 1661 section 3.4: until LCP is Opened, every other packet is
     * silently discarded. */
    if (!link->lcp_up) {
        drop(link);
        return true;
    }
    switch (protocol) {
    case PPP_PROTO_IPCP:
        ncp_packet(link, s->ipv4, &link->ipcp.fsm, protocol, info, len, now);
        break;
    case PPP_PROTO_IPV6CP:
        ncp_packet(link, s->ipv6, &link->ipv6cp.fsm, protocol, info, len, now);
        break;
    case PPP_PROTO_IP:
        ip_packet(link, s->ipv4, &link->ipcp.fsm, 4, protocol, NULL, info, len);
        break;
    case PPP_PROTO_IPV6:
        ip_packet(link, s->ipv6, &link->ipv6cp.fsm, 6, protocol, NULL, info, len);
        break;
    case PPP_PROTO_VSNP:
        offloaded_packet(link, info, len);
        break;
    default:
        /* CCP, VJ compression, authentication after the fact, anything
         * else: we negotiated none of them. */
        reject(link, protocol, info, len);
        break;
    }
    return true;
}

static void handle_frame(struct ppp_link *link, const uint8_t *frame, size_t len, ppp_time now)
{
    uint16_t protocol;
    const uint8_t *info;
    size_t info_len;

    link->stats.rx_frames++;
    if (link->phase == PPP_PHASE_DEAD) {
        drop(link);
        return;
    }
    if (!ppp_frame_parse(frame, len, &protocol, &info, &info_len)) {
        keepalive_heard(&link->keepalive, now); /* garbled, but someone sent it */
        drop(link);
        return;
    }
    /* Any good frame proves the peer alive, not only Echo-Replies; but on
     * a looped line our own Echoes come back, and pppd declares such a
     * line dead too. */
    if (demux(link, protocol, info, info_len, now))
        keepalive_heard(&link->keepalive, now);
    link_settle(link, now);
}

int ppp_link_input(struct ppp_link *link, const uint8_t *data, size_t len, ppp_time now)
{
    link->now = now;
    link->stats.rx_bytes += len;
    while (len > 0) {
        const uint8_t *frame = NULL;
        size_t frame_len = 0;
        size_t used = hdlc_decode(&link->decoder, data, len, &frame, &frame_len);

        if (used > len)
            used = len;
        data += used;
        len -= used;
        if (frame)
            handle_frame(link, frame, frame_len, now);
        else if (used == 0)
            break; /* cannot happen with a sane decoder; never spin */
    }
    link_sync_rx_stats(link);
    return PPP_OK;
}

void ppp_link_input_frame(struct ppp_link *link, const uint8_t *frame, size_t len, ppp_time now)
{
    link->now = now;
    handle_frame(link, frame, len, now);
}

void ppp_link_refuse_offload(struct ppp_link *link)
{
    if (!link->lcp_up || !link->lcp_params.u.lcp.offload_rx)
        return;
    link->lcp_params.u.lcp.offload_rx = false;
    link_log(link, PPP_LOG_WARN, "LCP: no more offloaded packets: rejecting protocol 0x%04x",
             PPP_PROTO_VSNP);
    lcp_send_protocol_reject(&link->lcp, PPP_PROTO_VSNP, NULL, 0);
}

/* ---- what LCP reports beyond its automaton ---- */

static void protocol_rejected(void *owner, uint16_t protocol, ppp_time now)
{
    struct ppp_link *link = owner;

    link_log_peer(link, PPP_LOG_INFO, "LCP: peer rejected protocol 0x%04x", protocol);
    /* RFC 1661 section 5.7: the rejected protocol's layer stops (RXJ-). */
    if ((protocol == PPP_PROTO_IPCP || protocol == PPP_PROTO_IP) && link->settings.ipv4)
        fsm_protocol_rejected(&link->ipcp.fsm, now);
    else if ((protocol == PPP_PROTO_IPV6CP || protocol == PPP_PROTO_IPV6) && link->settings.ipv6)
        fsm_protocol_rejected(&link->ipv6cp.fsm, now);
    else if (protocol == PPP_PROTO_VSNP) /* it Acked the option yet cannot take them */
        link->lcp_params.u.lcp.offload_tx = false;
}

static uint64_t get64(const uint8_t *p)
{
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void echo_reply(void *owner, uint8_t id, const uint8_t *data, size_t len, ppp_time now)
{
    struct ppp_link *link = owner;
    struct ppp_event ev = {.type = PPP_EV_ECHO_RTT};
    ppp_time sent;

    link->stats.echo_replies++;
    if (len < 8)
        return; /* not one of ours: we always send a timestamp */
    sent = get64(data);
    if (sent > now)
        return;
    ev.u.echo_rtt = now - sent;
    link->stats.echo_rtt_last = ev.u.echo_rtt;
    if (link->callbacks.event)
        link->callbacks.event(link->user, &ev);
}

const struct lcp_hooks link_lcp_hooks = {
    .protocol_rejected = protocol_rejected,
    .echo_reply = echo_reply,
};
