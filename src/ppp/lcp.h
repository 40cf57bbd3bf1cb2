/*
 * lcp.h - the Link Control Protocol (RFC 1661 sections 5 and 6, RFC 1570
 * for FCS-Alternatives) on top of the shared automaton.
 */
#ifndef PPPSSH_LCP_H
#define PPPSSH_LCP_H

#include "fsm.h"

/* RFC 1661 section 6 option types (and RFC 1570's FCS-Alternatives) */
enum lcp_option {
    LCP_OPT_VENDOR = 0, /* RFC 2153 section 2.1: OUI, Kind, Value(s) */
    LCP_OPT_MRU = 1,
    LCP_OPT_ACCM = 2,
    LCP_OPT_AUTH = 3,
    LCP_OPT_QUALITY = 4,
    LCP_OPT_MAGIC = 5,
    LCP_OPT_PFC = 7,
    LCP_OPT_ACFC = 8,
    LCP_OPT_FCS_ALT = 9,
};

/* MRU 4 + ACCM 6 + Magic 6 + PFC 2 + ACFC 2 + FCS-Alternatives 3 +
 * Vendor-Specific 6 = 29, and room for one more */
#define LCP_MAX_REQUEST 40

/* pppssh's Vendor-Specific option.  02-50-53 is not an IEEE OUI: its
 * first octet has the local bit set and the SLAP quadrant IEEE never
 * assigns (IEEE 802c), so no vendor's option can share it.  Kind 1,
 * no Value: "send me packets with offload metadata (offload.h)". */
#define LCP_VENDOR_OUI 0x025053u
#define LCP_VENDOR_KIND_OFFLOAD 1

/* RFC 1570 FCS-Alternatives bits */
#define LCP_FCS_NULL 1
#define LCP_FCS_16 2
#define LCP_FCS_32 4

/* LCP codes past the automaton's 1..7 */
enum lcp_code {
    LCP_PROTO_REJ = 8,
    LCP_ECHO_REQ = 9,
    LCP_ECHO_REPLY = 10,
    LCP_DISCARD_REQ = 11,
};

/* One side's options; the neg_ bits say which are in play. */
struct lcp_options {
    bool neg_mru, neg_accm, neg_magic, neg_pfc, neg_acfc, neg_fcs32, neg_offload;
    uint16_t mru;
    uint32_t accm;
    uint32_t magic;
};

/* What LCP needs to tell the link beyond the automaton's layer events. */
struct lcp_hooks {
    /* The peer Protocol-Rejected `protocol` (RFC 1661 section 5.7); only
     * reported while LCP is Opened.  Any protocol is passed on, LCP's own
     * included: the link decides (fsm_protocol_rejected on the NCP). */
    void (*protocol_rejected)(void *owner, uint16_t protocol, ppp_time now);
    /* An Echo-Reply to one of ours: data after the Magic-Number.  Replies
     * carrying our own Magic-Number (a looped line) are dropped, and so is
     * everything outside Opened (RFC 1661 section 5.8).  LCP answers an
     * Echo-Request itself; a Discard-Request is dropped; any other code
     * beyond 11 is Code-Rejected by the automaton.  A Code-Reject of codes
     * 1..7 is catastrophic (RXJ-), of 8..11 not (RXJ+). */
    void (*echo_reply)(void *owner, uint8_t id, const uint8_t *data, size_t len, ppp_time now);
};

struct lcp {
    struct ppp_fsm fsm;
    const struct ppp_settings *settings;
    const struct lcp_hooks *hooks;
    struct lcp_options want; /* what our next Configure-Request asks for */
    struct lcp_options got;  /* what the peer Acked of ours */
    struct lcp_options his;  /* what we Acked of the peer's */
    uint8_t loopback_naks;   /* our own magic seen in the peer's requests */
    bool looped_back;        /* gave up: the line is looped back */
    bool own_echo;           /* the packet being input is our own Echo come back */
    uint8_t proto_rej_id;
    /* Our last Configure-Request's options: an Ack must repeat them byte
     * for byte and a Reject may only hold some of them, in the same order
     * (RFC 1661 sections 5.2 and 5.4). */
    uint8_t req[LCP_MAX_REQUEST];
    size_t req_len;
};

/* fsm_parent->owner is also passed to the hooks. */
void lcp_init(struct lcp *lcp, const struct ppp_settings *settings, const struct fsm_parent *parent,
              const struct lcp_hooks *hooks);

/* Feed one received LCP packet (Code..Data).  Use this rather than
 * fsm_input(&lcp->fsm, ...): after the automaton has handled the packet it
 * closes the layer with cause PPP_CAUSE_LOOPBACK (fsm.cause) once the
 * peer's requests carried our own Magic-Number settings->max_loopback times
 * in a row; lcp->looped_back is then true until the next negotiation.
 * Returns false when the packet was our own Echo-Request or Echo-Reply
 * (our Magic-Number) coming back: it proves nothing about the peer, so
 * the keepalive must not count it (pppd ignores it too). */
bool lcp_input(struct lcp *lcp, ppp_time now, const uint8_t *pkt, size_t len);

/* Negotiated values (valid while Opened) in the form of PPP_EV_LCP_UP. */
void lcp_result(const struct lcp *lcp, struct ppp_event *ev);

/* Send an Echo-Request carrying our Magic-Number then data. */
void lcp_send_echo_request(struct lcp *lcp, uint8_t id, const uint8_t *data, size_t len);
/* Protocol-Reject a received packet (RFC 1661 section 5.7): the rejected
 * information is truncated so the whole packet fits the peer's MRU. */
void lcp_send_protocol_reject(struct lcp *lcp, uint16_t protocol, const uint8_t *info, size_t len);

/* ---- shared by lcp.c and lcp_codes.c ---- */

#define LCP_DEFAULT_MRU 1500 /* RFC 1661 section 6.1 */
#define LCP_HEADER 4         /* Code, Identifier, Length */

#define lcp_of(f) container_of((f), struct lcp, fsm)
#define lcp_log(lcp, level, ...)                                                                   \
    (lcp)->fsm.parent->log((lcp)->fsm.parent->owner, level, __VA_ARGS__)
/* A line about what the peer sent: it decides how many there are. */
#define lcp_log_peer(lcp, level, ...) fsm_parent_log_peer((lcp)->fsm.parent, level, __VA_ARGS__)

uint16_t lcp_mru_or_default(const struct lcp_options *o);
/* fsm_ops extended and code_reject_fatal (lcp_codes.c). */
bool lcp_extended(struct ppp_fsm *fsm, ppp_time now, uint8_t code, uint8_t id, const uint8_t *data,
                  size_t len);
bool lcp_code_reject_fatal(struct ppp_fsm *fsm, uint8_t code);

#endif
