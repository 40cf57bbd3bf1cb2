/*
 * lcp.c - the Link Control Protocol (RFC 1661 sections 5 and 6, RFC 1570
 * FCS-Alternatives) as a set of fsm_ops; LCP's extra codes are in
 * lcp_codes.c.
 *
 * Where the RFC leaves a choice we do what stock pppd does, because pppd
 * is the peer we must interoperate with.
 */
#include "lcp.h"

#include <inttypes.h>
#include <string.h>

#include "options.h"
#include "protocols.h"
#include "reply.h"
#include "wire.h"

#define LCP_MIN_MRU 128          /* smallest MRU we accept; pppd's MINMRU */
#define LCP_ACCM_ALL 0xffffffffu /* RFC 1662 section 7.1: default map */

/* A fresh Magic-Number: nonzero (RFC 1661 section 6.4: zero is illegal)
 * and different from `avoid`.  The loop is bounded so that a broken random
 * source cannot hang us. */
static uint32_t new_magic(struct lcp *lcp, uint32_t avoid)
{
    const struct fsm_parent *parent = lcp->fsm.parent;
    uint32_t magic = 0;

    for (int i = 0; i < 8 && (magic == 0 || magic == avoid); i++)
        magic = parent->random(parent->owner);
    if (magic == 0 || magic == avoid)
        magic = ~avoid ? ~avoid : 0x5a5a5a5a;
    return magic;
}

uint16_t lcp_mru_or_default(const struct lcp_options *o)
{
    return o->neg_mru ? o->mru : LCP_DEFAULT_MRU;
}

/* ---- our Configure-Request ---------------------------------------- */

static void lcp_reset(struct ppp_fsm *fsm)
{
    struct lcp *lcp = lcp_of(fsm);
    const struct ppp_settings *s = lcp->settings;

    /* `his` stays: the automaton may judge (and Ack) the peer's request
     * just before it starts our negotiation, e.g. in Stopped or Opened. */
    memset(&lcp->want, 0, sizeof(lcp->want));
    memset(&lcp->got, 0, sizeof(lcp->got));
    /* 1500 is the default, so pppd does not ask for it; neither do we */
    lcp->want.neg_mru = s->mru != LCP_DEFAULT_MRU;
    lcp->want.mru = s->mru;
    lcp->want.neg_accm = true;
    lcp->want.accm = s->accm;
    lcp->want.neg_magic = s->magic;
    lcp->want.magic = s->magic ? new_magic(lcp, 0) : 0;
    lcp->want.neg_pfc = s->pfc;
    lcp->want.neg_acfc = s->acfc;
    lcp->want.neg_fcs32 = s->fcs32;
    lcp->want.neg_offload = s->offload;
    lcp->loopback_naks = 0;
    lcp->looped_back = false;
    lcp->req_len = 0;
}

static size_t lcp_build_request(struct ppp_fsm *fsm, uint8_t *buf, size_t cap)
{
    struct lcp *lcp = lcp_of(fsm);
    const struct lcp_options *w = &lcp->want;
    struct opt_writer out;

    opt_writer_init(&out, lcp->req, sizeof(lcp->req));
    if (w->neg_mru)
        opt_put16(&out, LCP_OPT_MRU, w->mru);
    if (w->neg_accm)
        opt_put32(&out, LCP_OPT_ACCM, w->accm);
    if (w->neg_magic)
        opt_put32(&out, LCP_OPT_MAGIC, w->magic);
    if (w->neg_pfc)
        opt_put(&out, LCP_OPT_PFC, NULL, 0);
    if (w->neg_acfc)
        opt_put(&out, LCP_OPT_ACFC, NULL, 0);
    if (w->neg_fcs32) {
        uint8_t fcs = LCP_FCS_32;
        opt_put(&out, LCP_OPT_FCS_ALT, &fcs, 1);
    }
    if (w->neg_offload) {
        const uint8_t vendor[] = {LCP_VENDOR_OUI >> 16, LCP_VENDOR_OUI >> 8 & 0xff,
                                  LCP_VENDOR_OUI & 0xff, LCP_VENDOR_KIND_OFFLOAD};
        opt_put(&out, LCP_OPT_VENDOR, vendor, sizeof(vendor));
    }
    lcp->req_len = out.len <= cap ? out.len : 0;
    memcpy(buf, lcp->req, lcp->req_len);
    return lcp->req_len;
}

/* ---- the peer's Configure-Request ---------------------------------- */

enum verdict { V_ACK, V_NAK, V_REJ };

/* One option of the peer's request: the verdict, and for a Nak the value
 * we suggest (nak[0..nak_len)). */
struct judged {
    enum verdict v;
    uint8_t nak[4];
    uint8_t nak_len;
};

static enum verdict nak16(struct judged *j, uint16_t value)
{
    put16(j->nak, value);
    j->nak_len = 2;
    return V_NAK;
}

static enum verdict nak32(struct judged *j, uint32_t value)
{
    put32(j->nak, value);
    j->nak_len = 4;
    return V_NAK;
}

static enum verdict judge_mru(struct lcp_options *peer, const struct opt *o, struct judged *j)
{
    if (o->len != 2)
        return V_REJ;
    /* pppd Naks an MRU below its MINMRU with MINMRU */
    if (get16(o->data) < LCP_MIN_MRU)
        return nak16(j, LCP_MIN_MRU);
    peer->neg_mru = true;
    peer->mru = get16(o->data);
    return V_ACK;
}

static enum verdict judge_accm(struct lcp_options *peer, const struct opt *o)
{
    if (o->len != 4)
        return V_REJ;
    /* Any map is fine: we escape what the peer asks (and may escape more,
     * RFC 1662 section 7.1). */
    peer->neg_accm = true;
    peer->accm = get32(o->data);
    return V_ACK;
}

static enum verdict judge_auth(struct lcp *lcp, const struct opt *o)
{
    uint16_t proto = o->len >= 2 ? get16(o->data) : 0;
    const char *name = proto == PPP_PROTO_CHAP  ? "CHAP"
                       : proto == PPP_PROTO_PAP ? "PAP"
                                                : "an authentication protocol";

    /* ssh already authenticated both ends and we implement no PPP
     * authentication, so there is nothing to suggest in a Nak (RFC 1661
     * section 6.2): Reject.  A pppd that insists gives up on the link. */
    lcp_log_peer(
        lcp, PPP_LOG_WARN,
        "LCP: peer requires authentication (%s, protocol 0x%04x); run the peer with noauth", name,
        proto);
    return V_REJ;
}

static enum verdict judge_magic(struct lcp *lcp, struct lcp_options *peer, const struct opt *o,
                                struct judged *j, bool *saw_ours)
{
    uint32_t magic;

    /* pppd with "nomagic" rejects the option too */
    if (o->len != 4 || !lcp->settings->magic)
        return V_REJ;
    magic = get32(o->data);
    /* RFC 1661 section 6.4: zero is illegal and MUST be Naked */
    if (magic == 0)
        return nak32(j, new_magic(lcp, lcp->want.magic));
    /* RFC 1661 section 6.4: our own number came back, maybe a looped-back
     * line: Nak with a different value. */
    if (lcp->want.neg_magic && magic == lcp->want.magic) {
        *saw_ours = true;
        return nak32(j, new_magic(lcp, magic));
    }
    peer->neg_magic = true;
    peer->magic = magic;
    return V_ACK;
}

static enum verdict judge_flag(bool *neg, const struct opt *o)
{
    if (o->len != 0)
        return V_REJ;
    *neg = true;
    return V_ACK;
}

/* RFC 1570 section 2.1: one octet, a mask of the FCSs the peer is willing
 * to receive.  We send a 16- or a 32-bit FCS, never none.  A mask with
 * more than one bit is read differently by different implementations, so
 * we Nak it down to the single 32-bit (else 16-bit) FCS. */
static enum verdict judge_fcs(struct lcp_options *peer, const struct opt *o, struct judged *j)
{
    uint8_t mask;

    if (o->len != 1)
        return V_REJ;
    mask = o->data[0];
    if (mask == LCP_FCS_16 || mask == LCP_FCS_32) {
        peer->neg_fcs32 = mask == LCP_FCS_32;
        return V_ACK;
    }
    j->nak[0] = mask & LCP_FCS_16 && !(mask & LCP_FCS_32) ? LCP_FCS_16 : LCP_FCS_32;
    j->nak_len = 1;
    return V_NAK;
}

/* pppssh's offload option (RFC 2153 section 2.1: OUI, Kind, no value). */
static bool is_our_vendor_option(const struct opt *o)
{
    if (o->type != LCP_OPT_VENDOR || o->len != 4)
        return false;
    uint32_t oui = (uint32_t)o->data[0] << 16 | (uint32_t)o->data[1] << 8 | o->data[2];
    return oui == LCP_VENDOR_OUI && o->data[3] == LCP_VENDOR_KIND_OFFLOAD;
}

/* A Vendor-Specific option we do not know is Rejected; ours we take when
 * we may send offloaded packets at all. */
static enum verdict judge_vendor(struct lcp *lcp, struct lcp_options *peer, const struct opt *o)
{
    if (!is_our_vendor_option(o) || !lcp->settings->offload)
        return V_REJ;
    peer->neg_offload = true;
    return V_ACK;
}

static void judge_option(struct lcp *lcp, struct lcp_options *peer, const struct opt *o,
                         struct judged *j, bool *saw_ours)
{
    j->nak_len = 0;
    switch (o->type) {
    case LCP_OPT_MRU:
        j->v = judge_mru(peer, o, j);
        break;
    case LCP_OPT_ACCM:
        j->v = judge_accm(peer, o);
        break;
    case LCP_OPT_AUTH:
        j->v = judge_auth(lcp, o);
        break;
    case LCP_OPT_MAGIC:
        j->v = judge_magic(lcp, peer, o, j, saw_ours);
        break;
    case LCP_OPT_PFC:
        j->v = judge_flag(&peer->neg_pfc, o);
        break;
    case LCP_OPT_ACFC:
        j->v = judge_flag(&peer->neg_acfc, o);
        break;
    case LCP_OPT_FCS_ALT:
        j->v = judge_fcs(peer, o, j);
        break;
    case LCP_OPT_VENDOR:
        j->v = judge_vendor(lcp, peer, o);
        break;
    default: /* Quality-Protocol (no LQR here) and anything unknown */
        j->v = V_REJ;
        break;
    }
}

/* Into the reply (reply.h); returns the code the option got.  Past
 * Max-Failure (RFC 1661 section 4.6) a Nak becomes a Reject, except that
 * like pppd we keep Naking a clashing Magic-Number so that loopback can
 * still be detected. */
static int reply_judged(struct cp_reply *r, const struct opt *o, const struct judged *j)
{
    switch (j->v) {
    case V_ACK:
        cp_reply_ack(r, o);
        return FSM_CONF_ACK;
    case V_NAK:
        if (o->type != LCP_OPT_MAGIC)
            return cp_reply_nak(r, o, j->nak, j->nak_len);
        cp_reply_nak_anyway(r, o, j->nak, j->nak_len);
        return FSM_CONF_NAK;
    default:
        cp_reply_reject(r, o);
        return FSM_CONF_REJ;
    }
}

/* Consecutive requests carrying our own magic: after max_loopback of them
 * the line is taken to be looped back; lcp_input() then closes. */
static void count_loopback(struct lcp *lcp, bool saw_ours)
{
    if (!saw_ours) {
        lcp->loopback_naks = 0;
        return;
    }
    if (lcp->loopback_naks < UINT8_MAX)
        lcp->loopback_naks++;
    if (lcp->loopback_naks >= lcp->settings->max_loopback && !lcp->looped_back) {
        lcp->looped_back = true;
        lcp_log(lcp, PPP_LOG_ERROR,
                "LCP: Serial line is looped back (our magic 0x%08" PRIx32 " came back %u times)",
                lcp->want.magic, (unsigned)lcp->loopback_naks);
    }
}

static int lcp_judge_request(struct ppp_fsm *fsm, const uint8_t *opts, size_t len, uint8_t *out,
                             size_t cap, size_t *out_len, bool reject_naks)
{
    struct lcp *lcp = lcp_of(fsm);
    struct lcp_options peer = {0};
    struct cp_reply r;
    struct opt_iter it;
    struct opt o;
    bool saw_ours = false;
    int more;

    cp_reply_init(&r, out, cap, reject_naks);
    opt_iter_init(&it, opts, len);
    while ((more = opt_next(&it, &o)) > 0) {
        struct judged j;

        judge_option(lcp, &peer, &o, &j, &saw_ours);
        int code = reply_judged(&r, &o, &j);
        if (code != FSM_CONF_ACK)
            lcp_log_peer(lcp, PPP_LOG_DEBUG, "LCP: %s peer's option %u (length %u)",
                         code == FSM_CONF_NAK ? "Nak" : "Reject", (unsigned)o.type,
                         (unsigned)o.len + 2);
    }
    if (more < 0)
        cp_reply_reject_tail(&r, it.p, (size_t)(it.end - it.p));
    count_loopback(lcp, saw_ours);
    if (r.code == FSM_CONF_ACK)
        lcp->his = peer;
    *out_len = r.w.len;
    return r.code;
}

/* ---- answers to our Configure-Request ------------------------------ */

static bool lcp_ack(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    struct lcp *lcp = lcp_of(fsm);

    /* RFC 1661 section 5.2: the options must match ours exactly */
    if (len != lcp->req_len || memcmp(opts, lcp->req, len) != 0)
        return false;
    lcp->got = lcp->want;
    return true;
}

static bool nak_length_ok(const struct opt *o)
{
    switch (o->type) {
    case LCP_OPT_MRU:
        return o->len == 2;
    case LCP_OPT_ACCM:
    case LCP_OPT_MAGIC:
        return o->len == 4;
    case LCP_OPT_PFC:
    case LCP_OPT_ACFC:
        return o->len == 0;
    case LCP_OPT_FCS_ALT:
        return o->len == 1;
    case LCP_OPT_AUTH:
        return o->len >= 2;
    default:
        return true;
    }
}

/* Stop asking for an option: what a Reject of it means (RFC 1661 section
 * 5.4), and what a Nak of one that has no value to bargain over means. */
static void apply_reject(struct lcp *lcp, uint8_t type)
{
    struct lcp_options *w = &lcp->want;

    switch (type) {
    case LCP_OPT_MRU:
        w->neg_mru = false;
        w->mru = LCP_DEFAULT_MRU;
        break;
    case LCP_OPT_ACCM:
        w->neg_accm = false;
        break;
    case LCP_OPT_MAGIC:
        w->neg_magic = false;
        break;
    case LCP_OPT_PFC:
        w->neg_pfc = false;
        break;
    case LCP_OPT_ACFC:
        w->neg_acfc = false;
        break;
    case LCP_OPT_FCS_ALT:
        w->neg_fcs32 = false;
        break;
    case LCP_OPT_VENDOR:
        w->neg_offload = false; /* a standard peer (pppd): plain IP only */
        break;
    default:
        break;
    }
}

static void nak_mru(struct lcp *lcp, uint16_t mru)
{
    if (mru >= LCP_MIN_MRU && mru <= lcp->settings->mru_max) {
        lcp->want.neg_mru = true;
        lcp->want.mru = mru;
    } else {
        apply_reject(lcp, LCP_OPT_MRU); /* out of our range: live with the default */
    }
}

static void apply_nak(struct lcp *lcp, const struct opt *o)
{
    struct lcp_options *w = &lcp->want;

    switch (o->type) {
    case LCP_OPT_MRU:
        nak_mru(lcp, get16(o->data));
        break;
    case LCP_OPT_ACCM:
        /* RFC 1662 section 7.1: ask for the union of both maps */
        w->neg_accm = true;
        w->accm |= get32(o->data);
        break;
    case LCP_OPT_MAGIC:
        /* RFC 1661 section 6.4: pick a new number, not the suggested one */
        if (w->neg_magic)
            w->magic = new_magic(lcp, get32(o->data));
        break;
    case LCP_OPT_PFC:
    case LCP_OPT_ACFC:
    case LCP_OPT_FCS_ALT:
        /* Flags have no value to bargain over.  We only ever ask for 32-bit
         * FCS; whatever else the peer suggests, the default 16-bit FCS
         * needs no option (RFC 1570 section 2.1). */
        apply_reject(lcp, o->type);
        break;
    case LCP_OPT_VENDOR:
        /* Ours has no value to bargain over: a Nak of it is a no.  One of
         * another vendor's we cannot ask for (RFC 1661 section 5.3). */
        if (is_our_vendor_option(o))
            apply_reject(lcp, o->type);
        break;
    default:
        /* Authentication-Protocol and anything else the peer would like us
         * to ask for: we cannot, so we don't (RFC 1661 section 5.3). */
        break;
    }
}

static bool lcp_nak(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    struct lcp *lcp = lcp_of(fsm);
    struct opt_iter it;
    struct opt o;
    int more;

    if (!opts_valid(opts, len))
        return false;
    opt_iter_init(&it, opts, len);
    while ((more = opt_next(&it, &o)) > 0)
        if (!nak_length_ok(&o))
            return false;
    opt_iter_init(&it, opts, len);
    while ((more = opt_next(&it, &o)) > 0)
        apply_nak(lcp, &o);
    return true;
}

static bool lcp_reject(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    struct lcp *lcp = lcp_of(fsm);
    struct opt_iter it;
    struct opt o;

    /* RFC 1661 section 5.4: a Reject names only options of our last request */
    if (!opts_subset_in_order(opts, len, lcp->req, lcp->req_len))
        return false;
    opt_iter_init(&it, opts, len);
    while (opt_next(&it, &o) > 0)
        apply_reject(lcp, o.type);
    return true;
}

/* ---- layer up / down ------------------------------------------------ */

static void log_options(struct lcp *lcp, const char *who, const struct lcp_options *o)
{
    lcp_log(lcp, PPP_LOG_INFO, "LCP: %s MRU %u, ACCM 0x%" PRIx32 ", magic 0x%08" PRIx32 "%s%s%s%s",
            who, (unsigned)lcp_mru_or_default(o), o->neg_accm ? o->accm : LCP_ACCM_ALL,
            o->neg_magic ? o->magic : 0, o->neg_pfc ? ", PFC" : "", o->neg_acfc ? ", ACFC" : "",
            o->neg_fcs32 ? ", 32-bit FCS" : "", o->neg_offload ? ", offload" : "");
}

static void lcp_up(struct ppp_fsm *fsm)
{
    struct lcp *lcp = lcp_of(fsm);

    lcp->loopback_naks = 0;
    log_options(lcp, "we asked", &lcp->got);
    log_options(lcp, "peer asks", &lcp->his);
}

void lcp_result(const struct lcp *lcp, struct ppp_event *ev)
{
    const struct lcp_options *got = &lcp->got, *his = &lcp->his;

    memset(ev, 0, sizeof(*ev));
    ev->type = PPP_EV_LCP_UP;
    ev->u.lcp.mru_rx = lcp_mru_or_default(got);
    ev->u.lcp.mru_tx = lcp_mru_or_default(his);
    ev->u.lcp.accm_rx = got->neg_accm ? got->accm : LCP_ACCM_ALL;
    ev->u.lcp.accm_tx = his->neg_accm ? his->accm : LCP_ACCM_ALL;
    ev->u.lcp.pfc_tx = his->neg_pfc;
    ev->u.lcp.acfc_tx = his->neg_acfc;
    ev->u.lcp.fcs32_rx = got->neg_fcs32;
    ev->u.lcp.fcs32_tx = his->neg_fcs32;
    ev->u.lcp.magic_local = got->neg_magic ? got->magic : 0;
    ev->u.lcp.magic_peer = his->neg_magic ? his->magic : 0;
    ev->u.lcp.offload_rx = got->neg_offload;
    ev->u.lcp.offload_tx = his->neg_offload;
}

/* ---- glue ------------------------------------------------------------ */

static const struct fsm_ops lcp_ops = {
    .name = "LCP",
    .protocol = PPP_PROTO_LCP,
    .reset = lcp_reset,
    .build_request = lcp_build_request,
    .judge_request = lcp_judge_request,
    .ack = lcp_ack,
    .nak = lcp_nak,
    .reject = lcp_reject,
    .up = lcp_up,
    .extended = lcp_extended,
    .code_reject_fatal = lcp_code_reject_fatal,
};

void lcp_init(struct lcp *lcp, const struct ppp_settings *settings, const struct fsm_parent *parent,
              const struct lcp_hooks *hooks)
{
    struct fsm_config config = fsm_config_from_settings(settings);

    config.passive = settings->passive;
    config.silent = settings->silent;
    memset(lcp, 0, sizeof(*lcp));
    lcp->settings = settings;
    lcp->hooks = hooks;
    fsm_init(&lcp->fsm, &lcp_ops, parent, &config);
    lcp_reset(&lcp->fsm);
}

bool lcp_input(struct lcp *lcp, ppp_time now, const uint8_t *pkt, size_t len)
{
    lcp->own_echo = false;
    fsm_input(&lcp->fsm, now, pkt, len);
    if (lcp->looped_back && lcp->fsm.state >= FSM_REQ_SENT) {
        lcp->fsm.cause = PPP_CAUSE_LOOPBACK;
        fsm_close(&lcp->fsm, now, "Loopback detected");
        /* whatever fsm_close assumed, the reason is the loop */
        lcp->fsm.cause = PPP_CAUSE_LOOPBACK;
    }
    return !lcp->own_echo;
}
