/*
 * link.h - engine internals that tests and fuzz targets may reach beyond
 * the public API in ppp.h.
 */
#ifndef PPPSSH_LINK_H
#define PPPSSH_LINK_H

#include "ppp.h"

/* Handle one decoded frame (Address..Information, FCS already checked and
 * removed) as if it had arrived on the stream. */
void ppp_link_input_frame(struct ppp_link *link, const uint8_t *frame, size_t len, ppp_time now);

#endif
