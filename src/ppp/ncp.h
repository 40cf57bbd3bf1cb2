/*
 * ncp.h - what the Network Control Protocols (IPCP, IPV6CP) share on top
 * of the automaton: their setup, and the reply they build while judging a
 * peer's Configure-Request option by option.
 */
#ifndef PPPSSH_NCP_H
#define PPPSSH_NCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "options.h"

/* fsm_init with the settings' timers and counters, then ops->reset.  The
 * NCP's own state (its settings) must be in place first: reset reads it. */
void ncp_fsm_init(struct ppp_fsm *fsm, const struct fsm_ops *ops,
                  const struct ppp_settings *settings, const struct fsm_parent *parent);

/* A reply being built: only options of the worst verdict so far are kept,
 * in the peer's order (RFC 1661 sections 5.3, 5.4: a Reject wins over a
 * Nak, which wins over an Ack). */
struct ncp_reply {
    struct opt_writer w;
    int code;         /* FSM_CONF_ACK, FSM_CONF_NAK or FSM_CONF_REJ */
    bool reject_naks; /* past Max-Failure (RFC 1661 section 4.6) */
};

void ncp_reply_init(struct ncp_reply *r, uint8_t *out, size_t cap, bool reject_naks);
void ncp_reply_ack(struct ncp_reply *r, const struct opt *o);
void ncp_reply_reject(struct ncp_reply *r, const struct opt *o);
/* Nak o with what we would accept instead (len bytes of data); past
 * Max-Failure, Reject it (RFC 1661 section 4.6). */
void ncp_reply_nak(struct ncp_reply *r, const struct opt *o, const uint8_t *data, size_t len);
/* A list that breaks off mid-option: reject the rest verbatim (pppd does
 * the same), so the peer sees exactly which bytes we could not parse. */
void ncp_reply_reject_tail(struct ncp_reply *r, const uint8_t *p, size_t len);

#endif
