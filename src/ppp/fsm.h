/*
 * fsm.h - the option negotiation automaton of RFC 1661 section 4, shared by
 * LCP, IPCP and IPV6CP.
 *
 * The automaton knows packets (Code, Identifier, Length) and the state
 * transition table; it knows nothing of options.  Each protocol plugs in a
 * struct fsm_ops that builds and judges Configure packets, and an owner
 * (struct fsm_parent, normally the link) that sends packets, hears about
 * layer changes and supplies randomness and logging.
 */
#ifndef PPPSSH_FSM_H
#define PPPSSH_FSM_H

#include "ppp.h"

/* RFC 1661 section 5 codes */
enum fsm_code {
    FSM_CONF_REQ = 1,
    FSM_CONF_ACK = 2,
    FSM_CONF_NAK = 3,
    FSM_CONF_REJ = 4,
    FSM_TERM_REQ = 5,
    FSM_TERM_ACK = 6,
    FSM_CODE_REJ = 7,
};

/* RFC 1661 section 4.2 states, numbered as in the RFC */
enum fsm_state {
    FSM_INITIAL = 0,
    FSM_STARTING,
    FSM_CLOSED,
    FSM_STOPPED,
    FSM_CLOSING,
    FSM_STOPPING,
    FSM_REQ_SENT,
    FSM_ACK_RCVD,
    FSM_ACK_SENT,
    FSM_OPENED,
};
#define FSM_NSTATES 10

/* RFC 1661 section 4.3 events */
enum fsm_event {
    FSM_EV_UP,
    FSM_EV_DOWN,
    FSM_EV_OPEN,
    FSM_EV_CLOSE,
    FSM_EV_TO_PLUS,   /* TO+ restart timer expired, counter > 0 */
    FSM_EV_TO_MINUS,  /* TO- restart timer expired, counter exhausted */
    FSM_EV_RCR_PLUS,  /* RCR+ good Configure-Request */
    FSM_EV_RCR_MINUS, /* RCR- bad Configure-Request */
    FSM_EV_RCA,
    FSM_EV_RCN, /* Configure-Nak or Configure-Reject */
    FSM_EV_RTR,
    FSM_EV_RTA,
    FSM_EV_RUC,       /* unknown code */
    FSM_EV_RXJ_PLUS,  /* permitted Code-Reject / Protocol-Reject */
    FSM_EV_RXJ_MINUS, /* catastrophic Code-Reject / Protocol-Reject */
    FSM_EV_RXR,       /* Echo-Request, Echo-Reply, Discard-Request */
};
#define FSM_NEVENTS 16

const char *fsm_state_name(enum fsm_state state);
const char *fsm_event_name(enum fsm_event event);

struct ppp_fsm;

/* What a protocol tells the automaton about options. */
struct fsm_ops {
    const char *name;  /* "LCP" */
    uint16_t protocol; /* 0xc021 */

    /* Forget what was learned from Naks and Rejects: the next request asks
     * for everything the settings want (called before the first request of
     * each negotiation, i.e. on This-Layer-Started and irc on Open). */
    void (*reset)(struct ppp_fsm *fsm);
    /* Write our Configure-Request options into buf; return their length. */
    size_t (*build_request)(struct ppp_fsm *fsm, uint8_t *buf, size_t cap);
    /* Judge the peer's Configure-Request options.  Writes the reply's
     * options to out and returns FSM_CONF_ACK (out = a copy of opts),
     * FSM_CONF_NAK or FSM_CONF_REJ.  When reject_naks is set (Max-Failure
     * reached, RFC 1661 section 4.6) options that would be Naked are
     * Rejected instead.  Naks and Rejects list options in the order the
     * peer sent them. */
    int (*judge_request)(struct ppp_fsm *fsm, const uint8_t *opts, size_t len, uint8_t *out,
                         size_t cap, size_t *out_len, bool reject_naks);
    /* The peer Acked / Naked / Rejected our last request.  Return false if
     * the packet does not match what we sent: it is then silently dropped
     * (RFC 1661 sections 5.2-5.4). */
    bool (*ack)(struct ppp_fsm *fsm, const uint8_t *opts, size_t len);
    bool (*nak)(struct ppp_fsm *fsm, const uint8_t *opts, size_t len);
    bool (*reject)(struct ppp_fsm *fsm, const uint8_t *opts, size_t len);
    /* This-Layer-Up / -Down / -Started / -Finished for the protocol itself
     * (work out negotiated values, clear them).  May be NULL. */
    void (*up)(struct ppp_fsm *fsm);
    void (*down)(struct ppp_fsm *fsm);
    /* A code this protocol handles beyond 1..7 (LCP: 8..11).  Return false
     * for an unknown code: the automaton then sends Code-Reject (RUC). */
    bool (*extended)(struct ppp_fsm *fsm, ppp_time now, uint8_t code, uint8_t id,
                     const uint8_t *data, size_t len);
    /* A Code-Reject of a code we sent: true if it is catastrophic (RXJ-). */
    bool (*code_reject_fatal)(struct ppp_fsm *fsm, uint8_t code);
};

/* What the automaton needs from its owner. */
struct fsm_parent {
    void *owner;
    /* Send one packet of protocol fsm->ops->protocol (Code..Data). */
    void (*send)(void *owner, struct ppp_fsm *fsm, const uint8_t *pkt, size_t len);
    /* This-Layer-Up / -Down / -Started / -Finished for the link */
    void (*layer_up)(void *owner, struct ppp_fsm *fsm);
    void (*layer_down)(void *owner, struct ppp_fsm *fsm);
    void (*layer_started)(void *owner, struct ppp_fsm *fsm);
    void (*layer_finished)(void *owner, struct ppp_fsm *fsm);
    uint32_t (*random)(void *owner);
    void (*log)(void *owner, enum ppp_log_level level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
    /* A line about what the peer sent (struct ppp_callbacks' log_peer);
     * NULL: log. */
    void (*log_peer)(void *owner, enum ppp_log_level level, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
};

/* A line about a packet of the peer's, through log_peer if there is one. */
#define fsm_parent_log_peer(parent, level, ...)                                                    \
    do {                                                                                           \
        if ((parent)->log_peer)                                                                    \
            (parent)->log_peer((parent)->owner, (level), __VA_ARGS__);                             \
        else if ((parent)->log)                                                                    \
            (parent)->log((parent)->owner, (level), __VA_ARGS__);                                  \
    } while (0)

struct fsm_config {
    ppp_time restart; /* Restart timer */
    uint8_t max_configure;
    uint8_t max_terminate;
    uint8_t max_failure;
    bool passive; /* TO- in Req-Sent/Ack-Sent: Stopped, not Tlf (pppd) */
    bool silent;  /* Open does not send a request until one arrives */
};

#define FSM_MAX_PACKET 1500 /* our Configure packets fit in the default MRU */

struct ppp_fsm {
    const struct fsm_ops *ops;
    const struct fsm_parent *parent;
    struct fsm_config config;
    enum fsm_state state;
    uint8_t id;      /* Identifier of our last Configure- or Terminate-Request */
    uint8_t next_id; /* next fresh Identifier (Code-Reject takes one too, RFC 1661 5.7) */
    bool reply_seen; /* a reply to request `id` was already taken (pppd's seen_ack) */
    uint8_t restart_count;
    uint8_t failure_count;               /* Naks sent since the last Ack (Max-Failure) */
    ppp_time deadline;                   /* Restart timer; PPP_TIME_NEVER when stopped */
    bool silent_waiting;                 /* silent: no request sent yet */
    enum ppp_cause cause;                /* why we last left Opened / gave up */
    uint8_t term_reason[PPP_REASON_MAX]; /* Data of our Terminate-Requests */
    size_t term_reason_len;
    /* Longest packet we send (Code..Data): the peer's MRU while LCP is
     * Opened, set by the link, so a Code-Reject's copy of the rejected
     * packet is truncated to fit it (RFC 1661 section 5.6).  fsm_init sets
     * FSM_MAX_PACKET; larger values are capped at it. */
    size_t max_packet;
};

/* The timer and counter limits every protocol takes from the settings;
 * passive and silent are left false (only LCP uses them). */
struct fsm_config fsm_config_from_settings(const struct ppp_settings *settings);

void fsm_init(struct ppp_fsm *fsm, const struct fsm_ops *ops, const struct fsm_parent *parent,
              const struct fsm_config *config);

/* Events from outside the packet stream */
void fsm_up(struct ppp_fsm *fsm, ppp_time now);
void fsm_down(struct ppp_fsm *fsm, ppp_time now);
void fsm_open(struct ppp_fsm *fsm, ppp_time now);
/* reason goes into the Terminate-Request's data (may be NULL) */
void fsm_close(struct ppp_fsm *fsm, ppp_time now, const char *reason);
/* Call when now >= fsm->deadline: raises TO+ or TO-. */
void fsm_timeout(struct ppp_fsm *fsm, ppp_time now);
/* The peer Protocol-Rejected this protocol (RXJ-). */
void fsm_protocol_rejected(struct ppp_fsm *fsm, ppp_time now);

/* One received packet of this protocol: Code, Identifier, Length, Data.
 * Checks the header (silently discarding short or inconsistent packets,
 * RFC 1661 section 5) and raises the matching event. */
void fsm_input(struct ppp_fsm *fsm, ppp_time now, const uint8_t *pkt, size_t len);

/* Raise one event with no packet behind it.  For RCR/RCA/RCN/RTR/RTA/RUC/
 * RXJ/RXR the identifier used in any reply is `id` and no option data is
 * sent; this exists for the transition-table test and for callers (LCP's
 * extended codes) that have already parsed the packet.
 * The ser action (RXR in Opened) sends nothing here: only the protocol knows
 * an Echo-Reply's Magic-Number, so LCP answers an Echo-Request itself when
 * fsm->state == FSM_OPENED (RXR never changes the state). */
void fsm_event(struct ppp_fsm *fsm, ppp_time now, enum fsm_event event, uint8_t id);

/* Send a packet with this fsm's protocol: helper for protocols' extended
 * codes (LCP Echo-Reply, Protocol-Reject). */
void fsm_send(struct ppp_fsm *fsm, uint8_t code, uint8_t id, const uint8_t *data, size_t len);

#endif
