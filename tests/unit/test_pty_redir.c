/* test_pty_redir.c - the pty-redir tool, run as the VPN HOWTO runs it */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The pid of the process named comm that holds device open (the command
 * pty-redir started, which is not our child), or 0. */
static pid_t holder_of(const char *device, const char *comm)
{
    DIR *proc = opendir("/proc");
    struct dirent *d;
    pid_t found = 0;
    while (!found && (d = readdir(proc))) {
        char path[300], link[128], name[64] = "";
        pid_t pid = (pid_t)atoi(d->d_name);
        if (pid <= 0)
            continue;
        snprintf(path, sizeof(path), "/proc/%d/comm", pid);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (!fgets(name, sizeof(name), f))
            name[0] = '\0';
        fclose(f);
        if (strncmp(name, comm, strlen(comm)) != 0 || name[strlen(comm)] != '\n')
            continue;
        for (int fd = 0; fd < 16 && !found; fd++) {
            snprintf(path, sizeof(path), "/proc/%d/fd/%d", pid, fd);
            ssize_t n = readlink(path, link, sizeof(link) - 1);
            if (n > 0 && (link[n] = '\0', strcmp(link, device) == 0))
                found = pid;
        }
    }
    closedir(proc);
    return found;
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
    close(fd);
    /* The command holds the slave too (so it never reads EIO early): stop it. */
    pid_t cat = holder_of(device, "cat");
    assert_true(cat > 0);
    assert_int_not_equal(getsid(cat), getsid(0)); /* detached: its own session */
    kill(cat, SIGTERM);
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
