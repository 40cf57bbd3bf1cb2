/*
 * reply.h - the answer to a peer's Configure-Request, built option by
 * option while LCP, IPCP or IPV6CP judge it: one builder for all three.
 *
 * Only options of the worst verdict so far are kept, in the peer's order
 * (RFC 1661 sections 5.3, 5.4: a Reject wins over a Nak, which wins over
 * an Ack).
 *
 * Overflow (a Request larger than our reply buffer: the peer's MRU may
 * exceed ours) has one rule.  No option is ever cut.  An option that does
 * not fit a Nak or a Reject is left out: sections 5.3 and 5.4 ask that
 * the list hold only unacceptable options, unmodified, so a shorter list
 * is still true, and the peer hears about the rest when it asks again.
 * An Ack must repeat the Request whole (section 5.2), so an acceptable
 * option that does not fit turns the reply into a Reject of it.
 */
#ifndef PPPSSH_REPLY_H
#define PPPSSH_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

struct cp_reply {
    struct opt_writer w; /* w.overflow: an option was left out */
    int code;            /* FSM_CONF_ACK, FSM_CONF_NAK or FSM_CONF_REJ */
    bool reject_naks;    /* past Max-Failure (RFC 1661 section 4.6) */
};

void cp_reply_init(struct cp_reply *r, uint8_t *out, size_t cap, bool reject_naks);
void cp_reply_ack(struct cp_reply *r, const struct opt *o);
void cp_reply_reject(struct cp_reply *r, const struct opt *o);
/* Nak o with what we would accept instead (len bytes of data); past
 * Max-Failure, Reject it (RFC 1661 section 4.6).  Returns the code the
 * option got: FSM_CONF_NAK or FSM_CONF_REJ. */
int cp_reply_nak(struct cp_reply *r, const struct opt *o, const uint8_t *data, size_t len);
/* Nak even past Max-Failure (LCP's clashing Magic-Number: loopback
 * detection needs the Naks to go on, as in pppd). */
void cp_reply_nak_anyway(struct cp_reply *r, const struct opt *o, const uint8_t *data, size_t len);
/* A list that breaks off mid-option: reject the rest verbatim (pppd does
 * the same), so the peer sees exactly which bytes we could not parse;
 * left out whole if it does not fit. */
void cp_reply_reject_tail(struct cp_reply *r, const uint8_t *p, size_t len);

#endif
