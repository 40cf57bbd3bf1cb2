/*
 * test_link.c - the engine's public API one call at a time: settings,
 * names, sending errors, how frames share flags, control frames cutting
 * into the data queue at frame boundaries, demultiplexing rules, and the
 * life cycle (close, lower down, open again).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fsm.h"
#include "lcp.h"
#include "script_peer.h"

#define ADDR_US 0xc612ff01u
#define ADDR_PEER 0xc612ff02u

static void settings(struct ppp_settings *s)
{
    ppp_settings_default(s);
    s->local_ip = ADDR_US;
    s->remote_ip = ADDR_PEER;
    s->ipv6 = false;
    s->seed = 3;
}

static void defaults_match_the_documentation(void **state)
{
    struct ppp_settings s;

    ppp_settings_default(&s);
    assert_int_equal(s.mru, 1500);
    assert_int_equal(s.mru_max, 65535);
    assert_int_equal(s.accm, 0);
    assert_true(s.magic && s.ipv4 && s.ipv6);
    assert_false(s.pfc || s.acfc || s.fcs32 || s.passive || s.silent);
    assert_int_equal(s.restart_ms, 3000);
    assert_int_equal(s.max_configure, 10);
    assert_int_equal(s.max_terminate, 2);
    assert_int_equal(s.max_failure, 5);
    assert_int_equal(s.max_loopback, 10);
    assert_int_equal(s.echo_interval_ms, 0);
    assert_int_equal(s.echo_failures, 4);
    assert_int_equal(s.tx_buffer, 256 * 1024);
}

static void rejects_settings_out_of_range(void **state)
{
    struct ppp_settings s;
    struct ppp_link *link = NULL;
    struct ppp_settings bad[7];

    for (int i = 0; i < 7; i++)
        ppp_settings_default(&bad[i]);
    bad[0].mru = 127;
    bad[1].mru = 9000, bad[1].mru_max = 4000;
    bad[2].restart_ms = 0;
    bad[3].max_configure = 0;
    bad[4].echo_interval_ms = 1000, bad[4].echo_failures = 0;
    bad[5].ipv4 = bad[5].ipv6 = false;
    bad[6].tx_buffer = 100;
    for (int i = 0; i < 7; i++)
        assert_int_equal(ppp_link_new(&link, &bad[i], NULL, NULL), PPP_ERR_INVALID_ARGUMENT);
    assert_null(link);
    ppp_settings_default(&s);
    s.mru = 128;
    assert_int_equal(ppp_link_new(&link, &s, NULL, NULL), PPP_OK);
    assert_int_equal(ppp_link_phase(link), PPP_PHASE_DEAD);
    assert_int_equal(ppp_link_expiry(link), PPP_TIME_NEVER);
    ppp_link_del(link);
}

static void names_and_exit_statuses(void **state)
{
    assert_string_equal(ppp_strerror(PPP_ERR_BUFFER_FULL), "transmit buffer full");
    assert_string_equal(ppp_strerror(-12345), "unknown error");
    assert_string_equal(ppp_phase_name(PPP_PHASE_NETWORK), "Network");
    assert_string_equal(ppp_cause_name(PPP_CAUSE_PEER_DEAD), "peer not responding");
    assert_int_equal(ppp_cause_exit_status(PPP_CAUSE_NONE), 0);
    assert_int_equal(ppp_cause_exit_status(PPP_CAUSE_ADMIN_CLOSE), 5);
    assert_int_equal(ppp_cause_exit_status(PPP_CAUSE_NEGOTIATION_FAILED), 10);
    assert_int_equal(ppp_cause_exit_status(PPP_CAUSE_NO_NETWORK), 10);
    assert_int_equal(ppp_cause_exit_status(PPP_CAUSE_PEER_DEAD), 15);
    assert_int_equal(ppp_cause_exit_status(PPP_CAUSE_LOWER_DOWN), 16);
    assert_int_equal(ppp_cause_exit_status(PPP_CAUSE_PEER_TERMINATED), 16);
    assert_int_equal(ppp_cause_exit_status(PPP_CAUSE_LOOPBACK), 17);
    /* pppd.h's numbers, which supervisors written for pppd key on. */
    assert_int_equal(PPP_EXIT_OPTION_ERROR, 2);
    assert_int_equal(PPP_EXIT_PTYCMD_FAILED, 9);
    assert_int_equal(PPP_EXIT_AUTH_TOPEER_FAILED, 19);
}

/* LCP and IPCP up with the scripted peer. */
static void bring_up(struct script *sc)
{
    const struct h_frame *req;
    uint8_t addr[6] = {3, 6};

    assert_true(sc_lcp_up(sc));
    req = sc_find(sc, PPP_PROTO_IPCP, FSM_CONF_REQ);
    assert_non_null(req);
    sc_ack(sc, req);
    put32(addr + 2, ADDR_PEER);
    sc_send(sc, PPP_PROTO_IPCP, FSM_CONF_REQ, 9, addr, sizeof(addr));
    assert_true(sc->us.ipcp_up);
    sc_read(sc);
}

static size_t ipv4(uint8_t *pkt, size_t len, uint8_t fill)
{
    memset(pkt, fill, len);
    pkt[0] = 0x45;
    put16(pkt + 2, (uint16_t)len);
    return len;
}

static void send_ip_checks_its_packet_and_the_link(void **state)
{
    struct ppp_settings s;
    struct script sc;
    uint8_t pkt[1600];
    uint8_t v5[40] = {0x50};

    settings(&s);
    s.tx_buffer = 4096; /* room for one full-size frame */
    sc_new(&sc, &s);
    assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, ipv4(pkt, 100, 0), sc.now),
                     PPP_ERR_NOT_OPEN);
    assert_int_equal(ppp_link_echo(sc.us.link, sc.now), PPP_ERR_NOT_OPEN);
    bring_up(&sc);
    assert_int_equal(ppp_link_send_ip(sc.us.link, v5, sizeof(v5), sc.now), PPP_ERR_BAD_PACKET);
    assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, 0, sc.now), PPP_ERR_BAD_PACKET);
    assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, 12, sc.now), PPP_ERR_BAD_PACKET);
    pkt[0] = 0x60; /* IPv6, but IPV6CP is not enabled */
    assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, 100, sc.now), PPP_ERR_NOT_OPEN);
    assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, ipv4(pkt, 1501, 0), sc.now),
                     PPP_ERR_TOO_BIG);
    assert_int_equal(ppp_link_tx_room(sc.us.link), 4096);
    assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, ipv4(pkt, 1500, 0x7e), sc.now), PPP_OK);
    assert_true(ppp_link_tx_room(sc.us.link) < 4096 - 3000); /* every 0x7e escaped */
    assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, 1500, sc.now), PPP_ERR_BUFFER_FULL);
    assert_int_equal(ppp_link_stats(sc.us.link)->tx_ip_packets, 1);
    sc_read(&sc);
    assert_int_equal(sc.n, 1);
    assert_int_equal(sc.f[0].protocol, PPP_PROTO_IP);
    assert_memory_equal(sc.f[0].info, pkt, 1500);
    assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, 1500, sc.now), PPP_OK);
    sc_free(&sc);
}

static size_t count_flags(const uint8_t *p, size_t n)
{
    size_t flags = 0;

    for (size_t i = 0; i < n; i++)
        flags += p[i] == HDLC_FLAG;
    return flags;
}

static void back_to_back_frames_share_one_flag(void **state)
{
    struct ppp_settings s;
    struct script sc;
    uint8_t pkt[100];
    const uint8_t *data;
    size_t n;

    settings(&s);
    sc_new(&sc, &s);
    bring_up(&sc);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, ipv4(pkt, 100, 1), sc.now), PPP_OK);
    n = ppp_link_tx_data(sc.us.link, &data);
    assert_int_equal(data[0], HDLC_FLAG); /* an idle line starts with a flag */
    assert_int_equal(data[n - 1], HDLC_FLAG);
    assert_int_equal(count_flags(data, n), 4);
    sc_free(&sc);
}

static void control_frames_cut_in_at_the_next_frame_boundary(void **state)
{
    struct ppp_settings s;
    struct script sc;
    uint8_t pkt[1000];
    const uint8_t *data;
    size_t n, first_frame_end;

    settings(&s);
    sc_new(&sc, &s);
    bring_up(&sc);
    for (int i = 0; i < 3; i++)
        assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, ipv4(pkt, 1000, 2), sc.now), PPP_OK);
    n = ppp_link_tx_data(sc.us.link, &data);
    for (first_frame_end = 1; data[first_frame_end] != HDLC_FLAG; first_frame_end++)
        ;
    ppp_link_tx_consume(sc.us.link, 10); /* the writer stops mid-frame */

    assert_int_equal(ppp_link_echo(sc.us.link, sc.now), PPP_OK);
    /* first the rest of the frame on the wire, and only that */
    n = ppp_link_tx_data(sc.us.link, &data);
    assert_int_equal(n, first_frame_end + 1 - 10);
    assert_int_equal(data[n - 1], HDLC_FLAG);
    ppp_link_tx_consume(sc.us.link, n);
    /* then the Echo-Request, ahead of the two queued data frames */
    n = ppp_link_tx_data(sc.us.link, &data);
    assert_true(n < 40);
    ppp_link_tx_consume(sc.us.link, n - 3);
    /* a control frame half written is finished before data resumes */
    n = ppp_link_tx_data(sc.us.link, &data);
    assert_int_equal(n, 3);
    ppp_link_tx_consume(sc.us.link, n);
    n = ppp_link_tx_data(sc.us.link, &data);
    assert_true(n > 2000);
    assert_int_equal(count_flags(data, n), 2); /* two frames, opened by the echo's flag */
    ppp_link_tx_consume(sc.us.link, n);
    assert_int_equal(ppp_link_tx_data(sc.us.link, &data), 0);
    assert_int_equal(ppp_link_stats(sc.us.link)->echo_sent, 1);
    sc_free(&sc);
}

static size_t count_frames(struct ppp_link *link)
{
    struct h_reader *r = malloc(sizeof(*r));
    const uint8_t *data, *frame;
    size_t n, frames = 0, flen;

    h_reader_init(r, false);
    while ((n = ppp_link_tx_data(link, &data)) > 0) {
        for (size_t off = 0; off < n;) {
            off += hdlc_decode(&r->dec, data + off, n - off, &frame, &flen);
            frames += frame != NULL;
        }
        ppp_link_tx_consume(link, n);
    }
    free(r);
    return frames;
}

static void a_full_control_buffer_drops_and_counts(void **state)
{
    struct ppp_settings s;
    struct script sc;

    settings(&s);
    sc_new(&sc, &s);
    bring_up(&sc);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(ppp_link_echo(sc.us.link, sc.now), PPP_OK);
    assert_true(ppp_link_stats(sc.us.link)->tx_dropped_control > 0);
    assert_true(ppp_link_stats(sc.us.link)->tx_dropped_control < 1000);
    assert_int_equal(count_frames(sc.us.link),
                     1000 - ppp_link_stats(sc.us.link)->tx_dropped_control);
    sc_free(&sc);
}

static void only_lcp_is_heard_before_lcp_opens(void **state)
{
    const uint8_t opts[] = {3, 6, 198, 18, 255, 2};
    struct ppp_settings s;
    struct script sc;

    settings(&s);
    sc_new(&sc, &s);
    ppp_link_open(sc.us.link, sc.now);
    sc_read(&sc);
    sc_send(&sc, PPP_PROTO_IPCP, FSM_CONF_REQ, 1, opts, sizeof(opts));
    sc_send(&sc, PPP_PROTO_CCP, FSM_CONF_REQ, 1, NULL, 0);
    assert_int_equal(sc_read(&sc), 0); /* no answer, not even a Protocol-Reject */
    assert_int_equal(ppp_link_stats(sc.us.link)->rx_dropped, 2);
    sc_free(&sc);
}

static void count_ip(struct h_end *end, int family, const uint8_t *pkt, size_t len)
{
    (*(size_t *)end->ctx)++;
}

static void ip_waits_for_its_ncp_and_vj_is_rejected(void **state)
{
    struct ppp_settings s;
    struct script sc;
    uint8_t pkt[40];
    size_t delivered = 0;
    const struct h_frame *rej;

    settings(&s);
    sc_new(&sc, &s);
    sc.us.on_ip = count_ip;
    sc.us.ctx = &delivered;
    assert_true(sc_lcp_up(&sc));
    h_feed(sc.us.link, PPP_PROTO_IP, pkt, ipv4(pkt, 40, 0), NULL, sc.now);
    assert_int_equal(delivered, 0); /* IPCP is not Opened yet */
    assert_int_equal(ppp_link_stats(sc.us.link)->rx_dropped, 1);
    assert_int_equal(ppp_link_stats(sc.us.link)->rx_ip_ncp_closed, 1);
    h_feed(sc.us.link, PPP_PROTO_IPV6, pkt, 40, NULL, sc.now);
    h_feed(sc.us.link, PPP_PROTO_VJ_COMP, pkt, 10, NULL, sc.now);
    sc_read(&sc);
    assert_int_equal(sc_count(&sc, PPP_PROTO_LCP, LCP_PROTO_REJ), 2);
    rej = sc_find(&sc, PPP_PROTO_LCP, LCP_PROTO_REJ);
    assert_int_equal(get16(rej->info + 4), PPP_PROTO_IPV6); /* IPV6CP is disabled */
    assert_int_equal(ppp_link_stats(sc.us.link)->rx_unknown_protocol, 2);
    sc_free(&sc);
}

/* LCP, IPCP and IPV6CP up with the scripted peer (interface identifiers
 * 0x11.. ours, 0x22.. the peer's). */
static void bring_up_both(struct script *sc)
{
    const struct h_frame *req;
    const uint8_t ifid[10] = {1, 10, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22};

    bring_up(sc);
    sc_send(sc, PPP_PROTO_IPV6CP, FSM_CONF_REQ, 5, ifid, sizeof(ifid));
    sc_read(sc);
    req = sc_find(sc, PPP_PROTO_IPV6CP, FSM_CONF_REQ);
    if (!req) { /* sent with LCP up, read by bring_up: retransmit */
        sc_advance(sc, 3000 * PPP_MS);
        sc_read(sc);
        req = sc_find(sc, PPP_PROTO_IPV6CP, FSM_CONF_REQ);
    }
    assert_non_null(req);
    sc_ack(sc, req);
    sc_read(sc);
}

static size_t rejected_protocol(const struct script *sc, uint16_t protocol)
{
    size_t n = 0;

    for (size_t i = 0; i < sc->n; i++)
        n += sc->f[i].protocol == PPP_PROTO_LCP && sc->f[i].len >= 6 &&
             sc->f[i].info[0] == LCP_PROTO_REJ && get16(sc->f[i].info + 4) == protocol;
    return n;
}

/* The caller found IPv6 cannot work on its interface: IPV6CP goes, IPv4
 * stays, and the peer is told the way a peer without IPv6 would tell it. */
static void refusing_ipv6_keeps_ipv4(void **state)
{
    struct ppp_settings s;
    struct script sc;
    uint8_t pkt[40] = {0x60};
    const uint8_t ifid[10] = {1, 10, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22, 0x22};

    settings(&s);
    s.ipv6 = true;
    memset(s.local_ifid, 0x11, 8);
    sc_new(&sc, &s);
    bring_up_both(&sc);
    assert_true(sc.us.ipv6cp_up && sc.us.ipcp_up);

    ppp_link_refuse_ipv6(sc.us.link, sc.now, "MTU 1200 is below 1280");
    sc_read(&sc);
    assert_false(sc.us.ipv6cp_up); /* PPP_EV_IPV6CP_DOWN */
    assert_true(sc.us.ipcp_up);
    assert_int_equal(rejected_protocol(&sc, PPP_PROTO_IPV6CP), 1);
    assert_int_equal(sc_count(&sc, PPP_PROTO_IPV6CP, FSM_TERM_REQ), 0);
    assert_int_equal(ppp_link_phase(sc.us.link), PPP_PHASE_NETWORK);
    assert_int_equal(ppp_link_send_ip(sc.us.link, pkt, sizeof(pkt), sc.now), PPP_ERR_NOT_OPEN);

    /* The peer insists: each of its IPV6CP and IPv6 frames is rejected. */
    sc_send(&sc, PPP_PROTO_IPV6CP, FSM_CONF_REQ, 6, ifid, sizeof(ifid));
    h_feed(sc.us.link, PPP_PROTO_IPV6, pkt, sizeof(pkt), NULL, sc.now);
    sc_read(&sc);
    assert_int_equal(rejected_protocol(&sc, PPP_PROTO_IPV6CP), 1);
    assert_int_equal(rejected_protocol(&sc, PPP_PROTO_IPV6), 1);
    assert_int_equal(sc_count(&sc, PPP_PROTO_IPV6CP, FSM_CONF_ACK), 0);
    /* and nothing of IPV6CP is retransmitted */
    for (int i = 0; i < 12; i++)
        sc_advance(&sc, 3000 * PPP_MS);
    sc_read(&sc);
    assert_int_equal(sc_count(&sc, PPP_PROTO_IPV6CP, FSM_CONF_REQ), 0);
    assert_true(sc.us.ipcp_up);
    assert_int_equal(ppp_link_phase(sc.us.link), PPP_PHASE_NETWORK);

    /* The next session runs IPV6CP again (the caller decides anew). */
    ppp_link_lower_down(sc.us.link, sc.now);
    sc.us.dead = false;
    h_reader_init(&sc.rd, false);
    assert_true(sc_lcp_up(&sc));
    assert_non_null(sc_find(&sc, PPP_PROTO_IPV6CP, FSM_CONF_REQ));
    sc_free(&sc);
}

/* Refused while IPV6CP is still negotiating, before it ever came up. */
static void refusing_ipv6_while_negotiating_announces_nothing(void **state)
{
    struct ppp_settings s;
    struct script sc;

    settings(&s);
    s.ipv6 = true;
    sc_new(&sc, &s);
    assert_true(sc_lcp_up(&sc));
    assert_non_null(sc_find(&sc, PPP_PROTO_IPV6CP, FSM_CONF_REQ));
    ppp_link_refuse_ipv6(sc.us.link, sc.now, NULL);
    sc_read(&sc);
    assert_int_equal(rejected_protocol(&sc, PPP_PROTO_IPV6CP), 1);
    assert_int_equal(h_count_events(&sc.us, PPP_EV_IPV6CP_UP), 0);
    assert_int_equal(h_count_events(&sc.us, PPP_EV_IPV6CP_DOWN), 0);
    assert_int_equal(ppp_link_phase(sc.us.link), PPP_PHASE_NETWORK); /* IPCP still runs */
    ppp_link_refuse_ipv6(sc.us.link, sc.now, NULL);                  /* twice is once */
    assert_int_equal(sc_read(&sc), 0);
    sc_free(&sc);
}

/* With IPCP off, IPv6 was the only network protocol: the link closes. */
static void refusing_the_only_network_protocol_closes_the_link(void **state)
{
    struct ppp_settings s;
    struct script sc;

    settings(&s);
    s.ipv4 = false;
    s.ipv6 = true;
    sc_new(&sc, &s);
    assert_true(sc_lcp_up(&sc));
    ppp_link_refuse_ipv6(sc.us.link, sc.now, NULL);
    sc_read(&sc);
    assert_non_null(sc_find(&sc, PPP_PROTO_LCP, FSM_TERM_REQ));
    assert_int_equal(ppp_link_cause(sc.us.link), PPP_CAUSE_NO_NETWORK);
    sc_free(&sc);
}

/* RFC 1332 section 1, RFC 5072 section 2: a 0x0021 frame carries IPv4.
 * IPv6 in one would reach the IPv6 stack while IPV6CP is not even
 * running (disabled here). */
static void ip_of_the_other_version_is_dropped(void **state)
{
    struct ppp_settings s;
    struct script sc;
    uint8_t pkt[48] = {0x60};
    size_t delivered = 0;

    settings(&s);
    sc_new(&sc, &s);
    sc.us.on_ip = count_ip;
    sc.us.ctx = &delivered;
    bring_up(&sc);
    h_feed(sc.us.link, PPP_PROTO_IP, pkt, sizeof(pkt), NULL, sc.now);
    pkt[0] = 0x55;
    h_feed(sc.us.link, PPP_PROTO_IP, pkt, sizeof(pkt), NULL, sc.now);
    assert_int_equal(delivered, 0);
    assert_int_equal(ppp_link_stats(sc.us.link)->rx_ip_wrong_version, 2);
    assert_int_equal(ppp_link_stats(sc.us.link)->rx_dropped, 2);
    h_feed(sc.us.link, PPP_PROTO_IP, pkt, ipv4(pkt, 40, 0), NULL, sc.now);
    assert_int_equal(delivered, 1);
    assert_int_equal(sc_count(&sc, PPP_PROTO_LCP, LCP_PROTO_REJ), 0);
    sc_free(&sc);
}

static void lower_down_goes_dead_and_open_starts_afresh(void **state)
{
    struct ppp_settings s;
    struct script sc;
    const uint8_t junk[] = {0x7e, 0xff, 0x03, 0xc0, 0x21};

    settings(&s);
    sc_new(&sc, &s);
    bring_up(&sc);
    ppp_link_lower_down(sc.us.link, sc.now);
    assert_true(sc.us.dead);
    assert_int_equal(sc.us.dead_cause, PPP_CAUSE_LOWER_DOWN);
    assert_false(sc.us.lcp_up || sc.us.ipcp_up);
    assert_int_equal(h_count_events(&sc.us, PPP_EV_IPCP_DOWN), 1);
    assert_int_equal(ppp_link_expiry(sc.us.link), PPP_TIME_NEVER);
    assert_int_equal(sc_read(&sc), 0);
    /* Dead ignores the stream */
    ppp_link_input(sc.us.link, junk, sizeof(junk), sc.now);
    assert_int_equal(sc_read(&sc), 0);

    /* the same link starts a new session; the peer's half-frame above is
     * forgotten and the decoder hunts for a flag again */
    sc.us.dead = false;
    h_reader_init(&sc.rd, false);
    bring_up(&sc);
    assert_int_equal(ppp_link_cause(sc.us.link), PPP_CAUSE_NONE);
    assert_int_equal(ppp_link_phase(sc.us.link), PPP_PHASE_NETWORK);
    assert_int_equal(h_count_events(&sc.us, PPP_EV_LCP_UP), 2);
    sc_free(&sc);
}

static void close_sends_terminate_and_ends_at_the_ack(void **state)
{
    struct ppp_settings s;
    struct script sc;
    const struct h_frame *tr;

    settings(&s);
    sc_new(&sc, &s);
    bring_up(&sc);
    assert_int_equal(ppp_link_close(sc.us.link, sc.now, "operator says so"), PPP_OK);
    assert_int_equal(ppp_link_phase(sc.us.link), PPP_PHASE_TERMINATE);
    assert_false(sc.us.ipcp_up);
    sc_read(&sc);
    tr = sc_find(&sc, PPP_PROTO_LCP, FSM_TERM_REQ);
    assert_non_null(tr);
    assert_memory_equal(tr->info + 4, "operator says so", 16);
    sc_send(&sc, PPP_PROTO_LCP, FSM_TERM_ACK, tr->info[1], NULL, 0);
    assert_true(sc.us.dead);
    assert_int_equal(sc.us.dead_cause, PPP_CAUSE_ADMIN_CLOSE);
    assert_int_equal(ppp_link_close(sc.us.link, sc.now, NULL), PPP_OK); /* harmless when Dead */
    sc_free(&sc);
}

/* Issue 11: a Terminate-Request's Data is kept as the peer's reason, in
 * any state (a refusing server sends it before LCP opens), as printable
 * text only; a server's refusal reaches the client's engine this way. */
static void peer_terminate_reason_is_kept_printable(void **state)
{
    struct ppp_settings s;
    struct script sc;

    settings(&s);
    sc_new(&sc, &s);
    assert_int_equal(ppp_link_open(sc.us.link, sc.now), PPP_OK);
    assert_string_equal(ppp_link_peer_reason(sc.us.link), "");
    static const char reason[] = "pool\x1b[2J exhausted\n\xff";
    sc_send(&sc, PPP_PROTO_LCP, FSM_TERM_REQ, 7, (const uint8_t *)reason, sizeof(reason) - 1);
    assert_string_equal(ppp_link_peer_reason(sc.us.link), "pool?[2J exhausted??");
    sc_read(&sc);
    assert_non_null(sc_find(&sc, PPP_PROTO_LCP, FSM_TERM_ACK)); /* RFC 1661: sta */
    /* Longer than PPP_REASON_MAX: cut. */
    uint8_t long_reason[300];
    memset(long_reason, 'x', sizeof(long_reason));
    sc_send(&sc, PPP_PROTO_LCP, FSM_TERM_REQ, 8, long_reason, sizeof(long_reason));
    assert_int_equal(strlen(ppp_link_peer_reason(sc.us.link)), PPP_REASON_MAX);
    /* A new session starts without one. */
    ppp_link_lower_down(sc.us.link, sc.now);
    assert_int_equal(ppp_link_open(sc.us.link, sc.now), PPP_OK);
    assert_string_equal(ppp_link_peer_reason(sc.us.link), "");
    assert_string_equal(ppp_link_failure_reason(sc.us.link), "");
    sc_free(&sc);
}

static void timers_follow_the_restart_period(void **state)
{
    struct ppp_settings s;
    struct script sc;
    ppp_time opened;

    settings(&s);
    sc_new(&sc, &s);
    opened = sc.now;
    ppp_link_open(sc.us.link, sc.now);
    assert_int_equal(ppp_link_expiry(sc.us.link), opened + 3000 * PPP_MS);
    sc_read(&sc);
    ppp_link_handle_expiry(sc.us.link, opened + 1000 * PPP_MS); /* early: nothing happens */
    assert_int_equal(sc_read(&sc), 0);
    ppp_link_handle_expiry(sc.us.link, opened + 3000 * PPP_MS);
    sc_read(&sc);
    assert_int_equal(sc_count(&sc, PPP_PROTO_LCP, FSM_CONF_REQ), 1);
    assert_int_equal(ppp_link_expiry(sc.us.link), opened + 6000 * PPP_MS);
    sc_free(&sc);
}

static void input_frame_takes_decoded_frames(void **state)
{
    struct ppp_settings s;
    struct script sc;
    const uint8_t echo[] = {0xff, 0x03, 0xc0, 0x21, LCP_ECHO_REQ, 5, 0, 8, 0x5e, 0xed, 0x12, 0x34};
    const struct h_frame *reply;

    settings(&s);
    sc_new(&sc, &s);
    bring_up(&sc);
    ppp_link_input_frame(sc.us.link, echo, sizeof(echo), sc.now);
    sc_read(&sc);
    reply = sc_find(&sc, PPP_PROTO_LCP, LCP_ECHO_REPLY);
    assert_non_null(reply);
    assert_int_equal(reply->info[1], 5);
    assert_int_equal(get32(reply->info + 4), sc.us.lcp.u.lcp.magic_local);
    sc_free(&sc);
}

static void got(struct h_end *end, int family, const uint8_t *pkt, size_t len)
{
    size_t *n = end->ctx;

    if (family == 4 && len == 1200 && pkt[100] == 0x7d)
        (*n)++;
}

/* Both ends ask for everything the LCP options offer: the frames change
 * shape (ACFC, PFC, FCS-32, an ACCM) and still carry data both ways. */
static void header_compression_and_fcs32_carry_data(void **state)
{
    struct h_pair *p = malloc(sizeof(*p));
    struct ppp_settings a, b;
    size_t got_a = 0, got_b = 0;
    uint8_t pkt[1200];

    settings(&a);
    a.acfc = a.pfc = a.fcs32 = true;
    a.accm = 0x000a0000;
    ppp_settings_default(&b);
    b.ipv6 = false;
    b.acfc = b.pfc = b.fcs32 = true;
    b.seed = 8;
    h_pair_init(p, 21);
    assert_int_equal(h_end_new(&p->a, "A", &a, &p->now), PPP_OK);
    assert_int_equal(h_end_new(&p->b, "B", &b, &p->now), PPP_OK);
    ppp_link_open(p->a.link, p->now);
    ppp_link_open(p->b.link, p->now);
    assert_true(h_run_until_up(p, 10000 * PPP_MS));
    assert_true(p->a.lcp.u.lcp.acfc_tx && p->a.lcp.u.lcp.pfc_tx);
    assert_true(p->a.lcp.u.lcp.fcs32_tx && p->a.lcp.u.lcp.fcs32_rx);
    assert_int_equal(p->b.lcp.u.lcp.accm_tx, 0x000a0000);
    p->a.on_ip = p->b.on_ip = got;
    p->a.ctx = &got_a;
    p->b.ctx = &got_b;
    ipv4(pkt, sizeof(pkt), 0x7d);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(ppp_link_send_ip(p->a.link, pkt, sizeof(pkt), p->now), PPP_OK);
        assert_int_equal(ppp_link_send_ip(p->b.link, pkt, sizeof(pkt), p->now), PPP_OK);
        h_step(p, PPP_MS);
    }
    h_run_for(p, 10 * PPP_MS, PPP_MS);
    assert_int_equal(got_a, 20);
    assert_int_equal(got_b, 20);
    assert_int_equal(ppp_link_stats(p->a.link)->rx_bad_fcs, 0);
    ppp_link_del(p->a.link);
    ppp_link_del(p->b.link);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_match_the_documentation),
        cmocka_unit_test(rejects_settings_out_of_range),
        cmocka_unit_test(names_and_exit_statuses),
        cmocka_unit_test(send_ip_checks_its_packet_and_the_link),
        cmocka_unit_test(back_to_back_frames_share_one_flag),
        cmocka_unit_test(control_frames_cut_in_at_the_next_frame_boundary),
        cmocka_unit_test(a_full_control_buffer_drops_and_counts),
        cmocka_unit_test(only_lcp_is_heard_before_lcp_opens),
        cmocka_unit_test(ip_waits_for_its_ncp_and_vj_is_rejected),
        cmocka_unit_test(refusing_ipv6_keeps_ipv4),
        cmocka_unit_test(refusing_ipv6_while_negotiating_announces_nothing),
        cmocka_unit_test(refusing_the_only_network_protocol_closes_the_link),
        cmocka_unit_test(ip_of_the_other_version_is_dropped),
        cmocka_unit_test(lower_down_goes_dead_and_open_starts_afresh),
        cmocka_unit_test(close_sends_terminate_and_ends_at_the_ack),
        cmocka_unit_test(peer_terminate_reason_is_kept_printable),
        cmocka_unit_test(timers_follow_the_restart_period),
        cmocka_unit_test(input_frame_takes_decoded_frames),
        cmocka_unit_test(header_compression_and_fcs32_carry_data),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
