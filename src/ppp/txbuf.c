/* txbuf.c - transmit buffer of encoded frames, compacted lazily */
#include <string.h>

#include "hdlc.h"
#include "txbuf.h"

void txbuf_init(struct txbuf *tb, uint8_t *buf, size_t cap)
{
    tb->buf = buf;
    tb->cap = cap;
    txbuf_clear(tb);
}

void txbuf_clear(struct txbuf *tb)
{
    tb->head = tb->tail = 0;
    tb->mid_frame = false;
}

size_t txbuf_pending(const struct txbuf *tb)
{
    return tb->tail - tb->head;
}

/* Compacting moves the pending bytes to the front.  Doing it only once at
 * least half the buffer has been consumed, or once fewer bytes are pending
 * than have been consumed, bounds the copying to one byte per byte written
 * out; compacting whenever a frame did not fit would copy a nearly full
 * buffer for every frame of a saturated link.  (The second case matters
 * for a frame larger than half the buffer: its last bytes waiting on the
 * stream must not leave the buffer without room for the next one.) */
static bool worth_compacting(const struct txbuf *tb)
{
    return tb->head >= tb->cap / 2 || txbuf_pending(tb) <= tb->head;
}

size_t txbuf_room(const struct txbuf *tb)
{
    return worth_compacting(tb) ? tb->cap - txbuf_pending(tb) : tb->cap - tb->tail;
}

uint8_t *txbuf_reserve(struct txbuf *tb, size_t n)
{
    if (tb->cap - tb->tail >= n)
        return tb->buf + tb->tail;
    if (!worth_compacting(tb) || n > tb->cap - txbuf_pending(tb))
        return NULL;
    memmove(tb->buf, tb->buf + tb->head, txbuf_pending(tb));
    tb->tail -= tb->head;
    tb->head = 0;
    return tb->buf + tb->tail;
}

void txbuf_commit(struct txbuf *tb, size_t n)
{
    tb->tail += n;
}

bool txbuf_needs_opening_flag(const struct txbuf *tb)
{
    return tb->tail == tb->head || tb->buf[tb->tail - 1] != HDLC_FLAG;
}

size_t txbuf_rest_of_frame(const struct txbuf *tb)
{
    const uint8_t *start = tb->buf + tb->head;
    const uint8_t *flag = memchr(start, HDLC_FLAG, txbuf_pending(tb));

    return flag ? (size_t)(flag - start) + 1 : txbuf_pending(tb);
}

void txbuf_consume(struct txbuf *tb, size_t n)
{
    if (n > txbuf_pending(tb))
        n = txbuf_pending(tb);
    if (n == 0)
        return;
    tb->mid_frame = tb->buf[tb->head + n - 1] != HDLC_FLAG;
    tb->head += n;
    if (tb->head == tb->tail)
        tb->head = tb->tail = 0;
}
