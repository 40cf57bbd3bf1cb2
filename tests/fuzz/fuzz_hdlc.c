/*
 * fuzz_hdlc.c - libFuzzer target for the HDLC deframer and the
 * Address/Control/Protocol parser, the first code that peer bytes reach.
 *
 * Input: byte 0 picks the FCS size, buffer size and ACCM, byte 1 seeds the
 * chunk sizes; the rest is the byte stream, fed in chunks whose sizes are
 * taken from the stream itself.  Every returned frame must be within the
 * buffer, re-encode and decode back to itself, and parse consistently.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hdlc.h"

#define MAX_CAP 2048

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const size_t caps[4] = {4, 64, 1508, MAX_CAP};
static const uint32_t accms[4] = {0, 0xffffffffu, 0x000a0000u, 0x55aa00ffu};

static void check(int condition)
{
    if (!condition)
        abort();
}

static void decode_one(const struct hdlc_tx *tx, const uint8_t *enc, size_t n,
                       const uint8_t *expect, size_t expect_len)
{
    static uint8_t buf[MAX_CAP];
    struct hdlc_decoder dec;
    const uint8_t *frame;
    size_t frame_len;

    hdlc_decoder_init(&dec, buf, sizeof(buf));
    dec.fcs32 = tx->fcs32;
    check(hdlc_decode(&dec, enc, n, &frame, &frame_len) == n);
    check(frame != NULL && frame_len == expect_len);
    check(memcmp(frame, expect, expect_len) == 0);
}

/* Any frame the decoder accepted is bytes the encoder can reproduce. */
static void check_reencodes(const uint8_t *frame, size_t len, bool fcs32, uint32_t accm)
{
    static uint8_t enc[2 * MAX_CAP + 32];
    const struct hdlc_tx raw = {accm, true, false, fcs32};
    uint16_t protocol = (uint16_t)(frame[0] << 8 | frame[1]);
    size_t n = hdlc_encode(enc, sizeof(enc), &raw, protocol, frame + 2, len - 2, true);

    check(n > 0 && n <= ppp_encoded_max(len - 2));
    decode_one(&raw, enc, n, frame, len);
}

/* The parser stays inside the frame and its result re-encodes to a frame
 * that parses the same, with every header compression. */
static void check_parse(const uint8_t *frame, size_t len, bool fcs32, uint32_t accm)
{
    static uint8_t enc[2 * MAX_CAP + 32], buf[MAX_CAP];
    uint16_t protocol, protocol2;
    const uint8_t *info, *info2, *out;
    size_t info_len, info_len2, out_len;

    if (!ppp_frame_parse(frame, len, &protocol, &info, &info_len))
        return;
    check(protocol & 1);
    check(info >= frame && info + info_len == frame + len);
    for (int flags = 0; flags < 4; flags++) {
        const struct hdlc_tx tx = {accm, flags & 1, flags & 2, fcs32};
        size_t n = hdlc_encode(enc, sizeof(enc), &tx, protocol, info, info_len, true);
        struct hdlc_decoder dec;

        check(n > 0);
        hdlc_decoder_init(&dec, buf, sizeof(buf));
        dec.fcs32 = fcs32;
        check(hdlc_decode(&dec, enc, n, &out, &out_len) == n && out != NULL);
        check(ppp_frame_parse(out, out_len, &protocol2, &info2, &info_len2));
        check(protocol2 == protocol && info_len2 == info_len);
        check(memcmp(info2, info, info_len) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static uint8_t buf[MAX_CAP];
    struct hdlc_decoder dec;
    uint64_t returned = 0;

    if (size < 2)
        return 0;
    uint8_t config = data[0], seed = data[1];
    size_t cap = caps[config >> 1 & 3];
    uint32_t accm = accms[config >> 3 & 3];
    bool fcs32 = config & 1;
    data += 2;
    size -= 2;

    hdlc_decoder_init(&dec, buf, cap);
    dec.fcs32 = fcs32;
    for (size_t off = 0; off < size;) {
        size_t chunk = 1 + (size_t)((data[off] ^ seed) % (1u + seed));
        if (chunk > size - off)
            chunk = size - off;
        for (size_t done = 0; done < chunk;) {
            const uint8_t *frame;
            size_t frame_len;
            size_t used = hdlc_decode(&dec, data + off + done, chunk - done, &frame, &frame_len);

            check(used > 0 && used <= chunk - done);
            done += used;
            if (frame == NULL) {
                check(done == chunk);
                continue;
            }
            returned++;
            check(frame == buf && frame_len <= cap && frame_len >= 2);
            check_reencodes(frame, frame_len, fcs32, accm);
            check_parse(frame, frame_len, fcs32, accm);
        }
        off += chunk;
    }
    check(dec.stats.frames == returned);
    check(dec.len <= cap);
    return 0;
}
