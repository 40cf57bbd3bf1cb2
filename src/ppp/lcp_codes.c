/*
 * lcp_codes.c - LCP's codes beyond the automaton's: Protocol-Reject,
 * Echo-Request/Reply and Discard-Request (RFC 1661 sections 5.7, 5.8).
 */
#include <string.h>

#include "lcp.h"
#include "protocols.h"
#include "wire.h"

/* ---- Protocol-Reject, Echo, Discard (RFC 1661 sections 5.7, 5.8) ---- */

static uint32_t our_magic(const struct lcp *lcp)
{
    /* RFC 1661 section 5.8: zero when Magic-Number was not negotiated */
    return lcp->got.neg_magic ? lcp->got.magic : 0;
}

/* Largest Data that keeps a packet within the peer's MRU and our buffer. */
static size_t data_room(const struct lcp *lcp)
{
    size_t mru = lcp_mru_or_default(&lcp->his);

    if (mru > FSM_MAX_PACKET)
        mru = FSM_MAX_PACKET;
    return mru - LCP_HEADER;
}

static void send_with_magic(struct lcp *lcp, uint8_t code, uint8_t id, const uint8_t *data,
                            size_t len)
{
    uint8_t buf[FSM_MAX_PACKET];
    size_t room = data_room(lcp) - 4;

    if (len > room)
        len = room;
    put32(buf, our_magic(lcp));
    if (len)
        memcpy(buf + 4, data, len);
    fsm_send(&lcp->fsm, code, id, buf, len + 4);
}

static bool is_our_magic(const struct lcp *lcp, const uint8_t *data)
{
    return lcp->got.neg_magic && get32(data) == lcp->got.magic;
}

static void rcv_protocol_reject(struct lcp *lcp, ppp_time now, const uint8_t *data, size_t len)
{
    uint16_t proto;

    if (len < 2)
        return;
    proto = get16(data);
    /* logged by the hook's owner, which knows what it does about it */
    lcp->hooks->protocol_rejected(lcp->fsm.parent->owner, proto, now);
}

static void rcv_echo_request(struct lcp *lcp, uint8_t id, const uint8_t *data, size_t len)
{
    if (len < 4)
        return;
    if (is_our_magic(lcp, data)) {
        lcp_log_peer(lcp, PPP_LOG_WARN, "LCP: received our own Echo-Request: line looped back?");
        lcp->own_echo = true;
        return;
    }
    send_with_magic(lcp, LCP_ECHO_REPLY, id, data + 4, len - 4);
}

static void rcv_echo_reply(struct lcp *lcp, ppp_time now, uint8_t id, const uint8_t *data,
                           size_t len)
{
    if (len < 4)
        return;
    if (is_our_magic(lcp, data)) {
        lcp_log_peer(lcp, PPP_LOG_WARN, "LCP: received our own Echo-Reply: line looped back?");
        lcp->own_echo = true;
        return;
    }
    lcp->hooks->echo_reply(lcp->fsm.parent->owner, id, data + 4, len - 4, now);
}

bool lcp_extended(struct ppp_fsm *fsm, ppp_time now, uint8_t code, uint8_t id, const uint8_t *data,
                  size_t len)
{
    struct lcp *lcp = lcp_of(fsm);
    bool opened = fsm->state == FSM_OPENED;

    switch (code) {
    case LCP_PROTO_REJ:
        /* RFC 1661 section 5.7: discarded outside Opened */
        if (opened)
            rcv_protocol_reject(lcp, now, data, len);
        return true;
    case LCP_ECHO_REQ:
        /* RFC 1661 section 5.8: Echo and Discard only count in Opened */
        if (opened)
            rcv_echo_request(lcp, id, data, len);
        return true;
    case LCP_ECHO_REPLY:
        if (opened)
            rcv_echo_reply(lcp, now, id, data, len);
        return true;
    case LCP_DISCARD_REQ:
        return true;
    default:
        return false;
    }
}

/* RFC 1661 section 5.6: without Configure and Terminate the link cannot
 * work (RXJ-); a peer that does not know Protocol-Reject, Echo or Discard
 * can still carry traffic (RXJ+). */
bool lcp_code_reject_fatal(struct ppp_fsm *fsm, uint8_t code)
{
    return code >= FSM_CONF_REQ && code <= FSM_CODE_REJ;
}

void lcp_send_echo_request(struct lcp *lcp, uint8_t id, const uint8_t *data, size_t len)
{
    if (lcp->fsm.state != FSM_OPENED)
        return;
    send_with_magic(lcp, LCP_ECHO_REQ, id, data, len);
}

void lcp_send_protocol_reject(struct lcp *lcp, uint16_t protocol, const uint8_t *info, size_t len)
{
    uint8_t buf[FSM_MAX_PACKET];
    size_t room = data_room(lcp) - 2;

    /* RFC 1661 section 5.7: only sent in the LCP Opened state */
    if (lcp->fsm.state != FSM_OPENED)
        return;
    if (len > room)
        len = room;
    put16(buf, protocol);
    if (len)
        memcpy(buf + 2, info, len);
    fsm_send(&lcp->fsm, LCP_PROTO_REJ, ++lcp->proto_rej_id, buf, len + 2);
}
