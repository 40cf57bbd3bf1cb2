/*
 * fcs.c - FCS-16 and FCS-32 of RFC 1662 Appendix C, slicing-by-8.
 *
 * Both FCSs are reflected CRCs (bits leave the shift register LSB first),
 * polynomials x^16+x^12+x^5+1 (0x8408 reflected) and the CRC-32 polynomial
 * (0xedb88320 reflected).  The byte-at-a-time table of the RFC is table[0];
 * table[k][b] is the register after byte b was followed by k zero bytes, so
 * eight table look-ups fold eight input bytes at once.
 *
 * The tables are filled once, by a constructor that runs before main(), so
 * every later call only reads them: no lazy-init race, same results always.
 */
#include "fcs.h"

#define FCS16_POLY 0x8408u
#define FCS32_POLY 0xedb88320u

static uint16_t fcs16_table[8][256];
static uint32_t fcs32_table[8][256];

static uint32_t reflected_crc_byte(uint32_t poly, uint32_t value)
{
    for (int bit = 0; bit < 8; bit++)
        value = (value & 1) ? (value >> 1) ^ poly : value >> 1;
    return value;
}

__attribute__((constructor)) static void fcs_tables_init(void)
{
    for (uint32_t b = 0; b < 256; b++) {
        fcs16_table[0][b] = (uint16_t)reflected_crc_byte(FCS16_POLY, b);
        fcs32_table[0][b] = reflected_crc_byte(FCS32_POLY, b);
    }
    for (int k = 1; k < 8; k++) {
        for (uint32_t b = 0; b < 256; b++) {
            uint16_t p16 = fcs16_table[k - 1][b];
            uint32_t p32 = fcs32_table[k - 1][b];
            fcs16_table[k][b] = (uint16_t)((p16 >> 8) ^ fcs16_table[0][p16 & 0xff]);
            fcs32_table[k][b] = (p32 >> 8) ^ fcs32_table[0][p32 & 0xff];
        }
    }
}

/* The FCS consumes bytes in transmission order, so words are read
 * little-endian whatever the host is. */
static inline uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint16_t ppp_fcs16(uint16_t fcs, const uint8_t *data, size_t len)
{
    const uint16_t(*t)[256] = fcs16_table;

    for (; len >= 8; data += 8, len -= 8) {
        uint32_t lo = load_le32(data) ^ fcs;
        uint32_t hi = load_le32(data + 4);
        fcs = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
              t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
    }
    for (; len > 0; data++, len--)
        fcs = (uint16_t)((fcs >> 8) ^ t[0][(fcs ^ *data) & 0xff]);
    return fcs;
}

uint32_t ppp_fcs32(uint32_t fcs, const uint8_t *data, size_t len)
{
    const uint32_t(*t)[256] = fcs32_table;

    for (; len >= 8; data += 8, len -= 8) {
        uint32_t lo = load_le32(data) ^ fcs;
        uint32_t hi = load_le32(data + 4);
        fcs = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
              t[3][hi & 0xff] ^ t[2][(hi >> 8) & 0xff] ^ t[1][(hi >> 16) & 0xff] ^ t[0][hi >> 24];
    }
    for (; len > 0; data++, len--)
        fcs = (fcs >> 8) ^ t[0][(fcs ^ *data) & 0xff];
    return fcs;
}
