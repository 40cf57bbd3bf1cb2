/*
 * hooks.c - ip-up / ip-down scripts with pppd's arguments and environment.
 */
#include "hooks.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "hooks_remote.h"
#include "clock.h"
#include "log.h"
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

static void note_failure(struct hook_runner *r, const char *text)
{
    log_warn("%s", text);
    if (r->failed++ == 0) {
        size_t n = strnlen(text, sizeof(r->first_err) - 1);
        memcpy(r->first_err, text, n);
        r->first_err[n] = 0;
    }
}

/* A script ended with status: logged, and counted if it failed. */
static void script_ended(struct hook_runner *r, const char *path, int status)
{
    char how[64], text[512];
    spawn_describe_status(status, how, sizeof(how));
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        log_info("hook %s %s", path, how);
        return;
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == CHILD_EXIT_CANNOT_RUN)
        snprintf(text, sizeof(text), "hook %s cannot be run (%s)", path, how);
    else
        snprintf(text, sizeof(text), "hook %s %s", path, how);
    note_failure(r, text);
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

/* A hook runs with our privileges: one that someone else could have
 * written (it, or a directory above it) is not run (sshd's StrictModes).
 * A missing one is left to exec, which says so. */
static bool safe_to_run(struct hook_runner *r, const char *path)
{
    char why[400], text[512];
    if (strictmodes_check(path, getuid(), why, sizeof(why)) != -EPERM)
        return true;
    snprintf(text, sizeof(text), "hook %s not run: %s", path, why);
    note_failure(r, text);
    return false;
}

static void add_path(struct hook_runner *r, const char *path)
{
    char **grown = realloc(r->paths, (r->n_paths + 1) * sizeof(*grown));
    char *copy = strdup(path);
    if (!grown || !copy) {
        free(copy);
        if (grown)
            r->paths = grown;
        note_failure(r, "hooks: out of memory");
        return;
    }
    r->paths = grown;
    r->paths[r->n_paths++] = copy;
}

static void free_paths(struct hook_runner *r)
{
    for (size_t i = 0; i < r->n_paths; i++)
        free(r->paths[i]);
    free(r->paths);
    r->paths = NULL;
    r->n_paths = r->next = 0;
}

/* The job's scripts: the config's one, then the .d directory's. */
static void list_scripts(struct hook_runner *r, enum hook_kind kind)
{
    const char *script = kind == HOOK_IP_UP ? r->cfg.up_script : r->cfg.down_script;
    if (script && *script)
        add_path(r, script);
    char dir[4096], path[4096], text[4200];
    snprintf(dir, sizeof(dir), "%s/%s", r->cfg.dir && *r->cfg.dir ? r->cfg.dir : HOOKS_DEFAULT_DIR,
             kind == HOOK_IP_UP ? "ip-up.d" : "ip-down.d");
    struct dirent **names = NULL;
    int n = scandir(dir, &names, runparts_name, by_bytes);
    if (n < 0 && errno != ENOENT && errno != ENOTDIR) {
        snprintf(text, sizeof(text), "cannot read %s: %s", dir, strerror(errno));
        note_failure(r, text);
    }
    for (int i = 0; i < n; i++) {
        if (i < HOOKS_MAX_DIR_ENTRIES &&
            (size_t)snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name) < sizeof(path) &&
            executable_file(path))
            add_path(r, path);
        free(names[i]);
    }
    free(names);
}

static void exec_script(struct hook_runner *r, const char *path, long long now_ms)
{
    struct hook_call *c = r->call;
    char *const argv[] = {(char *)path,     (char *)c->ifname, (char *)c->tty,     (char *)c->speed,
                          (char *)c->local, (char *)c->remote, (char *)c->ipparam, NULL};
    struct child_program prog = {.path = path, .argv = argv, .envp = c->envp};
    char text[512];
    pid_t pid = child_program_start(&prog, text, sizeof(text));
    if (pid < 0) {
        note_failure(r, text);
        return;
    }
    r->pid = pid;
    r->deadline_ms = now_ms + r->cfg.timeout_ms;
}

/* Starts the job's next script that may run; false when none is left. */
static bool next_script(struct hook_runner *r, long long now_ms)
{
    while (r->pid == 0 && r->next < r->n_paths) {
        const char *path = r->paths[r->next++];
        if (safe_to_run(r, path))
            exec_script(r, path, now_ms);
    }
    return r->pid != 0;
}

static void start_job(struct hook_runner *r)
{
    struct hook_job job = r->queue[0];
    memmove(r->queue, r->queue + 1, --r->n_queued * sizeof(r->queue[0]));
    r->busy = true;
    r->kind = job.kind;
    r->failed = 0;
    r->first_err[0] = 0;
    build_call(&job.env, r->call);
    list_scripts(r, job.kind);
}

static void job_done(struct hook_runner *r)
{
    if (r->failed)
        log_warn("%s hooks: %d failed, the first: %s", r->kind == HOOK_IP_UP ? "ip-up" : "ip-down",
                 r->failed, r->first_err);
    free_paths(r);
    r->busy = false;
}

void hooks_init(struct hook_runner *r, const struct hook_config *cfg)
{
    memset(r, 0, sizeof(*r));
    r->cfg = *cfg;
    if (r->cfg.timeout_ms <= 0)
        r->cfg.timeout_ms = HOOKS_DEFAULT_TIMEOUT_MS;
}

int hooks_queue(struct hook_runner *r, enum hook_kind kind, const struct hook_env *env,
                long long now_ms)
{
    if (r->cfg.remote)
        return hooks_remote_queue(r, kind, env, now_ms);
    if (r->n_queued == HOOKS_QUEUE) {
        log_warn("%s hooks not run: %d jobs already wait", kind == HOOK_IP_UP ? "ip-up" : "ip-down",
                 HOOKS_QUEUE);
        return -ENOSPC;
    }
    if (!r->call && !(r->call = malloc(sizeof(*r->call)))) {
        log_warn("hooks: out of memory");
        return -ENOMEM;
    }
    r->queue[r->n_queued++] = (struct hook_job){.kind = kind, .env = *env};
    hooks_poll(r, now_ms);
    return 0;
}

static void timed_out(struct hook_runner *r, const char *path)
{
    char text[512];
    snprintf(text, sizeof(text), "hook %s timed out after %d ms: killed", path, r->cfg.timeout_ms);
    note_failure(r, text);
}

/* The running script: ended (reaped) or overran its time (killed). */
static void check_running(struct hook_runner *r, long long now_ms)
{
    const char *path = r->paths[r->next - 1];
    int status;
    int rc = spawn_reap(r->pid, &status);
    if (rc == 0 && now_ms < r->deadline_ms)
        return;
    if (rc == 1) {
        script_ended(r, path, status);
    } else if (rc == 0) {
        child_program_kill(r->pid);
        timed_out(r, path);
    } else {
        char text[512];
        snprintf(text, sizeof(text), "hook %s: cannot wait: %s", path, strerror(-rc));
        note_failure(r, text);
    }
    r->pid = 0;
}

void hooks_poll(struct hook_runner *r, long long now_ms)
{
    r->polled_ms = now_ms;
    if (r->cfg.remote) {
        hooks_remote_poll(r, 0);
        return;
    }
    for (;;) {
        if (r->pid)
            check_running(r, now_ms);
        if (r->pid)
            return;
        if (r->busy && next_script(r, now_ms))
            return;
        if (r->busy)
            job_done(r);
        if (r->n_queued == 0)
            return;
        start_job(r);
    }
}

long long hooks_expiry(const struct hook_runner *r)
{
    if (r->cfg.remote)
        return r->n_remote ? r->polled_ms + HOOKS_REMOTE_POLL_MS : -1;
    if (!r->pid)
        return -1;
    /* A SIGCHLD read by someone else (a bounded wait for ssh) is not lost
     * for long: look again every HOOKS_POLL_MS. */
    long long again = r->polled_ms + HOOKS_POLL_MS;
    return again < r->deadline_ms ? again : r->deadline_ms;
}

bool hooks_busy(const struct hook_runner *r)
{
    return r->busy || r->n_queued || r->n_remote;
}

void hooks_drain(struct hook_runner *r)
{
    if (r->cfg.remote) {
        hooks_remote_poll(r, HOOKS_REMOTE_DRAIN_MS);
        return;
    }
    while (hooks_busy(r)) {
        if (r->pid) {
            int status;
            long long left = r->deadline_ms - os_clock_ms();
            int rc = child_program_wait(r->pid, left > 0 ? (int)left : 0, &status);
            if (rc == 0)
                timed_out(r, r->paths[r->next - 1]); /* killed and reaped */
            else if (rc == 1)
                script_ended(r, r->paths[r->next - 1], status);
            if (rc >= 0)
                r->pid = 0;
        }
        hooks_poll(r, os_clock_ms());
    }
}

void hooks_free(struct hook_runner *r)
{
    hooks_remote_forget(r);
    if (r->pid)
        child_program_kill(r->pid);
    r->pid = 0;
    free_paths(r);
    free(r->call);
    r->call = NULL;
}

int hooks_run(enum hook_kind kind, const struct hook_env *env, const struct hook_config *cfg,
              char *err, size_t errlen)
{
    struct hook_runner r;
    hooks_init(&r, cfg);
    if (hooks_queue(&r, kind, env, os_clock_ms()) < 0) {
        snprintf(err, errlen, "hooks: out of memory");
        return 1;
    }
    hooks_drain(&r);
    /* job_done() ended the job but kept its tally. */
    if (err && errlen)
        snprintf(err, errlen, "%s", r.first_err);
    int failed = r.failed;
    hooks_free(&r);
    return failed;
}
