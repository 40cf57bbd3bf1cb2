/*
 * txbuf.h - a transmit buffer of encoded HDLC frames waiting for the caller
 * to write them to the stream.
 *
 * Bytes are appended at the tail and consumed from the head; the free space
 * is compacted lazily (one memmove once half the buffer has been written
 * out and an append would not fit), so no allocation happens after init.  Every frame ends with a
 * flag, and a flag never occurs inside an escaped frame (RFC 1662 section 4.2), so "the last
 * consumed byte was a flag" tells exactly whether the writer stands at a
 * frame boundary, where frames from another buffer may be slipped in.
 */
#ifndef PPPSSH_TXBUF_H
#define PPPSSH_TXBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct txbuf {
    uint8_t *buf;
    size_t cap;
    size_t head, tail; /* pending bytes are buf[head..tail) */
    bool mid_frame;    /* consumed part of a frame but not its closing flag */
};

void txbuf_init(struct txbuf *tb, uint8_t *buf, size_t cap);
void txbuf_clear(struct txbuf *tb);
size_t txbuf_pending(const struct txbuf *tb);
/* Bytes an append can take now (txbuf_reserve succeeds up to this). */
size_t txbuf_room(const struct txbuf *tb);
/* Room for at least n bytes at the tail (compacting if needed): the place
 * to write them, or NULL if the buffer cannot hold n more. */
uint8_t *txbuf_reserve(struct txbuf *tb, size_t n);
void txbuf_commit(struct txbuf *tb, size_t n);
/* A new frame needs its own opening flag unless the pending bytes already
 * end with one it can share (RFC 1662 section 4.4: one flag may both close
 * a frame and open the next).  An idle buffer always starts with a flag. */
bool txbuf_needs_opening_flag(const struct txbuf *tb);
/* Pending bytes up to and including the end of the frame being written. */
size_t txbuf_rest_of_frame(const struct txbuf *tb);
void txbuf_consume(struct txbuf *tb, size_t n);

#endif
