/*
 * dns.c - resolvers through resolvectl or resolvconf.
 */
#include "dns.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "log.h"

static const char *const RESOLVECTL[] = {"/usr/bin/resolvectl", "/bin/resolvectl", NULL};
static const char *const RESOLVCONF[] = {"/usr/sbin/resolvconf", "/sbin/resolvconf", NULL};
static bool tools_given;
static const char *given_resolvectl, *given_resolvconf;

void dns_use_tools(const char *resolvectl, const char *resolvconf)
{
    tools_given = true;
    given_resolvectl = resolvectl;
    given_resolvconf = resolvconf;
}

static const char *find(const char *const *candidates)
{
    if (tools_given)
        return candidates == RESOLVECTL ? given_resolvectl : given_resolvconf;
    for (size_t i = 0; candidates[i]; i++)
        if (access(candidates[i], X_OK) == 0)
            return candidates[i];
    return NULL;
}

/* Runs argv with stdin from input (may be NULL); 0 if it exited 0 within
 * DNS_TIMEOUT_MS (a resolver that hangs is killed: the tunnel goes on). */
static int run(char *const argv[], const char *input, char *err, size_t errlen)
{
    struct child_program prog = {.path = argv[0], .argv = argv, .input = input};
    pid_t pid = child_program_start(&prog, err, errlen);
    if (pid < 0)
        return (int)pid;
    int status;
    int r = child_program_wait(pid, DNS_TIMEOUT_MS, &status);
    if (r == 0) {
        snprintf(err, errlen, "%s %s did not finish within %d s: killed", argv[0], argv[1],
                 DNS_TIMEOUT_MS / 1000);
        return -ETIMEDOUT;
    }
    if (r < 0) {
        snprintf(err, errlen, "%s %s: cannot wait: %s", argv[0], argv[1], strerror(-r));
        return r;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "%s %s failed", argv[0], argv[1]);
        return -EIO;
    }
    return 0;
}

/* resolvconf's name for the tunnel's entry.  Debian's resolvconf orders
 * entries by name (/etc/resolvconf/interface-order): "tun*" comes before
 * the LAN's (eth*, en*), a bare tunnel name only matches the final "*"
 * and would come last.  openresolv orders by -m 0 and takes any name;
 * wg-quick uses the same prefix for the same reason. */
static void resolvconf_record(char *out, size_t len, const char *ifname)
{
    snprintf(out, len, "tun.%s", ifname);
}

/* The commands that apply the resolvers, into j (its own strings). */
static int plan(struct dns_apply_job *j, const char *ifname, const struct os_ip *dns, size_t n,
                char *err, size_t errlen)
{
    memset(j, 0, sizeof(*j));
    snprintf(j->ifname, sizeof(j->ifname), "%s", ifname);
    if (n > DNS_MAX)
        n = DNS_MAX;
    for (size_t i = 0; i < n; i++)
        os_ip_format(&dns[i], j->text[i], sizeof(j->text[i]));
    const char *tool;
    if ((tool = find(RESOLVECTL))) {
        char **a = j->argv[0], **d = j->argv[1];
        a[0] = d[0] = (char *)tool;
        a[1] = "dns";
        a[2] = d[2] = j->ifname;
        for (size_t i = 0; i < n; i++)
            a[3 + i] = j->text[i];
        d[1] = "domain";
        d[3] = "~."; /* every lookup through the tunnel's resolvers */
        j->n_steps = 2;
        log_info("[#] resolvectl dns %s %s%s", ifname, j->text[0], n > 1 ? " ..." : "");
        return 0;
    }
    if ((tool = find(RESOLVCONF))) {
        static char *const args[] = {"-a", NULL, "-m", "0", "-x", NULL};
        char **a = j->argv[0];
        a[0] = (char *)tool;
        resolvconf_record(j->record, sizeof(j->record), ifname);
        for (size_t i = 0; i < 5; i++)
            a[1 + i] = i == 1 ? j->record : args[i];
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(j->input);
            snprintf(j->input + len, sizeof(j->input) - len, "nameserver %s\n", j->text[i]);
        }
        j->with_input[0] = true;
        j->n_steps = 1;
        log_info("[#] resolvconf -a %s -m 0 -x", j->record);
        return 0;
    }
    snprintf(err, errlen, "DNS is set but neither resolvectl nor resolvconf is installed");
    return -ENOENT;
}

static void give_up(struct dns_apply_job *j, const char *why)
{
    log_warn("DNS not applied: %s", why);
    j->next = j->n_steps;
}

/* Starts the next command, if any is left. */
static void next_step(struct dns_apply_job *j, long long now_ms)
{
    while (j->pid == 0 && j->next < j->n_steps) {
        size_t k = j->next++;
        char err[256];
        struct child_program prog = {
            .path = j->argv[k][0], .argv = j->argv[k], .input = j->with_input[k] ? j->input : NULL};
        pid_t pid = child_program_start(&prog, err, sizeof(err));
        if (pid < 0) {
            give_up(j, err);
            return;
        }
        j->pid = pid;
        j->deadline_ms = now_ms + j->timeout_ms;
    }
}

int dns_apply_start(struct dns_apply_job *j, const char *ifname, const struct os_ip *dns, size_t n,
                    int timeout_ms, long long now_ms, char *err, size_t errlen)
{
    int r = plan(j, ifname, dns, n, err, errlen);
    if (r < 0)
        return r;
    j->timeout_ms = timeout_ms > 0 ? timeout_ms : DNS_TIMEOUT_MS;
    dns_apply_poll(j, now_ms);
    return 0;
}

void dns_apply_poll(struct dns_apply_job *j, long long now_ms)
{
    j->polled_ms = now_ms;
    if (j->pid) {
        const char *const *argv = (const char *const *)j->argv[j->next - 1];
        char why[320];
        int status;
        int r = spawn_reap(j->pid, &status);
        if (r == 0 && now_ms < j->deadline_ms)
            return;
        if (r == 0)
            child_program_kill(j->pid);
        j->pid = 0;
        if (r == 0)
            snprintf(why, sizeof(why), "%s %s did not finish within %d ms: killed", argv[0],
                     argv[1], j->timeout_ms);
        else if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            snprintf(why, sizeof(why), "%s %s failed", argv[0], argv[1]);
        else
            why[0] = 0;
        if (why[0])
            give_up(j, why);
    }
    next_step(j, now_ms);
}

long long dns_apply_expiry(const struct dns_apply_job *j)
{
    if (!j->pid)
        return -1;
    /* A SIGCHLD read by another wait is not lost for long. */
    long long again = j->polled_ms + 500;
    return again < j->deadline_ms ? again : j->deadline_ms;
}

bool dns_apply_busy(const struct dns_apply_job *j)
{
    return j->pid != 0 || j->next < j->n_steps;
}

void dns_apply_cancel(struct dns_apply_job *j)
{
    if (j->pid)
        child_program_kill(j->pid);
    j->pid = 0;
    j->next = j->n_steps;
}

int dns_remove(const char *ifname, char *err, size_t errlen)
{
    const char *tool;
    if ((tool = find(RESOLVECTL))) {
        char *argv[] = {(char *)tool, "revert", (char *)ifname, NULL};
        log_info("[#] resolvectl revert %s", ifname);
        return run(argv, NULL, err, errlen);
    }
    if ((tool = find(RESOLVCONF))) {
        char record[IFNAMSIZ + 4];
        resolvconf_record(record, sizeof(record), ifname);
        char *argv[] = {(char *)tool, "-d", record, "-f", NULL};
        log_info("[#] resolvconf -d %s -f", record);
        return run(argv, NULL, err, errlen);
    }
    return 0;
}
