/*
 * test_negotiation.c - whole-engine scenarios: a scripted peer (hand-built
 * packets) or a second engine with other settings, a test clock, no OS.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fsm.h"
#include "lcp.h"
#include "script_peer.h"

#define ADDR_US 0xc612ff01u   /* 198.18.255.1 */
#define ADDR_PEER 0xc612ff02u /* 198.18.255.2 */
#define SECOND (1000 * PPP_MS)

static void settings(struct ppp_settings *s)
{
    ppp_settings_default(s);
    s->local_ip = ADDR_US;
    s->remote_ip = ADDR_PEER;
    s->seed = 99;
}

/* Reads what we sent: our latest LCP Configure-Request must be among it. */
static const struct h_frame *read_our_lcp_request(struct script *sc)
{
    const struct h_frame *req;

    sc_read(sc);
    req = sc_find(sc, PPP_PROTO_LCP, FSM_CONF_REQ);
    assert_non_null(req);
    return req;
}

/* ---- LCP options ---- */

static void accepts_the_peers_nak_of_our_mru(void **state)
{
    struct ppp_settings s;
    struct script sc;
    const struct h_frame *req;
    const uint8_t nak[] = {LCP_OPT_MRU, 4, 0x05, 0x14}; /* 1300 */
    const uint8_t *mru;
    size_t len;

    settings(&s);
    s.mru = 1400;
    sc_new(&sc, &s);
    ppp_link_open(sc.us.link, sc.now);
    req = read_our_lcp_request(&sc);
    mru = sc_option(req, LCP_OPT_MRU, &len);
    assert_non_null(mru);
    assert_int_equal(get16(mru), 1400);

    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_NAK, req->info[1], nak, sizeof(nak));
    req = read_our_lcp_request(&sc);
    mru = sc_option(req, LCP_OPT_MRU, &len);
    assert_non_null(mru);
    assert_int_equal(get16(mru), 1300);

    sc_ack(&sc, req);
    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_REQ, 7, NULL, 0);
    assert_true(sc.us.lcp_up);
    assert_int_equal(sc.us.lcp.u.lcp.mru_rx, 1300);
    assert_int_equal(ppp_link_phase(sc.us.link), PPP_PHASE_NETWORK);
    sc_free(&sc);
}

static void goes_on_without_a_rejected_magic_number(void **state)
{
    struct ppp_settings s;
    struct script sc;
    const struct h_frame *req;
    uint8_t rej[6] = {LCP_OPT_MAGIC, 6};
    const uint8_t *magic;

    settings(&s);
    sc_new(&sc, &s);
    ppp_link_open(sc.us.link, sc.now);
    req = read_our_lcp_request(&sc);
    magic = sc_option(req, LCP_OPT_MAGIC, NULL);
    assert_non_null(magic);
    memcpy(rej + 2, magic, 4);

    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_REJ, req->info[1], rej, sizeof(rej));
    req = read_our_lcp_request(&sc);
    assert_null(sc_option(req, LCP_OPT_MAGIC, NULL));
    sc_ack(&sc, req);
    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_REQ, 7, NULL, 0);
    assert_true(sc.us.lcp_up);
    assert_int_equal(sc.us.lcp.u.lcp.magic_local, 0);
    sc_free(&sc);
}

/* A peer that Acks everything of ours but insists on CHAP each time we
 * Reject it: we must never open LCP, and must give up in bounded time. */
static void gives_up_on_a_peer_insisting_on_chap(void **state)
{
    const uint8_t chap[] = {LCP_OPT_AUTH, 5, 0xc2, 0x23, 0x05, 5, 6, 0x5e, 0xed, 0x12, 0x34};
    struct ppp_settings s;
    struct script sc;
    size_t rejects = 0;
    uint8_t id = 0;

    settings(&s);
    sc_new(&sc, &s);
    ppp_link_open(sc.us.link, sc.now);
    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_REQ, id++, chap, sizeof(chap));
    for (int i = 0; i < 100000 && !sc.us.dead; i++) {
        const struct h_frame *rej, *req;

        sc_read(&sc);
        rej = sc_find(&sc, PPP_PROTO_LCP, FSM_CONF_REJ);
        req = sc_find(&sc, PPP_PROTO_LCP, FSM_CONF_REQ);
        if (rej) {
            rejects++;
            assert_non_null(sc_option(rej, LCP_OPT_AUTH, NULL));
            assert_null(sc_option(rej, LCP_OPT_MAGIC, NULL));
        }
        if (req)
            sc_ack(&sc, req);
        if (rej || req)
            sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_REQ, id++, chap, sizeof(chap));
        else
            sc_advance(&sc, 100 * PPP_MS);
        assert_false(sc.us.lcp_up);
    }
    assert_true(sc.us.dead);
    assert_int_equal(sc.us.dead_cause, PPP_CAUSE_NEGOTIATION_FAILED);
    assert_int_equal(ppp_cause_exit_status(sc.us.dead_cause), 10);
    assert_true(rejects >= 10);
    assert_true(sc.now - 1000 * PPP_MS < 60 * SECOND);
    assert_int_equal(h_count_events(&sc.us, PPP_EV_LCP_UP), 0);
    sc_free(&sc);
}

/* ---- IPCP address policy ---- */

static const struct h_frame *ipcp_up_to_peer_request(struct script *sc)
{
    const struct h_frame *req;

    assert_true(sc_lcp_up(sc));
    req = sc_find(sc, PPP_PROTO_IPCP, FSM_CONF_REQ);
    assert_non_null(req);
    sc_ack(sc, req);
    return req;
}

static void check_nak_offers_remote(struct script *sc, uint32_t proposed)
{
    uint8_t opt[6] = {3, 6};
    const struct h_frame *nak;
    const uint8_t *addr;

    put32(opt + 2, proposed);
    sc_send(sc, PPP_PROTO_IPCP, FSM_CONF_REQ, 0x51, opt, sizeof(opt));
    sc_read(sc);
    nak = sc_find(sc, PPP_PROTO_IPCP, FSM_CONF_NAK);
    assert_non_null(nak);
    assert_int_equal(nak->info[1], 0x51);
    addr = sc_option(nak, 3, NULL);
    assert_non_null(addr);
    assert_int_equal(get32(addr), ADDR_PEER);
    assert_false(sc->us.ipcp_up);
}

static void gives_a_peer_asking_for_0000_our_configured_remote(void **state)
{
    struct ppp_settings s;
    struct script sc;
    uint8_t opt[6] = {3, 6};

    settings(&s);
    s.ipv6 = false;
    sc_new(&sc, &s);
    ipcp_up_to_peer_request(&sc);
    check_nak_offers_remote(&sc, 0);
    put32(opt + 2, ADDR_PEER);
    sc_send(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ, 0x52, opt, sizeof(opt));
    assert_true(sc.us.ipcp_up);
    assert_int_equal(sc.us.ipcp.u.ipcp.local, ADDR_US);
    assert_int_equal(sc.us.ipcp.u.ipcp.remote, ADDR_PEER);
    sc_free(&sc);
}

static void naks_a_forbidden_address_with_the_allowed_one(void **state)
{
    struct ppp_settings s;
    struct script sc;

    settings(&s);
    s.ipv6 = false;
    s.accept_remote = false;
    sc_new(&sc, &s);
    ipcp_up_to_peer_request(&sc);
    check_nak_offers_remote(&sc, 0xc612ff4du); /* 198.18.255.77: not what we allow */
    sc_free(&sc);
}

/* pppd's address sanity: a server may not make a multicast address its
 * end of the link, even where ipcp-accept-remote takes any other. */
static void naks_an_unusable_peer_address_with_the_configured_one(void **state)
{
    struct ppp_settings s;
    struct script sc;

    settings(&s);
    s.ipv6 = false;
    s.accept_remote = true;
    sc_new(&sc, &s);
    ipcp_up_to_peer_request(&sc);
    check_nak_offers_remote(&sc, 0xe00000fbu); /* 224.0.0.251 */
    check_nak_offers_remote(&sc, 0xffffffffu);
    check_nak_offers_remote(&sc, 0x7f000001u);
    sc_free(&sc);
}

static uint32_t our_requested_address(struct script *sc);

/* A server that keeps offering us 127.0.0.1: never taken, and after
 * Max-Failure offers IPCP gives up with a reason naming it, once, while
 * IPV6CP may go on. */
static void gives_up_on_a_peer_insisting_on_a_loopback_address_for_us(void **state)
{
    struct ppp_settings s;
    struct script sc;
    uint8_t opt[6] = {3, 6, 127, 0, 0, 1};
    unsigned naks = 0;

    settings(&s);
    s.local_ip = 0;
    s.accept_local = true;
    sc_new(&sc, &s);
    assert_true(sc_lcp_up(&sc));
    while (sc.us.ipcp_failures == 0 && naks < 20) {
        const struct h_frame *req = sc_find(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ);
        assert_non_null(req);
        assert_int_equal(our_requested_address(&sc), 0); /* never 127.0.0.1 */
        sc_send(&sc, PPP_PROTO_IPCP, FSM_CONF_NAK, req->info[1], opt, sizeof(opt));
        naks++;
        sc_read(&sc);
    }
    assert_int_equal(naks, s.max_failure);
    assert_int_equal(sc.us.ipcp_failures, 1);
    assert_non_null(strstr(sc.us.ipcp_failure, "127.0.0.1"));
    assert_non_null(strstr(sc.us.ipcp_failure, "loopback"));
    assert_non_null(sc_find(&sc, PPP_PROTO_IPCP, FSM_TERM_REQ)); /* IPCP closes */
    assert_int_equal(h_count_events(&sc.us, PPP_EV_IPCP_UP), 0);
    assert_true(sc.us.lcp_up);
    sc_free(&sc);
}

/* ---- the link's life ---- */

static void detects_a_looped_back_line(void **state)
{
    struct ppp_settings s;
    struct script sc;
    uint8_t buf[4096];

    settings(&s);
    sc_new(&sc, &s);
    ppp_link_open(sc.us.link, sc.now);
    for (int i = 0; i < 100000 && !sc.us.dead; i++) {
        const uint8_t *data;
        size_t n = ppp_link_tx_data(sc.us.link, &data);

        if (n > sizeof(buf))
            n = sizeof(buf);
        if (n) {
            memcpy(buf, data, n);
            ppp_link_tx_consume(sc.us.link, n);
            ppp_link_input(sc.us.link, buf, n, sc.now);
        } else {
            sc_advance(&sc, 10 * PPP_MS);
        }
    }
    assert_true(sc.us.dead);
    assert_int_equal(sc.us.dead_cause, PPP_CAUSE_LOOPBACK);
    assert_int_equal(ppp_cause_exit_status(PPP_CAUSE_LOOPBACK), 17);
    assert_true(sc.now - 1000 * PPP_MS < 30 * SECOND);
    assert_false(sc.us.lcp_up);
    sc_free(&sc);
}

static void dies_after_max_configure_when_nobody_answers(void **state)
{
    struct ppp_settings s;
    struct script sc;
    size_t requests = 0;
    ppp_time start;

    settings(&s);
    sc_new(&sc, &s);
    start = sc.now;
    ppp_link_open(sc.us.link, sc.now);
    for (int i = 0; i < 10000 && !sc.us.dead; i++) {
        sc_read(&sc);
        requests += sc_count(&sc, PPP_PROTO_LCP, FSM_CONF_REQ);
        sc_advance(&sc, 100 * PPP_MS);
    }
    assert_true(sc.us.dead);
    assert_int_equal(sc.us.dead_cause, PPP_CAUSE_NEGOTIATION_FAILED);
    assert_int_equal(requests, 10); /* Max-Configure */
    /* The why is the engine's value, not a log line the host keeps. */
    assert_non_null(strstr(ppp_link_failure_reason(sc.us.link), "no answer to 10"));
    /* ten Restart periods of 3 s, give or take one step */
    assert_true(sc.us.dead_at - start >= 30 * SECOND);
    assert_true(sc.us.dead_at - start <= 30 * SECOND + 100 * PPP_MS);
    assert_int_equal(ppp_link_expiry(sc.us.link), PPP_TIME_NEVER);
    sc_free(&sc);
}

/* Our IPCP request's IP-Address in what we sent, or 0xffffffff if none. */
static uint32_t our_requested_address(struct script *sc)
{
    const struct h_frame *req = sc_find(sc, PPP_PROTO_IPCP, FSM_CONF_REQ);
    const uint8_t *addr;

    assert_non_null(req);
    addr = sc_option(req, 3, NULL);
    return addr ? get32(addr) : 0xffffffffu;
}

/* A first session (our address from the peer's Nak) ended, and the
 * second's LCP is up: our IPCP request names the remembered address. */
static void second_session_with_a_remembered_address(struct script *sc)
{
    struct ppp_settings s;
    uint8_t opt[6] = {3, 6};
    const struct h_frame *req;

    settings(&s);
    s.ipv6 = false;
    s.local_ip = 0;
    s.accept_local = true;
    s.remote_ip = 0; /* whatever address the peer has */
    sc_new(sc, &s);
    assert_true(sc_lcp_up(sc));
    assert_int_equal(our_requested_address(sc), 0);
    req = sc_find(sc, PPP_PROTO_IPCP, FSM_CONF_REQ);
    put32(opt + 2, ADDR_US);
    sc_send(sc, PPP_PROTO_IPCP, FSM_CONF_NAK, req->info[1], opt, sizeof(opt));
    sc_read(sc);
    sc_ack(sc, sc_find(sc, PPP_PROTO_IPCP, FSM_CONF_REQ));
    put32(opt + 2, ADDR_PEER);
    sc_send(sc, PPP_PROTO_IPCP, FSM_CONF_REQ, 0x60, opt, sizeof(opt));
    assert_true(sc->us.ipcp_up);
    ppp_link_lower_down(sc->us.link, sc->now);
    sc_advance(sc, SECOND);
    sc_read(sc);
    assert_true(sc_lcp_up(sc));
    assert_int_equal(our_requested_address(sc), ADDR_US);
}

/* With no address configured, the first session asks for 0.0.0.0 and
 * takes the peer's Nak; a reconnect asks for that address at once. */
static void a_reconnect_asks_for_the_address_it_had(void **state)
{
    struct script sc;
    uint8_t opt[6] = {3, 6};

    second_session_with_a_remembered_address(&sc);
    sc_ack(&sc, sc_find(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ));
    put32(opt + 2, ADDR_PEER);
    sc_send(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ, 0x61, opt, sizeof(opt));
    assert_true(sc.us.ipcp_up);
    assert_int_equal(sc.us.ipcp.u.ipcp.local, ADDR_US);
    sc_free(&sc);
}

/* A peer that Rejects IP-Address never agreed to the remembered address:
 * IPCP fails as it would have without one. */
static void a_rejected_remembered_address_is_not_used(void **state)
{
    struct script sc;
    uint8_t opt[6] = {3, 6};
    const struct h_frame *req;

    second_session_with_a_remembered_address(&sc);
    req = sc_find(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ);
    put32(opt + 2, ADDR_US);
    sc_send(&sc, PPP_PROTO_IPCP, FSM_CONF_REJ, req->info[1], opt, sizeof(opt));
    sc_read(&sc);
    req = sc_find(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ);
    assert_non_null(req);
    assert_null(sc_option(req, 3, NULL));
    sc_ack(&sc, req);
    put32(opt + 2, ADDR_PEER);
    sc_send(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ, 0x61, opt, sizeof(opt));
    assert_false(sc.us.ipcp_up);
    sc_free(&sc);
}

/* A peer now at our remembered address is Acked, not refused as a clash:
 * its Nak of our request will give us another. */
static void a_peer_at_our_remembered_address_is_acked(void **state)
{
    struct script sc;
    uint8_t opt[6] = {3, 6};

    second_session_with_a_remembered_address(&sc);
    put32(opt + 2, ADDR_US);
    sc_send(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ, 0x62, opt, sizeof(opt));
    sc_read(&sc);
    assert_non_null(sc_find(&sc, PPP_PROTO_IPCP, FSM_CONF_ACK));
    assert_null(sc_find(&sc, PPP_PROTO_IPCP, FSM_CONF_REJ));
    sc_free(&sc);
}

/* A pair of engines, neither opened yet: A with the given settings, B a
 * peer with the defaults. */
static struct h_pair *pair_new(const struct ppp_settings *a)
{
    struct h_pair *p = malloc(sizeof(*p));
    struct ppp_settings b;

    assert_non_null(p);
    ppp_settings_default(&b);
    b.seed = 1234;
    h_pair_init(p, 5);
    assert_int_equal(h_end_new(&p->a, "A", a, &p->now), PPP_OK);
    assert_int_equal(h_end_new(&p->b, "B", &b, &p->now), PPP_OK);
    return p;
}

static void pair_free(struct h_pair *p)
{
    ppp_link_del(p->a.link);
    ppp_link_del(p->b.link);
    free(p);
}

/* B opens (A is open already): the link must come up. */
static void open_b_until_up(struct h_pair *p)
{
    ppp_link_open(p->b.link, p->now);
    assert_true(h_run_until_up(p, 10 * SECOND));
}

/* pair_new, only A opened, and left alone for a while (B is late). */
static struct h_pair *pair_a_alone_for(const struct ppp_settings *a, ppp_time how_long)
{
    struct h_pair *p = pair_new(a);

    ppp_link_open(p->a.link, p->now);
    h_run_for(p, how_long, 10 * PPP_MS);
    return p;
}

static void passive_keeps_waiting_for_a_late_peer(void **state)
{
    struct h_pair *p;
    struct ppp_settings a;

    settings(&a);
    a.passive = true;
    p = pair_a_alone_for(&a, 60 * SECOND); /* well past Max-Configure */
    assert_false(p->a.dead);
    assert_int_equal(ppp_link_phase(p->a.link), PPP_PHASE_ESTABLISH);
    assert_int_equal(ppp_link_expiry(p->a.link), PPP_TIME_NEVER);
    open_b_until_up(p);
    pair_free(p);
}

static void silent_waits_for_the_first_request(void **state)
{
    struct h_pair *p;
    struct ppp_settings a;

    settings(&a);
    a.silent = true;
    p = pair_a_alone_for(&a, 20 * SECOND);
    assert_int_equal(ppp_link_stats(p->a.link)->tx_bytes, 0);
    assert_int_equal(ppp_link_phase(p->a.link), PPP_PHASE_ESTABLISH);
    open_b_until_up(p);
    assert_int_equal(p->a.ipcp.u.ipcp.remote, ADDR_PEER);
    pair_free(p);
}

/* pair_new, both ends opened, the link up. */
static struct h_pair *pair_up(const struct ppp_settings *a)
{
    struct h_pair *p = pair_new(a);

    ppp_link_open(p->a.link, p->now);
    open_b_until_up(p);
    return p;
}

static void peer_terminate_request_ends_the_link(void **state)
{
    struct ppp_settings a;
    struct h_pair *p;

    settings(&a);
    p = pair_up(&a);
    assert_int_equal(ppp_link_close(p->b.link, p->now, "bye"), PPP_OK);
    h_run_for(p, 10 * SECOND, 10 * PPP_MS);
    assert_true(p->a.dead && p->b.dead);
    assert_int_equal(p->a.dead_cause, PPP_CAUSE_PEER_TERMINATED);
    assert_int_equal(p->b.dead_cause, PPP_CAUSE_ADMIN_CLOSE);
    assert_int_equal(ppp_cause_exit_status(p->a.dead_cause), 16);
    assert_int_equal(ppp_cause_exit_status(p->b.dead_cause), 5);
    assert_int_equal(h_count_events(&p->a, PPP_EV_IPCP_DOWN), 1);
    assert_int_equal(h_count_events(&p->a, PPP_EV_IPV6CP_DOWN), 1);
    assert_int_equal(h_count_events(&p->a, PPP_EV_LCP_DOWN), 1);
    assert_false(p->a.lcp_up || p->a.ipcp_up || p->a.ipv6cp_up);
    /* B heard the Terminate-Ack at once; A waited one Restart period. */
    assert_true(p->b.dead_at <= p->a.dead_at);
    assert_true(p->a.dead_at - p->b.dead_at <= 3 * SECOND + 20 * PPP_MS);
    /* RFC 1661 section 5.5: the reason came along, as the peer sent it */
    assert_string_equal(ppp_link_peer_reason(p->a.link), "bye");
    assert_string_equal(ppp_link_peer_reason(p->b.link), "");
    pair_free(p);
}

/* Whether the end has entered Terminate, and with which cause. */
static bool terminating(const struct h_end *e, enum ppp_cause *cause)
{
    for (size_t i = 0; i < e->nevents; i++) {
        if (e->events[i].type == PPP_EV_PHASE &&
            e->events[i].u.phase.phase == PPP_PHASE_TERMINATE) {
            *cause = e->events[i].u.phase.cause;
            return true;
        }
    }
    return false;
}

static void keepalive_declares_a_silent_peer_dead(void **state)
{
    struct ppp_settings a;
    struct h_pair *p;
    ppp_time cut, terminate_at = 0;
    enum ppp_cause cause = PPP_CAUSE_NONE;

    settings(&a);
    a.echo_interval_ms = 1000;
    a.echo_failures = 4;
    p = pair_up(&a);
    h_run_for(p, 5 * SECOND + 370 * PPP_MS, 10 * PPP_MS);
    assert_true(p->a.echo_rtts >= 4);
    cut = p->now;
    p->ba.cut = true; /* B's words no longer reach A */
    while (p->now < cut + 20 * SECOND && !terminating(&p->a, &cause))
        h_step(p, 10 * PPP_MS);
    terminate_at = p->now;
    assert_int_equal(cause, PPP_CAUSE_PEER_DEAD);
    /* four silent intervals, plus at most the one that was under way */
    assert_true(terminate_at >= cut + 3 * SECOND);
    assert_true(terminate_at <= cut + 5 * SECOND + 10 * PPP_MS);
    h_run_for(p, 10 * SECOND, 10 * PPP_MS);
    assert_true(p->a.dead);
    assert_int_equal(p->a.dead_cause, PPP_CAUSE_PEER_DEAD);
    assert_int_equal(ppp_cause_exit_status(p->a.dead_cause), 15);
    /* Dead after Max-Terminate Terminate-Requests went unanswered. */
    assert_true(p->a.dead_at <= terminate_at + 2 * 3 * SECOND + 20 * PPP_MS);
    pair_free(p);
}

/* After LCP is up the line gets looped back: A hears only its own
 * frames.  Its own Echo-Requests (dropped for carrying A's magic) must not
 * count as proof of life, or a looped line would never be declared dead. */
static void keepalive_ignores_our_own_echoes_on_a_looped_line(void **state)
{
    struct ppp_settings a;
    struct h_pair *p;
    ppp_time loop_start;

    settings(&a);
    a.echo_interval_ms = 1000;
    a.echo_failures = 4;
    p = pair_up(&a);
    h_run_for(p, 2 * SECOND, 10 * PPP_MS);
    loop_start = p->now;
    while (p->now < loop_start + 30 * SECOND && !p->a.dead) {
        h_transmit(p, &p->a, &p->ab);
        h_deliver(p, &p->ab, &p->a); /* A's bytes come straight back */
        h_timers(p, &p->a);
        p->now += 10 * PPP_MS;
    }
    assert_true(p->a.dead);
    assert_int_equal(p->a.dead_cause, PPP_CAUSE_PEER_DEAD);
    /* four intervals without the peer, the one under way, and the
     * looped Terminate-Request/Ack exchange */
    assert_true(p->a.dead_at <= loop_start + 6 * SECOND);
    pair_free(p);
}

/* A's data queue holds seconds of traffic; B sends nothing but Echo
 * replies.  Only if A's Echo-Requests jump the queue does A hear B in time. */
static void keepalive_survives_a_saturated_data_queue(void **state)
{
    struct ppp_settings a;
    struct h_pair *p;
    uint8_t pkt[1500] = {0x45};
    uint64_t sent = 0;

    settings(&a);
    a.echo_interval_ms = 500;
    a.echo_failures = 3;
    a.tx_buffer = 4 * 1024 * 1024;
    p = pair_up(&a);
    p->budget = 1000; /* 1 MB/s */
    put16(pkt + 2, sizeof(pkt));
    for (int i = 0; i < 10000; i++) { /* 10 s */
        while (ppp_link_send_ip(p->a.link, pkt, sizeof(pkt), p->now) == PPP_OK)
            sent++;
        h_step(p, PPP_MS);
    }
    /* the queue really was seconds long */
    assert_true(ppp_link_tx_room(p->a.link) < 1024 * 1024);
    assert_true(sent > 5000);
    assert_false(p->a.dead);
    assert_int_equal(ppp_link_phase(p->a.link), PPP_PHASE_NETWORK);
    assert_true(p->a.echo_rtts >= 15);
    /* the round trip is a few steps, not the queue's seconds */
    assert_true(ppp_link_stats(p->a.link)->echo_rtt_last < 50 * PPP_MS);
    assert_int_equal(ppp_link_stats(p->a.link)->tx_dropped_control, 0);
    pair_free(p);
}

static void rejects_ccp_with_protocol_reject(void **state)
{
    const uint8_t ccp_opts[] = {0x1a, 4, 0x78, 0x00}; /* Deflate */
    struct ppp_settings s;
    struct script sc;
    const struct h_frame *rej;

    settings(&s);
    sc_new(&sc, &s);
    assert_true(sc_lcp_up(&sc));
    sc_send(&sc, PPP_PROTO_CCP, FSM_CONF_REQ, 3, ccp_opts, sizeof(ccp_opts));
    sc_read(&sc);
    rej = sc_find(&sc, PPP_PROTO_LCP, LCP_PROTO_REJ);
    assert_non_null(rej);
    assert_int_equal(get16(rej->info + 4), PPP_PROTO_CCP);
    assert_int_equal(rej->info[6], FSM_CONF_REQ); /* the rejected packet follows */
    assert_int_equal(ppp_link_stats(sc.us.link)->rx_unknown_protocol, 1);
    assert_true(sc.us.lcp_up);
    sc_free(&sc);
}

static void ssh_banner_before_the_first_flag_does_not_matter(void **state)
{
    static const char banner[] = "Welcome to ~host~ (GNU/Linux)\r\n"
                                 "Last login: Tue from 198.18.0.1 ~~ }}} ~\r\n$ ";
    struct ppp_settings a;
    struct h_pair *p;

    settings(&a);
    p = pair_new(&a);
    h_wire_put(&p->ba, (const uint8_t *)banner, sizeof(banner) - 1, &p->seed);
    ppp_link_open(p->a.link, p->now);
    open_b_until_up(p);
    assert_true(ppp_link_stats(p->a.link)->rx_bytes_outside_frames > 0);
    pair_free(p);
}

static void received_ip(struct h_end *end, int family, const uint8_t *pkt, size_t len)
{
    size_t *count = end->ctx;

    if (family == 4 && len == 24 && pkt[23] == 0xab)
        (*count)++;
}

static void count_big_ip(struct h_end *end, int family, const uint8_t *pkt, size_t len)
{
    size_t *count = end->ctx;

    if (family == 4 && len == 3000 && pkt[2999] == 0x5a)
        (*count)++;
}

static void big_ip_packet(uint8_t *pkt, size_t len)
{
    memset(pkt, 0x41, len);
    pkt[0] = 0x45;
    put16(pkt + 2, (uint16_t)len);
    pkt[len - 1] = 0x5a;
}

/* The receive buffer holds 64 KiB (room for any MRU a Nak may bring),
 * but frames are only kept up to the MRU in force plus slack. */
static void over_long_frames_are_bounded_by_the_negotiated_mru(void **state)
{
    struct ppp_settings a;
    struct h_pair *p;
    static uint8_t pkt[3000];
    size_t delivered = 0;

    big_ip_packet(pkt, sizeof(pkt));
    settings(&a);
    p = pair_up(&a);
    p->a.on_ip = count_big_ip;
    p->a.ctx = &delivered;
    assert_int_equal(p->a.lcp.u.lcp.mru_rx, 1500);
    h_feed(p->a.link, PPP_PROTO_IP, pkt, sizeof(pkt), NULL, p->now);
    assert_int_equal(ppp_link_stats(p->a.link)->rx_too_long, 1);
    assert_int_equal(delivered, 0);
    pair_free(p);

    settings(&a);
    a.mru = 4000;
    p = pair_up(&a);
    p->a.on_ip = count_big_ip;
    p->a.ctx = &delivered;
    assert_int_equal(p->a.lcp.u.lcp.mru_rx, 4000);
    assert_int_equal(ppp_link_send_ip(p->b.link, pkt, sizeof(pkt), p->now), PPP_OK);
    h_run_for(p, 100 * PPP_MS, PPP_MS);
    assert_int_equal(delivered, 1);
    assert_int_equal(ppp_link_stats(p->a.link)->rx_too_long, 0);
    pair_free(p);
}

/* pppd with ACFC/PFC agreed (or just sloppy peers) sends NCP frames
 * without ff 03 and IP with a one-byte Protocol; accept both always. */
static void accepts_compressed_headers_from_the_peer(void **state)
{
    const struct hdlc_tx compressed = {.accm = 0, .acfc = true, .pfc = true};
    uint8_t addr[6] = {3, 6};
    uint8_t ip[24] = {0x45, 0, 0, 24};
    struct ppp_settings s;
    struct script sc;
    const struct h_frame *req;
    size_t delivered = 0;
    uint8_t frame[64];
    size_t n;

    settings(&s);
    s.ipv6 = false;
    sc_new(&sc, &s);
    sc.us.on_ip = received_ip;
    sc.us.ctx = &delivered;
    assert_true(sc_lcp_up(&sc));
    req = sc_find(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ);
    assert_non_null(req);
    sc_send_tx(&sc, PPP_PROTO_IPCP, FSM_CONF_ACK, req->info[1], req->info + 4,
               get16(req->info + 2) - 4u, &compressed);
    put32(addr + 2, ADDR_PEER);
    sc_send_tx(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ, 9, addr, sizeof(addr), &compressed);
    assert_true(sc.us.ipcp_up);

    ip[23] = 0xab;
    n = hdlc_encode(frame, sizeof(frame), &compressed, PPP_PROTO_IP, ip, sizeof(ip), true);
    assert_int_equal(frame[1], 0x21); /* really one byte of Protocol, no ff 03 */
    ppp_link_input(sc.us.link, frame, n, sc.now);
    assert_int_equal(delivered, 1);
    assert_int_equal(ppp_link_stats(sc.us.link)->rx_ip_packets, 1);
    sc_free(&sc);
}

static void ends_when_the_peer_rejects_every_network_protocol(void **state)
{
    const uint8_t rej_ipcp[] = {0x80, 0x21, 1, 1, 0, 4};
    const uint8_t rej_ipv6cp[] = {0x80, 0x57, 1, 1, 0, 4};
    struct ppp_settings s;
    struct script sc;

    settings(&s);
    sc_new(&sc, &s);
    assert_true(sc_lcp_up(&sc));
    sc_send(&sc, PPP_PROTO_LCP, LCP_PROTO_REJ, 20, rej_ipcp, sizeof(rej_ipcp));
    assert_int_equal(ppp_link_phase(sc.us.link), PPP_PHASE_NETWORK);
    /* IPv6 may go on; a host that wants IPv4 is told IPCP will not come */
    assert_int_equal(sc.us.ipcp_failures, 1);
    assert_string_equal(sc.us.ipcp_failure, "the peer rejected it or stopped answering");
    sc_send(&sc, PPP_PROTO_LCP, LCP_PROTO_REJ, 21, rej_ipv6cp, sizeof(rej_ipv6cp));
    assert_int_equal(sc.us.ipcp_failures, 1);
    assert_int_equal(ppp_link_phase(sc.us.link), PPP_PHASE_TERMINATE);
    assert_int_equal(ppp_link_cause(sc.us.link), PPP_CAUSE_NO_NETWORK);
    sc_read(&sc);
    assert_non_null(sc_find(&sc, PPP_PROTO_LCP, FSM_TERM_REQ));
    sc_send(&sc, PPP_PROTO_LCP, FSM_TERM_ACK, sc_find(&sc, PPP_PROTO_LCP, FSM_TERM_REQ)->info[1],
            NULL, 0);
    assert_true(sc.us.dead);
    assert_int_equal(sc.us.dead_cause, PPP_CAUSE_NO_NETWORK);
    sc_free(&sc);
}

static void count_protocol_reject_lines(struct h_end *end, const char *line)
{
    size_t *count = end->ctx;

    if (strstr(line, "rejected protocol 0x8057"))
        (*count)++;
}

/* One Protocol-Reject received, one line in the log about it. */
static void a_protocol_reject_is_logged_once(void **state)
{
    const uint8_t rej_ipv6cp[] = {0x80, 0x57, 1, 1, 0, 4};
    struct ppp_settings s;
    struct script sc;
    size_t lines = 0;

    settings(&s);
    sc_new(&sc, &s);
    sc.us.on_log = count_protocol_reject_lines;
    sc.us.ctx = &lines;
    assert_true(sc_lcp_up(&sc));
    sc_send(&sc, PPP_PROTO_LCP, LCP_PROTO_REJ, 21, rej_ipv6cp, sizeof(rej_ipv6cp));
    assert_int_equal(lines, 1);
    sc_free(&sc);
}

/* RFC 1661 section 5.6: the rejected packet inside a Code-Reject is
 * truncated to fit the peer's MRU, here 200. */
static void code_reject_fits_the_peers_mru(void **state)
{
    const uint8_t opts[] = {LCP_OPT_MRU, 4, 0, 200, LCP_OPT_MAGIC, 6, 0x5e, 0xed, 0x12, 0x34};
    static uint8_t unknown[600];
    struct ppp_settings s;
    struct script sc;
    const struct h_frame *req, *rej;

    settings(&s);
    sc_new(&sc, &s);
    ppp_link_open(sc.us.link, sc.now);
    req = read_our_lcp_request(&sc);
    sc_ack(&sc, req);
    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_REQ, 0x41, opts, sizeof(opts));
    sc_read(&sc);
    assert_true(sc.us.lcp_up);
    assert_int_equal(sc.us.lcp.u.lcp.mru_tx, 200);
    for (size_t i = 0; i < sizeof(unknown); i++)
        unknown[i] = (uint8_t)i;
    sc_send(&sc, PPP_PROTO_IPCP, 99, 7, unknown, sizeof(unknown));
    sc_read(&sc);
    rej = sc_find(&sc, PPP_PROTO_IPCP, FSM_CODE_REJ);
    assert_non_null(rej);
    assert_int_equal(rej->len, 200);
    assert_int_equal(get16(rej->info + 2), 200);
    assert_int_equal(rej->info[4], 99); /* the rejected packet, from its start */
    assert_int_equal(rej->info[5], 7);
    assert_memory_equal(rej->info + 8, unknown, 200 - 8);
    sc_free(&sc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_the_peers_nak_of_our_mru),
        cmocka_unit_test(goes_on_without_a_rejected_magic_number),
        cmocka_unit_test(gives_up_on_a_peer_insisting_on_chap),
        cmocka_unit_test(gives_a_peer_asking_for_0000_our_configured_remote),
        cmocka_unit_test(naks_a_forbidden_address_with_the_allowed_one),
        cmocka_unit_test(naks_an_unusable_peer_address_with_the_configured_one),
        cmocka_unit_test(gives_up_on_a_peer_insisting_on_a_loopback_address_for_us),
        cmocka_unit_test(a_reconnect_asks_for_the_address_it_had),
        cmocka_unit_test(a_rejected_remembered_address_is_not_used),
        cmocka_unit_test(a_peer_at_our_remembered_address_is_acked),
        cmocka_unit_test(detects_a_looped_back_line),
        cmocka_unit_test(dies_after_max_configure_when_nobody_answers),
        cmocka_unit_test(passive_keeps_waiting_for_a_late_peer),
        cmocka_unit_test(silent_waits_for_the_first_request),
        cmocka_unit_test(peer_terminate_request_ends_the_link),
        cmocka_unit_test(keepalive_declares_a_silent_peer_dead),
        cmocka_unit_test(keepalive_survives_a_saturated_data_queue),
        cmocka_unit_test(keepalive_ignores_our_own_echoes_on_a_looped_line),
        cmocka_unit_test(over_long_frames_are_bounded_by_the_negotiated_mru),
        cmocka_unit_test(a_protocol_reject_is_logged_once),
        cmocka_unit_test(code_reject_fits_the_peers_mru),
        cmocka_unit_test(rejects_ccp_with_protocol_reject),
        cmocka_unit_test(ssh_banner_before_the_first_flag_does_not_matter),
        cmocka_unit_test(accepts_compressed_headers_from_the_peer),
        cmocka_unit_test(ends_when_the_peer_rejects_every_network_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
