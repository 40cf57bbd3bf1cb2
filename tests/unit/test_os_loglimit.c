/* test_os_loglimit.c - peer-triggered lines: a burst per shape, then one
 * summary, on a fake clock */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loglimit.h"

#define SEC 1000000000ull
#define MS 1000000ull

struct sink {
    size_t n;
    char last[512];
    char summaries[8][512];
    size_t n_summaries;
};

static void collect(void *ctx, enum log_level level, const char *line)
{
    struct sink *s = ctx;

    s->n++;
    snprintf(s->last, sizeof(s->last), "%s", line);
    if (strstr(line, " ... repeated ") && s->n_summaries < 8)
        snprintf(s->summaries[s->n_summaries++], sizeof(s->summaries[0]), "%s", line);
}

static void reject(struct log_limit *l, uint64_t now, unsigned code)
{
    char line[64];

    snprintf(line, sizeof(line), "LCP: peer rejected code %u", code);
    log_limit_line(l, now, LOG_LEVEL_WARN, line);
}

/* The burst is written, the rest held; once the peer is quiet for
 * LOG_LIMIT_QUIET, one summary with the count and the last line. */
static void a_burst_then_one_summary_when_it_ends(void **state)
{
    struct log_limit l;
    struct sink out = {0};
    uint64_t now = 100 * SEC;

    log_limit_init(&l, collect, &out);
    assert_int_equal(log_limit_expiry(&l), LOG_LIMIT_NEVER);
    for (unsigned i = 0; i < 1000; i++)
        reject(&l, now + i * MS, 9 + i % 3); /* code 9, 10, 11: one shape */
    assert_int_equal(out.n, LOG_LIMIT_BURST);
    uint64_t last = now + 999 * MS;
    assert_int_equal(log_limit_expiry(&l), last + LOG_LIMIT_QUIET);
    log_limit_tick(&l, last + LOG_LIMIT_QUIET - 1);
    assert_int_equal(out.n, LOG_LIMIT_BURST);
    log_limit_tick(&l, last + LOG_LIMIT_QUIET);
    assert_int_equal(out.n, LOG_LIMIT_BURST + 1);
    assert_string_equal(out.summaries[0],
                        "LCP: peer rejected code 9 ... repeated 995 times"); /* 999 % 3 == 0 */
    assert_int_equal(log_limit_expiry(&l), LOG_LIMIT_NEVER);
}

/* Each shape has its own budget: a flood of one does not silence another. */
static void shapes_have_their_own_budget(void **state)
{
    struct log_limit l;
    struct sink out = {0};

    log_limit_init(&l, collect, &out);
    for (unsigned i = 0; i < 100; i++)
        reject(&l, SEC, i);
    log_limit_line(&l, SEC, LOG_LEVEL_WARN,
                   "LCP: received our own Echo-Request: line looped back?");
    assert_int_equal(out.n, LOG_LIMIT_BURST + 1);
    assert_string_equal(out.last, "LCP: received our own Echo-Request: line looped back?");
}

/* Under a flood that never pauses, a summary when the window passes, and
 * the next window has its burst again: a bounded number of lines. */
static void a_sustained_flood_gives_a_summary_per_window(void **state)
{
    struct log_limit l;
    struct sink out = {0};
    uint64_t now = 0, end = 60 * SEC;
    size_t lines = 0;

    log_limit_init(&l, collect, &out);
    for (; now < end; now += 10 * MS) {
        if (log_limit_expiry(&l) <= now)
            log_limit_tick(&l, now);
        reject(&l, now, 4);
        lines++;
    }
    log_limit_flush(&l);
    size_t windows = (size_t)(end / LOG_LIMIT_WINDOW);
    assert_int_equal(out.n, windows * (LOG_LIMIT_BURST + 1));
    assert_true(out.n_summaries >= 1);
    assert_int_equal(l.held_total, lines - windows * LOG_LIMIT_BURST);
}

/* Whatever text the peer puts in its lines, the total stays bounded:
 * shapes beyond the table share one slot. */
static void many_shapes_share_a_bounded_budget(void **state)
{
    struct log_limit l;
    struct sink out = {0};
    char line[64];

    log_limit_init(&l, collect, &out);
    for (unsigned i = 0; i < 100000; i++) {
        snprintf(line, sizeof(line), "peer says %c%c%c", 'a' + i % 26, 'a' + i / 26 % 26,
                 'a' + i / 676 % 26);
        log_limit_line(&l, SEC + i * 1000, LOG_LEVEL_WARN, line);
    }
    log_limit_flush(&l);
    assert_true(out.n <= (LOG_LIMIT_SLOTS + 1) * (LOG_LIMIT_BURST + 1));
}

/* At the end of a session every held count is written (flush), so the
 * log says how much the peer sent even if it never paused. */
static void flush_writes_what_is_held(void **state)
{
    struct log_limit l;
    struct sink out = {0};

    log_limit_init(&l, collect, &out);
    for (unsigned i = 0; i < 100000; i++)
        reject(&l, SEC + i * 1000, 7);
    assert_int_equal(out.n, LOG_LIMIT_BURST);
    log_limit_flush(&l);
    assert_int_equal(out.n, LOG_LIMIT_BURST + 1);
    assert_string_equal(out.last, "LCP: peer rejected code 7 ... repeated 99995 times");
    log_limit_flush(&l);
    assert_int_equal(out.n, LOG_LIMIT_BURST + 1);
}

/* Lines below the log level are not written anyway: they must not use up
 * the budget of those that are. */
static void filtered_lines_cost_nothing(void **state)
{
    struct log_limit l;
    struct sink out = {0};

    log_setup("pppssh-test", false, LOG_LEVEL_INFO);
    log_limit_init(&l, collect, &out);
    for (unsigned i = 0; i < 100; i++)
        log_limit_line(&l, SEC, LOG_LEVEL_DEBUG, "LCP: unknown code 1");
    assert_int_equal(out.n, 0);
    log_limit_line(&l, SEC, LOG_LEVEL_WARN, "LCP: unknown code 1");
    assert_int_equal(out.n, 1);
    log_limit_flush(&l);
    assert_int_equal(out.n, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_burst_then_one_summary_when_it_ends),
        cmocka_unit_test(shapes_have_their_own_budget),
        cmocka_unit_test(a_sustained_flood_gives_a_summary_per_window),
        cmocka_unit_test(many_shapes_share_a_bounded_budget),
        cmocka_unit_test(flush_writes_what_is_held),
        cmocka_unit_test(filtered_lines_cost_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
