/* test_os_child.c - child processes on a socketpair or pty, pty raw mode */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "child.h"
#include "pty.h"

static char err[256];

/* Reads until want bytes arrived or 5 s passed; returns bytes read. */
static size_t read_all(int fd, char *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        struct pollfd pfd = {fd, POLLIN, 0};
        if (poll(&pfd, 1, 5000) <= 0)
            break;
        ssize_t n = read(fd, buf + got, want - got);
        if (n <= 0)
            break;
        got += (size_t)n;
    }
    return got;
}

/* Binary bytes, every value 0..255 including the HDLC flag and escape. */
static void fill_binary(unsigned char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)(i * 7);
}

static void echoes_through_socketpair(void **state)
{
    const char *argv[] = {"cat", NULL};
    struct spawn_request req = {.argv = argv};
    struct spawn_child child;
    unsigned char out[512], in[512];

    assert_int_equal(spawn_start(&req, &child, err, sizeof(err)), 0);
    assert_true(child.pid > 0);
    fill_binary(out, sizeof(out));
    assert_int_equal(write(child.io_fd, out, sizeof(out)), sizeof(out));
    assert_int_equal(read_all(child.io_fd, (char *)in, sizeof(in)), sizeof(in));
    assert_memory_equal(in, out, sizeof(out));
    assert_int_equal(spawn_reap(child.pid, NULL), 0); /* still running */
    int status;
    assert_int_equal(spawn_terminate(child.pid, 2000, &status), 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
    assert_int_equal(spawn_reap(child.pid, NULL), -ECHILD);
    spawn_close(&child);
    assert_int_equal(child.io_fd, -1);
}

static void shell_command_stderr_and_exit(void **state)
{
    struct spawn_request req = {.shell_command = "echo 'Permission denied (publickey).' >&2; "
                                                 "exit 255"};
    struct spawn_child child;
    char line[128] = {0};
    char text[64];
    int status = 0;

    assert_int_equal(spawn_start(&req, &child, err, sizeof(err)), 0);
    const char *want = "Permission denied (publickey).\n";
    assert_int_equal(read_all(child.stderr_fd, line, strlen(want)), strlen(want));
    assert_string_equal(line, "Permission denied (publickey).\n");
    for (int i = 0; i < 500 && spawn_reap(child.pid, &status) == 0; i++)
        usleep(10000);
    assert_true(WIFEXITED(status));
    assert_string_equal(spawn_describe_status(status, text, sizeof(text)),
                        "exited with status 255");
    spawn_close(&child);
}

static void reports_exec_failure(void **state)
{
    const char *argv[] = {"/nonexistent/ssh", NULL};
    struct spawn_request req = {.argv = argv};
    struct spawn_child child;

    assert_int_equal(spawn_start(&req, &child, err, sizeof(err)), -ENOENT);
    assert_string_equal(err, "cannot run '/nonexistent/ssh': No such file or directory");
    assert_int_equal(child.pid, -1);
    assert_int_equal(child.io_fd, -1);
}

static void child_gets_only_stdio_and_own_session(void **state)
{
    /* The child lists its descriptors and reports whether it leads its session. */
    struct spawn_request req = {
        .shell_command = "ls /proc/self/fd | tr '\\n' ' '; "
                         "[ \"$(ps -o sid= -p $$ | tr -d ' ')\" = \"$$\" ] && echo leader"};
    struct spawn_child child;
    char out[128] = {0};
    int leak = dup(STDOUT_FILENO); /* no O_CLOEXEC: must still not leak */

    assert_int_equal(spawn_start(&req, &child, err, sizeof(err)), 0);
    read_all(child.io_fd, out, sizeof(out) - 1);
    /* ls itself opens one more descriptor for /proc/self/fd. */
    assert_string_equal(out, "0 1 2 3 leader\n");
    assert_int_equal(spawn_terminate(child.pid, 2000, NULL), 0);
    spawn_close(&child);
    close(leak);
}

static void pty_child_is_raw(void **state)
{
    struct spawn_request req = {.shell_command = "stty -a; cat", .use_pty = true};
    struct spawn_child child;
    char out[2048] = {0};

    assert_int_equal(spawn_start(&req, &child, err, sizeof(err)), 0);
    /* stty's last line ends with the local flags: read up to "extproc". */
    size_t n = 0;
    while (n < sizeof(out) - 1 && !strstr(out, "extproc") && read_all(child.io_fd, out + n, 1))
        n++;
    assert_non_null(strstr(out, "-echo"));
    assert_non_null(strstr(out, "-icanon"));
    assert_int_equal(spawn_terminate(child.pid, 2000, NULL), 0);
    spawn_close(&child);
}

static void pty_pair_passes_binary(void **state)
{
    int master, slave;
    char name[64];
    unsigned char out[256], in[256];
    struct termios tio;

    assert_int_equal(pty_open(&master, &slave, name, sizeof(name), err, sizeof(err)), 0);
    assert_memory_equal(name, "/dev/pts/", 9);
    assert_int_equal(tcgetattr(slave, &tio), 0);
    assert_int_equal(tio.c_lflag & (ECHO | ICANON | ISIG), 0);
    assert_int_equal(tio.c_oflag & OPOST, 0);
    assert_int_equal(tio.c_iflag & (ICRNL | IXON), 0);
    fill_binary(out, sizeof(out));
    assert_int_equal(write(master, out, sizeof(out)), sizeof(out));
    assert_int_equal(read_all(slave, (char *)in, sizeof(in)), sizeof(in));
    assert_memory_equal(in, out, sizeof(out));
    close(master);
    close(slave);
    assert_int_equal(pty_set_raw(master, err, sizeof(err)), -EBADF);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(echoes_through_socketpair),
        cmocka_unit_test(shell_command_stderr_and_exit),
        cmocka_unit_test(reports_exec_failure),
        cmocka_unit_test(child_gets_only_stdio_and_own_session),
        cmocka_unit_test(pty_child_is_raw),
        cmocka_unit_test(pty_pair_passes_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
