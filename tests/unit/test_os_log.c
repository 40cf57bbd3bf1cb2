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

static void writes_levels_up_to_max(void **state)
{
    int pipefd[2], saved = dup(STDERR_FILENO);
    char out[256] = {0};

    assert_int_equal(pipe2(pipefd, O_NONBLOCK), 0);
    dup2(pipefd[1], STDERR_FILENO);
    log_setup("pppssh-test", false, LOG_LEVEL_INFO);
    log_error("link %s down: %d", "vpn0", 3);
    log_info("up");
    log_debug("not shown");
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(pipefd[1]);
    assert_true(read(pipefd[0], out, sizeof(out) - 1) > 0);
    close(pipefd[0]);
    assert_string_equal(out, "pppssh-test: link vpn0 down: 3\npppssh-test: up\n");
    assert_true(log_enabled(LOG_LEVEL_WARN));
    assert_false(log_enabled(LOG_LEVEL_DEBUG));
}

/* Under systemd the journal names the unit itself: a line written to
 * the journal stream carries no "ident: " of ours. */
static void no_ident_on_the_journal_stream(void **state)
{
    int pipefd[2], saved = dup(STDERR_FILENO);
    char out[256] = {0}, stream[64];
    struct stat st;

    (void)state;
    assert_int_equal(pipe2(pipefd, O_NONBLOCK), 0);
    dup2(pipefd[1], STDERR_FILENO);
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
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(pipefd[1]);
    assert_true(read(pipefd[0], out, sizeof(out) - 1) > 0);
    close(pipefd[0]);
    assert_string_equal(out, "up\npppssh-test: down\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writes_levels_up_to_max),
        cmocka_unit_test(no_ident_on_the_journal_stream),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
