/*
 * ncp.c - the setup and the Configure-Request reply that IPCP and IPV6CP
 * share (see ncp.h).
 */
#include "ncp.h"

#include <string.h>

void ncp_fsm_init(struct ppp_fsm *fsm, const struct fsm_ops *ops,
                  const struct ppp_settings *settings, const struct fsm_parent *parent)
{
    const struct fsm_config config = fsm_config_from_settings(settings);

    fsm_init(fsm, ops, parent, &config);
    ops->reset(fsm);
}

void ncp_reply_init(struct ncp_reply *r, uint8_t *out, size_t cap, bool reject_naks)
{
    opt_writer_init(&r->w, out, cap);
    r->code = FSM_CONF_ACK;
    r->reject_naks = reject_naks;
}

/* The reply becomes at least as bad as `code` (dropping the options of a
 * better verdict); false if it is already worse, and an option with
 * `code` is not listed. */
static bool reply_escalate(struct ncp_reply *r, int code)
{
    if (code < r->code)
        return false;
    if (code > r->code) {
        r->w.len = 0;
        r->code = code;
    }
    return true;
}

void ncp_reply_ack(struct ncp_reply *r, const struct opt *o)
{
    if (reply_escalate(r, FSM_CONF_ACK))
        opt_put_raw(&r->w, o);
}

void ncp_reply_reject(struct ncp_reply *r, const struct opt *o)
{
    if (reply_escalate(r, FSM_CONF_REJ))
        opt_put_raw(&r->w, o);
}

void ncp_reply_nak(struct ncp_reply *r, const struct opt *o, const uint8_t *data, size_t len)
{
    if (r->reject_naks)
        ncp_reply_reject(r, o);
    else if (reply_escalate(r, FSM_CONF_NAK))
        opt_put(&r->w, o->type, data, len);
}

void ncp_reply_reject_tail(struct ncp_reply *r, const uint8_t *p, size_t len)
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
