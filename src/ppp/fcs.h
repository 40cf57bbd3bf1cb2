/*
 * fcs.h - the Frame Check Sequences of RFC 1662 Appendix C.
 *
 * Both run over Address..Information; the sender transmits the ones'
 * complement, least significant byte first, and a receiver that runs the
 * FCS over the frame including its FCS field ends on the GOOD constant.
 */
#ifndef PPPSSH_FCS_H
#define PPPSSH_FCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PPP_FCS16_INIT 0xffffu
#define PPP_FCS16_GOOD 0xf0b8u
#define PPP_FCS32_INIT 0xffffffffu
#define PPP_FCS32_GOOD 0xdebb20e3u

/* The fastest way this CPU has (carry-less multiply or tables). */
uint16_t ppp_fcs16(uint16_t fcs, const uint8_t *data, size_t len);
uint32_t ppp_fcs32(uint32_t fcs, const uint8_t *data, size_t len);

/* The two ways, for tests and benchmarks; all give the same results.
 * Slicing-by-16 tables (fcs.c), anywhere: */
uint16_t ppp_fcs16_slicing(uint16_t fcs, const uint8_t *data, size_t len);
uint32_t ppp_fcs32_slicing(uint32_t fcs, const uint8_t *data, size_t len);
/* PCLMULQDQ folding (fcs_clmul.c) for long inputs, the tables for short
 * ones and on CPUs without the instruction (see ppp_fcs_clmul_available). */
bool ppp_fcs_clmul_available(void);
uint16_t ppp_fcs16_clmul(uint16_t fcs, const uint8_t *data, size_t len);
uint32_t ppp_fcs32_clmul(uint32_t fcs, const uint8_t *data, size_t len);

#endif
