/*
 * hooks.h - ip-up / ip-down scripts run the way pppd runs them, so the
 * PPP-SSH mini-HOWTO's hook scripts work unchanged.
 *
 * Each script gets pppd's positional arguments
 *     interface-name tty-device speed local-IP-address remote-IP-address ipparam
 * and an environment built from nothing (none of ours leaks in):
 *     PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
 *     PPP_IFACE PPP_TTY PPP_SPEED PPP_LOCAL PPP_REMOTE PPP_IPPARAM
 *         (Debian's /etc/ppp/ip-up wrapper exports these from $1..$6)
 *     IFNAME DEVICE SPEED IPLOCAL IPREMOTE (pppd's own names), and
 *     DNS1 DNS2 (only when known, as pppd's usepeerdns does).
 *
 * A ssh tunnel has no tty and no line speed.  tty-device is "/dev/null"
 * unless the caller names one (scripts that test -c "$2" still pass) and
 * speed is "0" unless given: pppd passes the baud rate as a decimal
 * integer, so scripts doing arithmetic on it keep working.
 *
 * Order: the config's UpScript (DownScript) first, then every executable
 * regular file of dir/ip-up.d (ip-down.d) in strcmp order, skipping names
 * run-parts would skip (anything but [A-Za-z0-9_-]).  Each script runs in
 * its own process group with stdin on /dev/null, stdout/stderr on
 * /dev/null; each gets at most timeout_ms, then its group is SIGKILLed by
 * PID so a hung hook cannot hang the tunnel.  The tunnel never waits for
 * them: they run beside the link (hooks_queue below).  Every exit status is logged
 * (log.h) as one line: "hook /etc/pppssh/ip-up.d/50route exited with status 1".
 */
#ifndef PPPSSH_RUN_HOOKS_H
#define PPPSSH_RUN_HOOKS_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define HOOKS_DEFAULT_DIR "/etc/pppssh"
#define HOOKS_DEFAULT_TIMEOUT_MS 10000
#define HOOKS_MAX_DIR_ENTRIES 256 /* scripts run from one .d directory at most */

enum hook_kind {
    HOOK_IP_UP,
    HOOK_IP_DOWN,
};

struct hook_env {
    const char *ifname;    /* interface-name ($1, PPP_IFACE, IFNAME) */
    const char *tty;       /* NULL: "/dev/null" ($2, PPP_TTY, DEVICE) */
    unsigned speed;        /* 0 if none ($3, PPP_SPEED, SPEED) */
    struct in_addr local;  /* $4, PPP_LOCAL, IPLOCAL */
    struct in_addr remote; /* $5, PPP_REMOTE, IPREMOTE */
    const char *ipparam;   /* NULL: "" ($6, PPP_IPPARAM); pppssh passes the tunnel name */
    bool has_dns1, has_dns2;
    struct in_addr dns1, dns2; /* DNS1, DNS2 */
};

struct hook_config {
    const char *up_script;   /* NULL or "": none (config UpScript) */
    const char *down_script; /* (config DownScript) */
    const char *dir;         /* NULL: HOOKS_DEFAULT_DIR; ip-up.d / ip-down.d inside */
    int timeout_ms;          /* per script; <= 0: HOOKS_DEFAULT_TIMEOUT_MS */
    /* Jobs run by another process (the privileged part of a split `up`,
     * which runs them as root, hooks_remote.c): remote hands it one and
     * returns a descriptor that reads end-of-file once the job has run,
     * or -errno.  NULL: the jobs run here, as below. */
    int (*remote)(void *ctx, enum hook_kind kind, const struct hook_env *env);
    void *remote_ctx;
};

#define HOOKS_POLL_MS 500 /* a running hook is looked at this often at least */
#define HOOKS_QUEUE 4     /* jobs waiting behind the running one (an up, a down, ...) */

struct hook_call; /* the arguments and environment of one job (hooks.c) */

/*
 * The asynchronous runner: the event loop never waits for a hook.  A job
 * (every script of one kind, in order) runs one script at a time as a
 * child process; the loop calls hooks_poll() on SIGCHLD and when
 * hooks_expiry() is due, and each call reaps what ended, kills what
 * overran its timeout and starts the next script.  Jobs run in the order
 * they were queued: an ip-down queued while ip-up runs follows it.
 */
struct hook_job {
    enum hook_kind kind;
    struct hook_env env; /* its strings must outlive the job */
};

struct hook_runner {
    struct hook_config cfg;
    struct hook_job queue[HOOKS_QUEUE];
    size_t n_queued;
    /* The job running now: its scripts, the one at paths[next - 1] running as pid. */
    bool busy;
    enum hook_kind kind;
    struct hook_call *call;
    char **paths;
    size_t n_paths, next;
    pid_t pid; /* 0: between scripts */
    long long deadline_ms;
    long long polled_ms; /* the last hooks_poll() */
    /* Failures of the last job to finish (and of the one running). */
    int failed;
    char first_err[512];
    /* cfg.remote: each job handed over, as its descriptor, oldest first. */
    int remote_fds[HOOKS_QUEUE + 1];
    size_t n_remote;
};

void hooks_init(struct hook_runner *r, const struct hook_config *cfg);
/* Queues every hook of kind; starts it now if nothing runs.  0, or
 * -ENOSPC if HOOKS_QUEUE jobs already wait (logged). */
int hooks_queue(struct hook_runner *r, enum hook_kind kind, const struct hook_env *env,
                long long now_ms);
/* Reaps, kills at the timeout, starts the next script or job. */
void hooks_poll(struct hook_runner *r, long long now_ms);
/* When hooks_poll() must next run (a timeout), or -1 if nothing runs. */
long long hooks_expiry(const struct hook_runner *r);
bool hooks_busy(const struct hook_runner *r);
/* Runs what is running and queued to its end, blocking (each script still
 * bounded by its timeout): at the end of the tunnel, when nothing is left
 * to keep alive. */
void hooks_drain(struct hook_runner *r);
void hooks_free(struct hook_runner *r);

/*
 * Runs every hook of kind, in order, each to its end or timeout, blocking
 * (the runner above, drained).  A missing .d directory or unset script is
 * not an error.  Returns the number of scripts that failed (non-zero exit,
 * signal, timeout, cannot run) - 0 if all succeeded or none exist - with
 * err describing the first failure.
 */
int hooks_run(enum hook_kind kind, const struct hook_env *env, const struct hook_config *cfg,
              char *err, size_t errlen);

#endif
