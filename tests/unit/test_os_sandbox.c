/* test_os_sandbox.c - what the kernel says of a sandboxed process: after
 * the privilege drop to nobody, /proc/self/status shows its ids, no
 * capability in any set and no_new_privs, and root is out of reach; after
 * the seccomp filter, the session's calls work, execve and a network
 * socket kill the process, opening a file or an AF_UNIX socket fails with
 * EPERM.  Each case runs in a forked child (neither step can be undone);
 * the drop needs root and is skipped without it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

#define NOBODY 65534

/* The child's verdict: 0, or the line of the first check that failed. */
#define CHILD_CHECK(cond)                                                                          \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "child: %s:%d: %s failed (errno %d)\n", __FILE__, __LINE__, #cond,     \
                    errno);                                                                        \
            _exit(1);                                                                              \
        }                                                                                          \
    } while (0)

/* Runs fn in a child; returns its wait status. */
static int in_child(void (*fn)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        fn();
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void expect_clean_exit(int status)
{
    if (WIFSIGNALED(status))
        fail_msg("child killed by signal %d", WTERMSIG(status));
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* The privilege drop needs root: skipped without it. */
static void root_child_exits_cleanly(void (*fn)(void))
{
    if (geteuid() != 0)
        skip();
    expect_clean_exit(in_child(fn));
}

static void expect_killed_by_seccomp(int status)
{
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGSYS);
}

/* /proc/self/status, opened before a filter that forbids opening it and
 * read after: the kernel writes the text at the first read. */
struct proc_status {
    int fd;
    char text[4096];
};

static int status_open(struct proc_status *ps)
{
    ps->fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    ps->text[0] = 0;
    return ps->fd;
}

static int status_read(struct proc_status *ps)
{
    size_t len = 0;
    ssize_t n;
    while (len < sizeof(ps->text) - 1 &&
           (n = read(ps->fd, ps->text + len, sizeof(ps->text) - 1 - len)) > 0)
        len += (size_t)n;
    ps->text[len] = 0;
    close(ps->fd);
    return len > 0 ? 0 : -1;
}

/* Whether key's value is want (the kernel ends some lines with a space:
 * "Groups:\t \n" for none). */
static int status_has(const struct proc_status *ps, const char *key, const char *want)
{
    char head[64];
    snprintf(head, sizeof(head), "\n%s:\t", key);
    const char *v = strstr(ps->text, head);
    if (!v)
        return 0;
    v += strlen(head);
    size_t len = strcspn(v, "\n");
    while (len > 0 && v[len - 1] == ' ')
        len--;
    return len == strlen(want) && strncmp(v, want, len) == 0;
}

static void drop_to_nobody(void)
{
    char err[256] = "";
    int r = sandbox_drop_privileges(NOBODY, NOBODY, NULL, err, sizeof(err));
    if (r < 0)
        fprintf(stderr, "child: %s\n", err);
    CHILD_CHECK(r == 0);
}

static void child_dropped(void)
{
    struct proc_status ps;
    CHILD_CHECK(status_open(&ps) >= 0);
    drop_to_nobody();
    CHILD_CHECK(status_read(&ps) == 0);
    CHILD_CHECK(status_has(&ps, "Uid", "65534\t65534\t65534\t65534"));
    CHILD_CHECK(status_has(&ps, "Gid", "65534\t65534\t65534\t65534"));
    CHILD_CHECK(status_has(&ps, "Groups", ""));
    CHILD_CHECK(status_has(&ps, "CapInh", "0000000000000000"));
    CHILD_CHECK(status_has(&ps, "CapPrm", "0000000000000000"));
    CHILD_CHECK(status_has(&ps, "CapEff", "0000000000000000"));
    CHILD_CHECK(status_has(&ps, "CapBnd", "0000000000000000"));
    CHILD_CHECK(status_has(&ps, "CapAmb", "0000000000000000"));
    CHILD_CHECK(status_has(&ps, "NoNewPrivs", "1"));
    errno = 0;
    CHILD_CHECK(setuid(0) < 0 && errno == EPERM);
    CHILD_CHECK(setgid(0) < 0 && errno == EPERM);
    CHILD_CHECK(seteuid(0) < 0 && errno == EPERM);
}

static void drop_leaves_no_privilege(void **state)
{
    root_child_exits_cleanly(child_dropped);
}

/* A second drop, to another uid, must fail at the first id change, and
 * say which call and why. */
static void child_second_drop(void)
{
    struct proc_status ps;
    CHILD_CHECK(status_open(&ps) >= 0);
    drop_to_nobody();
    char err[256] = "";
    CHILD_CHECK(sandbox_drop_privileges(1000, 1000, NULL, err, sizeof(err)) == -EPERM);
    CHILD_CHECK(strstr(err, "setresgid(1000)") != NULL);
    CHILD_CHECK(strstr(err, strerror(EPERM)) != NULL);
    CHILD_CHECK(status_read(&ps) == 0);
    CHILD_CHECK(status_has(&ps, "Uid", "65534\t65534\t65534\t65534"));
}

static void drop_error_names_the_step(void **state)
{
    root_child_exits_cleanly(child_second_drop);
}

/* A process that is already the account (serve as an ordinary user's
 * forced command) keeps its ids and still ends with nothing. */
static void child_already_nobody(void)
{
    CHILD_CHECK(setgroups(0, NULL) == 0);
    CHILD_CHECK(setresgid(NOBODY, NOBODY, NOBODY) == 0 && setresuid(NOBODY, NOBODY, NOBODY) == 0);
    struct proc_status ps;
    CHILD_CHECK(status_open(&ps) >= 0);
    drop_to_nobody();
    CHILD_CHECK(status_read(&ps) == 0);
    CHILD_CHECK(status_has(&ps, "Uid", "65534\t65534\t65534\t65534"));
    CHILD_CHECK(status_has(&ps, "CapPrm", "0000000000000000"));
    CHILD_CHECK(status_has(&ps, "NoNewPrivs", "1"));
}

static void drop_as_that_user_already(void **state)
{
    root_child_exits_cleanly(child_already_nobody);
}

static void drop_to_root_is_refused(void **state)
{
    char err[128] = "";
    assert_int_equal(sandbox_drop_privileges(0, 0, NULL, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "uid 0"));
}

static void restrict_or_die(void)
{
    char err[256] = "";
    int r = sandbox_restrict_syscalls(0, err, sizeof(err));
    if (r < 0)
        fprintf(stderr, "child: %s\n", err);
    CHILD_CHECK(r == 0);
}

/* What a running session does: the loop, a stream, timers, memory,
 * syslog's connected socket. */
static void child_session_calls(void)
{
    int pipefd[2], dgram[2];
    CHILD_CHECK(pipe(pipefd) == 0);
    CHILD_CHECK(socketpair(AF_UNIX, SOCK_DGRAM, 0, dgram) == 0);
    int ep = epoll_create1(EPOLL_CLOEXEC);
    int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
    CHILD_CHECK(ep >= 0 && tfd >= 0);
    struct proc_status ps;
    CHILD_CHECK(status_open(&ps) >= 0);
    restrict_or_die();
    CHILD_CHECK(status_read(&ps) == 0);
    CHILD_CHECK(status_has(&ps, "NoNewPrivs", "1"));
    CHILD_CHECK(status_has(&ps, "Seccomp", "2"));
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = 1};
    CHILD_CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, pipefd[0], &ev) == 0);
    CHILD_CHECK(write(pipefd[1], "ppp", 3) == 3);
    struct epoll_event out;
    CHILD_CHECK(epoll_wait(ep, &out, 1, 1000) == 1 && out.data.u32 == 1);
    char buf[8];
    CHILD_CHECK(read(pipefd[0], buf, sizeof(buf)) == 3);
    int fl = fcntl(pipefd[0], F_GETFL);
    CHILD_CHECK(fl >= 0 && fcntl(pipefd[0], F_SETFL, fl | O_NONBLOCK) == 0);
    struct itimerspec its = {.it_value.tv_nsec = 1000};
    CHILD_CHECK(timerfd_settime(tfd, 0, &its, NULL) == 0);
    struct timespec ts;
    CHILD_CHECK(clock_gettime(CLOCK_MONOTONIC, &ts) == 0);
    CHILD_CHECK(send(dgram[0], "log", 3, 0) == 3);
    CHILD_CHECK(recv(dgram[1], buf, sizeof(buf), 0) == 3);
    void *big = malloc(4 << 20); /* past the mmap threshold */
    CHILD_CHECK(big != NULL);
    memset(big, 1, 4 << 20);
    free(big);
    CHILD_CHECK(getpid() > 0);
    close(pipefd[0]);
}

static void restrict_allows_the_session(void **state)
{
    expect_clean_exit(in_child(child_session_calls));
}

static void child_execve(void)
{
    restrict_or_die();
    char *argv[] = {"/bin/true", NULL};
    execve("/bin/true", argv, environ);
    _exit(2); /* refused, not killed: wrong too */
}

static void restrict_kills_execve(void **state)
{
    expect_killed_by_seccomp(in_child(child_execve));
}

static void child_inet_socket(void)
{
    restrict_or_die();
    socket(AF_INET, SOCK_STREAM, 0);
    _exit(2);
}

static void restrict_kills_network_socket(void **state)
{
    expect_killed_by_seccomp(in_child(child_inet_socket));
}

/* A call through another ABI (x32 on x86_64) cannot slip past the names
 * libseccomp resolved for ours. */
#ifdef __x86_64__
static void child_other_abi(void)
{
    restrict_or_die();
    syscall(0x40000000 | SYS_getpid); /* __X32_SYSCALL_BIT */
    _exit(2);
}

static void restrict_kills_another_abi(void **state)
{
    expect_killed_by_seccomp(in_child(child_other_abi));
}
#else
static void restrict_kills_another_abi(void **state)
{
    skip();
}
#endif

static char written_path[64];

/* Everything else fails with EPERM, and the process goes on. */
static void child_refused(void)
{
    restrict_or_die();
    errno = 0;
    CHILD_CHECK(open(written_path, O_WRONLY | O_CREAT, 0600) < 0 && errno == EPERM);
    errno = 0;
    CHILD_CHECK(open("/etc/passwd", O_RDONLY) < 0 && errno == EPERM);
    errno = 0;
    CHILD_CHECK(socket(AF_UNIX, SOCK_DGRAM, 0) < 0 && errno == EPERM);
    errno = 0;
    CHILD_CHECK(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
                    MAP_FAILED &&
                errno == EPERM);
    int n;
    errno = 0;
    CHILD_CHECK(ioctl(STDERR_FILENO, FIONREAD, &n) < 0 && errno == EPERM);
    errno = 0;
    CHILD_CHECK(fcntl(STDERR_FILENO, F_SETLK, &(struct flock){.l_type = F_WRLCK}) < 0 &&
                errno == EPERM);
    errno = 0;
    CHILD_CHECK(fork() < 0 && errno == EPERM);
    errno = 0;
    CHILD_CHECK(kill(getppid(), 0) < 0 && errno == EPERM);
}

static void restrict_refuses_the_rest(void **state)
{
    snprintf(written_path, sizeof(written_path), "/tmp/pppssh-sandbox.%d", (int)getpid());
    unlink(written_path);
    expect_clean_exit(in_child(child_refused));
    struct stat st;
    assert_int_equal(stat(written_path, &st), -1); /* nothing was created */
}

/* SANDBOX_LOG_ONLY: nothing is refused or killed, only logged. */
static void child_log_only(void)
{
    char err[256] = "";
    int r = sandbox_restrict_syscalls(SANDBOX_LOG_ONLY, err, sizeof(err));
    if (r < 0)
        fprintf(stderr, "child: %s\n", err);
    CHILD_CHECK(r == 0);
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    CHILD_CHECK(s >= 0);
    close(s);
    int fd = open("/proc/self/status", O_RDONLY);
    CHILD_CHECK(fd >= 0);
    close(fd);
}

static void log_only_refuses_nothing(void **state)
{
    expect_clean_exit(in_child(child_log_only));
}

/* serve logs to syslog: a line logged after the filter still reaches
 * /dev/log (here a socket of our own on a private /dev), because log.c
 * connected to it at log_setup() and the filter lets it send. */
static void child_syslog(void)
{
    CHILD_CHECK(unshare(CLONE_NEWNS) == 0);
    CHILD_CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0);
    CHILD_CHECK(mount("none", "/dev", "tmpfs", 0, NULL) == 0);
    int dev_log = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = "/dev/log"};
    CHILD_CHECK(bind(dev_log, (struct sockaddr *)&sa, sizeof(sa)) == 0);
    log_setup("sandbox-test", true, LOG_LEVEL_INFO);
    restrict_or_die();
    log_info("after the filter");
    char buf[256];
    ssize_t n = recv(dev_log, buf, sizeof(buf) - 1, 0);
    CHILD_CHECK(n > 0);
    buf[n] = 0;
    CHILD_CHECK(strstr(buf, "sandbox-test[") && strstr(buf, "after the filter"));
}

static void restrict_keeps_syslog(void **state)
{
    root_child_exits_cleanly(child_syslog);
}

/* The order serve will use: drop, then restrict; the filter needs no
 * privilege (no_new_privs is enough). */
static void child_drop_then_restrict(void)
{
    struct proc_status ps;
    CHILD_CHECK(status_open(&ps) >= 0);
    drop_to_nobody();
    restrict_or_die();
    CHILD_CHECK(status_read(&ps) == 0);
    CHILD_CHECK(status_has(&ps, "CapEff", "0000000000000000"));
    CHILD_CHECK(status_has(&ps, "Seccomp", "2"));
    errno = 0;
    CHILD_CHECK(setuid(0) < 0 && errno == EPERM);
}

static void drop_then_restrict(void **state)
{
    root_child_exits_cleanly(child_drop_then_restrict);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(drop_leaves_no_privilege),
        cmocka_unit_test(drop_error_names_the_step),
        cmocka_unit_test(drop_as_that_user_already),
        cmocka_unit_test(drop_to_root_is_refused),
        cmocka_unit_test(restrict_allows_the_session),
        cmocka_unit_test(restrict_kills_execve),
        cmocka_unit_test(restrict_kills_network_socket),
        cmocka_unit_test(restrict_kills_another_abi),
        cmocka_unit_test(restrict_refuses_the_rest),
        cmocka_unit_test(log_only_refuses_nothing),
        cmocka_unit_test(restrict_keeps_syslog),
        cmocka_unit_test(drop_then_restrict),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
