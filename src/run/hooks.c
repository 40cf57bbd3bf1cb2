/*
 * hooks.c - ip-up / ip-down scripts with pppd's arguments and environment.
 */
#include "hooks.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spawn.h"
#include "strictmodes.h"

/* pppd clears the environment of its scripts; PATH is what Debian's
 * /etc/ppp/ip-up sets back first. */
#define HOOK_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
#define HOOK_ENV_MAX 20
#define HOOK_ENV_TEXT 1024

/* The six positional arguments and the environment, as strings. */
struct hook_call {
    char local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN], speed[16];
    const char *ifname, *tty, *ipparam;
    char *envp[HOOK_ENV_MAX];
    char text[HOOK_ENV_MAX][HOOK_ENV_TEXT];
    size_t n_env;
};

static void add_env(struct hook_call *c, const char *key, const char *value)
{
    if (c->n_env + 1 >= HOOK_ENV_MAX)
        return;
    char *slot = c->text[c->n_env];
    size_t k = key ? strlen(key) : 0, v = strlen(value);
    if (k + 1 + v >= HOOK_ENV_TEXT)
        v = HOOK_ENV_TEXT - 2 - k; /* keys are short; a huge value is cut */
    if (key) {
        memcpy(slot, key, k);
        slot[k++] = '=';
    }
    memmove(slot + k, value, v); /* value may live elsewhere in *c */
    slot[k + v] = 0;
    c->envp[c->n_env++] = slot;
    c->envp[c->n_env] = NULL;
}

static void build_call(const struct hook_env *e, struct hook_call *c)
{
    memset(c, 0, sizeof(*c));
    c->ifname = e->ifname ? e->ifname : "";
    c->tty = e->tty && *e->tty ? e->tty : "/dev/null";
    c->ipparam = e->ipparam ? e->ipparam : "";
    inet_ntop(AF_INET, &e->local, c->local, sizeof(c->local));
    inet_ntop(AF_INET, &e->remote, c->remote, sizeof(c->remote));
    snprintf(c->speed, sizeof(c->speed), "%u", e->speed);

    add_env(c, NULL, HOOK_PATH);
    /* Debian's /etc/ppp/ip-up names (what the mini-HOWTO's scripts read). */
    add_env(c, "PPP_IFACE", c->ifname);
    add_env(c, "PPP_TTY", c->tty);
    add_env(c, "PPP_SPEED", c->speed);
    add_env(c, "PPP_LOCAL", c->local);
    add_env(c, "PPP_REMOTE", c->remote);
    add_env(c, "PPP_IPPARAM", c->ipparam);
    /* pppd's own names. */
    add_env(c, "IFNAME", c->ifname);
    add_env(c, "DEVICE", c->tty);
    add_env(c, "SPEED", c->speed);
    add_env(c, "IPLOCAL", c->local);
    add_env(c, "IPREMOTE", c->remote);
    char dns[INET_ADDRSTRLEN];
    if (e->has_dns1)
        add_env(c, "DNS1", inet_ntop(AF_INET, &e->dns1, dns, sizeof(dns)));
    if (e->has_dns2)
        add_env(c, "DNS2", inet_ntop(AF_INET, &e->dns2, dns, sizeof(dns)));
}

/* In the child: a clean process (own group, default signals, no fds of
 * ours), then exec.  Only async-signal-safe calls. */
static _Noreturn void exec_hook(const char *path, const struct hook_call *c)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL); /* the loop blocks signals for signalfd */
    signal(SIGPIPE, SIG_DFL);
    setpgid(0, 0);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
    }
    syscall(SYS_close_range, 3U, ~0U, 0U);
    char *const argv[] = {(char *)path,     (char *)c->ifname, (char *)c->tty,     (char *)c->speed,
                          (char *)c->local, (char *)c->remote, (char *)c->ipparam, NULL};
    execve(path, argv, (char *const *)c->envp);
    _exit(126);
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for pid up to timeout_ms; 1 = exited (*status), 0 = timed out. */
static int wait_bounded(pid_t pid, int timeout_ms, int *status)
{
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    long long deadline = now_ms() + timeout_ms;
    for (;;) {
        pid_t r = waitpid(pid, status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR)) {
            if (pidfd >= 0)
                close(pidfd);
            return r == pid ? 1 : -errno;
        }
        long long left = deadline - now_ms();
        if (left <= 0)
            break;
        if (pidfd >= 0) {
            struct pollfd p = {.fd = pidfd, .events = POLLIN};
            poll(&p, 1, (int)left);
        } else {
            struct timespec ts = {0, 10 * 1000000}; /* no pidfd (old kernel): poll at 10 ms */
            nanosleep(&ts, NULL);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    return 0;
}

/* Runs one script; 0 if it exited 0, else -1 with err describing why. */
static int run_one(const char *path, const struct hook_call *c, int timeout_ms, char *err,
                   size_t errlen)
{
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "hook %s: cannot fork: %s", path, strerror(errno));
        log_warn("%s", err);
        return -1;
    }
    if (pid == 0)
        exec_hook(path, c);
    setpgid(pid, pid); /* both sides: the group exists before we may kill it */

    int status = 0;
    int r = wait_bounded(pid, timeout_ms, &status);
    if (r == 0) {
        kill(-pid, SIGKILL); /* its group: a hook's own children go too */
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        snprintf(err, errlen, "hook %s timed out after %d ms: killed", path, timeout_ms);
        log_warn("%s", err);
        return -1;
    }
    if (r < 0) {
        snprintf(err, errlen, "hook %s: cannot wait: %s", path, strerror(-r));
        log_warn("%s", err);
        return -1;
    }
    char how[64];
    spawn_describe_status(status, how, sizeof(how));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        log_info("hook %s %s", path, how);
        return 0;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
        snprintf(err, errlen, "hook %s cannot be run (%s)", path, how);
    else
        snprintf(err, errlen, "hook %s %s", path, how);
    log_warn("%s", err);
    return -1;
}

/* run-parts' rule: names of letters, digits, '_' and '-' only (so editor
 * backups, .dpkg-old files and the like are skipped). */
static int runparts_name(const struct dirent *d)
{
    if (!d->d_name[0])
        return 0;
    for (const char *p = d->d_name; *p; p++)
        if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') &&
            *p != '_' && *p != '-')
            return 0;
    return 1;
}

static int by_bytes(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static bool executable_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

struct hook_tally {
    int failed;
    char *err;
    size_t errlen;
};

/* A hook runs with our privileges: one that someone else could have
 * written (it, or a directory above it) is not run (sshd's StrictModes).
 * A missing one is left to exec, which says so. */
static int safe_to_run(const char *path, char *err, size_t errlen)
{
    char why[400];
    if (strictmodes_check(path, getuid(), why, sizeof(why)) != -EPERM)
        return 0;
    snprintf(err, errlen, "hook %s not run: %s", path, why);
    log_warn("%s", err);
    return -1;
}

static void tally(struct hook_tally *t, const char *path, const struct hook_call *c, int timeout_ms)
{
    char one[512];
    if (safe_to_run(path, one, sizeof(one)) == 0 &&
        run_one(path, c, timeout_ms, one, sizeof(one)) == 0)
        return;
    if (t->failed++ == 0 && t->err)
        snprintf(t->err, t->errlen, "%s", one);
}

static int run_dir(const char *dir, const struct hook_call *c, int timeout_ms, struct hook_tally *t)
{
    struct dirent **names = NULL;
    int n = scandir(dir, &names, runparts_name, by_bytes);
    if (n < 0)
        return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        char path[4096];
        if (i < HOOKS_MAX_DIR_ENTRIES &&
            (size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) < sizeof(path) &&
            executable_file(path))
            tally(t, path, c, timeout_ms);
        free(names[i]);
    }
    free(names);
    return 0;
}

int hooks_run(enum hook_kind kind, const struct hook_env *env, const struct hook_config *cfg,
              char *err, size_t errlen)
{
    static struct hook_call call; /* ~20 KiB: not on the loop's stack */
    build_call(env, &call);
    int timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : HOOKS_DEFAULT_TIMEOUT_MS;
    const char *script = kind == HOOK_IP_UP ? cfg->up_script : cfg->down_script;
    struct hook_tally t = {.err = err, .errlen = errlen};
    if (err && errlen)
        err[0] = 0;

    if (script && *script)
        tally(&t, script, &call, timeout_ms);

    char dir[4096];
    snprintf(dir, sizeof(dir), "%s/%s", cfg->dir && *cfg->dir ? cfg->dir : HOOKS_DEFAULT_DIR,
             kind == HOOK_IP_UP ? "ip-up.d" : "ip-down.d");
    int r = run_dir(dir, &call, timeout_ms, &t);
    if (r < 0) {
        if (t.failed == 0 && err)
            snprintf(err, errlen, "cannot read %s: %s", dir, strerror(-r));
        log_warn("cannot read %s: %s", dir, strerror(-r));
        return t.failed ? t.failed : r;
    }
    return t.failed;
}
