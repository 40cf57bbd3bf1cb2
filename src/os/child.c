/* child.c - the one fork/exec path: the transport child (stdio on a socketpair
 * or pty) and helper programs (hooks, resolvers) */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "errtext.h"
#include "pty.h"

/* The descriptors both sides need while the child starts. */
struct spawn_fds {
    int ours, theirs;          /* stdio channel: our end, the child's end */
    int err_read, err_write;   /* the child's stderr */
    int exec_read, exec_write; /* close-on-exec pipe: carries errno if exec fails */
};

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void close_all(struct spawn_fds *f)
{
    close_fd(&f->ours);
    close_fd(&f->theirs);
    close_fd(&f->err_read);
    close_fd(&f->err_write);
    close_fd(&f->exec_read);
    close_fd(&f->exec_write);
}

static int make_fds(const struct spawn_request *req, struct spawn_fds *f, char *err, size_t errlen)
{
    int sv[2], p[2], x[2];

    if (req->use_pty) {
        int rc = pty_open(&f->ours, &f->theirs, NULL, 0, err, errlen);
        if (rc < 0)
            return rc;
    } else {
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
            return errtext_set(-errno, err, errlen, "cannot create socketpair: %s",
                               strerror(errno));
        f->ours = sv[0];
        f->theirs = sv[1];
    }
    if (pipe2(p, O_CLOEXEC) < 0)
        return errtext_set(-errno, err, errlen, "cannot create pipe: %s", strerror(errno));
    f->err_read = p[0];
    f->err_write = p[1];
    if (pipe2(x, O_CLOEXEC) < 0)
        return errtext_set(-errno, err, errlen, "cannot create pipe: %s", strerror(errno));
    f->exec_read = x[0];
    f->exec_write = x[1];
    return 0;
}

/* In the child: report errno to the parent and die.  Only async-signal-safe calls. */
static _Noreturn void child_fail(int exec_write)
{
    int e = errno;
    ssize_t unused = write(exec_write, &e, sizeof(e));
    (void)unused;
    _exit(127);
}

int spawn_account_find(const char *name, struct spawn_account *a)
{
    const struct passwd *pw = getpwnam(name);
    if (!pw)
        return -ENOENT;
    memset(a, 0, sizeof(*a));
    a->uid = pw->pw_uid;
    a->gid = pw->pw_gid;
    snprintf(a->name, sizeof(a->name), "%s", pw->pw_name);
    snprintf(a->home, sizeof(a->home), "%s", pw->pw_dir ? pw->pw_dir : "/");
    a->n_groups = SPAWN_GROUPS_MAX;
    if (getgrouplist(a->name, a->gid, a->groups, &a->n_groups) < 0) {
        a->n_groups = SPAWN_GROUPS_MAX;
        return -E2BIG;
    }
    return 0;
}

/* In the child: the account's groups, gid, uid (in that order: after the
 * uid no other change is allowed), and the variables that name it. */
static int become(const struct spawn_account *a)
{
    if (setgroups((size_t)a->n_groups, a->groups) < 0 || setresgid(a->gid, a->gid, a->gid) < 0 ||
        setresuid(a->uid, a->uid, a->uid) < 0)
        return -1;
    /* Single-threaded after fork: setenv is safe here. */
    setenv("HOME", a->home, 1);
    setenv("USER", a->name, 1);
    setenv("LOGNAME", a->name, 1);
    return 0;
}

static _Noreturn void run_child(const struct spawn_request *req, const struct spawn_fds *f,
                                pid_t parent)
{
    /* Own session: our terminal's ^C or a signal to our process group
     * never reaches it, and a pty slave can become its controlling tty. */
    if (setsid() < 0)
        child_fail(f->exec_write);
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0)
        child_fail(f->exec_write);
    /* The parent may have died before PR_SET_PDEATHSIG took effect. */
    if (getppid() != parent)
        _exit(127);
    if (req->use_pty && ioctl(f->theirs, TIOCSCTTY, 0) < 0)
        child_fail(f->exec_write);
    if (req->account && become(req->account) < 0)
        child_fail(f->exec_write);
    /* dup2 clears close-on-exec on the copies; then every other descriptor
     * (the TUN, the caller's sockets, even ones opened without O_CLOEXEC)
     * is marked close-on-exec, so the child gets its three stdio only. */
    if (dup2(f->theirs, STDIN_FILENO) < 0 || dup2(f->theirs, STDOUT_FILENO) < 0 ||
        dup2(f->err_write, STDERR_FILENO) < 0)
        child_fail(f->exec_write);
    if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        child_fail(f->exec_write);
    signal(SIGPIPE, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (req->shell_command)
        execl("/bin/sh", "sh", "-c", req->shell_command, (char *)NULL);
    else
        execvp(req->argv[0], (char *const *)req->argv);
    child_fail(f->exec_write);
}

/* Waits for the exec pipe: EOF means exec succeeded (the pipe was close-on-exec). */
static int wait_exec(int exec_read, int *child_errno)
{
    ssize_t n;
    do {
        n = read(exec_read, child_errno, sizeof(*child_errno));
    } while (n < 0 && errno == EINTR);
    return n == sizeof(*child_errno) ? -1 : 0;
}

static int set_nonblocking(int fd)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
        return -errno;
    return 0;
}

static const char *program_name(const struct spawn_request *req)
{
    return req->shell_command ? "/bin/sh" : req->argv[0];
}

int spawn_start(const struct spawn_request *req, struct spawn_child *child, char *err,
                size_t errlen)
{
    struct spawn_fds f = {-1, -1, -1, -1, -1, -1};
    int rc, child_errno = 0;

    child->pid = -1;
    child->io_fd = child->stderr_fd = -1;
    if (!req->shell_command == !req->argv || (req->argv && !req->argv[0]))
        return errtext_set(-EINVAL, err, errlen, "spawn: give exactly one of argv and a command");
    rc = make_fds(req, &f, err, errlen);
    if (rc < 0) {
        close_all(&f);
        return rc;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        rc = errtext_set(-errno, err, errlen, "cannot fork: %s", strerror(errno));
        close_all(&f);
        return rc;
    }
    if (pid == 0)
        run_child(req, &f, parent);
    close_fd(&f.theirs);
    close_fd(&f.err_write);
    close_fd(&f.exec_write);
    if (wait_exec(f.exec_read, &child_errno) < 0) {
        waitpid(pid, NULL, 0);
        close_all(&f);
        return errtext_set(-child_errno, err, errlen, "cannot run '%s': %s", program_name(req),
                           strerror(child_errno));
    }
    close_fd(&f.exec_read);
    if ((rc = set_nonblocking(f.ours)) < 0 || (rc = set_nonblocking(f.err_read)) < 0) {
        spawn_terminate(pid, 0, NULL);
        close_all(&f);
        return errtext_set(rc, err, errlen, "cannot make descriptors non-blocking: %s",
                           strerror(-rc));
    }
    child->pid = pid;
    child->io_fd = f.ours;
    child->stderr_fd = f.err_read;
    return 0;
}

int spawn_reap(pid_t pid, int *status)
{
    int st;
    pid_t r;
    do {
        r = waitpid(pid, &st, WNOHANG);
    } while (r < 0 && errno == EINTR);
    if (r < 0)
        return -errno;
    if (r == 0)
        return 0;
    if (status)
        *status = st;
    return 1;
}

/* Polls for the exit for up to timeout_ms (in 5 ms steps): 1 if reaped. */
static int reap_within(pid_t pid, int timeout_ms, int *status)
{
    long long deadline = os_clock_ms() + timeout_ms;
    for (;;) {
        int rc = spawn_reap(pid, status);
        if (rc != 0)
            return rc;
        if (os_clock_ms() >= deadline)
            return 0;
        os_sleep_ms(5);
    }
}

int spawn_terminate(pid_t pid, int timeout_ms, int *status)
{
    if (pid <= 0)
        return -EINVAL;
    int rc = spawn_reap(pid, status);
    if (rc == 1 || rc == -ECHILD)
        return 0;
    /* The child leads its own process group (setsid), so this also reaches
     * what it started, e.g. the shell's children under `Command`. */
    if (kill(-pid, SIGTERM) < 0)
        kill(pid, SIGTERM);
    rc = reap_within(pid, timeout_ms, status);
    if (rc == 1 || rc == -ECHILD)
        return 0;
    if (kill(-pid, SIGKILL) < 0)
        kill(pid, SIGKILL);
    int st;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            return errno == ECHILD ? 0 : -errno;
    }
    if (status)
        *status = st;
    return 0;
}

void spawn_close(struct spawn_child *child)
{
    close_fd(&child->io_fd);
    close_fd(&child->stderr_fd);
}

const char *spawn_describe_status(int status, char *buf, size_t size)
{
    if (WIFEXITED(status))
        snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
                 strsignal(WTERMSIG(status)));
    else
        snprintf(buf, size, "stopped (status 0x%x)", (unsigned)status);
    return buf;
}

/* In the helper: a clean process (own group, default signals, stdin from
 * input_fd or /dev/null, stdout and stderr on /dev/null, no descriptor of
 * ours), then exec.  Only async-signal-safe calls. */
static _Noreturn void run_helper(const struct child_program *prog, int input_fd)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL); /* the loop blocks signals for signalfd */
    signal(SIGPIPE, SIG_DFL);
    setpgid(0, 0);
    int null = open("/dev/null", O_RDWR);
    dup2(input_fd >= 0 ? input_fd : null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    close_range(3, ~0U, 0);
    if (prog->envp)
        execve(prog->path, prog->argv, prog->envp);
    else
        execv(prog->path, prog->argv);
    _exit(CHILD_EXIT_CANNOT_RUN);
}

pid_t child_program_start(const struct child_program *prog, char *err, size_t errlen)
{
    int pipefd[2] = {-1, -1};
    size_t len = prog->input ? strlen(prog->input) : 0;
    if (len > CHILD_INPUT_MAX) {
        snprintf(err, errlen, "%s: input too long", prog->path);
        return -E2BIG;
    }
    if (prog->input && pipe2(pipefd, O_CLOEXEC) < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot run %s: %s", prog->path, strerror(e));
        return -e;
    }
    /* Fits in the pipe: written before the fork, never blocks. */
    if (prog->input && write(pipefd[1], prog->input, len) != (ssize_t)len)
        len = SIZE_MAX;
    close_fd(&pipefd[1]);
    pid_t pid = len == SIZE_MAX ? -1 : fork();
    if (pid == 0)
        run_helper(prog, pipefd[0]);
    int e = errno;
    close_fd(&pipefd[0]);
    if (pid < 0) {
        snprintf(err, errlen, "cannot run %s: %s", prog->path, strerror(e));
        return -e;
    }
    setpgid(pid, pid); /* both sides: the group exists before we may kill it */
    return pid;
}

void child_program_kill(pid_t pid)
{
    int status;
    kill(-pid, SIGKILL); /* its group: a helper's own children go too */
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
}

int child_program_wait(pid_t pid, int timeout_ms, int *status)
{
    int rc = reap_within(pid, timeout_ms, status);
    if (rc == 0)
        child_program_kill(pid);
    return rc;
}
