/*
 * link_tx.c - the transmit path: frames into two buffers, control and
 * data, and out to the caller with control frames going first at the next
 * frame boundary (so keepalives and negotiation are not stuck behind a
 * queue of data).
 */
#include "link_internal.h"
#include "offload.h"
#include "protocols.h"
#include "wire.h"

/* RFC 1662 section 7.1 / RFC 1661 sections 6.5-6.6: LCP packets go with
 * every control character escaped and never with compressed headers, so
 * a peer that has not (or no longer) agreed to anything still reads them.
 * Other frames use what LCP negotiated, once it has. */
static struct hdlc_tx framing(const struct ppp_link *link, uint16_t protocol)
{
    struct hdlc_tx tx = {.accm = 0xffffffff};
    const struct ppp_event *p = &link->lcp_params;

    if (!link->lcp_up)
        return tx;
    tx.fcs32 = p->u.lcp.fcs32_tx;
    if (protocol == PPP_PROTO_LCP)
        return tx;
    tx.accm = p->u.lcp.accm_tx;
    tx.acfc = p->u.lcp.acfc_tx;
    tx.pfc = p->u.lcp.pfc_tx;
    return tx;
}

static bool queue_prefixed_frame(struct ppp_link *link, struct txbuf *tb, uint16_t protocol,
                                 const uint8_t *prefix, size_t prefix_len, const uint8_t *info,
                                 size_t len)
{
    struct hdlc_tx tx = framing(link, protocol);
    size_t max = ppp_encoded_max(prefix_len + len);
    uint8_t *out = txbuf_reserve(tb, max);
    size_t n;

    if (!out)
        return false;
    n = hdlc_encode_prefixed(out, max, &tx, protocol, prefix, prefix_len, info, len,
                             txbuf_needs_opening_flag(tb));
    if (n == 0)
        return false;
    txbuf_commit(tb, n);
    link->stats.tx_frames++;
    return true;
}

static bool queue_frame(struct ppp_link *link, struct txbuf *tb, uint16_t protocol,
                        const uint8_t *info, size_t len)
{
    return queue_prefixed_frame(link, tb, protocol, NULL, 0, info, len);
}

void link_send_control(struct ppp_link *link, uint16_t protocol, const uint8_t *pkt, size_t len)
{
    if (queue_frame(link, &link->control, protocol, pkt, len))
        return;
    /* The automatons retransmit on their Restart timer, and a lost Echo
     * is just a lost Echo: dropping beats blocking the engine. */
    link->stats.tx_dropped_control++;
    link_log(link, PPP_LOG_DEBUG, "link: control buffer full, frame 0x%04x dropped", protocol);
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)(v >> 32));
    put32(p + 4, (uint32_t)v);
}

void link_send_echo(struct ppp_link *link, ppp_time now)
{
    uint8_t stamp[8];

    /* The reply carries our send time back: RTT without any state. */
    put64(stamp, now);
    link->echo_id++;
    link->stats.echo_sent++;
    lcp_send_echo_request(&link->lcp, link->echo_id, stamp, sizeof(stamp));
}

static int classify(const struct ppp_link *link, const uint8_t *pkt, size_t len, uint16_t *protocol,
                    const struct ppp_fsm **ncp, bool *enabled)
{
    if (!pkt || len == 0)
        return PPP_ERR_BAD_PACKET;
    switch (pkt[0] >> 4) {
    case 4:
        if (len < 20)
            return PPP_ERR_BAD_PACKET;
        *protocol = PPP_PROTO_IP;
        *ncp = &link->ipcp.fsm;
        *enabled = link->settings.ipv4;
        return PPP_OK;
    case 6:
        if (len < 40)
            return PPP_ERR_BAD_PACKET;
        *protocol = PPP_PROTO_IPV6;
        *ncp = &link->ipv6cp.fsm;
        *enabled = link->settings.ipv6;
        return PPP_OK;
    }
    return PPP_ERR_BAD_PACKET;
}

/* The packet's network protocol is Opened, or the error to return. */
static int check_open(const struct ppp_link *link, const uint8_t *pkt, size_t len,
                      uint16_t *protocol)
{
    const struct ppp_fsm *ncp = NULL;
    bool enabled = false;
    int err = classify(link, pkt, len, protocol, &ncp, &enabled);

    if (err != PPP_OK)
        return err;
    if (!enabled || !link->lcp_up || ncp->state != FSM_OPENED)
        return PPP_ERR_NOT_OPEN;
    return PPP_OK;
}

static void count_sent(struct ppp_link *link, size_t len)
{
    link->stats.tx_ip_packets++;
    link->stats.tx_ip_bytes += len;
}

int ppp_link_send_ip(struct ppp_link *link, const uint8_t *pkt, size_t len, ppp_time now)
{
    uint16_t protocol = 0;
    int err = check_open(link, pkt, len, &protocol);

    if (err != PPP_OK)
        return err;
    /* RFC 1661 section 6.1: never more than the peer said it can take. */
    if (len > link->lcp_params.u.lcp.mru_tx)
        return PPP_ERR_TOO_BIG;
    if (!queue_frame(link, &link->data, protocol, pkt, len))
        return PPP_ERR_BUFFER_FULL;
    count_sent(link, len);
    return PPP_OK;
}

int ppp_link_send_offloaded(struct ppp_link *link, const struct ppp_offload *off,
                            const uint8_t *pkt, size_t len, ppp_time now)
{
    uint8_t header[PPP_OFFLOAD_HEADER_LEN];
    uint16_t protocol = 0;
    int err;

    if (!off || ppp_offload_is_plain(off))
        return ppp_link_send_ip(link, pkt, len, now);
    if ((err = check_open(link, pkt, len, &protocol)) != PPP_OK)
        return err;
    if (!ppp_offload_valid(off, pkt, len))
        return PPP_ERR_BAD_PACKET;
    if (!link->lcp_params.u.lcp.offload_tx)
        return PPP_ERR_NO_OFFLOAD;
    if (PPP_OFFLOAD_HEADER_LEN + len > link->lcp_params.u.lcp.mru_tx)
        return PPP_ERR_TOO_BIG;
    offload_put(header, off);
    if (!queue_prefixed_frame(link, &link->data, PPP_PROTO_VSNP, header, sizeof(header), pkt, len))
        return PPP_ERR_BUFFER_FULL;
    count_sent(link, len);
    return PPP_OK;
}

/* Which buffer the writer continues with, and how much of it. */
static struct txbuf *next_output(struct ppp_link *link, size_t *len)
{
    struct txbuf *control = &link->control, *data = &link->data;

    if (control->mid_frame) {
        *len = txbuf_pending(control);
        return control;
    }
    if (data->mid_frame) {
        /* Finish the data frame on the wire, then let control cut in. */
        *len = txbuf_pending(control) ? txbuf_rest_of_frame(data) : txbuf_pending(data);
        return data;
    }
    if (txbuf_pending(control)) {
        *len = txbuf_pending(control);
        return control;
    }
    *len = txbuf_pending(data);
    return data;
}

size_t ppp_link_tx_data(struct ppp_link *link, const uint8_t **data)
{
    size_t len;
    struct txbuf *tb = next_output(link, &len);

    link->handed_out = len ? tb : NULL;
    *data = len ? tb->buf + tb->head : NULL;
    return len;
}

void ppp_link_tx_consume(struct ppp_link *link, size_t n)
{
    size_t len;
    struct txbuf *tb = link->handed_out ? link->handed_out : next_output(link, &len);

    if (n > txbuf_pending(tb))
        n = txbuf_pending(tb);
    txbuf_consume(tb, n);
    link->stats.tx_bytes += n;
    link->handed_out = NULL;
}

size_t ppp_link_tx_room(const struct ppp_link *link)
{
    return txbuf_room(&link->data);
}
