/*
 * fsm_table.c - the option negotiation automaton of RFC 1661 section 4.1
 * as data: one cell of {next state, actions} per state and event, and the
 * names the log uses for states and events.
 */
#include "fsm_table.h"

/* The table reads best as written. */
/* clang-format off */
#define T(next_state, acts) {.next = FSM_##next_state, .actions = (acts)}
#define NO {.next = 0, .actions = F_ILLEGAL}

/* RFC 1661 section 4.1, read column by column (one row here per state).
 * Footnotes r (restart option) and x (crossed connection) need no code: we
 * have no restart option, and the x cells simply renegotiate. */
const struct cell fsm_transitions[FSM_NSTATES][FSM_NEVENTS] = {
    [FSM_INITIAL] =
        {
            [FSM_EV_UP] = T(CLOSED, 0),
            [FSM_EV_DOWN] = NO,
            [FSM_EV_OPEN] = T(STARTING, A_TLS),
            [FSM_EV_CLOSE] = T(INITIAL, 0),
            [FSM_EV_TO_PLUS] = NO,
            [FSM_EV_TO_MINUS] = NO,
            [FSM_EV_RCR_PLUS] = NO,
            [FSM_EV_RCR_MINUS] = NO,
            [FSM_EV_RCA] = NO,
            [FSM_EV_RCN] = NO,
            [FSM_EV_RTR] = NO,
            [FSM_EV_RTA] = NO,
            [FSM_EV_RUC] = NO,
            [FSM_EV_RXJ_PLUS] = NO,
            [FSM_EV_RXJ_MINUS] = NO,
            [FSM_EV_RXR] = NO,
        },
    [FSM_STARTING] =
        {
            [FSM_EV_UP] = T(REQ_SENT, A_IRC | A_SCR | F_SILENT),
            [FSM_EV_DOWN] = NO,
            [FSM_EV_OPEN] = T(STARTING, 0),
            [FSM_EV_CLOSE] = T(INITIAL, A_TLF),
            [FSM_EV_TO_PLUS] = NO,
            [FSM_EV_TO_MINUS] = NO,
            [FSM_EV_RCR_PLUS] = NO,
            [FSM_EV_RCR_MINUS] = NO,
            [FSM_EV_RCA] = NO,
            [FSM_EV_RCN] = NO,
            [FSM_EV_RTR] = NO,
            [FSM_EV_RTA] = NO,
            [FSM_EV_RUC] = NO,
            [FSM_EV_RXJ_PLUS] = NO,
            [FSM_EV_RXJ_MINUS] = NO,
            [FSM_EV_RXR] = NO,
        },
    [FSM_CLOSED] =
        {
            [FSM_EV_UP] = NO,
            [FSM_EV_DOWN] = T(INITIAL, 0),
            [FSM_EV_OPEN] = T(REQ_SENT, A_IRC | A_SCR | F_SILENT),
            [FSM_EV_CLOSE] = T(CLOSED, 0),
            [FSM_EV_TO_PLUS] = NO,
            [FSM_EV_TO_MINUS] = NO,
            [FSM_EV_RCR_PLUS] = T(CLOSED, A_STA),
            [FSM_EV_RCR_MINUS] = T(CLOSED, A_STA),
            [FSM_EV_RCA] = T(CLOSED, A_STA),
            [FSM_EV_RCN] = T(CLOSED, A_STA),
            [FSM_EV_RTR] = T(CLOSED, A_STA),
            [FSM_EV_RTA] = T(CLOSED, 0),
            [FSM_EV_RUC] = T(CLOSED, A_SCJ),
            [FSM_EV_RXJ_PLUS] = T(CLOSED, 0),
            [FSM_EV_RXJ_MINUS] = T(CLOSED, A_TLF),
            [FSM_EV_RXR] = T(CLOSED, 0),
        },
    [FSM_STOPPED] =
        {
            [FSM_EV_UP] = NO,
            [FSM_EV_DOWN] = T(STARTING, A_TLS),
            [FSM_EV_OPEN] = T(STOPPED, 0),
            [FSM_EV_CLOSE] = T(CLOSED, 0),
            [FSM_EV_TO_PLUS] = NO,
            [FSM_EV_TO_MINUS] = NO,
            [FSM_EV_RCR_PLUS] = T(ACK_SENT, A_IRC | A_SCR | A_SCA),
            [FSM_EV_RCR_MINUS] = T(REQ_SENT, A_IRC | A_SCR | A_SCN),
            [FSM_EV_RCA] = T(STOPPED, A_STA),
            [FSM_EV_RCN] = T(STOPPED, A_STA),
            [FSM_EV_RTR] = T(STOPPED, A_STA),
            [FSM_EV_RTA] = T(STOPPED, 0),
            [FSM_EV_RUC] = T(STOPPED, A_SCJ),
            [FSM_EV_RXJ_PLUS] = T(STOPPED, 0),
            [FSM_EV_RXJ_MINUS] = T(STOPPED, A_TLF),
            [FSM_EV_RXR] = T(STOPPED, 0),
        },
    [FSM_CLOSING] =
        {
            [FSM_EV_UP] = NO,
            [FSM_EV_DOWN] = T(INITIAL, 0),
            [FSM_EV_OPEN] = T(STOPPING, 0),
            [FSM_EV_CLOSE] = T(CLOSING, 0),
            [FSM_EV_TO_PLUS] = T(CLOSING, A_STR),
            [FSM_EV_TO_MINUS] = T(CLOSED, A_TLF),
            [FSM_EV_RCR_PLUS] = T(CLOSING, 0),
            [FSM_EV_RCR_MINUS] = T(CLOSING, 0),
            [FSM_EV_RCA] = T(CLOSING, 0),
            [FSM_EV_RCN] = T(CLOSING, 0),
            [FSM_EV_RTR] = T(CLOSING, A_STA),
            [FSM_EV_RTA] = T(CLOSED, A_TLF),
            [FSM_EV_RUC] = T(CLOSING, A_SCJ),
            [FSM_EV_RXJ_PLUS] = T(CLOSING, 0),
            [FSM_EV_RXJ_MINUS] = T(CLOSED, A_TLF),
            [FSM_EV_RXR] = T(CLOSING, 0),
        },
    [FSM_STOPPING] =
        {
            [FSM_EV_UP] = NO,
            [FSM_EV_DOWN] = T(STARTING, 0),
            [FSM_EV_OPEN] = T(STOPPING, 0),
            [FSM_EV_CLOSE] = T(CLOSING, 0),
            [FSM_EV_TO_PLUS] = T(STOPPING, A_STR),
            [FSM_EV_TO_MINUS] = T(STOPPED, A_TLF),
            [FSM_EV_RCR_PLUS] = T(STOPPING, 0),
            [FSM_EV_RCR_MINUS] = T(STOPPING, 0),
            [FSM_EV_RCA] = T(STOPPING, 0),
            [FSM_EV_RCN] = T(STOPPING, 0),
            [FSM_EV_RTR] = T(STOPPING, A_STA),
            [FSM_EV_RTA] = T(STOPPED, A_TLF),
            [FSM_EV_RUC] = T(STOPPING, A_SCJ),
            [FSM_EV_RXJ_PLUS] = T(STOPPING, 0),
            [FSM_EV_RXJ_MINUS] = T(STOPPED, A_TLF),
            [FSM_EV_RXR] = T(STOPPING, 0),
        },
    [FSM_REQ_SENT] =
        {
            [FSM_EV_UP] = NO,
            [FSM_EV_DOWN] = T(STARTING, 0),
            [FSM_EV_OPEN] = T(REQ_SENT, 0),
            [FSM_EV_CLOSE] = T(CLOSING, A_IRC | A_STR),
            [FSM_EV_TO_PLUS] = T(REQ_SENT, A_SCR),
            [FSM_EV_TO_MINUS] = T(STOPPED, A_TLF | F_PASSIVE),
            [FSM_EV_RCR_PLUS] = T(ACK_SENT, A_SCA),
            [FSM_EV_RCR_MINUS] = T(REQ_SENT, A_SCN),
            [FSM_EV_RCA] = T(ACK_RCVD, A_IRC),
            [FSM_EV_RCN] = T(REQ_SENT, A_IRC | A_SCR),
            [FSM_EV_RTR] = T(REQ_SENT, A_STA),
            [FSM_EV_RTA] = T(REQ_SENT, 0),
            [FSM_EV_RUC] = T(REQ_SENT, A_SCJ),
            [FSM_EV_RXJ_PLUS] = T(REQ_SENT, 0),
            [FSM_EV_RXJ_MINUS] = T(STOPPED, A_TLF),
            [FSM_EV_RXR] = T(REQ_SENT, 0),
        },
    [FSM_ACK_RCVD] =
        {
            [FSM_EV_UP] = NO,
            [FSM_EV_DOWN] = T(STARTING, 0),
            [FSM_EV_OPEN] = T(ACK_RCVD, 0),
            [FSM_EV_CLOSE] = T(CLOSING, A_IRC | A_STR),
            [FSM_EV_TO_PLUS] = T(REQ_SENT, A_SCR),
            [FSM_EV_TO_MINUS] = T(STOPPED, A_TLF | F_PASSIVE),
            [FSM_EV_RCR_PLUS] = T(OPENED, A_SCA | A_TLU),
            [FSM_EV_RCR_MINUS] = T(ACK_RCVD, A_SCN),
            [FSM_EV_RCA] = T(REQ_SENT, A_SCR),
            [FSM_EV_RCN] = T(REQ_SENT, A_SCR),
            [FSM_EV_RTR] = T(REQ_SENT, A_STA),
            [FSM_EV_RTA] = T(REQ_SENT, 0),
            [FSM_EV_RUC] = T(ACK_RCVD, A_SCJ),
            [FSM_EV_RXJ_PLUS] = T(REQ_SENT, 0),
            [FSM_EV_RXJ_MINUS] = T(STOPPED, A_TLF),
            [FSM_EV_RXR] = T(ACK_RCVD, 0),
        },
    [FSM_ACK_SENT] =
        {
            [FSM_EV_UP] = NO,
            [FSM_EV_DOWN] = T(STARTING, 0),
            [FSM_EV_OPEN] = T(ACK_SENT, 0),
            [FSM_EV_CLOSE] = T(CLOSING, A_IRC | A_STR),
            [FSM_EV_TO_PLUS] = T(ACK_SENT, A_SCR),
            [FSM_EV_TO_MINUS] = T(STOPPED, A_TLF | F_PASSIVE),
            [FSM_EV_RCR_PLUS] = T(ACK_SENT, A_SCA),
            [FSM_EV_RCR_MINUS] = T(REQ_SENT, A_SCN),
            [FSM_EV_RCA] = T(OPENED, A_IRC | A_TLU),
            [FSM_EV_RCN] = T(ACK_SENT, A_IRC | A_SCR),
            [FSM_EV_RTR] = T(REQ_SENT, A_STA),
            [FSM_EV_RTA] = T(ACK_SENT, 0),
            [FSM_EV_RUC] = T(ACK_SENT, A_SCJ),
            [FSM_EV_RXJ_PLUS] = T(ACK_SENT, 0),
            [FSM_EV_RXJ_MINUS] = T(STOPPED, A_TLF),
            [FSM_EV_RXR] = T(ACK_SENT, 0),
        },
    [FSM_OPENED] =
        {
            [FSM_EV_UP] = NO,
            [FSM_EV_DOWN] = T(STARTING, A_TLD),
            [FSM_EV_OPEN] = T(OPENED, 0),
            [FSM_EV_CLOSE] = T(CLOSING, A_TLD | A_IRC | A_STR),
            [FSM_EV_TO_PLUS] = NO,
            [FSM_EV_TO_MINUS] = NO,
            [FSM_EV_RCR_PLUS] = T(ACK_SENT, A_TLD | A_SCR | A_SCA),
            [FSM_EV_RCR_MINUS] = T(REQ_SENT, A_TLD | A_SCR | A_SCN),
            [FSM_EV_RCA] = T(REQ_SENT, A_TLD | A_SCR),
            [FSM_EV_RCN] = T(REQ_SENT, A_TLD | A_SCR),
            [FSM_EV_RTR] = T(STOPPING, A_TLD | A_ZRC | A_STA),
            [FSM_EV_RTA] = T(REQ_SENT, A_TLD | A_SCR),
            [FSM_EV_RUC] = T(OPENED, A_SCJ),
            [FSM_EV_RXJ_PLUS] = T(OPENED, 0),
            [FSM_EV_RXJ_MINUS] = T(STOPPING, A_TLD | A_IRC | A_STR),
            [FSM_EV_RXR] = T(OPENED, A_SER),
        },
};

#undef T
#undef NO
/* clang-format on */

static const char *const state_names[FSM_NSTATES] = {
    "Initial",  "Starting", "Closed",   "Stopped",  "Closing",
    "Stopping", "Req-Sent", "Ack-Rcvd", "Ack-Sent", "Opened",
};

static const char *const event_names[FSM_NEVENTS] = {
    "Up",  "Down", "Open", "Close", "TO+", "TO-",  "RCR+", "RCR-",
    "RCA", "RCN",  "RTR",  "RTA",   "RUC", "RXJ+", "RXJ-", "RXR",
};

const char *fsm_state_name(enum fsm_state state)
{
    return (unsigned)state < FSM_NSTATES ? state_names[state] : "?";
}

const char *fsm_event_name(enum fsm_event event)
{
    return (unsigned)event < FSM_NEVENTS ? event_names[event] : "?";
}
