/*
 * fcs.h - the Frame Check Sequences of RFC 1662 Appendix C.
 *
 * Both run over Address..Information; the sender transmits the ones'
 * complement, least significant byte first, and a receiver that runs the
 * FCS over the frame including its FCS field ends on the GOOD constant.
 */
#ifndef PPPSSH_FCS_H
#define PPPSSH_FCS_H

#include <stddef.h>
#include <stdint.h>

#define PPP_FCS16_INIT 0xffffu
#define PPP_FCS16_GOOD 0xf0b8u
#define PPP_FCS32_INIT 0xffffffffu
#define PPP_FCS32_GOOD 0xdebb20e3u

uint16_t ppp_fcs16(uint16_t fcs, const uint8_t *data, size_t len);
uint32_t ppp_fcs32(uint32_t fcs, const uint8_t *data, size_t len);

#endif
