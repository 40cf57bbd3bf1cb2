/* test_options.c - Configure option list reader and writer */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "options.h"

static void iterates_well_formed_list(void **state)
{
    const uint8_t opts[] = {1, 4, 0x05, 0xdc, 7, 2, 5, 6, 1, 2, 3, 4};
    struct opt_iter it;
    struct opt o;

    opt_iter_init(&it, opts, sizeof(opts));
    assert_int_equal(opt_next(&it, &o), 1);
    assert_int_equal(o.type, 1);
    assert_int_equal(o.len, 2);
    assert_int_equal(o.data[0], 0x05);
    assert_int_equal(opt_next(&it, &o), 1);
    assert_int_equal(o.type, 7);
    assert_int_equal(o.len, 0);
    assert_int_equal(opt_next(&it, &o), 1);
    assert_int_equal(o.type, 5);
    assert_int_equal(o.len, 4);
    assert_int_equal(opt_next(&it, &o), 0);
    assert_true(opts_valid(opts, sizeof(opts)));
}

static void rejects_malformed_lengths(void **state)
{
    const uint8_t zero_len[] = {1, 0, 0, 0};
    const uint8_t past_end[] = {1, 6, 0, 0};
    const uint8_t lone_type[] = {7, 2, 1};

    assert_false(opts_valid(zero_len, sizeof(zero_len)));
    assert_false(opts_valid(past_end, sizeof(past_end)));
    assert_false(opts_valid(lone_type, sizeof(lone_type)));
    assert_true(opts_valid(NULL, 0));
}

static void writer_stops_at_capacity(void **state)
{
    uint8_t buf[7];
    struct opt_writer w;

    opt_writer_init(&w, buf, sizeof(buf));
    opt_put16(&w, 1, 1500);
    assert_int_equal(w.len, 4);
    assert_false(w.overflow);
    opt_put32(&w, 5, 0x01020304);
    assert_true(w.overflow);
    assert_int_equal(w.len, 4);
    opt_put(&w, 7, NULL, 0);
    assert_int_equal(w.len, 6);
    assert_memory_equal(buf, ((uint8_t[]){1, 4, 0x05, 0xdc, 7, 2}), 6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iterates_well_formed_list),
        cmocka_unit_test(rejects_malformed_lengths),
        cmocka_unit_test(writer_stops_at_capacity),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
