/*
 * reply.c - the Configure-Request reply that LCP, IPCP and IPV6CP share
 * (see reply.h for the overflow rule).
 */
#include "reply.h"

#include <string.h>

#include "fsm.h"

void cp_reply_init(struct cp_reply *r, uint8_t *out, size_t cap, bool reject_naks)
{
    opt_writer_init(&r->w, out, cap);
    r->code = FSM_CONF_ACK;
    r->reject_naks = reject_naks;
}

/* The reply becomes at least as bad as `code` (dropping the options of a
 * better verdict, and with them any overflow); false if it is already
 * worse, and an option with `code` is not listed. */
static bool reply_escalate(struct cp_reply *r, int code)
{
    if (code < r->code)
        return false;
    if (code > r->code) {
        r->w.len = 0;
        r->w.overflow = false;
        r->code = code;
    }
    return true;
}

void cp_reply_reject(struct cp_reply *r, const struct opt *o)
{
    if (reply_escalate(r, FSM_CONF_REJ))
        opt_put_raw(&r->w, o);
}

void cp_reply_ack(struct cp_reply *r, const struct opt *o)
{
    if (!reply_escalate(r, FSM_CONF_ACK))
        return;
    opt_put_raw(&r->w, o);
    if (r->w.overflow) /* a partial Ack would be a lie: reply.h */
        cp_reply_reject(r, o);
}

void cp_reply_nak_anyway(struct cp_reply *r, const struct opt *o, const uint8_t *data, size_t len)
{
    if (reply_escalate(r, FSM_CONF_NAK))
        opt_put(&r->w, o->type, data, len);
}

int cp_reply_nak(struct cp_reply *r, const struct opt *o, const uint8_t *data, size_t len)
{
    if (r->reject_naks) {
        cp_reply_reject(r, o);
        return FSM_CONF_REJ;
    }
    cp_reply_nak_anyway(r, o, data, len);
    return FSM_CONF_NAK;
}

void cp_reply_reject_tail(struct cp_reply *r, const uint8_t *p, size_t len)
{
    if (!reply_escalate(r, FSM_CONF_REJ))
        return;
    if (r->w.cap - r->w.len < len) {
        r->w.overflow = true;
        return;
    }
    memcpy(r->w.buf + r->w.len, p, len);
    r->w.len += len;
}
