/* test_ipcp.c - IPCP (RFC 1332, RFC 1877) address and DNS policy */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "ipcp.h"
#include "ncp_harness.h"
#include "wire.h"

#define SERVER 0xc612ff01u /* 198.18.255.1 */
#define CLIENT 0xc612ff02u /* 198.18.255.2 */
#define OTHER 0xc612ff63u  /* 198.18.255.99 */
#define DNS_A 0xc6130035u  /* 198.19.0.53 */
#define DNS_B 0xc6130036u  /* 198.19.0.54 */

#define A4(a) (uint8_t)((a) >> 24), (uint8_t)((a) >> 16), (uint8_t)((a) >> 8), (uint8_t)(a)

struct side {
    struct ppp_settings settings;
    struct harness h;
    struct fsm_parent parent;
    struct ipcp ipcp;
};

static void side_init(struct side *s, uint32_t local, uint32_t remote)
{
    ppp_settings_default(&s->settings);
    s->settings.local_ip = local;
    s->settings.remote_ip = remote;
    s->parent = harness_parent(&s->h, 7);
}

static void side_start(struct side *s)
{
    ipcp_init(&s->ipcp, &s->settings, &s->parent);
    s->h.fsm = &s->ipcp.fsm;
}

#define ASSERT_REPLY(v, want_code, ...)                                                            \
    do {                                                                                           \
        const uint8_t want_[] = {__VA_ARGS__};                                                     \
        assert_int_equal((v).code, want_code);                                                     \
        assert_int_equal((v).len, sizeof(want_));                                                  \
        assert_memory_equal((v).out, want_, sizeof(want_));                                        \
    } while (0)

/* --- our request ------------------------------------------------------ */

static void request_asks_for_an_address_and_dns(void **state)
{
    struct side s;
    uint8_t req[64];
    const uint8_t want[] = {3, 6, 0, 0, 0, 0, 129, 6, 0, 0, 0, 0, 131, 6, 0, 0, 0, 0};

    side_init(&s, 0, 0);
    s.settings.request_dns = true;
    side_start(&s);
    assert_int_equal(request(&s.h, req), sizeof(want));
    assert_memory_equal(req, want, sizeof(want));
}

static void request_names_a_known_address_and_no_compression(void **state)
{
    struct side s;
    uint8_t req[64];
    const uint8_t want[] = {3, 6, A4(SERVER)};

    side_init(&s, SERVER, CLIENT);
    side_start(&s);
    assert_int_equal(request(&s.h, req), sizeof(want));
    assert_memory_equal(req, want, sizeof(want));
}

/* --- the peer's IP-Address ---------------------------------------------- */

static void peer_with_the_configured_address_is_acked(void **state)
{
    struct side s;
    const uint8_t opts[] = {3, 6, A4(CLIENT)};

    side_init(&s, SERVER, CLIENT);
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, opts, sizeof(opts)), FSM_CONF_ACK, 3, 6, A4(CLIENT));
}

static void peer_asking_for_an_address_is_naked_with_remote(void **state)
{
    struct side s;
    const uint8_t opts[] = {3, 6, 0, 0, 0, 0};

    side_init(&s, SERVER, CLIENT);
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, opts, sizeof(opts)), FSM_CONF_NAK, 3, 6, A4(CLIENT));
}

static void peer_with_another_address_is_naked_unless_accept_remote(void **state)
{
    struct side s;
    const uint8_t opts[] = {3, 6, A4(OTHER)};

    side_init(&s, SERVER, CLIENT);
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, opts, sizeof(opts)), FSM_CONF_NAK, 3, 6, A4(CLIENT));

    s.settings.accept_remote = true;
    ASSERT_REPLY(judge(&s.h, opts, sizeof(opts)), FSM_CONF_ACK, 3, 6, A4(OTHER));
    ack_and_up(&s.h);
    assert_int_equal(s.ipcp.remote, OTHER);
}

static void unknown_remote_takes_the_peers_address(void **state)
{
    struct side s;
    const uint8_t opts[] = {3, 6, A4(SERVER)};
    struct ppp_event ev;

    side_init(&s, 0, 0);
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, opts, sizeof(opts)), FSM_CONF_ACK, 3, 6, A4(SERVER));
    /* and the peer assigns ours by Nak */
    const uint8_t nak[] = {3, 6, A4(CLIENT)};
    assert_true(s.ipcp.fsm.ops->nak(&s.ipcp.fsm, nak, sizeof(nak)));
    ack_and_up(&s.h);
    ipcp_result(&s.ipcp, &ev);
    assert_int_equal(ev.type, PPP_EV_IPCP_UP);
    assert_int_equal(ev.u.ipcp.local, CLIENT);
    assert_int_equal(ev.u.ipcp.remote, SERVER);
    assert_false(ipcp_failed(&s.ipcp));
    assert_int_equal(s.h.log_level, PPP_LOG_INFO);
    assert_string_equal(s.h.log,
                        "IPCP: local 198.18.255.2 remote 198.18.255.1 dns 0.0.0.0 0.0.0.0");
}

static void zero_address_with_nothing_to_assign_is_rejected(void **state)
{
    struct side s;
    const uint8_t opts[] = {3, 6, 0, 0, 0, 0};

    side_init(&s, SERVER, 0);
    side_start(&s);
    /* pppd: neither end knows the peer's address, so Reject, not Ack 0 */
    ASSERT_REPLY(judge(&s.h, opts, sizeof(opts)), FSM_CONF_REJ, 3, 6, 0, 0, 0, 0);
}

static void peer_claiming_our_address_is_refused(void **state)
{
    struct side s;
    const uint8_t opts[] = {3, 6, A4(SERVER)};

    side_init(&s, SERVER, CLIENT);
    s.settings.accept_remote = true;
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, opts, sizeof(opts)), FSM_CONF_NAK, 3, 6, A4(CLIENT));

    side_init(&s, SERVER, 0);
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, opts, sizeof(opts)), FSM_CONF_REJ, 3, 6, A4(SERVER));
}

/* --- options we refuse -------------------------------------------------- */

/* pppd's bad_ip_adrs, and 0.0.0.0/8 */
static void unusable_addresses_are_named(void **state)
{
    const uint32_t bad[] = {0x00000001u, 0x00ffffffu, 0x7f000001u, 0x7fffffffu,
                            0xe00000fbu, 0xefffffffu, 0xf0000001u, 0xffffffffu};
    const uint32_t good[] = {SERVER,      0x01000000u, 0x0a000001u,
                             0x7effffffu, 0xdfffffffu, 0x80000000u};

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_non_null(ipcp_address_unusable(bad[i]));
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_null(ipcp_address_unusable(good[i]));
    assert_string_equal(ipcp_address_unusable(0x7f000001u), "a loopback address");
}

/* Without an address of its own to offer, the peer's unusable one is
 * Rejected, and up() fails naming it rather than using it. */
static void unusable_peer_address_is_rejected_and_named(void **state)
{
    struct side s;
    const uint8_t opts[] = {3, 6, 224, 0, 0, 251};
    const uint8_t nak[] = {3, 6, A4(CLIENT)};

    side_init(&s, 0, 0);
    s.settings.accept_remote = true;
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, opts, sizeof(opts)), FSM_CONF_REJ, 3, 6, 224, 0, 0, 251);
    assert_true(s.ipcp.fsm.ops->nak(&s.ipcp.fsm, nak, sizeof(nak)));
    ack_and_up(&s.h);
    assert_true(ipcp_failed(&s.ipcp));
    assert_string_equal(s.ipcp.failure, "Could not determine remote IP address (refused "
                                        "224.0.0.251: a multicast address)");
}

static void vj_compression_and_old_addresses_are_rejected(void **state)
{
    struct side s;
    const uint8_t vj[] = {3, 6, A4(CLIENT), 2, 6, 0x00, 0x2d, 15, 1};
    const uint8_t addrs[] = {1, 10, A4(CLIENT), A4(SERVER)};
    const uint8_t nbns[] = {130, 6, 0, 0, 0, 0, 132, 6, 0, 0, 0, 0, 200, 2};

    side_init(&s, SERVER, CLIENT);
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, vj, sizeof(vj)), FSM_CONF_REJ, 2, 6, 0x00, 0x2d, 15, 1);
    ASSERT_REPLY(judge(&s.h, addrs, sizeof(addrs)), FSM_CONF_REJ, 1, 10, A4(CLIENT), A4(SERVER));
    ASSERT_REPLY(judge(&s.h, nbns, sizeof(nbns)), FSM_CONF_REJ, 130, 6, 0, 0, 0, 0, 132, 6, 0, 0, 0,
                 0, 200, 2);
}

static void malformed_lengths_are_rejected(void **state)
{
    struct side s;
    const uint8_t short_addr[] = {3, 4, 0xc6, 0x12, 129, 6, A4(DNS_A)};
    const uint8_t long_dns[] = {131, 7, A4(DNS_B), 9};
    const uint8_t truncated[] = {3, 6, A4(CLIENT), 129, 6, 0, 0};

    side_init(&s, SERVER, CLIENT);
    s.settings.dns[0] = DNS_A;
    s.settings.dns[1] = DNS_B;
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, short_addr, sizeof(short_addr)), FSM_CONF_REJ, 3, 4, 0xc6, 0x12);
    ASSERT_REPLY(judge(&s.h, long_dns, sizeof(long_dns)), FSM_CONF_REJ, 131, 7, A4(DNS_B), 9);
    /* the broken tail is rejected as it came */
    ASSERT_REPLY(judge(&s.h, truncated, sizeof(truncated)), FSM_CONF_REJ, 129, 6, 0, 0);
}

/* --- DNS for a peer that asks (RFC 1877) -------------------------------- */

static void dns_is_offered_to_a_peer_that_asks(void **state)
{
    struct side s;
    const uint8_t ask[] = {3, 6, A4(CLIENT), 129, 6, 0, 0, 0, 0, 131, 6, 0, 0, 0, 0};
    const uint8_t right[] = {3, 6, A4(CLIENT), 129, 6, A4(DNS_A), 131, 6, A4(DNS_B)};

    side_init(&s, SERVER, CLIENT);
    s.settings.dns[0] = DNS_A;
    s.settings.dns[1] = DNS_B;
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, ask, sizeof(ask)), FSM_CONF_NAK, 129, 6, A4(DNS_A), 131, 6, A4(DNS_B));
    ASSERT_REPLY(judge(&s.h, right, sizeof(right)), FSM_CONF_ACK, 3, 6, A4(CLIENT), 129, 6,
                 A4(DNS_A), 131, 6, A4(DNS_B));

    /* no secondary server: that one is Rejected, and Reject beats Nak */
    s.settings.dns[1] = 0;
    ASSERT_REPLY(judge(&s.h, ask, sizeof(ask)), FSM_CONF_REJ, 131, 6, 0, 0, 0, 0);
}

static void nak_and_reject_keep_the_peers_option_order(void **state)
{
    struct side s;
    const uint8_t naks[] = {129, 6, 0, 0, 0, 0, 3, 6, 0, 0, 0, 0};
    const uint8_t mixed[] = {3, 6,   0, 0, 0, 0, 130, 6, 0, 0, 0,
                             0, 129, 6, 0, 0, 0, 0,   2, 4, 0, 0x2d};

    side_init(&s, SERVER, CLIENT);
    s.settings.dns[0] = DNS_A;
    side_start(&s);
    ASSERT_REPLY(judge(&s.h, naks, sizeof(naks)), FSM_CONF_NAK, 129, 6, A4(DNS_A), 3, 6,
                 A4(CLIENT));
    ASSERT_REPLY(judge(&s.h, mixed, sizeof(mixed)), FSM_CONF_REJ, 130, 6, 0, 0, 0, 0, 2, 4, 0,
                 0x2d);
}

static void reject_naks_turns_naks_into_rejects(void **state)
{
    struct side s;
    const uint8_t opts[] = {3, 6, 0, 0, 0, 0, 129, 6, A4(DNS_A)};

    side_init(&s, SERVER, CLIENT);
    s.settings.dns[0] = DNS_A;
    side_start(&s);
    ASSERT_REPLY(judge_rn(&s.h, opts, sizeof(opts), true), FSM_CONF_REJ, 3, 6, 0, 0, 0, 0);
}

/* --- the peer's answers to our request ------------------------------------ */

static void dns_is_learned_from_the_peers_nak(void **state)
{
    struct side s;
    uint8_t req[64];
    const uint8_t nak[] = {3, 6, A4(CLIENT), 129, 6, A4(DNS_A), 131, 6, A4(DNS_B)};
    const uint8_t want[] = {3, 6, A4(CLIENT), 129, 6, A4(DNS_A), 131, 6, A4(DNS_B)};
    const uint8_t peer[] = {3, 6, A4(SERVER)};
    struct ppp_event ev;

    side_init(&s, 0, 0);
    s.settings.request_dns = true;
    side_start(&s);
    assert_true(s.ipcp.fsm.ops->nak(&s.ipcp.fsm, nak, sizeof(nak)));
    assert_int_equal(request(&s.h, req), sizeof(want));
    assert_memory_equal(req, want, sizeof(want));
    assert_int_equal(judge(&s.h, peer, sizeof(peer)).code, FSM_CONF_ACK);
    ack_and_up(&s.h);
    ipcp_result(&s.ipcp, &ev);
    assert_int_equal(ev.u.ipcp.local, CLIENT);
    assert_int_equal(ev.u.ipcp.remote, SERVER);
    assert_int_equal(ev.u.ipcp.dns[0], DNS_A);
    assert_int_equal(ev.u.ipcp.dns[1], DNS_B);
}

static void rejected_dns_is_no_longer_asked_for(void **state)
{
    struct side s;
    uint8_t req[64];
    const uint8_t rej[] = {129, 6, 0, 0, 0, 0, 131, 6, 0, 0, 0, 0};
    const uint8_t want[] = {3, 6, A4(CLIENT)};

    side_init(&s, CLIENT, SERVER);
    s.settings.request_dns = true;
    side_start(&s);
    request(&s.h, req);
    assert_true(s.ipcp.fsm.ops->reject(&s.ipcp.fsm, rej, sizeof(rej)));
    assert_int_equal(request(&s.h, req), sizeof(want));
    assert_memory_equal(req, want, sizeof(want));
    ack_and_up(&s.h);
    assert_int_equal(s.ipcp.dns1, 0);
    assert_int_equal(s.ipcp.dns2, 0);
}

static void naked_address_is_taken_only_when_allowed(void **state)
{
    struct side s;
    uint8_t req[64];
    const uint8_t nak_zero[] = {3, 6, 0, 0, 0, 0};
    const uint8_t nak_other[] = {3, 6, A4(OTHER)};

    /* a Nak'd 0.0.0.0 tells us nothing */
    side_init(&s, 0, SERVER);
    side_start(&s);
    assert_true(s.ipcp.fsm.ops->nak(&s.ipcp.fsm, nak_zero, sizeof(nak_zero)));
    request(&s.h, req);
    assert_memory_equal(req, ((uint8_t[]){3, 6, 0, 0, 0, 0}), 6);

    /* a configured address is kept without ipcp-accept-local */
    side_init(&s, CLIENT, SERVER);
    side_start(&s);
    assert_true(s.ipcp.fsm.ops->nak(&s.ipcp.fsm, nak_other, sizeof(nak_other)));
    request(&s.h, req);
    assert_memory_equal(req, ((uint8_t[]){3, 6, A4(CLIENT)}), 6);
    assert_int_equal(s.h.log_level, PPP_LOG_WARN);

    s.settings.accept_local = true;
    assert_true(s.ipcp.fsm.ops->nak(&s.ipcp.fsm, nak_other, sizeof(nak_other)));
    request(&s.h, req);
    assert_memory_equal(req, ((uint8_t[]){3, 6, A4(OTHER)}), 6);
}

static void rejected_address_carries_on_only_with_one_of_our_own(void **state)
{
    struct side s;
    uint8_t req[64];
    const uint8_t peer[] = {3, 6, A4(SERVER)};

    side_init(&s, CLIENT, 0);
    side_start(&s);
    size_t len = request(&s.h, req);
    assert_true(s.ipcp.fsm.ops->reject(&s.ipcp.fsm, req, len));
    assert_int_equal(request(&s.h, req), 0);
    judge(&s.h, peer, sizeof(peer));
    ack_and_up(&s.h);
    assert_false(ipcp_failed(&s.ipcp));
    assert_int_equal(s.ipcp.local, CLIENT);
    assert_int_equal(s.ipcp.remote, SERVER);

    side_init(&s, 0, 0);
    side_start(&s);
    len = request(&s.h, req);
    assert_true(s.ipcp.fsm.ops->reject(&s.ipcp.fsm, req, len));
    judge(&s.h, peer, sizeof(peer));
    ack_and_up(&s.h);
    assert_true(ipcp_failed(&s.ipcp));
    assert_int_equal(s.h.log_level, PPP_LOG_ERROR);
    assert_string_equal(s.h.log, "IPCP: peer rejected IP-Address and we have no address");
}

static void remote_comes_from_settings_or_fails(void **state)
{
    struct side s;
    const uint8_t none[] = {129, 6, A4(DNS_A)};

    /* the peer never sent IP-Address: use the configured one */
    side_init(&s, SERVER, CLIENT);
    s.settings.dns[0] = DNS_A;
    side_start(&s);
    assert_int_equal(judge(&s.h, none, sizeof(none)).code, FSM_CONF_ACK);
    ack_and_up(&s.h);
    assert_false(ipcp_failed(&s.ipcp));
    assert_int_equal(s.ipcp.remote, CLIENT);

    /* and without one there is no link */
    side_init(&s, SERVER, 0);
    s.settings.dns[0] = DNS_A;
    side_start(&s);
    assert_int_equal(judge(&s.h, none, sizeof(none)).code, FSM_CONF_ACK);
    ack_and_up(&s.h);
    assert_true(ipcp_failed(&s.ipcp));
    assert_string_equal(s.h.log, "IPCP: Could not determine remote IP address");
}

static void stale_or_altered_answers_are_dropped(void **state)
{
    struct side s;
    uint8_t old[64], req[64];
    const uint8_t nak[] = {3, 6, A4(CLIENT)};
    const uint8_t altered[] = {3, 6, A4(OTHER)};
    const uint8_t unsent[] = {2, 4, 0x00, 0x2d};
    const uint8_t bad_nak[] = {3, 5, 1, 2, 3};

    side_init(&s, 0, SERVER);
    side_start(&s);
    size_t old_len = request(&s.h, old);
    assert_true(s.ipcp.fsm.ops->nak(&s.ipcp.fsm, nak, sizeof(nak)));
    size_t len = request(&s.h, req);
    /* an Ack of the request before the Nak no longer matches */
    assert_false(s.ipcp.fsm.ops->ack(&s.ipcp.fsm, old, old_len));
    assert_false(s.ipcp.fsm.ops->ack(&s.ipcp.fsm, altered, sizeof(altered)));
    assert_false(s.ipcp.fsm.ops->ack(&s.ipcp.fsm, req, len - 1));
    assert_false(s.ipcp.fsm.ops->reject(&s.ipcp.fsm, altered, sizeof(altered)));
    assert_false(s.ipcp.fsm.ops->reject(&s.ipcp.fsm, unsent, sizeof(unsent)));
    assert_false(s.ipcp.fsm.ops->nak(&s.ipcp.fsm, bad_nak, sizeof(bad_nak)));
    /* none of that changed what we ask for */
    assert_int_equal(request(&s.h, old), len);
    assert_memory_equal(old, req, len);
    assert_true(s.ipcp.fsm.ops->ack(&s.ipcp.fsm, req, len));
}

/* --- two IPCPs back to back through the real automaton -------------------- */

/* What the link does on This-Layer-Up (see ipcp.h): a layer whose
 * addresses make no link is closed instead of announced. */
static void link_like_layer_up(void *owner, struct ppp_fsm *fsm)
{
    struct ipcp *ipcp = container_of(fsm, struct ipcp, fsm);

    harness_up(owner, fsm);
    if (ipcp_failed(ipcp))
        fsm_close(fsm, 0, ipcp->failure);
}

static void join(struct side *a, struct side *b)
{
    a->parent.layer_up = link_like_layer_up;
    b->parent.layer_up = link_like_layer_up;
    side_start(a);
    side_start(b);
    a->h.peer = &b->h;
    b->h.peer = &a->h;
    fsm_up(&a->ipcp.fsm, 0);
    fsm_up(&b->ipcp.fsm, 0);
    fsm_open(&a->ipcp.fsm, 0);
    fsm_open(&b->ipcp.fsm, 0);
    assert_true(harness_pump(&a->h, &b->h, 0, 200) < 200);
}

static void server_and_client_agree_on_addresses_and_dns(void **state)
{
    struct side server, client;
    struct ppp_event ev;

    side_init(&server, SERVER, CLIENT);
    server.settings.dns[0] = DNS_A;
    server.settings.dns[1] = DNS_B;
    side_init(&client, 0, 0);
    client.settings.request_dns = true;
    join(&server, &client);

    assert_int_equal(server.ipcp.fsm.state, FSM_OPENED);
    assert_int_equal(client.ipcp.fsm.state, FSM_OPENED);
    assert_int_equal(server.h.ups, 1);
    assert_int_equal(client.h.ups, 1);
    ipcp_result(&server.ipcp, &ev);
    assert_int_equal(ev.u.ipcp.local, SERVER);
    assert_int_equal(ev.u.ipcp.remote, CLIENT);
    assert_int_equal(ev.u.ipcp.dns[0], 0);
    ipcp_result(&client.ipcp, &ev);
    assert_int_equal(ev.u.ipcp.local, CLIENT);
    assert_int_equal(ev.u.ipcp.remote, SERVER);
    assert_int_equal(ev.u.ipcp.dns[0], DNS_A);
    assert_int_equal(ev.u.ipcp.dns[1], DNS_B);
    assert_string_equal(client.h.log,
                        "IPCP: local 198.18.255.2 remote 198.18.255.1 dns 198.19.0.53 198.19.0.54");
}

static void client_without_an_address_closes_when_none_is_given(void **state)
{
    struct side server, client;

    /* the server knows only its own address: it Rejects the client's
     * 0.0.0.0 and the client has nothing to use */
    side_init(&server, SERVER, 0);
    side_init(&client, 0, 0);
    join(&server, &client);

    assert_int_not_equal(client.ipcp.fsm.state, FSM_OPENED);
    assert_true(ipcp_failed(&client.ipcp));
    assert_string_equal(client.ipcp.failure, "peer rejected IP-Address and we have no address");
}

/* --- a peer that renegotiates ------------------------------------------ */

/* Feed one packet from the peer (Code, Identifier, options). */
/* The peer Naks our 0.0.0.0 with CLIENT, we then send that and it Acks. */
static void get_client_address(struct side *s)
{
    const uint8_t nak[] = {3, 6, A4(CLIENT)};

    feed(&s->h, FSM_CONF_NAK, our_last_request(&s->h)[1], nak, sizeof(nak));
    feed(&s->h, FSM_CONF_ACK, our_last_request(&s->h)[1], nak, sizeof(nak));
}

/* RFC 1661 section 4.1, Opened + RCR: tld, scr, sca.  The peer that sent
 * the request sends no other: the address it gave in it must survive our
 * own restart of the negotiation (scr) and This-Layer-Down. */
static void peer_address_survives_a_renegotiation_from_opened(void **state)
{
    struct side s;
    const uint8_t peer_req[] = {3, 6, A4(SERVER)};

    side_init(&s, 0, 0);
    side_start(&s);
    fsm_up(&s.ipcp.fsm, 0);
    fsm_open(&s.ipcp.fsm, 0);
    feed(&s.h, FSM_CONF_REQ, 1, peer_req, sizeof(peer_req));
    get_client_address(&s);
    assert_int_equal(s.ipcp.fsm.state, FSM_OPENED);
    assert_int_equal(s.ipcp.remote, SERVER);

    feed(&s.h, FSM_CONF_REQ, 2, peer_req, sizeof(peer_req));
    assert_int_equal(s.ipcp.fsm.state, FSM_ACK_SENT);
    get_client_address(&s);
    assert_int_equal(s.ipcp.fsm.state, FSM_OPENED);
    assert_false(ipcp_failed(&s.ipcp));
    assert_int_equal(s.ipcp.local, CLIENT);
    assert_int_equal(s.ipcp.remote, SERVER);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_asks_for_an_address_and_dns),
        cmocka_unit_test(request_names_a_known_address_and_no_compression),
        cmocka_unit_test(peer_with_the_configured_address_is_acked),
        cmocka_unit_test(peer_asking_for_an_address_is_naked_with_remote),
        cmocka_unit_test(peer_with_another_address_is_naked_unless_accept_remote),
        cmocka_unit_test(unknown_remote_takes_the_peers_address),
        cmocka_unit_test(zero_address_with_nothing_to_assign_is_rejected),
        cmocka_unit_test(peer_claiming_our_address_is_refused),
        cmocka_unit_test(unusable_addresses_are_named),
        cmocka_unit_test(unusable_peer_address_is_rejected_and_named),
        cmocka_unit_test(vj_compression_and_old_addresses_are_rejected),
        cmocka_unit_test(malformed_lengths_are_rejected),
        cmocka_unit_test(dns_is_offered_to_a_peer_that_asks),
        cmocka_unit_test(nak_and_reject_keep_the_peers_option_order),
        cmocka_unit_test(reject_naks_turns_naks_into_rejects),
        cmocka_unit_test(dns_is_learned_from_the_peers_nak),
        cmocka_unit_test(rejected_dns_is_no_longer_asked_for),
        cmocka_unit_test(naked_address_is_taken_only_when_allowed),
        cmocka_unit_test(rejected_address_carries_on_only_with_one_of_our_own),
        cmocka_unit_test(remote_comes_from_settings_or_fails),
        cmocka_unit_test(stale_or_altered_answers_are_dropped),
        cmocka_unit_test(server_and_client_agree_on_addresses_and_dns),
        cmocka_unit_test(client_without_an_address_closes_when_none_is_given),
        cmocka_unit_test(peer_address_survives_a_renegotiation_from_opened),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
