/* test_fq.c - the outbound queue: DRR fairness, sparse flows first, CoDel
 * drops and ECN marks at the right time, overflow from the fattest flow,
 * bounded memory, malformed packets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fq.h"
#include "ippkt.h"

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17

static uint16_t ip_checksum(const uint8_t *p, size_t n)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < n; i += 2)
        sum += (uint32_t)(p[i] << 8 | p[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* An IPv4 packet of len bytes from 198.18.0.<src> port sport to
 * 198.19.0.2 port 5201, ECN field ecn, sequence number seq in the payload. */
static size_t ipv4(uint8_t *p, size_t len, uint8_t proto, uint8_t src, uint16_t sport, uint8_t ecn,
                   uint32_t seq)
{
    memset(p, 0, len);
    p[0] = 0x45;
    p[1] = ecn;
    p[2] = (uint8_t)(len >> 8);
    p[3] = (uint8_t)len;
    p[8] = 64;
    p[9] = proto;
    p[12] = 198, p[13] = 18, p[14] = 0, p[15] = src;
    p[16] = 198, p[17] = 19, p[18] = 0, p[19] = 2;
    p[20] = (uint8_t)(sport >> 8), p[21] = (uint8_t)sport;
    p[22] = 5201 >> 8, p[23] = 5201 & 0xff;
    memcpy(p + 28, &seq, sizeof(seq));
    uint16_t c = ip_checksum(p, 20);
    p[10] = (uint8_t)(c >> 8), p[11] = (uint8_t)c;
    return len;
}

static uint32_t seq_of(const uint8_t *p)
{
    uint32_t seq;
    memcpy(&seq, p + 28, sizeof(seq));
    return seq;
}

static struct fq *make(uint32_t memory, bool ecn)
{
    struct fq_config c;
    struct fq *fq;
    fq_config_default(&c);
    c.memory = memory;
    c.ecn = ecn;
    c.seed = 42;
    assert_int_equal(fq_new(&fq, &c), PPP_OK);
    return fq;
}

static uint8_t out[65536];

/* Two backlogged bulk flows with different packet sizes get the same
 * byte share (DRR counts bytes, not packets). */
static void test_drr_byte_fairness(void **state)
{
    (void)state;
    struct fq *fq = make(4u << 20, false);
    uint8_t pkt[1500];
    uint32_t fa = fq_flow_of(fq, pkt, ipv4(pkt, 1500, PROTO_TCP, 1, 1000, 0, 0));
    uint32_t fb = fq_flow_of(fq, pkt, ipv4(pkt, 300, PROTO_TCP, 2, 2000, 0, 0));
    assert_int_not_equal(fa, fb);
    uint64_t bytes_a = 0, bytes_b = 0;
    for (int round = 0; round < 2000; round++) {
        /* keep both backlogged */
        while (fq_flow_bytes(fq, fa) < 30000)
            fq_enqueue(fq, pkt, ipv4(pkt, 1500, PROTO_TCP, 1, 1000, 0, 0), 0);
        while (fq_flow_bytes(fq, fb) < 30000)
            fq_enqueue(fq, pkt, ipv4(pkt, 300, PROTO_TCP, 2, 2000, 0, 0), 0);
        size_t n = fq_dequeue(fq, 0, out, sizeof(out));
        assert_true(n > 0);
        if (out[15] == 1)
            bytes_a += n;
        else
            bytes_b += n;
    }
    double share = (double)bytes_a / (double)(bytes_a + bytes_b);
    assert_true(share > 0.47 && share < 0.53);
    assert_int_equal(fq_stats(fq)->codel_drops + fq_stats(fq)->overflow_drops, 0);
    fq_del(fq);
}

/* A ping arriving behind a bulk backlog is the next packet out. */
static void test_sparse_flow_first(void **state)
{
    (void)state;
    struct fq *fq = make(4u << 20, false);
    uint8_t pkt[1500];
    for (uint32_t i = 0; i < 500; i++)
        fq_enqueue(fq, pkt, ipv4(pkt, 1500, PROTO_TCP, 1, 1000, 0, i), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(fq_dequeue(fq, 0, out, sizeof(out)), 1500);
    fq_enqueue(fq, pkt, ipv4(pkt, 84, PROTO_ICMP, 3, 0, 0, 7), 0);
    /* The bulk flow may finish its current quantum, no more. */
    size_t n = fq_dequeue(fq, 0, out, sizeof(out));
    if (n == 1500)
        n = fq_dequeue(fq, 0, out, sizeof(out));
    assert_int_equal(n, 84);
    assert_int_equal(out[9], PROTO_ICMP);
    assert_int_equal(seq_of(out), 7);
    fq_del(fq);
}

/* One flow whose packets always wait `delay`, from `from` to `to`: a
 * backlog of delay/step packets (when starting at 0), then one in, one
 * out per step.  Returns when the first CoDel drop came (0: never) and
 * checks FIFO order of what is sent; `seq` carries the packet numbers
 * over from an earlier stretch. */
static ppp_time standing_queue(struct fq *fq, ppp_time delay, uint8_t ecn, ppp_time from,
                               ppp_time to, uint32_t *seq, ppp_time *first_mark)
{
    uint8_t pkt[1000];
    const ppp_time step = PPP_MS;
    uint32_t expect = 0;
    ppp_time first_drop = 0;
    *first_mark = 0;
    if (from == 0)
        for (; from < delay; from += step)
            fq_enqueue(fq, pkt, ipv4(pkt, 1000, PROTO_UDP, 1, 1000, ecn, (*seq)++), from);
    for (ppp_time now = from; now < to; now += step) {
        fq_enqueue(fq, pkt, ipv4(pkt, 1000, PROTO_UDP, 1, 1000, ecn, (*seq)++), now);
        uint64_t drops = fq_stats(fq)->codel_drops, marks = fq_stats(fq)->ecn_marks;
        size_t n = fq_dequeue(fq, now, out, sizeof(out));
        assert_int_equal(n, 1000);
        assert_true(seq_of(out) >= expect); /* FIFO, gaps only from drops */
        expect = seq_of(out) + 1;
        if (!first_drop && fq_stats(fq)->codel_drops > drops)
            first_drop = now;
        if (!*first_mark && fq_stats(fq)->ecn_marks > marks)
            *first_mark = now;
    }
    return first_drop;
}

/* The same for a second, on its own. */
static ppp_time run_standing_queue(struct fq *fq, ppp_time delay, uint8_t ecn, ppp_time *first_mark)
{
    uint32_t seq = 0;
    return standing_queue(fq, delay, ecn, 0, 1000 * PPP_MS, &seq, first_mark);
}

static void test_codel_drops_after_interval(void **state)
{
    (void)state;
    struct fq *fq = make(4u << 20, true);
    ppp_time mark;
    /* Sojourn 10 ms > 5 ms target from the first dequeue at t = 10 ms. */
    ppp_time first = run_standing_queue(fq, 10 * PPP_MS, 0, &mark);
    assert_true(first >= 110 * PPP_MS);
    assert_true(first <= 112 * PPP_MS);
    assert_int_equal(mark, 0);
    /* Then faster: several drops within the second. */
    assert_true(fq_stats(fq)->codel_drops >= 5);
    fq_del(fq);
}

static void test_codel_leaves_short_queue_alone(void **state)
{
    (void)state;
    struct fq *fq = make(4u << 20, true);
    ppp_time mark;
    assert_int_equal(run_standing_queue(fq, 4 * PPP_MS, 0, &mark), 0);
    assert_int_equal(fq_stats(fq)->codel_drops, 0);
    assert_true(fq_stats(fq)->max_sojourn >= 4 * PPP_MS);
    fq_del(fq);
}

/* A path's base RTT sets the target: 3/7 of it, from the configured
 * target up to a fifth of the interval. */
static void test_target_follows_path(void **state)
{
    (void)state;
    struct fq *fq = make(4u << 20, true);
    assert_int_equal(fq_target(fq), 5 * PPP_MS);
    fq_set_path_rtt(fq, 10 * PPP_MS);
    assert_int_equal(fq_target(fq), 5 * PPP_MS);
    fq_set_path_rtt(fq, 41 * PPP_MS); /* the bench's shaped path */
    assert_true(fq_target(fq) > 17 * PPP_MS && fq_target(fq) < 18 * PPP_MS);
    fq_set_path_rtt(fq, 1000 * PPP_MS);
    assert_int_equal(fq_target(fq), 20 * PPP_MS);
    fq_set_path_rtt(fq, 0); /* unknown again */
    assert_int_equal(fq_target(fq), 5 * PPP_MS);
    fq_del(fq);

    struct fq_config c;
    fq_config_default(&c);
    c.target = 2 * PPP_MS;
    c.interval = 50 * PPP_MS;
    assert_int_equal(fq_new(&fq, &c), PPP_OK);
    fq_set_path_rtt(fq, 14 * PPP_MS);
    assert_int_equal(fq_target(fq), 6 * PPP_MS);
    fq_set_path_rtt(fq, 41 * PPP_MS);
    assert_int_equal(fq_target(fq), 10 * PPP_MS);
    fq_del(fq);
}

/* A 10 ms standing queue is left alone while the path's RTT puts the
 * target above it; once the path is short again, CoDel drops from it
 * one interval later, as from any queue that rose above target then. */
static void test_target_changes_mid_episode(void **state)
{
    (void)state;
    struct fq *fq = make(4u << 20, true);
    ppp_time mark;
    uint32_t seq = 0;
    fq_set_path_rtt(fq, 41 * PPP_MS);
    assert_int_equal(standing_queue(fq, 10 * PPP_MS, 0, 0, 500 * PPP_MS, &seq, &mark), 0);
    assert_int_equal(fq_stats(fq)->codel_drops, 0);
    fq_set_path_rtt(fq, 2 * PPP_MS);
    ppp_time first = standing_queue(fq, 10 * PPP_MS, 0, 500 * PPP_MS, 1000 * PPP_MS, &seq, &mark);
    assert_true(first >= 600 * PPP_MS);
    assert_true(first <= 602 * PPP_MS);
    fq_del(fq);
}

/* ECT(0) packets are marked CE, not dropped, and keep a valid checksum. */
static void test_codel_marks_ecn(void **state)
{
    (void)state;
    struct fq *fq = make(4u << 20, true);
    ppp_time mark;
    assert_int_equal(run_standing_queue(fq, 10 * PPP_MS, 0x02, &mark), 0);
    assert_true(mark >= 110 * PPP_MS && mark <= 112 * PPP_MS);
    assert_int_equal(fq_stats(fq)->codel_drops, 0);
    assert_true(fq_stats(fq)->ecn_marks >= 5);
    fq_del(fq);

    /* Marked packet as it comes out: CE set, checksum verifies. */
    fq = make(4u << 20, true);
    uint8_t pkt[1000];
    ppp_time now = 0;
    bool seen = false;
    for (int i = 0; i < 30; i++)
        fq_enqueue(fq, pkt, ipv4(pkt, 1000, PROTO_TCP, 1, 1000, 0x01, (uint32_t)i), 0);
    for (now = 200 * PPP_MS; !seen && now < 2000 * PPP_MS; now += 50 * PPP_MS) {
        uint64_t marks = fq_stats(fq)->ecn_marks;
        fq_enqueue(fq, pkt, ipv4(pkt, 1000, PROTO_TCP, 1, 1000, 0x01, 99), 0);
        assert_int_equal(fq_dequeue(fq, now, out, sizeof(out)), 1000);
        if (fq_stats(fq)->ecn_marks > marks) {
            seen = true;
            assert_int_equal(out[1] & 3, 3);
            assert_int_equal(ip_checksum(out, 20), 0);
        } else {
            assert_int_equal(out[1] & 3, 1);
        }
    }
    assert_true(seen);
    fq_del(fq);
}

/* A full arena drops from the head of the fattest flow; a small flow's
 * packets all survive and memory never exceeds the arena. */
static void test_overflow_drops_fattest(void **state)
{
    (void)state;
    struct fq *fq = make(64 * 1024, false);
    uint8_t pkt[1500];
    for (uint32_t i = 0; i < 5; i++)
        fq_enqueue(fq, pkt, ipv4(pkt, 200, PROTO_UDP, 2, 53, 0, i), 0);
    uint32_t small = fq_flow_of(fq, pkt, 200);
    for (uint32_t i = 0; i < 500; i++) {
        assert_int_equal(fq_enqueue(fq, pkt, ipv4(pkt, 1400, PROTO_TCP, 1, 1000, 0, i), 0), PPP_OK);
        assert_true(fq_stats(fq)->chunks_used * (size_t)FQ_CHUNK <= fq_capacity(fq));
    }
    assert_true(fq_stats(fq)->overflow_drops > 0);
    assert_int_equal(fq_flow_bytes(fq, small), 5 * 200);
    /* The newest bulk packet survived: drops were at the head. */
    uint32_t last_bulk = 0;
    size_t n;
    while ((n = fq_dequeue(fq, 0, out, sizeof(out))) > 0)
        if (n == 1400)
            last_bulk = seq_of(out);
    assert_int_equal(last_bulk, 499);
    fq_del(fq);
}

static uint64_t rng = 88172645463325252u;
static uint32_t xorshift(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)rng;
}

/* 100000 packets of random size in random flows, dequeued slower than
 * they come: memory stays within the arena, and the counts add up. */
static void test_flood_bounded(void **state)
{
    (void)state;
    struct fq *fq = make(256 * 1024, true);
    uint8_t pkt[9000];
    uint64_t in = 0, out_n = 0;
    for (int i = 0; i < 100000; i++) {
        size_t len = 20 + xorshift() % 8980;
        ipv4(pkt, len, PROTO_UDP, (uint8_t)xorshift(), (uint16_t)xorshift(), 0, (uint32_t)i);
        assert_int_equal(fq_enqueue(fq, pkt, len, (ppp_time)i * 10000), PPP_OK);
        in++;
        const struct fq_stats *s = fq_stats(fq);
        assert_true(s->chunks_used * (size_t)FQ_CHUNK <= fq_capacity(fq));
        assert_true(s->bytes <= fq_capacity(fq));
        if (i % 3 == 0 && fq_dequeue(fq, (ppp_time)i * 10000, out, sizeof(out)))
            out_n++;
    }
    while (fq_dequeue(fq, 2000 * PPP_MS, out, sizeof(out)))
        out_n++;
    const struct fq_stats *s = fq_stats(fq);
    assert_int_equal(s->packets, 0);
    assert_int_equal(s->bytes, 0);
    assert_int_equal(s->chunks_used, 0);
    assert_int_equal(s->active_flows, 0);
    assert_int_equal(in, out_n + s->overflow_drops + s->codel_drops);
    fq_del(fq);
}

/* Short and non-IP packets: one flow, FIFO, no crash; empty is refused;
 * larger than the arena is refused. */
static void test_malformed(void **state)
{
    (void)state;
    struct fq *fq = make(64 * 1024, true);
    uint8_t pkt[100];
    memset(pkt, 0x45, sizeof(pkt));
    uint32_t flow = fq_flow_of(fq, pkt, 1);
    for (size_t len = 1; len < 20; len++) {
        pkt[0] = (uint8_t)len;
        assert_int_equal(fq_flow_of(fq, pkt, len), flow);
        assert_int_equal(fq_enqueue(fq, pkt, len, 0), PPP_OK);
    }
    pkt[0] = 0x45; /* IHL 5 but only 19 bytes */
    assert_int_equal(fq_flow_of(fq, pkt, 19), flow);
    pkt[0] = 0x4f; /* IHL 15 = 60 bytes > 40 */
    assert_int_equal(fq_flow_of(fq, pkt, 40), flow);
    pkt[0] = 0x60; /* IPv6 shorter than its header */
    assert_int_equal(fq_flow_of(fq, pkt, 39), flow);
    assert_int_equal(fq_enqueue(fq, pkt, 0, 0), PPP_ERR_BAD_PACKET);
    static uint8_t huge[128 * 1024];
    assert_int_equal(fq_enqueue(fq, huge, sizeof(huge), 0), PPP_ERR_TOO_BIG);
    for (size_t len = 1; len < 20; len++) {
        assert_int_equal(fq_dequeue(fq, PPP_MS, out, sizeof(out)), len);
        assert_int_equal(out[0], len);
    }
    assert_int_equal(fq_dequeue(fq, PPP_MS, out, sizeof(out)), 0);
    assert_true(fq_empty(fq));
    fq_del(fq);
}

/* IPv6 flows are told apart by their ports; ECT in the traffic class is
 * marked. */
static void test_ipv6(void **state)
{
    (void)state;
    struct fq *fq = make(64 * 1024, true);
    uint8_t a[60] = {0x60, 0x20}, b[60];
    a[6] = PROTO_TCP;
    a[40] = 0x12;
    memcpy(b, a, sizeof(a));
    b[40] = 0x13;
    int differ = 0;
    for (int i = 0; i < 8; i++) { /* distinct source ports: at least one differs */
        b[41] = (uint8_t)i;
        differ += fq_flow_of(fq, a, 60) != fq_flow_of(fq, b, 60);
    }
    assert_true(differ >= 7);
    assert_true(ippkt_set_ce(a, sizeof(a)));
    assert_int_equal(a[1], 0x30);
    assert_false(ippkt_set_ce(a, sizeof(a))); /* already CE */
    fq_del(fq);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_drr_byte_fairness),
        cmocka_unit_test(test_sparse_flow_first),
        cmocka_unit_test(test_codel_drops_after_interval),
        cmocka_unit_test(test_codel_leaves_short_queue_alone),
        cmocka_unit_test(test_target_follows_path),
        cmocka_unit_test(test_target_changes_mid_episode),
        cmocka_unit_test(test_codel_marks_ecn),
        cmocka_unit_test(test_overflow_drops_fattest),
        cmocka_unit_test(test_flood_bounded),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_ipv6),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
