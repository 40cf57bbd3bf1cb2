/*
 * fsm.c - the option negotiation automaton of RFC 1661 section 4.
 *
 * The state transition table (section 4.1) is data (fsm_table.c): one cell of {next state,
 * actions} per state and event.  transition() is the only place that changes
 * fsm->state: it logs the change, performs the cell's actions (section 4.4)
 * and keeps the Restart timer running exactly in the states where section
 * 4.2 says it runs.  fsm_input() turns packets into events (section 5).
 */
#include "fsm.h"
#include "fsm_table.h"

#include <string.h>

#include "wire.h"

#define FSM_HEADER_LEN 4
#define FSM_MAX_DATA (FSM_MAX_PACKET - FSM_HEADER_LEN)

/* What the event carries for the replies a cell may send. */
struct event_ctx {
    uint8_t id;          /* Identifier to echo in sca/scn/sta */
    uint8_t reply_code;  /* scn: FSM_CONF_NAK or FSM_CONF_REJ */
    const uint8_t *data; /* sca/scn: reply options; scj: the rejected packet */
    size_t len;
    bool retransmit; /* TO+: scr repeats the outstanding request */
};

#define fsm_log(fsm, level, ...)                                                                   \
    do {                                                                                           \
        if ((fsm)->parent->log)                                                                    \
            (fsm)->parent->log((fsm)->parent->owner, (level), __VA_ARGS__);                        \
    } while (0)

/* A line about a packet of the peer's: it decides how many there are. */
#define fsm_log_peer(fsm, level, ...) fsm_parent_log_peer((fsm)->parent, (level), __VA_ARGS__)

/* RFC 1661 section 4.2: the Restart timer runs only in these states. */
static bool timer_runs_in(enum fsm_state state)
{
    return state == FSM_CLOSING || state == FSM_STOPPING || state == FSM_REQ_SENT ||
           state == FSM_ACK_RCVD || state == FSM_ACK_SENT;
}

static bool negotiating(enum fsm_state state)
{
    return state == FSM_REQ_SENT || state == FSM_ACK_RCVD || state == FSM_ACK_SENT;
}

static void start_timer(struct ppp_fsm *fsm, ppp_time now)
{
    fsm->deadline = now + fsm->config.restart;
}

static uint8_t fresh_id(struct ppp_fsm *fsm)
{
    return fsm->next_id++;
}

void fsm_send(struct ppp_fsm *fsm, uint8_t code, uint8_t id, const uint8_t *data, size_t len)
{
    uint8_t pkt[FSM_MAX_PACKET];
    size_t limit = fsm->max_packet < FSM_MAX_PACKET ? fsm->max_packet : FSM_MAX_PACKET;

    if (limit < FSM_HEADER_LEN)
        limit = FSM_HEADER_LEN;
    if (len > limit - FSM_HEADER_LEN)
        len = limit - FSM_HEADER_LEN;
    pkt[0] = code;
    pkt[1] = id;
    put16(pkt + 2, (uint16_t)(FSM_HEADER_LEN + len));
    if (len)
        memcpy(pkt + FSM_HEADER_LEN, data, len);
    fsm->parent->send(fsm->parent->owner, fsm, pkt, FSM_HEADER_LEN + len);
}

/* Section 4.4 Send-Configure-Request.  A retransmission on TO+ keeps the
 * Identifier, as pppd does and section 5.1 allows ("MAY remain unchanged"),
 * so a late Ack of the first copy still counts on a slow link; any request
 * whose options may differ gets a new one.  The options are rebuilt each
 * time, so what we send always reflects the latest Naks and Rejects. */
static void send_configure_request(struct ppp_fsm *fsm, ppp_time now, bool retransmit)
{
    uint8_t opts[FSM_MAX_DATA];
    size_t len;

    if (!negotiating(fsm->state)) {
        /* A new negotiation starts: forget what earlier Naks taught us and
         * restart the Max-Failure count (pppd does the same here). */
        if (fsm->ops->reset)
            fsm->ops->reset(fsm);
        fsm->failure_count = 0;
    }
    if (!retransmit)
        fsm->id = fresh_id(fsm);
    fsm->reply_seen = false;
    fsm->silent_waiting = false;
    len = fsm->ops->build_request(fsm, opts, sizeof(opts));
    if (len > sizeof(opts))
        len = sizeof(opts);
    fsm_send(fsm, FSM_CONF_REQ, fsm->id, opts, len);
    /* Section 4.4: the counter counts every transmission, the first too. */
    if (fsm->restart_count > 0)
        fsm->restart_count--;
    start_timer(fsm, now);
}

/* Section 4.4 Send-Terminate-Request; section 5.5 lets the Data field carry
 * anything, so it carries the close reason, as pppd does. */
static void send_terminate_request(struct ppp_fsm *fsm, ppp_time now)
{
    fsm->id = fresh_id(fsm);
    fsm->reply_seen = false;
    fsm_send(fsm, FSM_TERM_REQ, fsm->id, fsm->term_reason, fsm->term_reason_len);
    if (fsm->restart_count > 0)
        fsm->restart_count--;
    start_timer(fsm, now);
}

static void send_configure_reply(struct ppp_fsm *fsm, uint8_t code, const struct event_ctx *ctx)
{
    if (code == FSM_CONF_ACK)
        fsm->failure_count = 0; /* section 4.6: Max-Failure counts Naks without an Ack */
    else if (code == FSM_CONF_NAK && fsm->failure_count < UINT8_MAX)
        fsm->failure_count++;
    fsm_send(fsm, code, ctx->id, ctx->data, ctx->len);
}

/* Section 4.4 Initialize-Restart-Count: Max-Terminate when the cell goes on
 * to send a Terminate-Request, Max-Configure otherwise. */
static void init_restart_count(struct ppp_fsm *fsm, unsigned actions)
{
    fsm->restart_count = (actions & A_STR) ? fsm->config.max_terminate : fsm->config.max_configure;
}

/* Section 4.4 Zero-Restart-Count: no Terminate-Request of our own, but wait
 * one Restart period so the peer sees our Terminate-Ack before we finish. */
static void zero_restart_count(struct ppp_fsm *fsm, ppp_time now)
{
    fsm->restart_count = 0;
    start_timer(fsm, now);
}

static void layer_down(struct ppp_fsm *fsm)
{
    if (fsm->parent->layer_down)
        fsm->parent->layer_down(fsm->parent->owner, fsm);
    if (fsm->ops->down)
        fsm->ops->down(fsm);
}

static void layer_up(struct ppp_fsm *fsm)
{
    if (fsm->ops->up)
        fsm->ops->up(fsm);
    if (fsm->parent->layer_up)
        fsm->parent->layer_up(fsm->parent->owner, fsm);
}

static void layer_started(struct ppp_fsm *fsm)
{
    if (fsm->parent->layer_started)
        fsm->parent->layer_started(fsm->parent->owner, fsm);
}

static void layer_finished(struct ppp_fsm *fsm)
{
    if (fsm->parent->layer_finished)
        fsm->parent->layer_finished(fsm->parent->owner, fsm);
}

/* The cell, adjusted for pppd's passive and silent options. */
static struct cell effective_cell(const struct ppp_fsm *fsm, enum fsm_event event)
{
    struct cell cell = fsm_transitions[fsm->state][event];

    /* pppd (fsm.c, timeout in Req-Sent/Ack-Rcvd/Ack-Sent): with passive it
     * still goes to Stopped but skips This-Layer-Finished, so the link stays
     * up waiting for the peer to start (RFC 1661 footnote p). */
    if ((cell.actions & F_PASSIVE) && fsm->config.passive)
        cell.actions &= (uint16_t)~A_TLF;
    /* pppd (fsm_lowerup from Starting, fsm_open from Closed): with silent it
     * sends nothing and waits in Stopped for the peer's Configure-Request. */
    if ((cell.actions & F_SILENT) && fsm->config.silent) {
        cell.next = FSM_STOPPED;
        cell.actions = 0;
    }
    return cell;
}

static void note_cause(struct ppp_fsm *fsm, enum fsm_event event, struct cell cell)
{
    if (event == FSM_EV_CLOSE)
        fsm->cause = PPP_CAUSE_ADMIN_CLOSE;
    else if (event == FSM_EV_RTR && fsm->state == FSM_OPENED)
        fsm->cause = PPP_CAUSE_PEER_TERMINATED;
    else if (event == FSM_EV_TO_MINUS && negotiating(fsm->state) && (cell.actions & A_TLF))
        fsm->cause = PPP_CAUSE_NEGOTIATION_FAILED; /* Max-Configure exhausted */
    if (event == FSM_EV_TO_MINUS && negotiating(fsm->state))
        fsm_log(fsm, PPP_LOG_WARN, "%s: no answer to %u Configure-Requests%s", fsm->ops->name,
                fsm->config.max_configure, fsm->config.passive ? ", waiting (passive)" : "");
}

/* Sends happen in the old state (send_configure_request needs it), layer
 * callbacks that announce the new state run after fsm->state is set, so an
 * owner that reacts by raising another event sees a consistent automaton. */
static void transition(struct ppp_fsm *fsm, ppp_time now, enum fsm_event event,
                       const struct event_ctx *ctx)
{
    struct cell cell = effective_cell(fsm, event);
    enum fsm_state old = fsm->state;
    unsigned actions = cell.actions;

    if (actions & F_ILLEGAL) {
        /* Section 4.1: "-" marks an event that cannot happen here; it is an
         * implementation error or a stray packet, so nothing changes. */
        fsm_log(fsm, PPP_LOG_DEBUG, "%s: %s in %s ignored", fsm->ops->name, fsm_event_name(event),
                fsm_state_name(old));
        return;
    }
    fsm_log(fsm, PPP_LOG_DEBUG, "%s: %s -> %s on %s", fsm->ops->name, fsm_state_name(old),
            fsm_state_name((enum fsm_state)cell.next), fsm_event_name(event));
    note_cause(fsm, event, cell);

    if (actions & A_TLD)
        layer_down(fsm);
    if (actions & A_IRC)
        init_restart_count(fsm, actions);
    if (actions & A_ZRC)
        zero_restart_count(fsm, now);
    if (actions & A_SCR)
        send_configure_request(fsm, now, ctx->retransmit);
    if (actions & A_SCA)
        send_configure_reply(fsm, FSM_CONF_ACK, ctx);
    if (actions & A_SCN)
        send_configure_reply(fsm, ctx->reply_code, ctx);
    if (actions & A_STR)
        send_terminate_request(fsm, now);
    if (actions & A_STA)
        fsm_send(fsm, FSM_TERM_ACK, ctx->id, NULL, 0);
    if (actions & A_SCJ)
        fsm_send(fsm, FSM_CODE_REJ, fresh_id(fsm), ctx->data, ctx->len);
    /* A_SER: LCP answers Echo-Requests itself (see fsm.h). */

    fsm->state = (enum fsm_state)cell.next;
    if (!timer_runs_in(fsm->state))
        fsm->deadline = PPP_TIME_NEVER;
    if (cell.next == FSM_STOPPED && old != FSM_STOPPED && fsm->config.silent &&
        (event == FSM_EV_UP || event == FSM_EV_OPEN))
        fsm->silent_waiting = true;

    if (actions & A_TLS)
        layer_started(fsm);
    if (actions & A_TLU)
        layer_up(fsm);
    if (actions & A_TLF)
        layer_finished(fsm);
}

static void raise_event(struct ppp_fsm *fsm, ppp_time now, enum fsm_event event, uint8_t id)
{
    struct event_ctx ctx = {.id = id, .reply_code = FSM_CONF_NAK};

    ctx.retransmit = event == FSM_EV_TO_PLUS;
    transition(fsm, now, event, &ctx);
}

struct fsm_config fsm_config_from_settings(const struct ppp_settings *settings)
{
    const struct fsm_config config = {
        .restart = (ppp_time)settings->restart_ms * PPP_MS,
        .max_configure = settings->max_configure,
        .max_terminate = settings->max_terminate,
        .max_failure = settings->max_failure,
    };

    return config;
}

void fsm_init(struct ppp_fsm *fsm, const struct fsm_ops *ops, const struct fsm_parent *parent,
              const struct fsm_config *config)
{
    memset(fsm, 0, sizeof(*fsm));
    fsm->ops = ops;
    fsm->parent = parent;
    fsm->config = *config;
    fsm->state = FSM_INITIAL;
    fsm->deadline = PPP_TIME_NEVER;
    fsm->cause = PPP_CAUSE_NONE;
    fsm->max_packet = FSM_MAX_PACKET; /* the default MRU, until LCP says more */
    /* Start Identifiers at a random point so a restarted session's replies
     * are unlikely to match stale packets still in flight. */
    fsm->next_id = parent->random ? (uint8_t)parent->random(parent->owner) : 0;
    fsm->id = (uint8_t)(fsm->next_id - 1);
    fsm->reply_seen = true; /* no request outstanding yet */
}

void fsm_up(struct ppp_fsm *fsm, ppp_time now)
{
    raise_event(fsm, now, FSM_EV_UP, 0);
}

void fsm_down(struct ppp_fsm *fsm, ppp_time now)
{
    raise_event(fsm, now, FSM_EV_DOWN, 0);
}

void fsm_open(struct ppp_fsm *fsm, ppp_time now)
{
    fsm->term_reason_len = 0;
    raise_event(fsm, now, FSM_EV_OPEN, 0);
}

void fsm_close(struct ppp_fsm *fsm, ppp_time now, const char *reason)
{
    size_t len = reason ? strlen(reason) : 0;

    if (len > sizeof(fsm->term_reason))
        len = sizeof(fsm->term_reason);
    if (len)
        memcpy(fsm->term_reason, reason, len);
    fsm->term_reason_len = len;
    raise_event(fsm, now, FSM_EV_CLOSE, 0);
}

void fsm_timeout(struct ppp_fsm *fsm, ppp_time now)
{
    if (fsm->deadline == PPP_TIME_NEVER || now < fsm->deadline)
        return;
    raise_event(fsm, now, fsm->restart_count > 0 ? FSM_EV_TO_PLUS : FSM_EV_TO_MINUS, 0);
}

void fsm_protocol_rejected(struct ppp_fsm *fsm, ppp_time now)
{
    raise_event(fsm, now, FSM_EV_RXJ_MINUS, 0);
}

void fsm_event(struct ppp_fsm *fsm, ppp_time now, enum fsm_event event, uint8_t id)
{
    if ((unsigned)event >= FSM_NEVENTS)
        return;
    raise_event(fsm, now, event, id);
}

/* States in which a Configure-Request is judged: elsewhere the table only
 * answers with Terminate-Ack or ignores it, so the protocol is not asked. */
static bool judges_requests(enum fsm_state state)
{
    return state == FSM_STOPPED || negotiating(state) || state == FSM_OPENED;
}

static void receive_configure_request(struct ppp_fsm *fsm, ppp_time now, uint8_t id,
                                      const uint8_t *opts, size_t len)
{
    uint8_t reply[FSM_MAX_DATA];
    struct event_ctx ctx = {.id = id, .reply_code = FSM_CONF_NAK, .data = reply};
    bool reject_naks;
    int code;

    if (!judges_requests(fsm->state)) {
        transition(fsm, now, FSM_EV_RCR_PLUS, &ctx);
        return;
    }
    /* Section 4.6 Max-Failure: after that many Naks without an Ack, options
     * we would Nak are Rejected so negotiation converges. */
    reject_naks = fsm->failure_count >= fsm->config.max_failure;
    code = fsm->ops->judge_request(fsm, opts, len, reply, sizeof(reply), &ctx.len, reject_naks);
    if (ctx.len > sizeof(reply))
        ctx.len = sizeof(reply);
    if (code == FSM_CONF_ACK) {
        transition(fsm, now, FSM_EV_RCR_PLUS, &ctx);
    } else if (code == FSM_CONF_NAK || code == FSM_CONF_REJ) {
        ctx.reply_code = (uint8_t)code;
        transition(fsm, now, FSM_EV_RCR_MINUS, &ctx);
    } else {
        fsm_log(fsm, PPP_LOG_WARN, "%s: judge_request returned code %d", fsm->ops->name, code);
    }
}

/* Sections 5.2-5.4: a reply must carry the Identifier of our last request,
 * and only the first reply to it counts (pppd's seen_ack: a retransmitted
 * request may be answered twice). */
static bool reply_matches(struct ppp_fsm *fsm, uint8_t id)
{
    if (id == fsm->id && !fsm->reply_seen)
        return true;
    fsm_log_peer(fsm, PPP_LOG_DEBUG, "%s: stale reply id %u (expected %u) dropped", fsm->ops->name,
                 id, fsm->id);
    return false;
}

static void receive_configure_reply(struct ppp_fsm *fsm, ppp_time now, uint8_t code, uint8_t id,
                                    const uint8_t *opts, size_t len)
{
    struct event_ctx ctx = {.id = id};
    bool valid = true;

    if (!reply_matches(fsm, id))
        return;
    /* Only a negotiation in progress interprets the options; elsewhere the
     * table just answers (Terminate-Ack) or ignores the packet. */
    if (negotiating(fsm->state)) {
        if (code == FSM_CONF_ACK)
            valid = fsm->ops->ack(fsm, opts, len);
        else if (code == FSM_CONF_NAK)
            valid = fsm->ops->nak(fsm, opts, len);
        else
            valid = fsm->ops->reject(fsm, opts, len);
    }
    if (!valid) {
        fsm_log_peer(fsm, PPP_LOG_DEBUG, "%s: bad Configure-%s dropped", fsm->ops->name,
                     code == FSM_CONF_ACK   ? "Ack"
                     : code == FSM_CONF_NAK ? "Nak"
                                            : "Reject");
        return;
    }
    fsm->reply_seen = true;
    transition(fsm, now, code == FSM_CONF_ACK ? FSM_EV_RCA : FSM_EV_RCN, &ctx);
}

/* Section 5.6: rejecting a code the automaton itself needs is catastrophic. */
static void receive_code_reject(struct ppp_fsm *fsm, ppp_time now, const uint8_t *data, size_t len)
{
    bool fatal;

    if (len < 1) {
        fsm_log_peer(fsm, PPP_LOG_DEBUG, "%s: empty Code-Reject dropped", fsm->ops->name);
        return;
    }
    if (fsm->ops->code_reject_fatal)
        fatal = fsm->ops->code_reject_fatal(fsm, data[0]);
    else
        fatal = data[0] >= FSM_CONF_REQ && data[0] <= FSM_CODE_REJ;
    fsm_log_peer(fsm, PPP_LOG_WARN, "%s: peer rejected code %u", fsm->ops->name, data[0]);
    raise_event(fsm, now, fatal ? FSM_EV_RXJ_MINUS : FSM_EV_RXJ_PLUS, 0);
}

static void receive_unknown_code(struct ppp_fsm *fsm, ppp_time now, const uint8_t *pkt, size_t len)
{
    /* Section 5.7: the Code-Reject carries the rejected packet, truncated
     * to fit (fsm_send cuts it at the peer's MRU, fsm->max_packet). */
    struct event_ctx ctx = {.id = pkt[1], .data = pkt, .len = len};

    fsm_log_peer(fsm, PPP_LOG_DEBUG, "%s: unknown code %u", fsm->ops->name, pkt[0]);
    transition(fsm, now, FSM_EV_RUC, &ctx);
}

void fsm_input(struct ppp_fsm *fsm, ppp_time now, const uint8_t *pkt, size_t len)
{
    const uint8_t *data = pkt + FSM_HEADER_LEN;
    uint8_t code, id;
    size_t length;

    /* Section 5: shorter than the header, or a Length outside 4..received,
     * is silently discarded; octets beyond Length are padding. */
    if (len < FSM_HEADER_LEN) {
        fsm_log_peer(fsm, PPP_LOG_DEBUG, "%s: short packet (%zu bytes) dropped", fsm->ops->name,
                     len);
        return;
    }
    code = pkt[0];
    id = pkt[1];
    length = get16(pkt + 2);
    if (length < FSM_HEADER_LEN || length > len) {
        fsm_log_peer(fsm, PPP_LOG_DEBUG, "%s: bad Length %zu (received %zu) dropped",
                     fsm->ops->name, length, len);
        return;
    }

    switch (code) {
    case FSM_CONF_REQ:
        receive_configure_request(fsm, now, id, data, length - FSM_HEADER_LEN);
        break;
    case FSM_CONF_ACK:
    case FSM_CONF_NAK:
    case FSM_CONF_REJ:
        receive_configure_reply(fsm, now, code, id, data, length - FSM_HEADER_LEN);
        break;
    case FSM_TERM_REQ:
        raise_event(fsm, now, FSM_EV_RTR, id);
        break;
    case FSM_TERM_ACK:
        raise_event(fsm, now, FSM_EV_RTA, id);
        break;
    case FSM_CODE_REJ:
        receive_code_reject(fsm, now, data, length - FSM_HEADER_LEN);
        break;
    default:
        if (fsm->ops->extended &&
            fsm->ops->extended(fsm, now, code, id, data, length - FSM_HEADER_LEN))
            break;
        receive_unknown_code(fsm, now, pkt, length);
        break;
    }
}
