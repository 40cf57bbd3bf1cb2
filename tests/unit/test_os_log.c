/* test_os_log.c - log lines on stderr, filtered by level */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* stderr goes to a pipe between capture_begin() and capture_end(),
 * which returns what was written. */
struct capture {
    int pipefd[2], saved;
    char out[256];
};

static void capture_begin(struct capture *c)
{
    memset(c, 0, sizeof(*c));
    c->saved = dup(STDERR_FILENO);
    assert_int_equal(pipe2(c->pipefd, O_NONBLOCK), 0);
    dup2(c->pipefd[1], STDERR_FILENO);
}

static const char *capture_end(struct capture *c)
{
    fflush(stderr);
    dup2(c->saved, STDERR_FILENO);
    close(c->saved);
    close(c->pipefd[1]);
    assert_true(read(c->pipefd[0], c->out, sizeof(c->out) - 1) > 0);
    close(c->pipefd[0]);
    return c->out;
}

static void writes_levels_up_to_max(void **state)
{
    struct capture c;

    (void)state;
    capture_begin(&c);
    log_setup("pppssh-test", false, LOG_LEVEL_INFO);
    log_error("link %s down: %d", "vpn0", 3);
    log_info("up");
    log_debug("not shown");
    assert_string_equal(capture_end(&c), "pppssh-test: link vpn0 down: 3\npppssh-test: up\n");
    assert_true(log_enabled(LOG_LEVEL_WARN));
    assert_false(log_enabled(LOG_LEVEL_DEBUG));
}

/* Under systemd the journal names the unit itself: a line written to
 * the journal stream carries no "ident: " of ours. */
static void no_ident_on_the_journal_stream(void **state)
{
    struct capture c;
    char stream[64];
    struct stat st;

    (void)state;
    capture_begin(&c);
    assert_int_equal(fstat(STDERR_FILENO, &st), 0);
    snprintf(stream, sizeof(stream), "%llu:%llu", (unsigned long long)st.st_dev,
             (unsigned long long)st.st_ino);
    setenv("JOURNAL_STREAM", stream, 1);
    log_setup("pppssh-test", false, LOG_LEVEL_INFO);
    log_info("up");
    setenv("JOURNAL_STREAM", "1:2", 1); /* another stream: ours again */
    log_setup("pppssh-test", false, LOG_LEVEL_INFO);
    log_info("down");
    unsetenv("JOURNAL_STREAM");
    assert_string_equal(capture_end(&c), "up\npppssh-test: down\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writes_levels_up_to_max),
        cmocka_unit_test(no_ident_on_the_journal_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
