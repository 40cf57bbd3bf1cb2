/*
 * test_txbuf.c - the transmit buffer's room: what an append can take,
 * and when the pending bytes are moved to the front to make it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "txbuf.h"

#define CAP (160 * 1024)
#define BIG_FRAME (131 * 1024) /* a 64 KiB packet escaped at worst */

static uint8_t mem[CAP];

static void append(struct txbuf *tb, size_t n, uint8_t fill)
{
    uint8_t *p = txbuf_reserve(tb, n);
    assert_non_null(p);
    memset(p, fill, n);
    txbuf_commit(tb, n);
}

/* Before half the buffer is consumed, room is what lies past the tail. */
static void room_is_the_tail_while_much_is_pending(void **state)
{
    struct txbuf tb;

    (void)state;
    txbuf_init(&tb, mem, CAP);
    append(&tb, 60 * 1024, 1);
    txbuf_consume(&tb, 10 * 1024);
    assert_int_equal(txbuf_room(&tb), CAP - 60 * 1024);
}

/* A frame larger than half the buffer, written out but for a few KiB:
 * room for the next one, moving only those few KiB. */
static void a_big_frame_written_out_leaves_room_for_the_next(void **state)
{
    struct txbuf tb;

    (void)state;
    txbuf_init(&tb, mem, CAP);
    append(&tb, 70 * 1024, 1); /* head stays below half the buffer */
    txbuf_consume(&tb, 66 * 1024);
    assert_int_equal(txbuf_room(&tb), CAP - 4 * 1024);
    append(&tb, BIG_FRAME, 2);
    assert_int_equal(txbuf_pending(&tb), 4 * 1024 + BIG_FRAME);
    assert_int_equal(mem[0], 1); /* the old rest, moved to the front */
    assert_int_equal(mem[4 * 1024 - 1], 1);
    assert_int_equal(mem[4 * 1024], 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(room_is_the_tail_while_much_is_pending),
        cmocka_unit_test(a_big_frame_written_out_leaves_room_for_the_next),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
