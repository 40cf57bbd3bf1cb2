/* test_pty_redir.c - the pty-redir tool, run as the VPN HOWTO runs it */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs a shell command line, returns its exit status, its output in out. */
static int run(const char *cmdline, char *out, size_t size)
{
    FILE *p = popen(cmdline, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    out[n] = '\0';
    int status = pclose(p);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void cat_echoes_through_printed_slave(void **state)
{
    char device[128], in[256];
    unsigned char out[256];

    assert_int_equal(run(PTY_REDIR_PATH " cat", device, sizeof(device)), 0);
    assert_memory_equal(device, "/dev/pts/", 9);
    device[strcspn(device, "\n")] = '\0';

    int fd = open(device, O_RDWR | O_NOCTTY);
    assert_true(fd >= 0);
    /* All 256 byte values: the pty is raw, so PPP's binary frames pass. */
    for (size_t i = 0; i < sizeof(out); i++)
        out[i] = (unsigned char)i;
    assert_int_equal(write(fd, out, sizeof(out)), sizeof(out));
    size_t got = 0;
    while (got < sizeof(in)) {
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 5000) <= 0)
            break;
        ssize_t n = read(fd, in + got, sizeof(in) - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    assert_int_equal(got, sizeof(out));
    assert_memory_equal(in, out, sizeof(out));
    /* Closing the last slave descriptor makes cat read EIO and exit. */
    close(fd);
}

static void reports_command_that_cannot_run(void **state)
{
    char out[256];
    assert_int_equal(run(PTY_REDIR_PATH " /nonexistent/cmd 2>&1", out, sizeof(out)), 1);
    assert_string_equal(out, "pty-redir: cannot run '/nonexistent/cmd': No such file or "
                             "directory\n");
}

static void usage_without_arguments(void **state)
{
    char out[512];
    assert_int_equal(run(PTY_REDIR_PATH " 2>&1", out, sizeof(out)), 2);
    assert_memory_equal(out, "usage: pty-redir COMMAND [ARGUMENT...]\n", 39);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cat_echoes_through_printed_slave),
        cmocka_unit_test(reports_command_that_cannot_run),
        cmocka_unit_test(usage_without_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
