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

#define DNS_TIMEOUT_MS 5000 /* resolvectl waits for resolved; not forever */

static const char *const RESOLVECTL[] = {"/usr/bin/resolvectl", "/bin/resolvectl", NULL};
static const char *const RESOLVCONF[] = {"/usr/sbin/resolvconf", "/sbin/resolvconf", NULL};

static const char *find(const char *const *candidates)
{
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

int dns_apply(const char *ifname, const struct os_ip *dns, size_t n, char *err, size_t errlen)
{
    char text[4][INET6_ADDRSTRLEN];
    const char *tool;
    if (n > 4)
        n = 4;
    for (size_t i = 0; i < n; i++)
        os_ip_format(&dns[i], text[i], sizeof(text[i]));

    if ((tool = find(RESOLVECTL))) {
        char *argv[8] = {(char *)tool, "dns", (char *)ifname};
        for (size_t i = 0; i < n; i++)
            argv[3 + i] = text[i];
        log_info("[#] resolvectl dns %s %s%s", ifname, text[0], n > 1 ? " ..." : "");
        int r = run(argv, NULL, err, errlen);
        if (r == 0) {
            /* Route every lookup through the tunnel's resolvers. */
            char *dom[] = {(char *)tool, "domain", (char *)ifname, "~.", NULL};
            r = run(dom, NULL, err, errlen);
        }
        return r;
    }
    if ((tool = find(RESOLVCONF))) {
        char input[256] = "";
        for (size_t i = 0; i < n; i++) {
            size_t len = strlen(input);
            snprintf(input + len, sizeof(input) - len, "nameserver %s\n", text[i]);
        }
        char *argv[] = {(char *)tool, "-a", (char *)ifname, "-m", "0", "-x", NULL};
        log_info("[#] resolvconf -a %s -m 0 -x", ifname);
        return run(argv, input, err, errlen);
    }
    snprintf(err, errlen, "DNS is set but neither resolvectl nor resolvconf is installed");
    return -ENOENT;
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
        char *argv[] = {(char *)tool, "-d", (char *)ifname, "-f", NULL};
        log_info("[#] resolvconf -d %s -f", ifname);
        return run(argv, NULL, err, errlen);
    }
    return 0;
}
