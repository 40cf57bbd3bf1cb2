/*
 * hdlc.c - asynchronous HDLC-like framing of RFC 1662 section 4: the frame
 * encoder, the resumable deframer and the Address/Control/Protocol parser.
 *
 * Speed matters here: every byte of the tunnel passes through this file
 * twice.  Both directions therefore move runs of ordinary bytes with
 * memchr() + memcpy() (vectorised in libc) and touch bytes one at a time
 * only at a flag or escape, and the FCS runs over whole runs (fcs.c).
 */
#include "hdlc.h"

#include <string.h>

#include "fcs.h"

#define FCS16_LEN 2
#define FCS32_LEN 4
/* Address, Control and a two-byte Protocol. */
#define HEADER_MAX 4

/* RFC 1662 section 3: shorter than this, with the FCS, is not a frame. */
#define RUNT16_BELOW 4
#define RUNT32_BELOW 6

size_t ppp_encoded_max(size_t len)
{
    /* Two flags; every other byte (header, information, FCS-32) may be
     * escaped into two. */
    return 2 + 2 * (HEADER_MAX + len + FCS32_LEN);
}

/* ---- encoder ---------------------------------------------------------- */

static inline bool is_flag_or_escape(uint8_t b)
{
    return b == HDLC_FLAG || b == HDLC_ESCAPE;
}

/* RFC 1662 section 7.1: bit n of the ACCM maps control character n;
 * flag and escape are always escaped (section 4.2). */
static inline bool needs_escape(uint8_t b, uint32_t accm)
{
    return (b < 0x20 && (accm >> b & 1)) || is_flag_or_escape(b);
}

static const uint8_t *find_or_end(const uint8_t *from, const uint8_t *end, uint8_t b)
{
    const uint8_t *hit = memchr(from, b, (size_t)(end - from));
    return hit ? hit : end;
}

/* Byte by byte: for the header, the FCS and information under a non-zero
 * ACCM.  Returns the new output position, or NULL when out of room. */
static uint8_t *put_escaped_bytes(uint8_t *o, const uint8_t *end, const uint8_t *src, size_t n,
                                  uint32_t accm)
{
    for (size_t i = 0; i < n; i++) {
        bool escape = needs_escape(src[i], accm);

        if (end - o < 1 + escape)
            return NULL;
        if (escape)
            *o++ = HDLC_ESCAPE;
        *o++ = escape ? src[i] ^ HDLC_TRANS : src[i];
    }
    return o;
}

/* With a zero ACCM only flag and escape bytes need escaping: copy the runs
 * between them whole.  Each byte value's next position is searched once
 * and kept until passed, so the input is scanned about twice in all. */
static uint8_t *put_escaped_runs(uint8_t *o, const uint8_t *end, const uint8_t *src, size_t n)
{
    const uint8_t *stop = src + n;
    const uint8_t *next_flag = find_or_end(src, stop, HDLC_FLAG);
    const uint8_t *next_escape = find_or_end(src, stop, HDLC_ESCAPE);

    for (;;) {
        const uint8_t *special = next_flag < next_escape ? next_flag : next_escape;
        size_t run = (size_t)(special - src);

        if ((size_t)(end - o) < run)
            return NULL;
        memcpy(o, src, run);
        o += run;
        src = special;
        if (src == stop)
            return o;
        if (end - o < 2)
            return NULL;
        *o++ = HDLC_ESCAPE;
        *o++ = *src++ ^ HDLC_TRANS;
        if (special == next_flag)
            next_flag = find_or_end(src, stop, HDLC_FLAG);
        else
            next_escape = find_or_end(src, stop, HDLC_ESCAPE);
    }
}

/* RFC 1661 section 6.5: only Protocol values below 0x100 (high byte zero,
 * low byte odd) may be sent as one byte. */
static bool protocol_compressible(uint16_t protocol)
{
    return protocol < 0x100 && (protocol & 1);
}

static size_t put_header(uint8_t *hdr, const struct hdlc_tx *tx, uint16_t protocol)
{
    size_t n = 0;

    if (!tx->acfc) {
        hdr[n++] = HDLC_ADDRESS;
        hdr[n++] = HDLC_CONTROL;
    }
    if (!(tx->pfc && protocol_compressible(protocol)))
        hdr[n++] = (uint8_t)(protocol >> 8);
    hdr[n++] = (uint8_t)protocol;
    return n;
}

/* RFC 1662 Appendix C: the FCS, over header and Information, goes out
 * complemented, least significant byte first. */
static size_t put_fcs(uint8_t *fcs_out, bool fcs32, const uint8_t *hdr, size_t hlen,
                      const uint8_t *prefix, size_t prefix_len, const uint8_t *info, size_t len)
{
    if (fcs32) {
        uint32_t fcs = ppp_fcs32(PPP_FCS32_INIT, hdr, hlen);
        fcs = ppp_fcs32(ppp_fcs32(fcs, prefix, prefix_len), info, len) ^ 0xffffffffu;
        for (int i = 0; i < FCS32_LEN; i++)
            fcs_out[i] = (uint8_t)(fcs >> (8 * i));
        return FCS32_LEN;
    }
    uint16_t fcs = ppp_fcs16(PPP_FCS16_INIT, hdr, hlen);
    fcs = ppp_fcs16(ppp_fcs16(fcs, prefix, prefix_len), info, len) ^ 0xffffu;
    fcs_out[0] = (uint8_t)fcs;
    fcs_out[1] = (uint8_t)(fcs >> 8);
    return FCS16_LEN;
}

size_t hdlc_encode_prefixed(uint8_t *out, size_t cap, const struct hdlc_tx *tx, uint16_t protocol,
                            const uint8_t *prefix, size_t prefix_len, const uint8_t *info,
                            size_t len, bool opening_flag)
{
    uint8_t hdr[HEADER_MAX], fcs[FCS32_LEN];
    size_t hlen = put_header(hdr, tx, protocol);
    size_t fcs_len = put_fcs(fcs, tx->fcs32, hdr, hlen, prefix, prefix_len, info, len);
    uint8_t *o = out;
    const uint8_t *end;

    if (out == NULL || cap == 0)
        return 0;
    end = out + cap;
    if (opening_flag)
        *o++ = HDLC_FLAG;
    o = put_escaped_bytes(o, end, hdr, hlen, tx->accm);
    if (o && prefix_len > 0)
        o = put_escaped_bytes(o, end, prefix, prefix_len, tx->accm);
    if (o && len > 0)
        o = tx->accm ? put_escaped_bytes(o, end, info, len, tx->accm)
                     : put_escaped_runs(o, end, info, len);
    if (o)
        o = put_escaped_bytes(o, end, fcs, fcs_len, tx->accm);
    if (o == NULL || o == end)
        return 0;
    *o++ = HDLC_FLAG;
    return (size_t)(o - out);
}

size_t hdlc_encode(uint8_t *out, size_t cap, const struct hdlc_tx *tx, uint16_t protocol,
                   const uint8_t *info, size_t len, bool opening_flag)
{
    return hdlc_encode_prefixed(out, cap, tx, protocol, NULL, 0, info, len, opening_flag);
}

/* ---- decoder ---------------------------------------------------------- */

void hdlc_decoder_init(struct hdlc_decoder *dec, uint8_t *buf, size_t cap)
{
    memset(dec, 0, sizeof(*dec));
    dec->buf = buf;
    dec->cap = cap;
    dec->state = HDLC_RX_HUNT;
}

static void rx_restart(struct hdlc_decoder *dec, enum hdlc_rx_state state)
{
    dec->state = state;
    dec->len = 0;
    dec->escaped = false;
}

/* Skip to just past the first flag: what comes before it is the login
 * banner or MOTD of the far end, not PPP. */
static size_t rx_hunt(struct hdlc_decoder *dec, const uint8_t *in, size_t n)
{
    const uint8_t *flag = memchr(in, HDLC_FLAG, n);

    if (flag == NULL) {
        dec->stats.outside_frames += n;
        return n;
    }
    dec->stats.outside_frames += (size_t)(flag - in);
    rx_restart(dec, HDLC_RX_FRAME);
    return (size_t)(flag - in) + 1;
}

/* Drop an over-long frame up to and including the flag that ends it; that
 * flag opens the next frame. */
static size_t rx_discard(struct hdlc_decoder *dec, const uint8_t *in, size_t n)
{
    const uint8_t *flag = memchr(in, HDLC_FLAG, n);

    if (flag == NULL)
        return n;
    rx_restart(dec, HDLC_RX_FRAME);
    return (size_t)(flag - in) + 1;
}

/* Append n bytes to the frame, or switch to DISCARD if they don't fit:
 * the buffer is never written past cap. */
static bool rx_store(struct hdlc_decoder *dec, const uint8_t *src, size_t n)
{
    /* cap may have shrunk under a partial frame (the link lowers it when
     * LCP goes down): that frame is too long now. */
    if (dec->len > dec->cap || n > dec->cap - dec->len) {
        dec->stats.too_long++;
        rx_restart(dec, HDLC_RX_DISCARD);
        return false;
    }
    if (n > 0) {
        memcpy(dec->buf + dec->len, src, n);
        dec->len += n;
    }
    return true;
}

/* Store the unescaped body of a frame up to the next flag.  Returns bytes
 * consumed, the flag included when *ended says it was reached. */
static size_t rx_body(struct hdlc_decoder *dec, const uint8_t *in, size_t n, bool *ended)
{
    const uint8_t *flag = memchr(in, HDLC_FLAG, n);
    size_t body = flag ? (size_t)(flag - in) : n;
    size_t i = 0;

    *ended = false;
    while (i < body) {
        if (dec->escaped) {
            /* RFC 1662 section 4.2: the byte after an escape, XOR 0x20. */
            uint8_t b = in[i++] ^ HDLC_TRANS;
            dec->escaped = false;
            if (!rx_store(dec, &b, 1))
                return i;
            continue;
        }
        if (in[i] == HDLC_ESCAPE) {
            /* Back-to-back escapes (controls under a full ACCM): no
             * memchr call for an empty run. */
            dec->escaped = true;
            i++;
            continue;
        }
        const uint8_t *escape = memchr(in + i, HDLC_ESCAPE, body - i);
        size_t run = escape ? (size_t)(escape - (in + i)) : body - i;
        if (!rx_store(dec, in + i, run))
            return i + run;
        i += run;
        if (escape) {
            dec->escaped = true;
            i++;
        }
    }
    if (flag == NULL)
        return n;
    *ended = true;
    return body + 1;
}

/* A closing flag was seen: is there a good frame in the buffer? */
static bool rx_frame_good(struct hdlc_decoder *dec)
{
    size_t runt_below = dec->fcs32 ? RUNT32_BELOW : RUNT16_BELOW;

    if (dec->len < runt_below) {
        dec->stats.runts++;
        return false;
    }
    if (dec->fcs32 ? ppp_fcs32(PPP_FCS32_INIT, dec->buf, dec->len) != PPP_FCS32_GOOD
                   : ppp_fcs16(PPP_FCS16_INIT, dec->buf, dec->len) != PPP_FCS16_GOOD) {
        dec->stats.bad_fcs++;
        return false;
    }
    return true;
}

size_t hdlc_decode(struct hdlc_decoder *dec, const uint8_t *in, size_t len, const uint8_t **frame,
                   size_t *frame_len)
{
    size_t i = 0;

    *frame = NULL;
    *frame_len = 0;
    while (i < len) {
        bool ended;

        if (dec->state == HDLC_RX_HUNT) {
            i += rx_hunt(dec, in + i, len - i);
            continue;
        }
        if (dec->state == HDLC_RX_DISCARD) {
            i += rx_discard(dec, in + i, len - i);
            continue;
        }
        i += rx_body(dec, in + i, len - i, &ended);
        if (!ended)
            continue;
        if (dec->escaped) {
            /* RFC 1662 section 4.4.1: escape then flag aborts the frame. */
            dec->stats.aborts++;
        } else if (dec->len > 0 && rx_frame_good(dec)) {
            /* The closing flag also opens the next frame (section 4.4). */
            dec->stats.frames++;
            *frame = dec->buf;
            *frame_len = dec->len - (dec->fcs32 ? FCS32_LEN : FCS16_LEN);
            rx_restart(dec, HDLC_RX_FRAME);
            return i;
        }
        /* Empty frames (back-to-back flags) are just inter-frame fill. */
        rx_restart(dec, HDLC_RX_FRAME);
    }
    return i;
}

/* ---- Address, Control, Protocol --------------------------------------- */

bool ppp_frame_parse(const uint8_t *frame, size_t len, uint16_t *protocol, const uint8_t **info,
                     size_t *info_len)
{
    size_t i = 0;

    /* RFC 1661 section 6.6: 0xff 0x03 is never a valid Protocol, so its
     * presence tells whether Address and Control were compressed. */
    if (len >= 2 && frame[0] == HDLC_ADDRESS && frame[1] == HDLC_CONTROL)
        i = 2;
    if (i >= len)
        return false;
    /* RFC 1661 section 2: the low byte of a Protocol is odd, the high byte
     * even; an odd first byte is therefore a compressed (section 6.5)
     * one-byte Protocol. */
    if (frame[i] & 1) {
        *protocol = frame[i];
        i += 1;
    } else {
        if (len - i < 2 || !(frame[i + 1] & 1))
            return false;
        *protocol = (uint16_t)(frame[i] << 8 | frame[i + 1]);
        i += 2;
    }
    *info = frame + i;
    *info_len = len - i;
    return true;
}
