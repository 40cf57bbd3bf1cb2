/*
 * dns.h - per-interface resolvers through resolvectl (systemd-resolved) or
 * resolvconf, whichever is installed, as wg-quick does.  Neither has a
 * stable library interface: they run as helper programs (child.h).
 *
 * Applying runs beside the link: dns_apply_start() starts the first
 * command and returns; the loop calls dns_apply_poll() on SIGCHLD and when
 * dns_apply_expiry() is due, which reaps a command, starts the next (with
 * resolvectl: "dns", then "domain ~." so every lookup goes through the
 * tunnel's resolvers) and kills one that overran its time.  A failure is
 * logged ("DNS not applied: ..."): no resolver is no reason to refuse the
 * tunnel.  `up` reports the tunnel up once the job is no longer busy
 * (configurator.h, dns_busy).  Removing is done at once (bounded), when
 * the tunnel goes.
 */
#ifndef PPPSSH_NETCFG_DNS_H
#define PPPSSH_NETCFG_DNS_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "addr.h"

#define DNS_TIMEOUT_MS 5000 /* per command: resolvectl waits for resolved, not forever */
#define DNS_MAX 4           /* resolvers handed to the tool */
#define DNS_STEPS 2
#define DNS_ARGS 10

struct dns_apply_job {
    char ifname[IFNAMSIZ];
    char record[IFNAMSIZ + 4]; /* resolvconf's name for the interface's entry */
    char text[DNS_MAX][INET6_ADDRSTRLEN];
    char *argv[DNS_STEPS][DNS_ARGS];
    char input[256]; /* resolvconf's stdin */
    bool with_input[DNS_STEPS];
    size_t n_steps, next;
    int timeout_ms;
    pid_t pid; /* the running command, 0 if none */
    long long deadline_ms, polled_ms;
};

/* 0 once the first command runs; -errno with err set if it cannot
 * (-ENOENT: neither tool is installed).  timeout_ms <= 0: DNS_TIMEOUT_MS. */
int dns_apply_start(struct dns_apply_job *j, const char *ifname, const struct os_ip *dns, size_t n,
                    int timeout_ms, long long now_ms, char *err, size_t errlen);
void dns_apply_poll(struct dns_apply_job *j, long long now_ms);
/* When dns_apply_poll() must next run, or -1 if nothing runs. */
long long dns_apply_expiry(const struct dns_apply_job *j);
bool dns_apply_busy(const struct dns_apply_job *j);
/* Kills what runs (the tunnel goes, or its resolvers are undone). */
void dns_apply_cancel(struct dns_apply_job *j);

/* Blocking, bounded (DNS_TIMEOUT_MS): 0, or -errno with err set. */
int dns_remove(const char *ifname, char *err, size_t errlen);

/* Tests: the tools to use instead of the installed ones (NULL: none). */
void dns_use_tools(const char *resolvectl, const char *resolvconf);

#endif
