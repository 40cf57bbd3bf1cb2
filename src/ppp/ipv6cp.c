/*
 * ipv6cp.c - the IPv6 Control Protocol (RFC 5072) as a struct fsm_ops:
 * both ends agree on distinct, non-zero 64-bit Interface-Identifiers and
 * build their link-local addresses fe80::IFID from them.
 */
#include "ipv6cp.h"

#include <string.h>

#include "ncp.h"
#include "options.h"
#include "protocols.h"
#include "wire.h"

#define IFID_LEN 8
#define RANDOM_TRIES 16 /* bounds the redraws of a random identifier */

static struct ipv6cp *to_ipv6cp(struct ppp_fsm *fsm)
{
    return container_of(fsm, struct ipv6cp, fsm);
}

static bool ifid_zero(const uint8_t *id)
{
    static const uint8_t zero[IFID_LEN];

    return memcmp(id, zero, IFID_LEN) == 0;
}

static bool ifid_equal(const uint8_t *a, const uint8_t *b)
{
    return memcmp(a, b, IFID_LEN) == 0;
}

/* A random identifier that is neither zero (RFC 5072 section 4.1) nor
 * `avoid`.  The owner's random source decides; a degenerate one that keeps
 * repeating itself gets its low bits nudged so this always terminates. */
static void ifid_random(struct ipv6cp *ipv6cp, uint8_t *id, const uint8_t *avoid)
{
    const struct fsm_parent *parent = ipv6cp->fsm.parent;

    for (int i = 0; i < RANDOM_TRIES; i++) {
        put32(id, parent->random(parent->owner));
        put32(id + 4, parent->random(parent->owner));
        if (!ifid_zero(id) && !ifid_equal(id, avoid))
            return;
    }
    id[IFID_LEN - 1] = (uint8_t)(avoid[IFID_LEN - 1] + 1);
    if (ifid_zero(id))
        id[IFID_LEN - 1] = 1;
}

/* fe80::IFID as text, for log lines. */
struct ifid_text {
    char s[32];
};

static struct ifid_text ifid_text(const uint8_t *id)
{
    static const char hex[] = "0123456789abcdef";
    struct ifid_text t;
    char *p = t.s;

    memcpy(p, "fe80::", 6);
    p += 6;
    for (int i = 0; i < IFID_LEN; i += 2) {
        unsigned v = get16(id + i);
        bool started = false;
        if (i)
            *p++ = ':';
        for (int shift = 12; shift >= 0; shift -= 4) {
            unsigned d = v >> shift & 0xf;
            if (d || started || shift == 0) {
                *p++ = hex[d];
                started = true;
            }
        }
    }
    *p = '\0';
    return t;
}

static void ipv6cp_reset(struct ppp_fsm *fsm)
{
    struct ipv6cp *ipv6cp = to_ipv6cp(fsm);
    const struct ppp_settings *s = ipv6cp->settings;

    ipv6cp->req_ifid = true;
    memset(ipv6cp->remote_ifid, 0, IFID_LEN);
    /* peer_ifid stays, as lcp.c keeps `his`: in Stopped and Opened the
     * automaton judges (and Acks) the peer's request just before this
     * reset (scr); every way into Opened passes such an Ack. */
    /* A configured identifier is asked for again on each negotiation; a
     * random one stays the same across renegotiations of this link. */
    if (!ifid_zero(s->local_ifid))
        memcpy(ipv6cp->local_ifid, s->local_ifid, IFID_LEN);
    else if (ifid_zero(ipv6cp->local_ifid))
        ifid_random(ipv6cp, ipv6cp->local_ifid, s->remote_ifid);
    ipv6cp->suggested_remote = false;
    ipv6cp->last_req_len = 0;
    ipv6cp->failure = NULL;
}

static size_t ipv6cp_build_request(struct ppp_fsm *fsm, uint8_t *buf, size_t cap)
{
    struct ipv6cp *ipv6cp = to_ipv6cp(fsm);
    struct opt_writer w;

    opt_writer_init(&w, ipv6cp->last_req, sizeof(ipv6cp->last_req));
    if (ipv6cp->req_ifid)
        opt_put(&w, IPV6CP_OPT_IFID, ipv6cp->local_ifid, IFID_LEN);
    ipv6cp->last_req_len = w.len;
    if (w.len > cap)
        return 0;
    memcpy(buf, ipv6cp->last_req, w.len);
    return w.len;
}

/* The peer's Interface-Identifier (RFC 5072 section 4.1). */
static void judge_ifid(struct ipv6cp *ipv6cp, struct cp_reply *r, const struct opt *o)
{
    const uint8_t *theirs = o->data;
    const uint8_t *configured = ipv6cp->settings->remote_ifid;
    uint8_t suggestion[IFID_LEN];

    if (ifid_zero(theirs)) {
        /* section 4.1: Nak with a non-zero identifier for the peer,
         * different from ours; the configured one if we have one */
        if (!ifid_zero(configured) && !ifid_equal(configured, ipv6cp->local_ifid))
            memcpy(suggestion, configured, IFID_LEN);
        else
            ifid_random(ipv6cp, suggestion, ipv6cp->local_ifid);
        cp_reply_nak(r, o, suggestion, IFID_LEN);
        return;
    }
    if (ifid_equal(theirs, ipv6cp->local_ifid)) {
        /* section 4.1: equal identifiers; Nak with a new one for the peer
         * and pick a new one of our own for the next request, unless the
         * peer has already Acked ours (Ack-Rcvd: no next request) */
        if (ipv6cp->fsm.state != FSM_ACK_RCVD)
            ifid_random(ipv6cp, ipv6cp->local_ifid, theirs);
        ifid_random(ipv6cp, suggestion, ipv6cp->local_ifid);
        if (ifid_equal(suggestion, theirs))
            suggestion[0] ^= 0x80;
        cp_reply_nak(r, o, suggestion, IFID_LEN);
        return;
    }
    /* pppd: a configured peer identifier is suggested once; a peer that
     * insists on its own is then accepted */
    if (!ifid_zero(configured) && !ifid_equal(theirs, configured) && !ipv6cp->suggested_remote &&
        !ifid_equal(configured, ipv6cp->local_ifid)) {
        ipv6cp->suggested_remote = true;
        cp_reply_nak(r, o, configured, IFID_LEN);
        return;
    }
    cp_reply_ack(r, o);
}

static int ipv6cp_judge_request(struct ppp_fsm *fsm, const uint8_t *opts, size_t len, uint8_t *out,
                                size_t cap, size_t *out_len, bool reject_naks)
{
    struct ipv6cp *ipv6cp = to_ipv6cp(fsm);
    struct cp_reply r;
    struct opt_iter it;
    struct opt o;
    const uint8_t *taken = NULL;
    int more;

    cp_reply_init(&r, out, cap, reject_naks);
    opt_iter_init(&it, opts, len);
    while ((more = opt_next(&it, &o)) > 0) {
        if (o.type == IPV6CP_OPT_IFID && o.len == IFID_LEN) {
            judge_ifid(ipv6cp, &r, &o);
            taken = o.data;
        } else {
            /* IPv6-Compression-Protocol (we have none), unknown options and
             * wrong lengths */
            cp_reply_reject(&r, &o);
        }
    }
    if (more < 0)
        cp_reply_reject_tail(&r, it.p, (size_t)(it.end - it.p));
    /* peer_ifid follows the peer's latest proposal; an Acked request
     * without one means the peer did not negotiate an identifier */
    if (taken)
        memcpy(ipv6cp->peer_ifid, taken, IFID_LEN);
    else if (r.code == FSM_CONF_ACK)
        memset(ipv6cp->peer_ifid, 0, IFID_LEN);
    *out_len = r.w.len;
    return r.code;
}

static bool ipv6cp_ack(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    struct ipv6cp *ipv6cp = to_ipv6cp(fsm);

    /* RFC 1661 section 5.2: an Ack repeats our request exactly */
    if (len != ipv6cp->last_req_len || (len && memcmp(opts, ipv6cp->last_req, len) != 0))
        return false;
    /* we may have picked a new identifier since (a collision): the Acked
     * one is the one that counts */
    if (ipv6cp->req_ifid)
        memcpy(ipv6cp->local_ifid, ipv6cp->last_req + 2, IFID_LEN);
    return true;
}

static bool ipv6cp_nak(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    struct ipv6cp *ipv6cp = to_ipv6cp(fsm);
    struct opt_iter it;
    struct opt o;
    int more;

    opt_iter_init(&it, opts, len);
    while ((more = opt_next(&it, &o)) > 0)
        if (o.type == IPV6CP_OPT_IFID && o.len != IFID_LEN)
            return false;
    if (more < 0)
        return false;
    opt_iter_init(&it, opts, len);
    while (opt_next(&it, &o) > 0) {
        if (o.type != IPV6CP_OPT_IFID || !ipv6cp->req_ifid)
            continue; /* hints for options we did not ask for are ignored */
        /* section 4.1: take the suggestion unless it is zero or the
         * peer's own */
        if (!ifid_zero(o.data) && !ifid_equal(o.data, ipv6cp->peer_ifid))
            memcpy(ipv6cp->local_ifid, o.data, IFID_LEN);
        else
            ifid_random(ipv6cp, ipv6cp->local_ifid, ipv6cp->peer_ifid);
    }
    return true;
}

static bool ipv6cp_reject(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    struct ipv6cp *ipv6cp = to_ipv6cp(fsm);

    /* We only ever send one option: the Reject must be exactly it. */
    if (len == 0 || len != ipv6cp->last_req_len || memcmp(opts, ipv6cp->last_req, len) != 0)
        return false;
    /* pppd carries on with its own identifier: ours is always non-zero,
     * so the link-local address still exists. */
    ipv6cp->req_ifid = false;
    return true;
}

static const char *ifid_problem(const struct ipv6cp *ipv6cp)
{
    if (ifid_zero(ipv6cp->remote_ifid))
        return "could not determine the remote link-local address";
    if (ifid_equal(ipv6cp->local_ifid, ipv6cp->remote_ifid))
        return "local and remote link-local addresses are equal";
    return NULL;
}

static void ipv6cp_up(struct ppp_fsm *fsm)
{
    struct ipv6cp *ipv6cp = to_ipv6cp(fsm);
    const struct fsm_parent *parent = fsm->parent;
    const uint8_t *remote =
        ifid_zero(ipv6cp->peer_ifid) ? ipv6cp->settings->remote_ifid : ipv6cp->peer_ifid;

    memcpy(ipv6cp->remote_ifid, remote, IFID_LEN);
    ipv6cp->failure = ifid_problem(ipv6cp);
    if (ipv6cp->failure) {
        parent->log(parent->owner, PPP_LOG_ERROR, "IPV6CP: %s", ipv6cp->failure);
        return;
    }
    parent->log(parent->owner, PPP_LOG_INFO, "IPV6CP: local %s remote %s",
                ifid_text(ipv6cp->local_ifid).s, ifid_text(ipv6cp->remote_ifid).s);
}

static const struct fsm_ops ipv6cp_ops = {
    .name = "IPV6CP",
    .protocol = PPP_PROTO_IPV6CP,
    .reset = ipv6cp_reset,
    .build_request = ipv6cp_build_request,
    .judge_request = ipv6cp_judge_request,
    .ack = ipv6cp_ack,
    .nak = ipv6cp_nak,
    .reject = ipv6cp_reject,
    .up = ipv6cp_up,
};

void ipv6cp_init(struct ipv6cp *ipv6cp, const struct ppp_settings *settings,
                 const struct fsm_parent *parent)
{
    memset(ipv6cp, 0, sizeof(*ipv6cp));
    ipv6cp->settings = settings;
    ncp_fsm_init(&ipv6cp->fsm, &ipv6cp_ops, settings, parent);
}

bool ipv6cp_failed(const struct ipv6cp *ipv6cp)
{
    return ipv6cp->failure != NULL;
}

void ipv6cp_result(const struct ipv6cp *ipv6cp, struct ppp_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->type = PPP_EV_IPV6CP_UP;
    memcpy(ev->u.ipv6cp.local_ifid, ipv6cp->local_ifid, IFID_LEN);
    memcpy(ev->u.ipv6cp.remote_ifid, ipv6cp->remote_ifid, IFID_LEN);
}
