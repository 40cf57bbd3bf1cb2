/*
 * ipcp.c - the IP Control Protocol (RFC 1332) with the DNS extension of
 * RFC 1877, as a struct fsm_ops.
 *
 * Address policy follows pppd 2.4.9 so users of its options find the same
 * behaviour: see the comments on each judgement.  No IP-Compression-
 * Protocol: Van Jacobson compression is not implemented.
 */
#include "ipcp.h"

#include <stdio.h>
#include <string.h>

#include "ncp.h"
#include "options.h"
#include "protocols.h"
#include "wire.h"

#define IPCP_ADDR_LEN 4 /* data length of every option we understand */

static struct ipcp *to_ipcp(struct ppp_fsm *fsm)
{
    return container_of(fsm, struct ipcp, fsm);
}

/* One dotted quad, for log lines. */
struct ipv4_text {
    char s[16];
};

static struct ipv4_text ipv4_text(uint32_t a)
{
    struct ipv4_text t;
    uint8_t b[4];
    char *p = t.s;

    put32(b, a);
    for (int i = 0; i < 4; i++) {
        unsigned v = b[i];
        if (i)
            *p++ = '.';
        if (v >= 100)
            *p++ = (char)('0' + v / 100);
        if (v >= 10)
            *p++ = (char)('0' + v / 10 % 10);
        *p++ = (char)('0' + v % 10);
    }
    *p = '\0';
    return t;
}

const char *ipcp_address_unusable(uint32_t a)
{
    if (a >> 24 == 0)
        return "an address of 0.0.0.0/8 (this network)";
    if (a >> 24 == 127)
        return "a loopback address";
    if (a == 0xffffffffu)
        return "the broadcast address";
    if (a >> 28 == 0xe)
        return "a multicast address";
    if (a >> 28 == 0xf)
        return "a reserved (class E) address";
    return NULL;
}

/* The peer offered an unusable address, for itself or for us: refused.
 * Max-Failure times in one negotiation (RFC 1661 section 4.6's bound on
 * Naks, applied to the peer's insistence) and IPCP fails with a reason
 * that names the address. */
static void refuse_address(struct ipcp *ipcp, uint32_t a, bool ours)
{
    const struct fsm_parent *parent = ipcp->fsm.parent;
    const char *why = ipcp_address_unusable(a);

    ipcp->refused_address = a;
    ipcp->refused_ours = ours;
    parent->log(parent->owner, PPP_LOG_WARN, "IPCP: refused %s as %s address: %s", ipv4_text(a).s,
                ours ? "our" : "the peer's", why);
    if (++ipcp->refusals < ipcp->settings->max_failure || ipcp->failure[0])
        return;
    snprintf(ipcp->failure, sizeof(ipcp->failure), "the peer insists on %s as %s address: %s",
             ipv4_text(a).s, ours ? "our" : "its", why);
}

static void ipcp_reset(struct ppp_fsm *fsm)
{
    struct ipcp *ipcp = to_ipcp(fsm);
    const struct ppp_settings *s = ipcp->settings;

    /* RFC 1332 section 3.3: 0.0.0.0 asks the peer to assign us one */
    ipcp->req_address = true;
    ipcp->want_local = s->local_ip ? s->local_ip : ipcp->remembered_local;
    ipcp->want_is_hint = s->local_ip == 0 && ipcp->remembered_local != 0;
    /* RFC 1877 section 1: 0.0.0.0 asks the peer for its servers */
    ipcp->req_dns1 = s->request_dns;
    ipcp->req_dns2 = s->request_dns;
    ipcp->want_dns1 = 0;
    ipcp->want_dns2 = 0;
    ipcp->local = ipcp->remote = ipcp->dns1 = ipcp->dns2 = 0;
    /* peer_address stays, as lcp.c keeps `his`: in Stopped and Opened the
     * automaton judges (and Acks) the peer's request just before this
     * reset (scr), and every way into Opened passes such an Ack, which
     * sets it afresh. */
    ipcp->last_req_len = 0;
    ipcp->refused_address = 0;
    ipcp->refusals = 0;
    ipcp->failure[0] = 0;
}

static size_t ipcp_build_request(struct ppp_fsm *fsm, uint8_t *buf, size_t cap)
{
    struct ipcp *ipcp = to_ipcp(fsm);
    struct opt_writer w;

    opt_writer_init(&w, ipcp->last_req, sizeof(ipcp->last_req));
    if (ipcp->req_address)
        opt_put32(&w, IPCP_OPT_ADDRESS, ipcp->want_local);
    if (ipcp->req_dns1)
        opt_put32(&w, IPCP_OPT_DNS1, ipcp->want_dns1);
    if (ipcp->req_dns2)
        opt_put32(&w, IPCP_OPT_DNS2, ipcp->want_dns2);
    ipcp->last_req_len = w.len;
    if (w.len > cap)
        return 0;
    memcpy(buf, ipcp->last_req, w.len);
    return w.len;
}

/* Nak o suggesting the address `ours` (a Reject past Max-Failure). */
static void reply_nak32(struct cp_reply *r, const struct opt *o, uint32_t ours)
{
    uint8_t data[IPCP_ADDR_LEN];

    put32(data, ours);
    cp_reply_nak(r, o, data, sizeof(data));
}

/* The peer's IP-Address (RFC 1332 section 3.3).  Sets *taken to the
 * address an Ack would give the peer. */
static void judge_address(struct ipcp *ipcp, struct cp_reply *r, const struct opt *o,
                          uint32_t *taken)
{
    const struct ppp_settings *s = ipcp->settings;
    uint32_t theirs = get32(o->data);

    /* Two ends with one address is no link: pppd refuses it too.  (Not
     * against a remembered address: the peer's Nak will give us another.) */
    if (theirs != 0 && theirs == ipcp->want_local && !ipcp->want_is_hint) {
        if (s->remote_ip && s->remote_ip != ipcp->want_local)
            reply_nak32(r, o, s->remote_ip);
        else
            cp_reply_reject(r, o);
        return;
    }
    if (theirs != 0 && ipcp_address_unusable(theirs)) {
        refuse_address(ipcp, theirs, false);
        if (s->remote_ip && !ipcp_address_unusable(s->remote_ip))
            reply_nak32(r, o, s->remote_ip); /* the one we know is right */
        else
            cp_reply_reject(r, o); /* up() then names the refused one */
        return;
    }
    if (s->remote_ip == 0) {
        /* pppd: if neither end knows the peer's address, Reject the
         * option rather than Ack 0.0.0.0; up() then finds no address. */
        if (theirs == 0) {
            cp_reply_reject(r, o);
            return;
        }
        *taken = theirs;
        cp_reply_ack(r, o);
        return;
    }
    if (theirs == s->remote_ip || (theirs != 0 && s->accept_remote)) {
        *taken = theirs;
        cp_reply_ack(r, o);
        return;
    }
    reply_nak32(r, o, s->remote_ip);
}

/* The peer asks us for a DNS server (RFC 1877 section 1). */
static void judge_dns(struct ipcp *ipcp, struct cp_reply *r, const struct opt *o, int index)
{
    uint32_t ours = ipcp->settings->dns[index];

    if (ours == 0)
        cp_reply_reject(r, o);
    else if (get32(o->data) == ours)
        cp_reply_ack(r, o);
    else
        reply_nak32(r, o, ours);
}

static void judge_option(struct ipcp *ipcp, struct cp_reply *r, const struct opt *o,
                         uint32_t *taken)
{
    bool addr_len = o->len == IPCP_ADDR_LEN;

    switch (o->type) {
    case IPCP_OPT_ADDRESS:
        if (addr_len)
            judge_address(ipcp, r, o, taken);
        else
            cp_reply_reject(r, o);
        break;
    case IPCP_OPT_DNS1:
    case IPCP_OPT_DNS2:
        if (addr_len)
            judge_dns(ipcp, r, o, o->type == IPCP_OPT_DNS2);
        else
            cp_reply_reject(r, o);
        break;
    default:
        /* IP-Addresses (RFC 1332 section 3.1, deprecated), IP-Compression-
         * Protocol (section 3.2: we have no VJ), NBNS and anything unknown */
        cp_reply_reject(r, o);
        break;
    }
}

static int ipcp_judge_request(struct ppp_fsm *fsm, const uint8_t *opts, size_t len, uint8_t *out,
                              size_t cap, size_t *out_len, bool reject_naks)
{
    struct ipcp *ipcp = to_ipcp(fsm);
    struct cp_reply r;
    struct opt_iter it;
    struct opt o;
    uint32_t taken = 0;
    int more;

    cp_reply_init(&r, out, cap, reject_naks);
    opt_iter_init(&it, opts, len);
    while ((more = opt_next(&it, &o)) > 0)
        judge_option(ipcp, &r, &o, &taken);
    if (more < 0)
        cp_reply_reject_tail(&r, it.p, (size_t)(it.end - it.p));

    if (r.code == FSM_CONF_ACK) {
        ipcp->peer_address = taken;
    }
    *out_len = r.w.len;
    return r.code;
}

/* RFC 1661 section 5.2: an Ack repeats our request exactly. */
static bool ipcp_ack(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    struct ipcp *ipcp = to_ipcp(fsm);

    if (len != ipcp->last_req_len || (len && memcmp(opts, ipcp->last_req, len) != 0))
        return false;
    ipcp->local = ipcp->want_local;
    ipcp->dns1 = ipcp->req_dns1 ? ipcp->want_dns1 : 0;
    ipcp->dns2 = ipcp->req_dns2 ? ipcp->want_dns2 : 0;
    return true;
}

/* Options of ours in a Nak or Reject must carry the length we sent. */
static bool our_option_well_formed(const struct opt *o)
{
    switch (o->type) {
    case IPCP_OPT_ADDRESS:
    case IPCP_OPT_DNS1:
    case IPCP_OPT_DNS2:
        return o->len == IPCP_ADDR_LEN;
    default:
        return true;
    }
}

static bool list_well_formed(const uint8_t *opts, size_t len)
{
    struct opt_iter it;
    struct opt o;
    int more;

    opt_iter_init(&it, opts, len);
    while ((more = opt_next(&it, &o)) > 0)
        if (!our_option_well_formed(&o))
            return false;
    return more == 0;
}

static void nak_address(struct ipcp *ipcp, uint32_t suggested)
{
    const struct ppp_settings *s = ipcp->settings;
    const struct fsm_parent *parent = ipcp->fsm.parent;

    if (suggested == 0)
        return; /* a Nak'd 0.0.0.0 tells us nothing */
    if (ipcp_address_unusable(suggested)) {
        refuse_address(ipcp, suggested, true); /* and keep asking for ours */
        return;
    }
    /* pppd: the peer's idea of our address is taken when we had none, or
     * with ipcp-accept-local; otherwise we keep asking for ours and the
     * negotiation ends at Max-Failure / Max-Configure. */
    if (s->local_ip == 0 || s->accept_local) {
        ipcp->want_local = suggested;
        ipcp->want_is_hint = false;
        return;
    }
    fsm_parent_log_peer(parent, PPP_LOG_WARN, "IPCP: peer wants us at %s, keeping %s",
                        ipv4_text(suggested).s, ipv4_text(ipcp->want_local).s);
}

/* RFC 1661 section 5.3: a Nak suggests values for our options.  Hints for
 * options we did not request are ignored. */
static bool ipcp_nak(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    struct ipcp *ipcp = to_ipcp(fsm);
    struct opt_iter it;
    struct opt o;

    if (!list_well_formed(opts, len))
        return false;
    opt_iter_init(&it, opts, len);
    while (opt_next(&it, &o) > 0) {
        if (o.type == IPCP_OPT_ADDRESS && ipcp->req_address)
            nak_address(ipcp, get32(o.data));
        /* RFC 1877: the Nak is how the peer tells us its servers */
        else if (o.type == IPCP_OPT_DNS1 && ipcp->req_dns1)
            ipcp->want_dns1 = get32(o.data);
        else if (o.type == IPCP_OPT_DNS2 && ipcp->req_dns2)
            ipcp->want_dns2 = get32(o.data);
    }
    return true;
}

static bool ipcp_reject(struct ppp_fsm *fsm, const uint8_t *opts, size_t len)
{
    struct ipcp *ipcp = to_ipcp(fsm);
    const struct fsm_parent *parent = fsm->parent;
    struct opt_iter it;
    struct opt o;

    /* RFC 1661 section 5.4: a Reject names only options of our last request */
    if (!opts_subset_in_order(opts, len, ipcp->last_req, ipcp->last_req_len))
        return false;
    opt_iter_init(&it, opts, len);
    while (opt_next(&it, &o) > 0) {
        if (o.type == IPCP_OPT_ADDRESS) {
            /* We carry on with our own address if we have one; without
             * one up() gives up (pppd: "Could not determine local IP
             * address"). */
            ipcp->req_address = false;
            /* A remembered address was never this peer's to give. */
            if (ipcp->want_is_hint)
                ipcp->want_local = 0;
            if (ipcp->want_local == 0)
                fsm_parent_log_peer(parent, PPP_LOG_WARN,
                                    "IPCP: peer rejected IP-Address and we have no address");
        } else if (o.type == IPCP_OPT_DNS1) {
            ipcp->req_dns1 = false;
        } else if (o.type == IPCP_OPT_DNS2) {
            ipcp->req_dns2 = false;
        }
    }
    return true;
}

/* Why the negotiated addresses cannot make a link, into ipcp->failure
 * ("" if they can). */
static void address_problem(struct ipcp *ipcp)
{
    char *out = ipcp->failure;
    size_t size = sizeof(ipcp->failure);
    uint32_t refused = ipcp->refused_address;

    if (ipcp->local == 0 && refused && ipcp->refused_ours)
        snprintf(out, size, "Could not determine local IP address (refused %s: %s)",
                 ipv4_text(refused).s, ipcp_address_unusable(refused));
    else if (ipcp->local == 0 && !ipcp->req_address)
        snprintf(out, size, "peer rejected IP-Address and we have no address");
    else if (ipcp->local == 0)
        snprintf(out, size, "Could not determine local IP address");
    else if (ipcp->remote == 0 && refused && !ipcp->refused_ours)
        snprintf(out, size, "Could not determine remote IP address (refused %s: %s)",
                 ipv4_text(refused).s, ipcp_address_unusable(refused));
    else if (ipcp->remote == 0)
        snprintf(out, size, "Could not determine remote IP address");
    else if (ipcp->local == ipcp->remote)
        snprintf(out, size, "local and remote IP addresses are equal");
    else if (ipcp_address_unusable(ipcp->local))
        snprintf(out, size, "our address %s is %s", ipv4_text(ipcp->local).s,
                 ipcp_address_unusable(ipcp->local));
    else if (ipcp_address_unusable(ipcp->remote))
        snprintf(out, size, "the peer's address %s is %s", ipv4_text(ipcp->remote).s,
                 ipcp_address_unusable(ipcp->remote));
    else
        out[0] = 0;
}

static void ipcp_up(struct ppp_fsm *fsm)
{
    struct ipcp *ipcp = to_ipcp(fsm);
    const struct fsm_parent *parent = fsm->parent;

    /* Without a Reject of IP-Address, ack() already set local; after one
     * we use the address we have (req_address is then false). */
    ipcp->local = ipcp->want_local;
    /* A peer that never sent IP-Address gets the configured one. */
    ipcp->remote = ipcp->peer_address ? ipcp->peer_address : ipcp->settings->remote_ip;
    address_problem(ipcp);
    if (ipcp->failure[0]) {
        parent->log(parent->owner, PPP_LOG_ERROR, "IPCP: %s", ipcp->failure);
        return;
    }
    parent->log(parent->owner, PPP_LOG_INFO, "IPCP: local %s remote %s dns %s %s",
                ipv4_text(ipcp->local).s, ipv4_text(ipcp->remote).s, ipv4_text(ipcp->dns1).s,
                ipv4_text(ipcp->dns2).s);
}

static const struct fsm_ops ipcp_ops = {
    .name = "IPCP",
    .protocol = PPP_PROTO_IPCP,
    .reset = ipcp_reset,
    .build_request = ipcp_build_request,
    .judge_request = ipcp_judge_request,
    .ack = ipcp_ack,
    .nak = ipcp_nak,
    .reject = ipcp_reject,
    .up = ipcp_up,
};

void ipcp_init(struct ipcp *ipcp, const struct ppp_settings *settings,
               const struct fsm_parent *parent)
{
    memset(ipcp, 0, sizeof(*ipcp));
    ipcp->settings = settings;
    ncp_fsm_init(&ipcp->fsm, &ipcp_ops, settings, parent);
}

void ipcp_remember(struct ipcp *ipcp, uint32_t address)
{
    ipcp->remembered_local = address;
}

bool ipcp_failed(const struct ipcp *ipcp)
{
    return ipcp->failure[0] != 0;
}

void ipcp_result(const struct ipcp *ipcp, struct ppp_event *ev)
{
    memset(ev, 0, sizeof(*ev));
    ev->type = PPP_EV_IPCP_UP;
    ev->u.ipcp.local = ipcp->local;
    ev->u.ipcp.remote = ipcp->remote;
    ev->u.ipcp.dns[0] = ipcp->dns1;
    ev->u.ipcp.dns[1] = ipcp->dns2;
}
