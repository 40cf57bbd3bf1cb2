/* test_fcs.c - FCS-16 and FCS-32 (RFC 1662 Appendix C) against known CRC
 * values, the GOOD constants and a bit-at-a-time reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fcs.h"

static const uint8_t check_string[] = "123456789";

/* Independent reference: shift the register one bit at a time, straight
 * from the polynomial definition. */
static uint32_t bitwise_fcs(uint32_t fcs, uint32_t reflected_poly, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fcs ^= p[i];
        for (int bit = 0; bit < 8; bit++)
            fcs = (fcs & 1) ? (fcs >> 1) ^ reflected_poly : fcs >> 1;
    }
    return fcs;
}

static uint16_t ref_fcs16(uint16_t fcs, const uint8_t *p, size_t n)
{
    return (uint16_t)bitwise_fcs(fcs, 0x8408, p, n);
}

static uint32_t ref_fcs32(uint32_t fcs, const uint8_t *p, size_t n)
{
    return bitwise_fcs(fcs, 0xedb88320u, p, n);
}

static uint32_t rng_state = 0x2545f491;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

static void fcs16_is_crc16_x25(void **state)
{
    /* CRC-16/X-25 check value: the FCS-16 as transmitted, complemented. */
    assert_int_equal(ppp_fcs16(PPP_FCS16_INIT, check_string, 9) ^ 0xffff, 0x906e);
}

static void fcs32_is_crc32(void **state)
{
    /* The CRC-32 of zlib/Ethernet: check value 0xcbf43926. */
    assert_int_equal(ppp_fcs32(PPP_FCS32_INIT, check_string, 9) ^ 0xffffffffu, 0xcbf43926u);
}

static void empty_input_leaves_fcs_unchanged(void **state)
{
    assert_int_equal(ppp_fcs16(0x1234, NULL, 0), 0x1234);
    assert_int_equal(ppp_fcs32(0x12345678u, NULL, 0), 0x12345678u);
}

static void data_plus_fcs_gives_good_constant(void **state)
{
    uint8_t buf[300];

    for (size_t len = 0; len < 290; len += 7) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (uint8_t)rng();
        uint16_t f16 = ppp_fcs16(PPP_FCS16_INIT, buf, len) ^ 0xffff;
        buf[len] = (uint8_t)f16;
        buf[len + 1] = (uint8_t)(f16 >> 8);
        assert_int_equal(ppp_fcs16(PPP_FCS16_INIT, buf, len + 2), PPP_FCS16_GOOD);
        buf[len] ^= 0x01;
        assert_int_not_equal(ppp_fcs16(PPP_FCS16_INIT, buf, len + 2), PPP_FCS16_GOOD);

        uint32_t f32 = ppp_fcs32(PPP_FCS32_INIT, buf, len) ^ 0xffffffffu;
        for (int k = 0; k < 4; k++)
            buf[len + k] = (uint8_t)(f32 >> (8 * k));
        assert_int_equal(ppp_fcs32(PPP_FCS32_INIT, buf, len + 4), PPP_FCS32_GOOD);
        buf[len + 3] ^= 0x80;
        assert_int_not_equal(ppp_fcs32(PPP_FCS32_INIT, buf, len + 4), PPP_FCS32_GOOD);
    }
}

static void slicing_matches_bitwise_reference(void **state)
{
    uint8_t buf[1100];

    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rng();
    for (int round = 0; round < 2000; round++) {
        size_t offset = rng() % 8;
        size_t len = rng() % (sizeof(buf) - 8);
        uint16_t seed16 = (uint16_t)rng();
        uint32_t seed32 = rng();

        assert_int_equal(ppp_fcs16(seed16, buf + offset, len),
                         ref_fcs16(seed16, buf + offset, len));
        assert_int_equal(ppp_fcs32(seed32, buf + offset, len),
                         ref_fcs32(seed32, buf + offset, len));
    }
}

/* Random data, lengths across the carry-less path's thresholds (64 bytes,
 * each 64-byte step, 16-byte blocks, a tail), unaligned starts, random
 * registers: both ways must give the bitwise CRC exactly. */
static void both_ways_match_bitwise_reference(void **state)
{
    static uint8_t buf[70000];

    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rng();
    for (int round = 0; round < 3000; round++) {
        size_t offset = rng() % 16;
        size_t len = round < 300 ? (size_t)round : rng() % (round % 10 ? 2000 : 65600);
        const uint8_t *p = buf + offset;
        uint16_t seed16 = (uint16_t)rng();
        uint32_t seed32 = rng();
        uint16_t want16 = ref_fcs16(seed16, p, len);
        uint32_t want32 = ref_fcs32(seed32, p, len);

        assert_int_equal(ppp_fcs16_slicing(seed16, p, len), want16);
        assert_int_equal(ppp_fcs16_clmul(seed16, p, len), want16);
        assert_int_equal(ppp_fcs16(seed16, p, len), want16);
        assert_int_equal(ppp_fcs32_slicing(seed32, p, len), want32);
        assert_int_equal(ppp_fcs32_clmul(seed32, p, len), want32);
        assert_int_equal(ppp_fcs32(seed32, p, len), want32);
    }
}

/* The carry-less path must really run where it can, or the test above
 * proves nothing about it. */
static void clmul_used_where_available(void **state)
{
#if defined(__x86_64__)
    FILE *f = fopen("/proc/cpuinfo", "r");
    char line[4096];
    bool listed = false;

    while (f && fgets(line, sizeof(line), f))
        listed |= strncmp(line, "flags", 5) == 0 && strstr(line, " pclmulqdq");
    if (f)
        fclose(f);
    assert_int_equal(ppp_fcs_clmul_available(), listed);
#else
    assert_false(ppp_fcs_clmul_available());
#endif
}

static void split_input_equals_whole(void **state)
{
    uint8_t buf[600];

    for (size_t i = 0; i < sizeof(buf); i++)
        buf[i] = (uint8_t)rng();
    for (size_t cut = 0; cut <= sizeof(buf); cut += 13) {
        uint16_t f16 = ppp_fcs16(PPP_FCS16_INIT, buf, cut);
        uint32_t f32 = ppp_fcs32(PPP_FCS32_INIT, buf, cut);
        assert_int_equal(ppp_fcs16(f16, buf + cut, sizeof(buf) - cut),
                         ppp_fcs16(PPP_FCS16_INIT, buf, sizeof(buf)));
        assert_int_equal(ppp_fcs32(f32, buf + cut, sizeof(buf) - cut),
                         ppp_fcs32(PPP_FCS32_INIT, buf, sizeof(buf)));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fcs16_is_crc16_x25),
        cmocka_unit_test(fcs32_is_crc32),
        cmocka_unit_test(empty_input_leaves_fcs_unchanged),
        cmocka_unit_test(data_plus_fcs_gives_good_constant),
        cmocka_unit_test(slicing_matches_bitwise_reference),
        cmocka_unit_test(both_ways_match_bitwise_reference),
        cmocka_unit_test(clmul_used_where_available),
        cmocka_unit_test(split_input_equals_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
