/*
 * test_pair.c - two whole engines joined by an in-memory byte stream:
 * they negotiate LCP, IPCP and IPV6CP and then carry 10,000 IP packets each
 * way, the stream cut into random chunks; and again with frames corrupted
 * on the wire, where nothing corrupted may be delivered and the link must
 * survive.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "engine_harness.h"
#include "wire.h"

#define PACKETS 10000
#define ADDR_A 0xc612ff01u /* 198.18.255.1 */
#define ADDR_B 0xc612ff02u /* 198.18.255.2 */

/* Every packet is a pure function of (direction, index): the receiver
 * rebuilds what must have arrived and compares all of it. */
static size_t build_packet(int dir, uint32_t index, size_t mtu, uint8_t *pkt)
{
    uint64_t s = (uint64_t)dir << 40 | index;
    bool v6 = h_below(&s, 2);
    size_t hdr = v6 ? 40 : 20;
    size_t len = hdr + 8 + h_below(&s, (uint32_t)(mtu - hdr - 8 + 1));

    memset(pkt, 0, hdr);
    if (v6) {
        pkt[0] = 0x60;
        put16(pkt + 4, (uint16_t)(len - 40));
        pkt[6] = 17;
        pkt[7] = 64;
        pkt[8] = 0xfd;
        pkt[24] = 0xfd;
        pkt[23] = (uint8_t)(1 + dir);
        pkt[39] = (uint8_t)(2 - dir);
    } else {
        pkt[0] = 0x45;
        put16(pkt + 2, (uint16_t)len);
        pkt[8] = 64;
        pkt[9] = 17;
        put32(pkt + 12, dir ? ADDR_B : ADDR_A);
        put32(pkt + 16, dir ? ADDR_A : ADDR_B);
    }
    put32(pkt + hdr, index);
    put32(pkt + hdr + 4, (uint32_t)len);
    for (size_t i = hdr + 8; i < len; i++)
        pkt[i] = (uint8_t)h_rand(&s);
    return len;
}

struct rx_check {
    int dir; /* direction of the packets this end receives */
    size_t mtu;
    bool lossless;
    int64_t last; /* index of the last packet delivered */
    uint64_t good, bad, out_of_order;
};

static void check_packet(struct h_end *end, int family, const uint8_t *pkt, size_t len)
{
    struct rx_check *c = end->ctx;
    uint8_t want[2048];
    size_t hdr = family == 6 ? 40 : 20;
    uint32_t index;

    if (len < hdr + 8 || len > c->mtu || (pkt[0] >> 4) != family) {
        c->bad++;
        return;
    }
    index = get32(pkt + hdr);
    if (index >= PACKETS || build_packet(c->dir, index, c->mtu, want) != len ||
        memcmp(want, pkt, len) != 0) {
        c->bad++;
        return;
    }
    if ((int64_t)index <= c->last || (c->lossless && (int64_t)index != c->last + 1))
        c->out_of_order++;
    c->last = index;
    c->good++;
}

static void settings_a(struct ppp_settings *s)
{
    ppp_settings_default(s);
    s->local_ip = ADDR_A;
    s->remote_ip = ADDR_B;
    s->echo_interval_ms = 200;
    s->echo_failures = 4;
    s->seed = 1;
}

static void settings_b(struct ppp_settings *s)
{
    ppp_settings_default(s); /* nothing configured: takes what it is given */
    s->echo_interval_ms = 200;
    s->echo_failures = 4;
    s->seed = 2;
}

static void pair_up(struct h_pair *p, uint64_t seed)
{
    struct ppp_settings sa, sb;

    h_pair_init(p, seed);
    settings_a(&sa);
    settings_b(&sb);
    assert_int_equal(h_end_new(&p->a, "A", &sa, &p->now), PPP_OK);
    assert_int_equal(h_end_new(&p->b, "B", &sb, &p->now), PPP_OK);
    assert_int_equal(ppp_link_open(p->a.link, p->now), PPP_OK);
    assert_int_equal(ppp_link_open(p->b.link, p->now), PPP_OK);
    assert_true(h_run_until_up(p, 10000 * PPP_MS));
}

static void pair_free(struct h_pair *p)
{
    ppp_link_del(p->a.link);
    ppp_link_del(p->b.link);
}

static void negotiates_everything_and_assigns_an_address(void **state)
{
    struct h_pair *p = malloc(sizeof(*p));

    pair_up(p, 7);
    assert_int_equal(ppp_link_phase(p->a.link), PPP_PHASE_NETWORK);
    assert_int_equal(ppp_link_phase(p->b.link), PPP_PHASE_NETWORK);
    assert_int_equal(p->a.ipcp.u.ipcp.local, ADDR_A);
    assert_int_equal(p->a.ipcp.u.ipcp.remote, ADDR_B);
    /* B asked for 0.0.0.0 and was given A's idea of its address. */
    assert_int_equal(p->b.ipcp.u.ipcp.local, ADDR_B);
    assert_int_equal(p->b.ipcp.u.ipcp.remote, ADDR_A);
    assert_memory_equal(p->a.ipv6cp.u.ipv6cp.local_ifid, p->b.ipv6cp.u.ipv6cp.remote_ifid, 8);
    assert_memory_equal(p->a.ipv6cp.u.ipv6cp.remote_ifid, p->b.ipv6cp.u.ipv6cp.local_ifid, 8);
    assert_memory_not_equal(p->a.ipv6cp.u.ipv6cp.local_ifid, p->a.ipv6cp.u.ipv6cp.remote_ifid, 8);
    assert_int_equal(p->a.lcp.u.lcp.mru_tx, 1500);
    assert_int_not_equal(p->a.lcp.u.lcp.magic_local, p->a.lcp.u.lcp.magic_peer);
    assert_int_equal(p->a.lcp.u.lcp.magic_local, p->b.lcp.u.lcp.magic_peer);
    /* Keepalive runs and measures the (zero-latency) round trip. */
    h_run_for(p, 1000 * PPP_MS, PPP_MS);
    assert_true(p->a.echo_rtts >= 3);
    assert_true(ppp_link_stats(p->b.link)->echo_replies >= 3);
    assert_int_equal(ppp_link_phase(p->a.link), PPP_PHASE_NETWORK);
    pair_free(p);
    free(p);
}

struct traffic {
    uint32_t sent[2];
    struct rx_check rx[2]; /* [0]: what B receives (A->B), [1]: what A receives */
};

static void send_some(struct h_pair *p, struct h_end *from, int dir, struct traffic *t)
{
    uint8_t pkt[2048];

    while (t->sent[dir] < PACKETS) {
        size_t len = build_packet(dir, t->sent[dir], 1500, pkt);
        int rc = ppp_link_send_ip(from->link, pkt, len, p->now);

        if (rc == PPP_ERR_BUFFER_FULL)
            return;
        assert_int_equal(rc, PPP_OK);
        t->sent[dir]++;
    }
}

static bool idle(struct h_pair *p)
{
    const uint8_t *d;

    return p->ab.len == 0 && p->ba.len == 0 && ppp_link_tx_data(p->a.link, &d) == 0 &&
           ppp_link_tx_data(p->b.link, &d) == 0;
}

static void exchange(struct h_pair *p, struct traffic *t, bool lossless)
{
    ppp_time limit = p->now + 600000 * PPP_MS;

    memset(t, 0, sizeof(*t));
    for (int dir = 0; dir < 2; dir++) {
        t->rx[dir] = (struct rx_check){.dir = dir, .mtu = 1500, .lossless = lossless, .last = -1};
    }
    p->b.ctx = &t->rx[0];
    p->a.ctx = &t->rx[1];
    p->a.on_ip = p->b.on_ip = check_packet;
    while (p->now < limit && (t->sent[0] < PACKETS || t->sent[1] < PACKETS || !idle(p))) {
        send_some(p, &p->a, 0, t);
        send_some(p, &p->b, 1, t);
        h_step(p, PPP_MS);
    }
    assert_int_equal(t->sent[0], PACKETS);
    assert_int_equal(t->sent[1], PACKETS);
}

static void carries_10000_packets_each_way_intact_and_in_order(void **state)
{
    struct h_pair *p = malloc(sizeof(*p));
    struct traffic t;

    pair_up(p, 11);
    p->max_write = 3000; /* partial writes: frames split mid-way */
    exchange(p, &t, true);
    for (int dir = 0; dir < 2; dir++) {
        assert_int_equal(t.rx[dir].good, PACKETS);
        assert_int_equal(t.rx[dir].bad, 0);
        assert_int_equal(t.rx[dir].out_of_order, 0);
    }
    assert_int_equal(ppp_link_stats(p->a.link)->tx_ip_packets, PACKETS);
    assert_int_equal(ppp_link_stats(p->b.link)->rx_ip_packets, PACKETS);
    assert_int_equal(ppp_link_stats(p->a.link)->rx_bad_fcs, 0);
    assert_int_equal(ppp_link_stats(p->b.link)->rx_dropped, 0);
    assert_int_equal(ppp_link_stats(p->a.link)->tx_dropped_control, 0);
    assert_int_equal(ppp_link_stats(p->a.link)->tx_bytes, ppp_link_stats(p->b.link)->rx_bytes);
    assert_int_equal(ppp_link_phase(p->a.link), PPP_PHASE_NETWORK);
    pair_free(p);
    free(p);
}

static uint64_t rx_errors(const struct ppp_stats *s)
{
    return s->rx_bad_fcs + s->rx_runts + s->rx_aborts + s->rx_too_long + s->rx_dropped;
}

static void survives_corrupted_frames_and_never_delivers_them(void **state)
{
    struct h_pair *p = malloc(sizeof(*p));
    struct traffic t;

    pair_up(p, 13);
    p->ab.corrupt_per_mille = p->ba.corrupt_per_mille = 50;
    exchange(p, &t, false);
    p->ab.corrupt_per_mille = p->ba.corrupt_per_mille = 0;
    h_run_for(p, 2000 * PPP_MS, PPP_MS); /* the keepalive keeps running */

    for (int dir = 0; dir < 2; dir++) {
        struct h_end *rx_end = dir == 0 ? &p->b : &p->a;
        struct h_wire *w = dir == 0 ? &p->ab : &p->ba;
        const struct ppp_stats *s = ppp_link_stats(rx_end->link);
        uint64_t lost = PACKETS - t.rx[dir].good;

        print_message("dir %d: %llu corrupted bytes, %llu packets lost, bad fcs %llu runts %llu "
                      "aborts %llu dropped %llu\n",
                      dir, (unsigned long long)w->corrupted, (unsigned long long)lost,
                      (unsigned long long)s->rx_bad_fcs, (unsigned long long)s->rx_runts,
                      (unsigned long long)s->rx_aborts, (unsigned long long)s->rx_dropped);
        assert_int_equal(t.rx[dir].bad, 0);
        assert_int_equal(t.rx[dir].out_of_order, 0);
        assert_true(w->corrupted > PACKETS / 50); /* roughly 5% of frames were hit */
        assert_true(lost > 0);
        assert_true(lost <= w->corrupted);
        /* every loss shows in a counter, and every counted error had a cause */
        assert_true(lost <= rx_errors(s));
        assert_true(s->rx_bad_fcs + s->rx_runts + s->rx_aborts <= 2 * w->corrupted);
        assert_int_equal(s->rx_ip_packets, t.rx[dir].good);
    }
    assert_int_equal(ppp_link_phase(p->a.link), PPP_PHASE_NETWORK);
    assert_int_equal(ppp_link_phase(p->b.link), PPP_PHASE_NETWORK);
    assert_true(p->a.lcp_up && p->a.ipcp_up && p->a.ipv6cp_up);
    assert_true(p->b.lcp_up && p->b.ipcp_up && p->b.ipv6cp_up);
    assert_int_equal(ppp_link_cause(p->a.link), PPP_CAUSE_NONE);
    pair_free(p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(negotiates_everything_and_assigns_an_address),
        cmocka_unit_test(carries_10000_packets_each_way_intact_and_in_order),
        cmocka_unit_test(survives_corrupted_frames_and_never_delivers_them),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
