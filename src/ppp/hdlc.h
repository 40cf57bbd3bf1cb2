/*
 * hdlc.h - asynchronous HDLC-like framing, RFC 1662 section 4.
 *
 * The encoder turns one PPP packet into a flagged, escaped frame with its
 * FCS.  The decoder is a resumable byte-level state machine: it takes bytes
 * in chunks of any size and hands back whole, FCS-checked frames.  Neither
 * allocates; the decoder works in a buffer its owner gives it.
 */
#ifndef PPPSSH_HDLC_H
#define PPPSSH_HDLC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp.h"

#define HDLC_FLAG 0x7e
#define HDLC_ESCAPE 0x7d
#define HDLC_TRANS 0x20
#define HDLC_ADDRESS 0xff
#define HDLC_CONTROL 0x03

/* How one frame is to be sent. */
struct hdlc_tx {
    uint32_t accm; /* control characters (0x00-0x1f) to escape; 0x7d, 0x7e always are */
    bool acfc;     /* omit Address and Control (RFC 1661 section 6.6) */
    bool pfc;      /* one-byte Protocol when it fits (RFC 1661 section 6.5) */
    bool fcs32;    /* 32-bit FCS instead of 16-bit */
};

/* ppp_encoded_max(): ppp.h. */

/* Encode one frame into out.  The opening flag is written only when
 * opening_flag is set (RFC 1662 section 4.4 lets back-to-back frames share
 * one).  Returns the bytes written, or 0 if cap is too small (out is then
 * left in an unspecified state). */
size_t hdlc_encode(uint8_t *out, size_t cap, const struct hdlc_tx *tx, uint16_t protocol,
                   const uint8_t *info, size_t len, bool opening_flag);

/* The same with the Information field in two parts, a short prefix (a
 * header of the engine's own) and the packet, so neither is copied first.
 * ppp_encoded_max() takes the two lengths' sum. */
size_t hdlc_encode_prefixed(uint8_t *out, size_t cap, const struct hdlc_tx *tx, uint16_t protocol,
                            const uint8_t *prefix, size_t prefix_len, const uint8_t *info,
                            size_t len, bool opening_flag);

struct hdlc_rx_stats {
    uint64_t frames; /* good frames handed out */
    uint64_t bad_fcs;
    uint64_t runts;          /* shorter than header + FCS */
    uint64_t too_long;       /* longer than the buffer: dropped */
    uint64_t aborts;         /* 0x7d 0x7e: abort sequence (RFC 1662 section 4.4.1) */
    uint64_t outside_frames; /* bytes before the first flag (banner, MOTD) */
};

enum hdlc_rx_state {
    HDLC_RX_HUNT,    /* before the first flag: skipping login noise */
    HDLC_RX_FRAME,   /* inside a frame */
    HDLC_RX_DISCARD, /* dropping an over-long frame up to the next flag */
};

struct hdlc_decoder {
    uint8_t *buf;
    size_t cap; /* longest frame kept, header and FCS included */
    size_t len;
    enum hdlc_rx_state state;
    bool escaped;
    bool fcs32;
    struct hdlc_rx_stats stats;
};

void hdlc_decoder_init(struct hdlc_decoder *dec, uint8_t *buf, size_t cap);

/* Consume input up to and including the end of the next good frame.
 * Returns the number of bytes consumed.  When a good frame ended, *frame
 * and *frame_len give it (Address..Information, FCS removed; valid until
 * the next call), otherwise *frame is NULL.  Call again with the rest. */
size_t hdlc_decode(struct hdlc_decoder *dec, const uint8_t *in, size_t len, const uint8_t **frame,
                   size_t *frame_len);

/* Split a decoded frame into Protocol and Information, accepting Address
 * and Control present or omitted and a 1- or 2-byte Protocol.  Returns
 * false for a frame that has no valid Protocol field. */
bool ppp_frame_parse(const uint8_t *frame, size_t len, uint16_t *protocol, const uint8_t **info,
                     size_t *info_len);

#endif
