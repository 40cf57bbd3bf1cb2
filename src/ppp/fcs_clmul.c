/*
 * fcs_clmul.c - FCS-16 and FCS-32 by carry-less multiplication (x86-64
 * PCLMULQDQ), for long runs; the slicing tables of fcs.c do the rest.
 *
 * A CRC with a zero initial register depends only on the message
 * polynomial M(x) modulo the generator P(x), so a 128-bit block X followed
 * by D more bits can be replaced by any F = X * x^D (mod P) of at most 128
 * bits, added into the block D bits further on.  With X = H x^64 + L
 * (H the first 64 bits sent), F = H * (x^(D+64) mod P) + L * (x^D mod P):
 * two 64x32-bit carry-less products.  Four accumulators fold 64 bytes per
 * step (D = 512) so the multiplies overlap, then fold into one (D = 128);
 * the last block and the tail go through the tables.  The register's
 * initial value is added into the first bits of the message, as the
 * slicing code does, which makes the zero-register argument hold.
 *
 * Both FCSs are reflected: a little-endian 128-bit load puts the first bit
 * sent in bit 0, so bit i stands for x^(127-i).  In that order the 128-bit
 * carry-less product of two 64-bit operands comes out multiplied by one
 * extra x, which the constants absorb (they are x^(e-1) mod P).
 *
 * The constants are computed here, once, by a constructor, as is the
 * decision whether the CPU has the instruction; without it (or on other
 * architectures) everything goes to the slicing code.  Both paths give the
 * same bits: tests/unit/test_fcs.c checks each against a bitwise CRC.
 */
#include "fcs.h"

#define FCS16_POLY_NORMAL 0x1021u     /* x^16 + x^12 + x^5 + 1, x^16 implied */
#define FCS32_POLY_NORMAL 0x04c11db7u /* the CRC-32 generator, x^32 implied */

#define BLOCK 16
#define LANES 4
/* Below this the setup costs more than the tables. */
#define CLMUL_MIN_LEN (2 * LANES * BLOCK)

struct fold_consts {
    uint64_t far_hi, far_lo;   /* D = 512: x^575 and x^511 mod P, reflected */
    uint64_t near_hi, near_lo; /* D = 128: x^191 and x^127 mod P, reflected */
};

static struct fold_consts fcs16_consts, fcs32_consts;
static bool have_clmul;

/* x^e mod P(x) for P of degree width, as a 64-bit reflected operand: the
 * coefficient of x^d in bit 63 - d. */
static uint64_t reflected_x_pow_mod(unsigned e, unsigned width, uint32_t poly_normal)
{
    uint64_t v = 1, top = (uint64_t)1 << width, r = 0;

    for (unsigned i = 0; i < e; i++) {
        v <<= 1;
        if (v & top)
            v ^= top | poly_normal;
    }
    for (unsigned d = 0; d < width; d++)
        if (v >> d & 1)
            r |= (uint64_t)1 << (63 - d);
    return r;
}

static void consts_init(struct fold_consts *c, unsigned width, uint32_t poly_normal)
{
    c->far_hi = reflected_x_pow_mod(512 + 64 - 1, width, poly_normal);
    c->far_lo = reflected_x_pow_mod(512 - 1, width, poly_normal);
    c->near_hi = reflected_x_pow_mod(128 + 64 - 1, width, poly_normal);
    c->near_lo = reflected_x_pow_mod(128 - 1, width, poly_normal);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>

#define CLMUL_TARGET __attribute__((target("pclmul,sse2")))

__attribute__((constructor)) static void fcs_clmul_init(void)
{
    consts_init(&fcs16_consts, 16, FCS16_POLY_NORMAL);
    consts_init(&fcs32_consts, 32, FCS32_POLY_NORMAL);
    __builtin_cpu_init();
    have_clmul = __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse2");
}

CLMUL_TARGET static inline __m128i fold(__m128i x, __m128i k)
{
    /* low qword of x (H) times low of k (x^(D+64)), high (L) times high */
    return _mm_xor_si128(_mm_clmulepi64_si128(x, k, 0x00), _mm_clmulepi64_si128(x, k, 0x11));
}

CLMUL_TARGET static inline __m128i load(const uint8_t *p)
{
    return _mm_loadu_si128((const __m128i *)(const void *)p);
}

/* Folds data[0..len) (len >= CLMUL_MIN_LEN), register init added, down to
 * one block in out; returns the bytes consumed (the rest is < BLOCK). */
CLMUL_TARGET static size_t fold_to_block(uint32_t init, const struct fold_consts *c,
                                         const uint8_t *data, size_t len, uint8_t out[BLOCK])
{
    const __m128i far = _mm_set_epi64x((long long)c->far_lo, (long long)c->far_hi);
    const __m128i near = _mm_set_epi64x((long long)c->near_lo, (long long)c->near_hi);
    __m128i x0 = _mm_xor_si128(load(data), _mm_cvtsi32_si128((int)init));
    __m128i x1 = load(data + BLOCK), x2 = load(data + 2 * BLOCK), x3 = load(data + 3 * BLOCK);
    size_t done = LANES * BLOCK;

    for (; len - done >= LANES * BLOCK; done += LANES * BLOCK) {
        x0 = _mm_xor_si128(fold(x0, far), load(data + done));
        x1 = _mm_xor_si128(fold(x1, far), load(data + done + BLOCK));
        x2 = _mm_xor_si128(fold(x2, far), load(data + done + 2 * BLOCK));
        x3 = _mm_xor_si128(fold(x3, far), load(data + done + 3 * BLOCK));
    }
    x0 = _mm_xor_si128(fold(x0, near), x1);
    x0 = _mm_xor_si128(fold(x0, near), x2);
    x0 = _mm_xor_si128(fold(x0, near), x3);
    for (; len - done >= BLOCK; done += BLOCK)
        x0 = _mm_xor_si128(fold(x0, near), load(data + done));
    _mm_storeu_si128((__m128i *)(void *)out, x0);
    return done;
}

bool ppp_fcs_clmul_available(void)
{
    return have_clmul;
}

uint16_t ppp_fcs16_clmul(uint16_t fcs, const uint8_t *data, size_t len)
{
    uint8_t block[BLOCK];
    size_t done;

    if (!have_clmul || len < CLMUL_MIN_LEN)
        return ppp_fcs16_slicing(fcs, data, len);
    done = fold_to_block(fcs, &fcs16_consts, data, len, block);
    return ppp_fcs16_slicing(ppp_fcs16_slicing(0, block, BLOCK), data + done, len - done);
}

uint32_t ppp_fcs32_clmul(uint32_t fcs, const uint8_t *data, size_t len)
{
    uint8_t block[BLOCK];
    size_t done;

    if (!have_clmul || len < CLMUL_MIN_LEN)
        return ppp_fcs32_slicing(fcs, data, len);
    done = fold_to_block(fcs, &fcs32_consts, data, len, block);
    return ppp_fcs32_slicing(ppp_fcs32_slicing(0, block, BLOCK), data + done, len - done);
}

#else /* no PCLMULQDQ on this architecture: the tables do everything */

bool ppp_fcs_clmul_available(void)
{
    (void)fcs16_consts;
    (void)fcs32_consts;
    (void)have_clmul;
    (void)consts_init;
    return false;
}

uint16_t ppp_fcs16_clmul(uint16_t fcs, const uint8_t *data, size_t len)
{
    return ppp_fcs16_slicing(fcs, data, len);
}

uint32_t ppp_fcs32_clmul(uint32_t fcs, const uint8_t *data, size_t len)
{
    return ppp_fcs32_slicing(fcs, data, len);
}

#endif
