/*
 * test_offload.c - pppssh's offload extension: the header on the wire, the
 * checks on its metadata, finishing a partial checksum, the Vendor-Specific
 * LCP option between two engines and against a peer that does not know
 * it, VSNP frames in both directions, and the queue keeping the metadata.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "fq.h"
#include "lcp.h"
#include "offload.h"
#include "protocols.h"
#include "script_peer.h"

#define ADDR_A 0xc612ff01u /* 198.18.255.1 */
#define ADDR_B 0xc612ff02u /* 198.18.255.2 */
#define MSS 1448
#define TCP_PAYLOAD (3 * MSS + 100)
#define TCP4_LEN (20 + 32 + TCP_PAYLOAD)
#define TCP_CHECK_AT (20 + 16) /* checksum field of the TCP header */

/* RFC 1071 sum over an odd or even length, not yet complemented. */
static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

/* The TCP pseudo-header sum (RFC 9293 section 3.1) of an IPv4 packet. */
static uint16_t pseudo_sum(const uint8_t *pkt, size_t len)
{
    uint32_t sum = sum16(0, pkt + 12, 8);
    return fold(sum + 6 + (uint32_t)(len - 20));
}

/* An IPv4 TCP packet of three and a bit segments (timestamps on: a
 * 32-byte TCP header), as a TUN with TSO hands it over: the checksum
 * field holds the pseudo-header sum only. */
static void tcp4_super_packet(uint8_t pkt[TCP4_LEN], struct ppp_offload *off)
{
    memset(pkt, 0, TCP4_LEN);
    pkt[0] = 0x45;
    put16(pkt + 2, TCP4_LEN);
    pkt[8] = 64;
    pkt[9] = 6;
    put32(pkt + 12, ADDR_A);
    put32(pkt + 16, ADDR_B);
    put16(pkt + 20, 40000);
    put16(pkt + 22, 5201);
    pkt[20 + 12] = 8 << 4; /* data offset: 32 bytes */
    pkt[20 + 13] = 0x18;   /* PSH ACK */
    for (size_t i = 52; i < TCP4_LEN; i++)
        pkt[i] = (uint8_t)(i * 7 + 3);
    put16(pkt + TCP_CHECK_AT, pseudo_sum(pkt, TCP4_LEN));
    *off = (struct ppp_offload){.flags = PPP_OFFLOAD_NEEDS_CSUM,
                                .gso_type = PPP_GSO_TCPV4,
                                .hdr_len = 52,
                                .gso_size = MSS,
                                .csum_start = 20,
                                .csum_offset = 16};
}

#define TCP6_LEN (40 + 20 + 3000)

/* The same for IPv6: next header TCP, checksum 16 bytes into it. */
static void tcp6_super_packet(uint8_t pkt[TCP6_LEN], struct ppp_offload *off)
{
    memset(pkt, 0, TCP6_LEN);
    pkt[0] = 0x60;
    put16(pkt + 4, TCP6_LEN - 40);
    pkt[6] = 6;
    pkt[7] = 64;
    pkt[8] = pkt[24] = 0xfd;
    pkt[40 + 12] = 5 << 4;
    *off = (struct ppp_offload){.flags = PPP_OFFLOAD_NEEDS_CSUM,
                                .gso_type = PPP_GSO_TCPV6,
                                .hdr_len = 60,
                                .gso_size = 1000,
                                .csum_start = 40,
                                .csum_offset = 16};
}

/* ---- the header and the checks ---- */

static void header_is_ten_bytes_in_network_order(void **state)
{
    const struct ppp_offload off = {1, 0x81, 0x0102, 0x0304, 0x0506, 0x0708};
    uint8_t wire[PPP_OFFLOAD_HEADER_LEN];
    const uint8_t want[] = {1, 0x81, 1, 2, 3, 4, 5, 6, 7, 8};
    struct ppp_offload back;

    (void)state;
    offload_put(wire, &off);
    assert_memory_equal(wire, want, sizeof(want));
    offload_get(wire, &back);
    assert_memory_equal(&back, &off, sizeof(off));
}

static void a_tso_packets_metadata_is_valid(void **state)
{
    uint8_t pkt[TCP4_LEN];
    struct ppp_offload off;

    (void)state;
    tcp4_super_packet(pkt, &off);
    assert_true(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off.gso_type |= PPP_GSO_ECN;
    assert_true(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off.gso_size = 48;
    assert_true(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    /* Linux sets checksum offsets up itself for a packet without them */
    off.flags = 0, off.csum_start = off.csum_offset = 0;
    assert_true(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    assert_false(ppp_offload_is_plain(&off));
    assert_true(ppp_offload_is_plain(&(struct ppp_offload){0}));
}

static void metadata_that_does_not_fit_the_packet_is_refused(void **state)
{
    uint8_t pkt[TCP4_LEN];
    struct ppp_offload good, off;

    (void)state;
    tcp4_super_packet(pkt, &good);
    off = good, off.flags |= 2; /* DATA_VALID, or anything unknown */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.gso_type = PPP_GSO_TCPV6; /* of an IPv4 packet */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.gso_type = 3; /* UDP fragmentation: never asked for */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.gso_size = 0;
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.gso_size = 47; /* below any Linux TCP's smallest segment */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.csum_offset = 6; /* not the TCP checksum field */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.csum_start = 24; /* not where the IPv4 header ends */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    pkt[9] = 17; /* UDP, segmented as TCP */
    assert_false(ppp_offload_valid(&good, pkt, sizeof(pkt)));
    pkt[9] = 6;
    off = good, off.hdr_len = TCP4_LEN + 1;
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.hdr_len = 39; /* shorter than IPv4 + TCP */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.csum_start = TCP4_LEN - 1, off.csum_offset = 0;
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.csum_start = 0xffff, off.csum_offset = 0xffff; /* no wrap-around */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    assert_false(ppp_offload_valid(&good, pkt, 19));
    off = (struct ppp_offload){.hdr_len = TCP4_LEN + 1}; /* even without segmenting */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off = good, off.gso_size = 0xffff; /* Linux's GSO_BY_FRAGS */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    /* a checksum past what a TUN puts in the packet's head */
    off =
        (struct ppp_offload){.flags = PPP_OFFLOAD_NEEDS_CSUM, .csum_start = 1100, .csum_offset = 6};
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
}

static void ipv6_segmentation_needs_tcp(void **state)
{
    uint8_t pkt[TCP6_LEN];
    struct ppp_offload off;

    (void)state;
    tcp6_super_packet(pkt, &off);
    assert_true(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    pkt[6] = 17; /* UDP right after the header */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    pkt[6] = 0; /* a hop-by-hop header first: TCP further in */
    pkt[40] = 6, pkt[41] = 0;
    off.csum_start = 48;
    off.hdr_len = 68;
    assert_true(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off.csum_start = 39; /* inside the IPv6 header */
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
    off.csum_start = 40, off.gso_type = PPP_GSO_TCPV4;
    assert_false(ppp_offload_valid(&off, pkt, sizeof(pkt)));
}

/* A checksum without segmenting: the same field, and nothing else, since
 * the receiving kernel writes a sum the peer chose at csum_start +
 * csum_offset, after the source check. */
static bool csum_at(const uint8_t *pkt, size_t len, uint16_t start, uint16_t offset)
{
    const struct ppp_offload off = {
        .flags = PPP_OFFLOAD_NEEDS_CSUM, .csum_start = start, .csum_offset = offset};
    return ppp_offload_valid(&off, pkt, len);
}

static void a_partial_checksum_names_only_the_tcp_or_udp_field(void **state)
{
    uint8_t pkt[TCP4_LEN];
    struct ppp_offload tso;

    (void)state;
    tcp4_super_packet(pkt, &tso);
    assert_true(csum_at(pkt, sizeof(pkt), 20, 16));
    assert_false(csum_at(pkt, sizeof(pkt), 20, 6));
    /* the low bits of the source address, the ports, the sequence number */
    assert_false(csum_at(pkt, sizeof(pkt), 14, 0));
    assert_false(csum_at(pkt, sizeof(pkt), 0, 14));
    assert_false(csum_at(pkt, sizeof(pkt), 20, 0));
    assert_false(csum_at(pkt, sizeof(pkt), 20, 4));
    assert_false(csum_at(pkt, sizeof(pkt), 24, 12));
    pkt[9] = 17; /* UDP: its checksum is 6 bytes in */
    assert_true(csum_at(pkt, sizeof(pkt), 20, 6));
    assert_false(csum_at(pkt, sizeof(pkt), 20, 16));
    pkt[9] = 1; /* ICMP: Linux never offloads its checksum */
    assert_false(csum_at(pkt, sizeof(pkt), 20, 2));
    pkt[9] = 6;
    pkt[0] = 0x46; /* 4 bytes of IPv4 options: TCP starts at 24 */
    assert_false(csum_at(pkt, sizeof(pkt), 20, 16));
    assert_true(csum_at(pkt, sizeof(pkt), 24, 16));
    pkt[0] = 0x45;
    pkt[6] = 0x20; /* a first fragment (MF): Linux finishes checksums before fragmenting */
    assert_false(csum_at(pkt, sizeof(pkt), 20, 16));
    assert_false(ppp_offload_valid(&tso, pkt, sizeof(pkt)));
    /* a TCP header cut short */
    pkt[6] = 0;
    assert_false(csum_at(pkt, 39, 20, 16));
}

static void ipv6_checksums_follow_the_extension_headers(void **state)
{
    uint8_t pkt[TCP6_LEN];
    struct ppp_offload tso;

    (void)state;
    tcp6_super_packet(pkt, &tso);
    assert_true(csum_at(pkt, sizeof(pkt), 40, 16));
    /* the example: the kernel would write over the source's low bits */
    assert_false(csum_at(pkt, sizeof(pkt), 22, 0));
    assert_false(csum_at(pkt, sizeof(pkt), 8, 14));
    assert_false(csum_at(pkt, sizeof(pkt), 48, 16));
    /* Destination Options (16 bytes), then UDP */
    pkt[6] = 60;
    pkt[40] = 17, pkt[41] = 1;
    assert_true(csum_at(pkt, sizeof(pkt), 56, 6));
    assert_false(csum_at(pkt, sizeof(pkt), 40, 6));
    assert_false(csum_at(pkt, sizeof(pkt), 56, 16));
    assert_false(ppp_offload_valid(&tso, pkt, sizeof(pkt))); /* segmenting UDP as TCP */
    /* a Fragment header: no partial checksum in a fragment */
    pkt[6] = 44;
    pkt[40] = 6, pkt[41] = 0, pkt[42] = pkt[43] = 0;
    pkt[43] = 1; /* M: more to come */
    assert_false(csum_at(pkt, sizeof(pkt), 48, 16));
    /* a Hop-by-Hop header that is not the first */
    pkt[6] = 60;
    pkt[40] = 0, pkt[41] = 0;
    pkt[48] = 6, pkt[49] = 0;
    assert_false(csum_at(pkt, sizeof(pkt), 56, 16));
    /* an extension header running past the packet */
    pkt[40] = 6, pkt[41] = 200;
    assert_false(csum_at(pkt, 100, 40, 16));
    /* not IPv4 or IPv6 at all */
    tcp6_super_packet(pkt, &tso);
    pkt[0] = 0x50;
    assert_false(csum_at(pkt, sizeof(pkt), 40, 16));
}

/* Our own kernel's metadata that the peer would refuse can still be
 * finished in user space, if the field is inside the packet. */
static void a_refused_checksum_can_be_finished_here(void **state)
{
    const struct ppp_offload inner = {
        .flags = PPP_OFFLOAD_NEEDS_CSUM, .csum_start = 48, .csum_offset = 6};
    struct ppp_offload off = inner;

    (void)state;
    assert_true(ppp_offload_csum_fits(&off, 56));
    assert_false(ppp_offload_csum_fits(&off, 55));
    off.gso_type = PPP_GSO_TCPV4;
    assert_false(ppp_offload_csum_fits(&off, 100)); /* segments: only the far kernel cuts them */
    off = inner, off.flags = 0;
    assert_false(ppp_offload_csum_fits(&off, 100)); /* nothing to finish */
    off = inner, off.csum_start = 0xffff, off.csum_offset = 0xffff;
    assert_false(ppp_offload_csum_fits(&off, 65535));
}

/* Metadata that asks for nothing says nothing about the packet. */
static void plain_metadata_needs_no_transport_header(void **state)
{
    uint8_t pkt[40] = {0x45};
    const struct ppp_offload plain = {.csum_start = 3, .csum_offset = 1};

    (void)state;
    pkt[9] = 1;
    assert_true(ppp_offload_valid(&plain, pkt, sizeof(pkt)));
}

static void a_completed_checksum_is_the_full_one(void **state)
{
    uint8_t pkt[TCP4_LEN], want[TCP4_LEN];
    struct ppp_offload off;

    (void)state;
    tcp4_super_packet(pkt, &off);
    /* The reference: zero field, sum of pseudo-header and segment. */
    memcpy(want, pkt, sizeof(want));
    put16(want + TCP_CHECK_AT, 0);
    uint16_t full = (uint16_t)~fold(sum16(pseudo_sum(want, TCP4_LEN), want + 20, TCP4_LEN - 20));
    put16(want + TCP_CHECK_AT, full);
    ppp_offload_complete_csum(&off, pkt, sizeof(pkt));
    assert_memory_equal(pkt, want, sizeof(want));
    /* and it verifies: the sum over everything folds to all ones */
    assert_int_equal(fold(sum16(pseudo_sum(pkt, TCP4_LEN), pkt + 20, TCP4_LEN - 20)), 0xffff);
}

static void an_odd_length_is_padded_with_zero(void **state)
{
    uint8_t pkt[61] = {0x45};
    const struct ppp_offload off = {
        .flags = PPP_OFFLOAD_NEEDS_CSUM, .csum_start = 20, .csum_offset = 6};

    (void)state;
    pkt[60] = 0x80;
    ppp_offload_complete_csum(&off, pkt, sizeof(pkt));
    assert_int_equal(get16(pkt + 26), (uint16_t)~0x8000);
}

/* ---- the queue ---- */

static void the_queue_keeps_each_packets_metadata(void **state)
{
    uint8_t pkt[TCP4_LEN], out[65536];
    struct ppp_offload off, got;
    struct fq_config c;
    struct fq *fq;

    (void)state;
    fq_config_default(&c);
    assert_int_equal(fq_new(&fq, &c), PPP_OK);
    tcp4_super_packet(pkt, &off);
    assert_int_equal(fq_enqueue_offloaded(fq, &off, pkt, sizeof(pkt), 0), PPP_OK);
    assert_int_equal(fq_enqueue(fq, pkt, 40, 0), PPP_OK);
    assert_int_equal(fq_dequeue_offloaded(fq, 0, &got, out, sizeof(out)), sizeof(pkt));
    assert_memory_equal(&got, &off, sizeof(off));
    memset(&got, 0xee, sizeof(got));
    assert_int_equal(fq_dequeue_offloaded(fq, 0, &got, out, sizeof(out)), 40);
    assert_true(ppp_offload_is_plain(&got));
    assert_int_equal(got.gso_size, 0);
    fq_del(fq);
}

/* ---- two engines ---- */

static void settings(struct ppp_settings *s, uint32_t local, uint32_t remote, bool offload)
{
    ppp_settings_default(s);
    s->local_ip = local;
    s->remote_ip = remote;
    s->ipv6 = false;
    s->mru = 65535;
    s->offload = offload;
    s->seed = local;
}

static struct h_pair *pair_up_mru(bool a_offload, bool b_offload, uint16_t b_mru)
{
    struct h_pair *p = malloc(sizeof(*p));
    struct ppp_settings a, b;

    assert_non_null(p);
    settings(&a, ADDR_A, ADDR_B, a_offload);
    settings(&b, ADDR_B, ADDR_A, b_offload);
    b.mru = b_mru;
    h_pair_init(p, 7);
    assert_int_equal(h_end_new(&p->a, "A", &a, &p->now), PPP_OK);
    assert_int_equal(h_end_new(&p->b, "B", &b, &p->now), PPP_OK);
    ppp_link_open(p->a.link, p->now);
    ppp_link_open(p->b.link, p->now);
    assert_true(h_run_until_up(p, 10 * 1000 * PPP_MS));
    return p;
}

static struct h_pair *pair_up(bool a_offload, bool b_offload)
{
    return pair_up_mru(a_offload, b_offload, 65535);
}

static void pair_free(struct h_pair *p)
{
    ppp_link_del(p->a.link);
    ppp_link_del(p->b.link);
    free(p);
}

static size_t received;
static uint8_t received_pkt[TCP4_LEN];

static void keep_ip(struct h_end *end, int family, const uint8_t *pkt, size_t len)
{
    (void)end;
    assert_int_equal(family, 4);
    received = len;
    memcpy(received_pkt, pkt, len < sizeof(received_pkt) ? len : sizeof(received_pkt));
}

static void two_pppssh_ends_carry_metadata_across(void **state)
{
    uint8_t pkt[TCP4_LEN];
    struct ppp_offload off;
    struct h_pair *p = pair_up(true, true);

    (void)state;
    assert_true(p->a.lcp.u.lcp.offload_tx && p->a.lcp.u.lcp.offload_rx);
    assert_true(p->b.lcp.u.lcp.offload_tx && p->b.lcp.u.lcp.offload_rx);
    tcp4_super_packet(pkt, &off);
    p->b.on_ip = keep_ip;
    received = 0;
    assert_int_equal(ppp_link_send_offloaded(p->a.link, &off, pkt, sizeof(pkt), p->now), PPP_OK);
    h_run_for(p, 5 * PPP_MS, PPP_MS);
    assert_int_equal(received, sizeof(pkt));
    assert_memory_equal(received_pkt, pkt, sizeof(pkt));
    assert_true(p->b.offloaded);
    assert_memory_equal(&p->b.last_offload, &off, sizeof(off));
    /* a plain packet still goes as plain IP */
    assert_int_equal(ppp_link_send_ip(p->a.link, pkt, 40, p->now), PPP_OK);
    h_run_for(p, 5 * PPP_MS, PPP_MS);
    assert_int_equal(received, 40);
    assert_false(p->b.offloaded);
    pair_free(p);
}

static void without_the_peers_agreement_nothing_is_offloaded(void **state)
{
    uint8_t pkt[TCP4_LEN];
    struct ppp_offload off;
    struct h_pair *p = pair_up(true, false); /* B Rejects A's option */

    (void)state;
    assert_false(p->a.lcp.u.lcp.offload_tx || p->a.lcp.u.lcp.offload_rx);
    assert_false(p->b.lcp.u.lcp.offload_tx || p->b.lcp.u.lcp.offload_rx);
    tcp4_super_packet(pkt, &off);
    assert_int_equal(ppp_link_send_offloaded(p->a.link, &off, pkt, sizeof(pkt), p->now),
                     PPP_ERR_NO_OFFLOAD);
    assert_int_equal(ppp_link_send_offloaded(p->a.link, NULL, pkt, 40, p->now), PPP_OK);
    /* metadata that asks for nothing is no offload: plain IP */
    const struct ppp_offload none = {0};
    assert_int_equal(ppp_link_send_offloaded(p->a.link, &none, pkt, 40, p->now), PPP_OK);
    pair_free(p);
}

static void bad_metadata_or_an_oversized_packet_is_not_sent(void **state)
{
    uint8_t pkt[TCP4_LEN];
    struct ppp_offload off;
    struct h_pair *p = pair_up(true, true);

    (void)state;
    tcp4_super_packet(pkt, &off);
    off.gso_type = PPP_GSO_TCPV6;
    assert_int_equal(ppp_link_send_offloaded(p->a.link, &off, pkt, sizeof(pkt), p->now),
                     PPP_ERR_BAD_PACKET);
    pair_free(p);

    /* The header counts against the peer's MRU (RFC 1661 section 6.1). */
    tcp4_super_packet(pkt, &off);
    p = pair_up_mru(true, true, TCP4_LEN + PPP_OFFLOAD_HEADER_LEN - 1);
    assert_int_equal(ppp_link_send_offloaded(p->a.link, &off, pkt, sizeof(pkt), p->now),
                     PPP_ERR_TOO_BIG);
    pair_free(p);
    p = pair_up_mru(true, true, TCP4_LEN + PPP_OFFLOAD_HEADER_LEN);
    assert_int_equal(ppp_link_send_offloaded(p->a.link, &off, pkt, sizeof(pkt), p->now), PPP_OK);
    pair_free(p);
}

/* ---- a scripted peer ---- */

static void script_settings(struct ppp_settings *s)
{
    settings(s, ADDR_A, ADDR_B, true);
}

static void our_request_carries_the_vendor_option(void **state)
{
    struct ppp_settings s;
    struct script sc;
    size_t len = 0;
    const uint8_t want[] = {0x02, 0x50, 0x53, LCP_VENDOR_KIND_OFFLOAD};

    (void)state;
    script_settings(&s);
    sc_new(&sc, &s);
    ppp_link_open(sc.us.link, sc.now);
    sc_read(&sc);
    const struct h_frame *req = sc_find(&sc, PPP_PROTO_LCP, FSM_CONF_REQ);
    assert_non_null(req);
    const uint8_t *v = sc_option(req, LCP_OPT_VENDOR, &len);
    assert_non_null(v);
    assert_int_equal(len, sizeof(want));
    assert_memory_equal(v, want, sizeof(want));
    sc_free(&sc);
}

static void another_vendors_option_is_rejected(void **state)
{
    const uint8_t theirs[] = {LCP_OPT_VENDOR, 6, 0x00, 0x00, 0x0c, 1}; /* another OUI */
    const uint8_t other_kind[] = {LCP_OPT_VENDOR, 6, 0x02, 0x50, 0x53, 9};
    struct ppp_settings s;
    struct script sc;

    (void)state;
    script_settings(&s);
    sc_new(&sc, &s);
    ppp_link_open(sc.us.link, sc.now);
    sc_read(&sc);
    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_REQ, 1, theirs, sizeof(theirs));
    sc_read(&sc);
    const struct h_frame *rej = sc_find(&sc, PPP_PROTO_LCP, FSM_CONF_REJ);
    assert_non_null(rej);
    assert_int_equal(rej->len, 4 + sizeof(theirs));
    assert_memory_equal(rej->info + 4, theirs, sizeof(theirs));
    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_REQ, 2, other_kind, sizeof(other_kind));
    sc_read(&sc);
    assert_non_null(sc_find(&sc, PPP_PROTO_LCP, FSM_CONF_REJ));
    sc_free(&sc);
}

/* The engine Rejects VSNP unless the peer Acked our option. */
static void vsnp_frames_need_the_option(void **state)
{
    uint8_t pkt[TCP4_LEN], frame[PPP_OFFLOAD_HEADER_LEN + TCP4_LEN];
    struct ppp_offload off;
    struct ppp_settings s;
    struct script sc;

    (void)state;
    tcp4_super_packet(pkt, &off);
    offload_put(frame, &off);
    memcpy(frame + PPP_OFFLOAD_HEADER_LEN, pkt, sizeof(pkt));
    settings(&s, ADDR_A, ADDR_B, false);
    sc_new(&sc, &s);
    assert_true(sc_lcp_up(&sc));
    h_feed(sc.us.link, PPP_PROTO_VSNP, frame, sizeof(frame), NULL, sc.now);
    sc_read(&sc);
    const struct h_frame *rej = sc_find(&sc, PPP_PROTO_LCP, LCP_PROTO_REJ);
    assert_non_null(rej);
    assert_int_equal(get16(rej->info + 4), PPP_PROTO_VSNP);
    assert_int_equal(ppp_link_stats(sc.us.link)->rx_ip_packets, 0);
    sc_free(&sc);
}

/* With the option agreed, a frame whose metadata does not fit its packet
 * is dropped, not handed to the TUN. */
static void vsnp_frames_need_sound_metadata(void **state)
{
    uint8_t pkt[TCP4_LEN], frame[PPP_OFFLOAD_HEADER_LEN + TCP4_LEN];
    struct ppp_offload off;
    struct h_pair *p = pair_up(true, true);
    const struct ppp_stats *b = ppp_link_stats(p->b.link);

    (void)state;
    tcp4_super_packet(pkt, &off);
    offload_put(frame, &off);
    memcpy(frame + PPP_OFFLOAD_HEADER_LEN, pkt, sizeof(pkt));
    h_feed(p->b.link, PPP_PROTO_VSNP, frame, sizeof(frame), NULL, p->now);
    assert_int_equal(b->rx_ip_packets, 1); /* the well-formed one, fed the same way */
    uint64_t dropped = b->rx_dropped;
    frame[0] = 0x40; /* an unknown flag */
    h_feed(p->b.link, PPP_PROTO_VSNP, frame, sizeof(frame), NULL, p->now);
    h_feed(p->b.link, PPP_PROTO_VSNP, frame, PPP_OFFLOAD_HEADER_LEN - 1, NULL, p->now);
    frame[0] = PPP_OFFLOAD_NEEDS_CSUM;
    frame[PPP_OFFLOAD_HEADER_LEN] = 0x65; /* IPv6 by its version, TCPv4 by its metadata */
    h_feed(p->b.link, PPP_PROTO_VSNP, frame, sizeof(frame), NULL, p->now);
    assert_int_equal(b->rx_dropped, dropped + 3);
    assert_int_equal(b->rx_ip_packets, 1);
    assert_int_equal(b->rx_unknown_protocol, 0);
    pair_free(p);
}

/* Our kernel refused an offloaded write: the peer is told, and sends plain
 * IP from then on; what still arrives as VSNP is Protocol-Rejected. */
static void refusing_offload_stops_the_peer(void **state)
{
    uint8_t pkt[TCP4_LEN];
    struct ppp_offload off;
    struct h_pair *p = pair_up(true, true);

    (void)state;
    tcp4_super_packet(pkt, &off);
    ppp_link_refuse_offload(p->b.link);
    h_run_for(p, 5 * PPP_MS, PPP_MS);
    assert_int_equal(ppp_link_send_offloaded(p->a.link, &off, pkt, sizeof(pkt), p->now),
                     PPP_ERR_NO_OFFLOAD);
    assert_true(h_all_up(&p->a) && h_all_up(&p->b));
    /* B still sends A offloaded packets: only its own receiving stopped */
    p->a.on_ip = keep_ip;
    received = 0;
    assert_int_equal(ppp_link_send_offloaded(p->b.link, &off, pkt, sizeof(pkt), p->now), PPP_OK);
    h_run_for(p, 5 * PPP_MS, PPP_MS);
    assert_int_equal(received, sizeof(pkt));
    pair_free(p);
}

/* A Nak naming another vendor's option is no reason to stop asking for
 * ours; a Nak of ours is. */
static void a_nak_of_our_option_alone_drops_it(void **state)
{
    const uint8_t other[] = {LCP_OPT_VENDOR, 6, 0x00, 0x00, 0x0c, 1};
    const uint8_t ours[] = {LCP_OPT_VENDOR, 6, 0x02, 0x50, 0x53, LCP_VENDOR_KIND_OFFLOAD};
    struct ppp_settings s;
    struct script sc;

    (void)state;
    script_settings(&s);
    sc_new(&sc, &s);
    ppp_link_open(sc.us.link, sc.now);
    sc_read(&sc);
    const struct h_frame *req = sc_find(&sc, PPP_PROTO_LCP, FSM_CONF_REQ);
    assert_non_null(req);
    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_NAK, req->info[1], other, sizeof(other));
    sc_read(&sc);
    req = sc_find(&sc, PPP_PROTO_LCP, FSM_CONF_REQ);
    assert_non_null(req);
    assert_non_null(sc_option(req, LCP_OPT_VENDOR, NULL));
    sc_send(&sc, PPP_PROTO_LCP, FSM_CONF_NAK, req->info[1], ours, sizeof(ours));
    sc_read(&sc);
    req = sc_find(&sc, PPP_PROTO_LCP, FSM_CONF_REQ);
    assert_non_null(req);
    assert_null(sc_option(req, LCP_OPT_VENDOR, NULL));
    sc_free(&sc);
}

static void a_protocol_reject_of_vsnp_stops_offloading(void **state)
{
    uint8_t pkt[TCP4_LEN], rej[2 + 16];
    struct ppp_offload off;
    struct h_pair *p = pair_up(true, true);

    (void)state;
    tcp4_super_packet(pkt, &off);
    put16(rej, PPP_PROTO_VSNP);
    memset(rej + 2, 0, 16);
    uint8_t lcp[4 + sizeof(rej)] = {LCP_PROTO_REJ, 9, 0, (uint8_t)(4 + sizeof(rej))};
    memcpy(lcp + 4, rej, sizeof(rej));
    h_feed(p->a.link, PPP_PROTO_LCP, lcp, sizeof(lcp), NULL, p->now);
    assert_int_equal(ppp_link_send_offloaded(p->a.link, &off, pkt, sizeof(pkt), p->now),
                     PPP_ERR_NO_OFFLOAD);
    pair_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(header_is_ten_bytes_in_network_order),
        cmocka_unit_test(a_tso_packets_metadata_is_valid),
        cmocka_unit_test(metadata_that_does_not_fit_the_packet_is_refused),
        cmocka_unit_test(ipv6_segmentation_needs_tcp),
        cmocka_unit_test(a_partial_checksum_names_only_the_tcp_or_udp_field),
        cmocka_unit_test(ipv6_checksums_follow_the_extension_headers),
        cmocka_unit_test(plain_metadata_needs_no_transport_header),
        cmocka_unit_test(a_refused_checksum_can_be_finished_here),
        cmocka_unit_test(a_completed_checksum_is_the_full_one),
        cmocka_unit_test(an_odd_length_is_padded_with_zero),
        cmocka_unit_test(the_queue_keeps_each_packets_metadata),
        cmocka_unit_test(two_pppssh_ends_carry_metadata_across),
        cmocka_unit_test(without_the_peers_agreement_nothing_is_offloaded),
        cmocka_unit_test(bad_metadata_or_an_oversized_packet_is_not_sent),
        cmocka_unit_test(our_request_carries_the_vendor_option),
        cmocka_unit_test(another_vendors_option_is_rejected),
        cmocka_unit_test(vsnp_frames_need_the_option),
        cmocka_unit_test(vsnp_frames_need_sound_metadata),
        cmocka_unit_test(a_protocol_reject_of_vsnp_stops_offloading),
        cmocka_unit_test(refusing_offload_stops_the_peer),
        cmocka_unit_test(a_nak_of_our_option_alone_drops_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
