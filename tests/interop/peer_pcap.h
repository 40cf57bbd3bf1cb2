/*
 * peer_pcap.h - record the wire of a PPP link as Wireshark reads it.
 *
 * Both directions of the async byte stream go through a deframer of our own
 * (not the engine's: a capture must show what really went over the wire,
 * bad frames included).  Each frame, un-escaped, from the Address field (or
 * the Protocol when ACFC dropped it) through the FCS, becomes one record of
 * a LINKTYPE_PPP_HDLC (50) pcap: Wireshark checks the FCS itself with
 * "-o ppp.fcs_type:16-Bit".  Link type 50 has no direction field.
 */
#ifndef PEER_PCAP_H
#define PEER_PCAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum wire_direction { WIRE_RX, WIRE_TX };

#define WIRE_FRAME_MAX 70000 /* above any MRU plus header and FCS */

struct wire_deframer {
    uint8_t frame[WIRE_FRAME_MAX];
    size_t len;
    bool inside; /* a flag was seen: bytes before it are login noise */
    bool escaped;
    bool overflow;
    uint64_t frames;
    uint16_t lcp_codes_seen; /* bit n: an LCP packet with code n went by */
};

struct wire_tap {
    FILE *pcap; /* NULL: only count */
    struct wire_deframer dir[2];
};

/* Open path for writing (NULL path: no file).  Returns false on error. */
bool wire_tap_open(struct wire_tap *tap, const char *path);
/* Bytes that went over the wire in one direction, in any chunking. */
void wire_tap_feed(struct wire_tap *tap, enum wire_direction dir, const uint8_t *data, size_t len);
void wire_tap_close(struct wire_tap *tap);

#endif
