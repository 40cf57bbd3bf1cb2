/* test_session_control.c - control-socket requests: a line is one of the five
 * words exactly; a partial line waits for more, unless the buffer is full;
 * anything else is unknown (and answered so, never acted on). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "control.h"

#define CAP 63 /* struct ctl_client's buffer less its terminator */

static enum ctl_request parse(const char *text)
{
    return control_parse_request(text, strlen(text), CAP);
}

static void the_five_words_with_a_newline(void **state)
{
    (void)state;
    assert_int_equal(parse("status\n"), CTL_REQ_STATUS);
    assert_int_equal(parse("fields\n"), CTL_REQ_FIELDS);
    assert_int_equal(parse("check\n"), CTL_REQ_CHECK);
    assert_int_equal(parse("reset\n"), CTL_REQ_RESET);
    assert_int_equal(parse("down\n"), CTL_REQ_DOWN);
    /* What follows the first line is not read. */
    assert_int_equal(parse("down\nstatus\n"), CTL_REQ_DOWN);
}

static void a_partial_line_waits(void **state)
{
    (void)state;
    assert_int_equal(parse(""), CTL_REQ_INCOMPLETE);
    assert_int_equal(parse("sta"), CTL_REQ_INCOMPLETE);
    assert_int_equal(parse("down"), CTL_REQ_INCOMPLETE); /* no newline yet */
}

static void near_misses_are_unknown(void **state)
{
    (void)state;
    assert_int_equal(parse("Status\n"), CTL_REQ_UNKNOWN);
    assert_int_equal(parse("status \n"), CTL_REQ_UNKNOWN);
    assert_int_equal(parse("down\r\n"), CTL_REQ_UNKNOWN);
    assert_int_equal(parse("dow\n"), CTL_REQ_UNKNOWN);
    assert_int_equal(parse("downdown\n"), CTL_REQ_UNKNOWN);
    assert_int_equal(parse("\n"), CTL_REQ_UNKNOWN);
    /* A NUL inside the line does not cut it short. */
    assert_int_equal(control_parse_request("down\0x\n", 7, CAP), CTL_REQ_UNKNOWN);
}

static void a_full_buffer_without_newline_is_read_as_it_is(void **state)
{
    (void)state;
    char full[CAP];
    memset(full, 'a', sizeof(full));
    assert_int_equal(control_parse_request(full, sizeof(full), CAP), CTL_REQ_UNKNOWN);
    /* "down" filling a 4-byte buffer exactly is still "down". */
    assert_int_equal(control_parse_request("down", 4, 4), CTL_REQ_DOWN);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_five_words_with_a_newline),
        cmocka_unit_test(a_partial_line_waits),
        cmocka_unit_test(near_misses_are_unknown),
        cmocka_unit_test(a_full_buffer_without_newline_is_read_as_it_is),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
