/* test_hdlc.c - RFC 1662 async HDLC framing: encoder, resumable decoder,
 * drop counters and the Address/Control/Protocol parser. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "fcs.h"
#include "hdlc.h"
#include "protocols.h"

#define MAX_INFO 1600
#define DEC_CAP (MAX_INFO + 8)
#define MAX_FRAMES 64

static uint32_t rng_state = 0x9e3779b9;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void fill_random(uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)rng();
}

static const uint32_t accms[] = {0, 0xffffffffu, 0x000a0000u, 0xa5a5a5a5u, 0x80000001u};
static const uint16_t protocols[] = {PPP_PROTO_IP,  PPP_PROTO_IPV6, PPP_PROTO_VJ_COMP,
                                     PPP_PROTO_LCP, PPP_PROTO_IPCP, 0x7e7d,
                                     0x027d,        0x0020 /* even: invalid */};

/* Decoded frames, copied out of the decoder's buffer. */
struct frames {
    size_t count;
    size_t len[MAX_FRAMES];
    uint8_t data[MAX_FRAMES][DEC_CAP];
};

/* Feed in chunks of 1..max_chunk bytes (max_chunk 0: all at once). */
static void feed(struct hdlc_decoder *dec, const uint8_t *in, size_t n, size_t max_chunk,
                 struct frames *out)
{
    while (n > 0) {
        size_t chunk = max_chunk ? 1 + rng() % max_chunk : n;
        if (chunk > n)
            chunk = n;
        size_t off = 0;
        while (off < chunk) {
            const uint8_t *frame;
            size_t frame_len;
            size_t used = hdlc_decode(dec, in + off, chunk - off, &frame, &frame_len);
            assert_true(used > 0);
            assert_true(used <= chunk - off);
            off += used;
            if (frame) {
                assert_true(frame_len <= dec->cap);
                assert_true(out->count < MAX_FRAMES);
                memcpy(out->data[out->count], frame, frame_len);
                out->len[out->count++] = frame_len;
            } else {
                assert_int_equal(off, chunk);
            }
        }
        in += chunk;
        n -= chunk;
    }
}

static void assert_parses_to(const uint8_t *frame, size_t len, uint16_t protocol,
                             const uint8_t *info, size_t info_len)
{
    uint16_t got_protocol;
    const uint8_t *got_info;
    size_t got_len;

    assert_true(ppp_frame_parse(frame, len, &got_protocol, &got_info, &got_len));
    assert_int_equal(got_protocol, protocol);
    assert_int_equal(got_len, info_len);
    if (info_len)
        assert_memory_equal(got_info, info, info_len);
}

static bool needs_escape(uint8_t b, uint32_t accm)
{
    return b == 0x7d || b == 0x7e || (b < 0x20 && (accm >> b & 1));
}

/* Between the flags: no flag, no byte the ACCM maps, escapes only before
 * bytes that needed it; returns the unescaped length. */
static size_t check_escaping(const uint8_t *enc, size_t n, uint32_t accm)
{
    size_t raw = 0;

    assert_int_equal(enc[0], 0x7e);
    assert_int_equal(enc[n - 1], 0x7e);
    for (size_t i = 1; i < n - 1; i++, raw++) {
        assert_int_not_equal(enc[i], 0x7e);
        if (enc[i] == 0x7d) {
            i++;
            assert_true(needs_escape(enc[i] ^ 0x20, accm));
        } else {
            assert_false(needs_escape(enc[i], accm));
        }
    }
    return raw;
}

static void round_trips_every_option_combination(void **state)
{
    static uint8_t info[MAX_INFO], enc[2 * MAX_INFO + 32], buf[DEC_CAP];
    static struct frames got;
    struct hdlc_decoder dec;

    for (size_t a = 0; a < sizeof(accms) / sizeof(accms[0]); a++)
        for (int flags = 0; flags < 8; flags++)
            for (size_t p = 0; p < sizeof(protocols) / sizeof(protocols[0]); p++) {
                struct hdlc_tx tx = {accms[a], flags & 1, flags & 2, flags & 4};
                size_t len = rng() % MAX_INFO;
                fill_random(info, len);
                size_t n = hdlc_encode(enc, sizeof(enc), &tx, protocols[p], info, len, true);
                assert_true(n > 0 && n <= ppp_encoded_max(len));
                size_t raw = check_escaping(enc, n, tx.accm);
                bool short_proto = tx.pfc && protocols[p] < 0x100 && (protocols[p] & 1);
                size_t hdr = (tx.acfc ? 0 : 2) + (short_proto ? 1 : 2);
                assert_int_equal(raw, hdr + len + (tx.fcs32 ? 4 : 2));

                hdlc_decoder_init(&dec, buf, sizeof(buf));
                dec.fcs32 = tx.fcs32;
                got.count = 0;
                feed(&dec, enc, n, 0, &got);
                assert_int_equal(got.count, 1);
                assert_int_equal(dec.stats.frames, 1);
                assert_int_equal(got.len[0], hdr + len);
                if (protocols[p] & 1)
                    assert_parses_to(got.data[0], got.len[0], protocols[p], info, len);
                else
                    assert_false(ppp_frame_parse(got.data[0], got.len[0], &(uint16_t){0},
                                                 &(const uint8_t *){NULL}, &(size_t){0}));
            }
}

/* Many frames, sharing flags or not, fed in random chunks: the same frames
 * come out in the same order as when fed whole or byte by byte. */
static void chunking_does_not_change_result(void **state)
{
    static uint8_t stream[40000], info[12][MAX_INFO], buf[DEC_CAP];
    static struct frames whole, chunked;
    size_t info_len[12], n = 0;
    struct hdlc_tx tx = {0, true, true, false};
    struct hdlc_decoder dec;
    const size_t chunk_limits[] = {0, 1, 2, 3, 7, 64, 1500, 4000};

    for (int round = 0; round < 20; round++) {
        n = 0;
        tx.accm = accms[round % 5];
        tx.fcs32 = round & 1;
        for (int f = 0; f < 12; f++) {
            info_len[f] = 1 + rng() % (MAX_INFO - 1);
            fill_random(info[f], info_len[f]);
            /* Sprinkle flag and escape bytes so every path is exercised. */
            info[f][rng() % info_len[f]] = 0x7d;
            info[f][rng() % info_len[f]] = 0x7e;
            n += hdlc_encode(stream + n, sizeof(stream) - n, &tx, PPP_PROTO_IP, info[f],
                             info_len[f], f == 0 || (rng() & 1));
        }
        for (size_t c = 0; c < sizeof(chunk_limits) / sizeof(chunk_limits[0]); c++) {
            struct frames *out = c == 0 ? &whole : &chunked;
            hdlc_decoder_init(&dec, buf, sizeof(buf));
            dec.fcs32 = tx.fcs32;
            out->count = 0;
            feed(&dec, stream, n, chunk_limits[c], out);
            assert_int_equal(out->count, 12);
            for (int f = 0; f < 12; f++) {
                assert_int_equal(out->len[f], whole.len[f]);
                assert_memory_equal(out->data[f], whole.data[f], whole.len[f]);
                assert_parses_to(out->data[f], out->len[f], PPP_PROTO_IP, info[f], info_len[f]);
            }
            assert_int_equal(dec.stats.bad_fcs + dec.stats.runts + dec.stats.aborts, 0);
        }
    }
}

static void escapes_exactly_what_accm_maps(void **state)
{
    uint8_t all[256], enc[600];
    struct hdlc_tx tx = {0, true, true, false};

    for (int b = 0; b < 256; b++)
        all[b] = (uint8_t)b;
    for (size_t a = 0; a < sizeof(accms) / sizeof(accms[0]); a++) {
        tx.accm = accms[a];
        size_t n = hdlc_encode(enc, sizeof(enc), &tx, PPP_PROTO_IP, all, 256, true);
        /* Flag, protocol 0x21, then the 256 bytes in order. */
        const uint8_t *p = enc + 2;
        for (int b = 0; b < 256; b++) {
            if (needs_escape((uint8_t)b, tx.accm)) {
                assert_int_equal(p[0], 0x7d);
                assert_int_equal(p[1], b ^ 0x20);
                p += 2;
            } else {
                assert_int_equal(p[0], b);
                p++;
            }
        }
        check_escaping(enc, n, tx.accm);
    }
    /* With ACCM zero only 0x7d and 0x7e grow: 256 + 2 bytes of info. */
    tx.accm = 0;
    size_t n = hdlc_encode(enc, sizeof(enc), &tx, PPP_PROTO_IP, all, 256, false);
    assert_int_equal(enc[0], 0x21);
    assert_true(n >= 1 + 258 + 2 + 1);
    assert_true(n <= 1 + 258 + 4 + 1);
}

/* Append b, escaped as with an all-ones ACCM (test's own escaper). */
static size_t put_escaped(uint8_t *out, uint8_t b)
{
    if (b < 0x20 || b == 0x7d || b == 0x7e) {
        out[0] = 0x7d;
        out[1] = b ^ 0x20;
        return 2;
    }
    out[0] = b;
    return 1;
}

/* An LCP Configure-Request as pppd sends it before negotiation: full
 * header, every control character escaped. */
static void encodes_lcp_configure_request_byte_exact(void **state)
{
    const uint8_t lcp[] = {0x01, 0x01, 0x00, 0x14,             /* Conf-Req id 1 len 20 */
                           0x02, 0x06, 0x00, 0x00, 0x00, 0x00, /* ACCM 0 */
                           0x05, 0x06, 0x5a, 0x3c, 0x7e, 0x01, /* Magic */
                           0x07, 0x02, 0x08, 0x02};            /* PFC, ACFC */
    const uint8_t expect_head[] = {
        0x7e, 0xff, 0x7d, 0x23, 0xc0, 0x21, 0x7d, 0x21, 0x7d, 0x21, 0x7d, 0x20, 0x7d, 0x34, 0x7d,
        0x22, 0x7d, 0x26, 0x7d, 0x20, 0x7d, 0x20, 0x7d, 0x20, 0x7d, 0x20, 0x7d, 0x25, 0x7d, 0x26,
        0x5a, 0x3c, 0x7d, 0x5e, 0x7d, 0x21, 0x7d, 0x27, 0x7d, 0x22, 0x7d, 0x28, 0x7d, 0x22};
    uint8_t expect[80], enc[80], unescaped[4 + sizeof(lcp)] = {0xff, 0x03, 0xc0, 0x21};
    struct hdlc_tx tx = {0xffffffffu, false, true, false};
    size_t n = sizeof(expect_head);

    /* FCS by the bit-at-a-time definition, not by fcs.c. */
    memcpy(unescaped + 4, lcp, sizeof(lcp));
    uint16_t fcs = 0xffff;
    for (size_t i = 0; i < sizeof(unescaped); i++) {
        fcs ^= unescaped[i];
        for (int bit = 0; bit < 8; bit++)
            fcs = (fcs & 1) ? (uint16_t)((fcs >> 1) ^ 0x8408) : (uint16_t)(fcs >> 1);
    }
    fcs ^= 0xffff;
    memcpy(expect, expect_head, n);
    n += put_escaped(expect + n, (uint8_t)fcs);
    n += put_escaped(expect + n, (uint8_t)(fcs >> 8));
    expect[n++] = 0x7e;

    assert_int_equal(hdlc_encode(enc, sizeof(enc), &tx, PPP_PROTO_LCP, lcp, sizeof(lcp), true), n);
    assert_memory_equal(enc, expect, n);

    /* And pppd's frame decodes back (any ACCM: unescaped controls pass). */
    uint8_t buf[64];
    struct hdlc_decoder dec;
    const uint8_t *frame;
    size_t frame_len;
    hdlc_decoder_init(&dec, buf, sizeof(buf));
    assert_int_equal(hdlc_decode(&dec, expect, n, &frame, &frame_len), n);
    assert_non_null(frame);
    assert_int_equal(frame_len, sizeof(unescaped));
    assert_memory_equal(frame, unescaped, sizeof(unescaped));
}

static void accepts_unescaped_control_characters(void **state)
{
    /* ff 03 00 21 11 13 00 with a valid FCS, the controls sent raw. */
    uint8_t frame[16] = {0x7e, 0xff, 0x03, 0x00, 0x21, 0x11, 0x13, 0x00};
    uint8_t buf[32];
    struct hdlc_decoder dec;
    const uint8_t *out;
    size_t out_len;
    uint16_t fcs = ppp_fcs16(PPP_FCS16_INIT, frame + 1, 7) ^ 0xffff;
    size_t n = 8;

    n += put_escaped(frame + n, (uint8_t)fcs);
    n += put_escaped(frame + n, (uint8_t)(fcs >> 8));
    frame[n++] = 0x7e;
    hdlc_decoder_init(&dec, buf, sizeof(buf));
    hdlc_decode(&dec, frame, n, &out, &out_len);
    assert_non_null(out);
    assert_int_equal(out_len, 7);
    assert_memory_equal(out, frame + 1, 7);
}

/* Encoded good frame with ACFC+PFC, protocol IP, info "hello". */
static size_t good_frame(uint8_t *out, size_t cap, bool opening_flag)
{
    const struct hdlc_tx tx = {0, true, true, false};
    return hdlc_encode(out, cap, &tx, PPP_PROTO_IP, (const uint8_t *)"hello", 5, opening_flag);
}

static void counts_banner_runts_bad_fcs_aborts(void **state)
{
    static const char banner[] = "Welcome to host\r\nLast login: today\r\n";
    uint8_t stream[512], buf[64];
    struct hdlc_decoder dec;
    struct frames *got = test_malloc(sizeof(*got));
    size_t n = 0, good;

    memcpy(stream, banner, sizeof(banner) - 1);
    n = sizeof(banner) - 1;
    n += good_frame(stream + n, sizeof(stream) - n, true); /* 1 good */
    stream[n++] = 0x7e;                                    /* empty: fill */
    stream[n++] = 0x7e;
    memcpy(stream + n, "\x01\x02\x03\x7e", 4); /* runt */
    n += 4;
    good = good_frame(stream + n, sizeof(stream) - n, false);
    stream[n + 2] ^= 0x40; /* bad FCS */
    n += good;
    memcpy(stream + n, "\xff\x03\x00\x21\x7d\x7e", 6); /* abort */
    n += 6;
    memcpy(stream + n, "\x7d\x7e", 2); /* abort of empty */
    n += 2;
    n += good_frame(stream + n, sizeof(stream) - n, false); /* 2 good */

    for (size_t chunk = 0; chunk < 4; chunk++) {
        hdlc_decoder_init(&dec, buf, sizeof(buf));
        got->count = 0;
        feed(&dec, stream, n, chunk, got);
        assert_int_equal(got->count, 2);
        assert_int_equal(dec.stats.frames, 2);
        assert_int_equal(dec.stats.outside_frames, sizeof(banner) - 1);
        assert_int_equal(dec.stats.runts, 1);
        assert_int_equal(dec.stats.bad_fcs, 1);
        assert_int_equal(dec.stats.aborts, 2);
        assert_int_equal(dec.stats.too_long, 0);
        for (size_t f = 0; f < 2; f++)
            assert_parses_to(got->data[f], got->len[f], PPP_PROTO_IP, (const uint8_t *)"hello", 5);
    }
    test_free(got);
}

static void fcs32_runt_is_shorter_than_six(void **state)
{
    uint8_t buf[64];
    struct hdlc_decoder dec;
    const uint8_t *frame;
    size_t frame_len;

    hdlc_decoder_init(&dec, buf, sizeof(buf));
    dec.fcs32 = true;
    hdlc_decode(&dec, (const uint8_t *)"\x7e\x01\x02\x03\x04\x05\x7e", 7, &frame, &frame_len);
    assert_null(frame);
    assert_int_equal(dec.stats.runts, 1);
    hdlc_decode(&dec, (const uint8_t *)"\x01\x02\x03\x04\x05\x06\x7e", 7, &frame, &frame_len);
    assert_int_equal(dec.stats.runts, 1);
    assert_int_equal(dec.stats.bad_fcs, 1);
}

/* An over-long frame is dropped without writing past cap (guard bytes
 * around the buffer stay intact), and the next frame is received. */
static void too_long_frame_is_dropped_then_recovers(void **state)
{
    static uint8_t stream[8000], info[3000];
    uint8_t arena[16 + 100 + 16];
    uint8_t *buf = arena + 16;
    struct hdlc_decoder dec;
    struct frames *got = test_malloc(sizeof(*got));
    const struct hdlc_tx tx = {0, false, false, false};
    size_t n, cap = 100;

    for (size_t round = 0; round < 40; round++) {
        size_t long_len = cap - 3 + rng() % 2000; /* over cap once header+FCS added */
        fill_random(info, long_len);
        if (round & 1)
            memset(info, 0x7d, long_len); /* all escaped: tests the escape path */
        memset(arena, 0xa5, sizeof(arena));
        n = hdlc_encode(stream, sizeof(stream), &tx, PPP_PROTO_IP, info, long_len, true);
        n += good_frame(stream + n, sizeof(stream) - n, false);
        /* A frame exactly cap bytes long (header 4 + 94 + FCS 2) fits. */
        n += hdlc_encode(stream + n, sizeof(stream) - n, &tx, PPP_PROTO_IP, info, cap - 6, false);
        hdlc_decoder_init(&dec, buf, cap);
        got->count = 0;
        feed(&dec, stream, n, round % 5 == 0 ? 0 : 1 + round, got);
        assert_int_equal(dec.stats.too_long, 1);
        assert_int_equal(got->count, 2);
        assert_parses_to(got->data[0], got->len[0], PPP_PROTO_IP, (const uint8_t *)"hello", 5);
        assert_parses_to(got->data[1], got->len[1], PPP_PROTO_IP, info, cap - 6);
        for (size_t i = 0; i < 16; i++) {
            assert_int_equal(arena[i], 0xa5);
            assert_int_equal(arena[16 + cap + i], 0xa5);
        }
    }
    test_free(got);
}

static void garbage_never_overruns_buffer(void **state)
{
    static uint8_t garbage[20000];
    uint8_t arena[16 + 50 + 16];
    struct hdlc_decoder dec;
    const uint8_t *frame;
    size_t frame_len;

    memset(arena, 0x5a, sizeof(arena));
    hdlc_decoder_init(&dec, arena + 16, 50);
    for (size_t i = 0; i < sizeof(garbage); i++) {
        uint32_t r = rng();
        /* Biased towards flags and escapes so that frames start and end. */
        garbage[i] = (r & 0x300) == 0 ? (uint8_t)(0x7d + (r & 1)) : (uint8_t)r;
    }
    for (size_t off = 0; off < sizeof(garbage);) {
        size_t chunk = 1 + rng() % 300;
        if (chunk > sizeof(garbage) - off)
            chunk = sizeof(garbage) - off;
        size_t used = hdlc_decode(&dec, garbage + off, chunk, &frame, &frame_len);
        assert_true(used >= 1 && used <= chunk);
        if (frame)
            assert_true(frame_len <= 50);
        off += used;
    }
    assert_true(dec.stats.runts + dec.stats.bad_fcs + dec.stats.too_long > 100);
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(arena[i], 0x5a);
        assert_int_equal(arena[16 + 50 + i], 0x5a);
    }
}

static void encoder_refuses_small_buffers(void **state)
{
    uint8_t info[64], out[200];
    struct hdlc_tx tx = {0xffffffffu, false, false, true};

    memset(info, 0x7e, sizeof(info));
    /* The worst case: everything escaped, 32-bit FCS. */
    size_t n = hdlc_encode(out, sizeof(out), &tx, 0x7e7d, info, sizeof(info), true);
    assert_true(n > 0);
    assert_true(n <= ppp_encoded_max(sizeof(info)));
    /* Tight: only the never-escaped 0xff and FCS bytes that happened not to
     * need escaping are below the bound. */
    assert_true(ppp_encoded_max(sizeof(info)) - n <= 1 + 4 * 2);
    for (size_t cap = 0; cap < n; cap++)
        assert_int_equal(hdlc_encode(out, cap, &tx, 0x7e7d, info, sizeof(info), true), 0);
    tx.accm = 0;
    n = hdlc_encode(out, sizeof(out), &tx, PPP_PROTO_IP, info, 10, false);
    for (size_t cap = 0; cap < n; cap++)
        assert_int_equal(hdlc_encode(out, cap, &tx, PPP_PROTO_IP, info, 10, false), 0);
    assert_int_equal(hdlc_encode(out, n, &tx, PPP_PROTO_IP, info, 10, false), n);
}

static void parses_address_control_and_protocol(void **state)
{
    uint16_t protocol;
    const uint8_t *info;
    size_t info_len;
    const uint8_t full[] = {0xff, 0x03, 0xc0, 0x21, 0x01};
    const uint8_t short_proto[] = {0x21, 0x45, 0x00};
    const uint8_t no_acfc_short[] = {0xff, 0x03, 0x21};
    const uint8_t even_low[] = {0xc0, 0x20, 0x01};
    const uint8_t truncated[] = {0xff, 0x03, 0x80};

    assert_parses_to(full, sizeof(full), 0xc021, full + 4, 1);
    assert_parses_to(short_proto, sizeof(short_proto), 0x21, short_proto + 1, 2);
    assert_parses_to(no_acfc_short, sizeof(no_acfc_short), 0x21, NULL, 0);
    assert_parses_to(full + 2, 2, 0xc021, NULL, 0);
    assert_false(ppp_frame_parse(even_low, sizeof(even_low), &protocol, &info, &info_len));
    assert_false(ppp_frame_parse(truncated, sizeof(truncated), &protocol, &info, &info_len));
    assert_false(ppp_frame_parse(full, 2, &protocol, &info, &info_len));
    assert_false(ppp_frame_parse(full, 0, &protocol, &info, &info_len));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trips_every_option_combination),
        cmocka_unit_test(chunking_does_not_change_result),
        cmocka_unit_test(escapes_exactly_what_accm_maps),
        cmocka_unit_test(encodes_lcp_configure_request_byte_exact),
        cmocka_unit_test(accepts_unescaped_control_characters),
        cmocka_unit_test(counts_banner_runts_bad_fcs_aborts),
        cmocka_unit_test(fcs32_runt_is_shorter_than_six),
        cmocka_unit_test(too_long_frame_is_dropped_then_recovers),
        cmocka_unit_test(garbage_never_overruns_buffer),
        cmocka_unit_test(encoder_refuses_small_buffers),
        cmocka_unit_test(parses_address_control_and_protocol),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
