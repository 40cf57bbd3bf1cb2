/*
 * nat.c - our nftables table, through `nft -j -f -` (nat.h).
 */
#include "nat.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "log.h"

static const char *const NFT[] = {"/usr/sbin/nft", "/sbin/nft", NULL};
static const char *given_nft;

void nat_use_tool(const char *nft)
{
    given_nft = nft;
}

bool nat_ifname_ok(const char *ifname)
{
    size_t n = strlen(ifname);
    if (n == 0 || n > 15)
        return false;
    /* Nothing that JSON or nft would read as more than a name. */
    return strspn(ifname, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") == n;
}

void nat_table_name(const char *tunnel, char *out, size_t size)
{
    snprintf(out, size, NAT_TABLE_PREFIX "%s", tunnel);
}

static bool table_ok(const char *table)
{
    size_t p = strlen(NAT_TABLE_PREFIX);
    return strncmp(table, NAT_TABLE_PREFIX, p) == 0 && nat_ifname_ok(table + p);
}

static int fitted(int n, size_t size)
{
    return n > 0 && (size_t)n < size ? n : -1;
}

int nat_masquerade_json(const char *table, const char *oif, char *out, size_t size)
{
    if (!table_ok(table) || !nat_ifname_ok(oif))
        return -1;
    /* add + delete + add: one transaction that also replaces a stale
     * table of ours (deleting a table that does not exist fails). */
    int n = snprintf(
        out, size,
        "{\"nftables\":["
        "{\"add\":{\"table\":{\"family\":\"inet\",\"name\":\"%s\"}}},"
        "{\"delete\":{\"table\":{\"family\":\"inet\",\"name\":\"%s\"}}},"
        "{\"add\":{\"table\":{\"family\":\"inet\",\"name\":\"%s\"}}},"
        "{\"add\":{\"chain\":{\"family\":\"inet\",\"table\":\"%s\",\"name\":\"postrouting\","
        "\"type\":\"nat\",\"hook\":\"postrouting\",\"prio\":100,\"policy\":\"accept\"}}},"
        "{\"add\":{\"rule\":{\"family\":\"inet\",\"table\":\"%s\",\"chain\":\"postrouting\","
        "\"expr\":[{\"match\":{\"op\":\"==\",\"left\":{\"meta\":{\"key\":\"oifname\"}},"
        "\"right\":\"%s\"}},{\"masquerade\":null}]}}}"
        "]}\n",
        table, table, table, table, table, oif);
    return fitted(n, size);
}

int nat_delete_json(const char *table, char *out, size_t size)
{
    if (!table_ok(table))
        return -1;
    int n = snprintf(out, size,
                     "{\"nftables\":[{\"delete\":{\"table\":{\"family\":\"inet\",\"name\":\"%s\"}}}"
                     "]}\n",
                     table);
    return fitted(n, size);
}

static const char *find_nft(void)
{
    if (given_nft)
        return given_nft;
    for (size_t i = 0; NFT[i]; i++)
        if (access(NFT[i], X_OK) == 0)
            return NFT[i];
    return NULL;
}

static pid_t start_nft(const char *json, char *err, size_t errlen)
{
    const char *nft = find_nft();
    if (!nft) {
        snprintf(err, errlen, "Masquerade is set but nft (Debian: nftables) is not installed");
        return -ENOENT;
    }
    char *argv[] = {(char *)nft, "-j", "-f", "-", NULL};
    struct child_program prog = {.path = nft, .argv = argv, .input = json};
    return child_program_start(&prog, err, errlen);
}

int nat_start(struct nat_job *j, const char *json, long long now_ms, char *err, size_t errlen)
{
    nat_cancel(j);
    pid_t pid = start_nft(json, err, errlen);
    if (pid < 0)
        return (int)pid;
    j->pid = pid;
    j->deadline_ms = now_ms + NAT_TIMEOUT_MS;
    j->polled_ms = now_ms;
    return 0;
}

void nat_poll(struct nat_job *j, long long now_ms)
{
    j->polled_ms = now_ms;
    if (!j->pid)
        return;
    int status;
    int r = spawn_reap(j->pid, &status);
    if (r == 0 && now_ms < j->deadline_ms)
        return;
    if (r == 0) {
        child_program_kill(j->pid);
        log_warn("Masquerade not applied: nft did not finish within %d s: killed",
                 NAT_TIMEOUT_MS / 1000);
    } else if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[64];
        log_warn("Masquerade not applied: nft -j -f - %s",
                 r < 0 ? strerror(-r) : spawn_describe_status(status, how, sizeof(how)));
    }
    j->pid = 0;
}

long long nat_expiry(const struct nat_job *j)
{
    if (!j->pid)
        return -1;
    /* A SIGCHLD read by another wait is not lost for long. */
    long long again = j->polled_ms + 500;
    return again < j->deadline_ms ? again : j->deadline_ms;
}

void nat_finish(struct nat_job *j)
{
    if (!j->pid)
        return;
    int status;
    int r = child_program_wait(j->pid, NAT_TIMEOUT_MS, &status);
    if (r == 0) {
        nat_cancel(j);
        log_warn("Masquerade not applied: nft did not finish within %d s: killed",
                 NAT_TIMEOUT_MS / 1000);
        return;
    }
    if (r < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[64];
        log_warn("Masquerade not applied: nft -j -f - %s",
                 r < 0 ? strerror(-r) : spawn_describe_status(status, how, sizeof(how)));
    }
    j->pid = 0;
}

void nat_cancel(struct nat_job *j)
{
    if (j->pid)
        child_program_kill(j->pid);
    j->pid = 0;
}

int nat_run(const char *json, char *err, size_t errlen)
{
    const char *nft = find_nft();
    pid_t pid = start_nft(json, err, errlen);
    if (pid < 0)
        return (int)pid;
    int status;
    int r = child_program_wait(pid, NAT_TIMEOUT_MS, &status);
    if (r == 0) {
        snprintf(err, errlen, "%s did not finish within %d s: killed", nft, NAT_TIMEOUT_MS / 1000);
        return -ETIMEDOUT;
    }
    if (r < 0) {
        snprintf(err, errlen, "%s: cannot wait: %s", nft, strerror(-r));
        return r;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char how[64];
        snprintf(err, errlen, "%s -j -f - %s", nft,
                 spawn_describe_status(status, how, sizeof(how)));
        return -EIO;
    }
    return 0;
}
