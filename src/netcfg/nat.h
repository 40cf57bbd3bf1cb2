/*
 * nat.h - the masquerade rule of `Masquerade =` (pppssh.conf(5)), as the
 * PPP-SSH mini-HOWTO's script set it with iptables: packets leaving by
 * one interface take its address, so a LAN behind this end uses the
 * tunnel without a route back on every host.
 *
 * One nftables table of our own per tunnel, `inet pppssh-IFNAME`, with a
 * nat postrouting chain and one rule; no other table is read or touched.
 * The table is written through the nft tool's JSON interface (`nft -j -f
 * -`), one transaction: adding, deleting and adding it again replaces a
 * stale table of ours left by a crashed run.  Down deletes the table.
 *
 * Writing it runs beside the link, as the resolvers do (dns.h):
 * nat_start() starts nft and returns, the loop calls nat_poll() on SIGCHLD
 * and when nat_expiry() is due, which reaps it or kills it at its time
 * and logs a failure ("Masquerade not applied: ...").  Deleting waits,
 * bounded, when the tunnel goes.
 */
#ifndef PPPSSH_NETCFG_NAT_H
#define PPPSSH_NETCFG_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define NAT_TABLE_PREFIX "pppssh-"
#define NAT_TIMEOUT_MS 5000 /* per nft run: it talks to the kernel only */
#define NAT_JSON_MAX 1024

/* An interface name nft's JSON may carry as it is: 1..15 of [A-Za-z0-9_.-]. */
bool nat_ifname_ok(const char *ifname);

/* The table's name for tunnel ifname, "pppssh-IFNAME". */
void nat_table_name(const char *tunnel, char *out, size_t size);

/* The transaction that (re)creates table with the rule "oifname OIF
 * masquerade"; the one that deletes it.  Length written, or -1 when a name
 * is not nat_ifname_ok() or it does not fit. */
int nat_masquerade_json(const char *table, const char *oif, char *out, size_t size);
int nat_delete_json(const char *table, char *out, size_t size);

/* Runs `nft -j -f -` with json on its stdin, bounded by NAT_TIMEOUT_MS:
 * 0, or -errno with err set (-ENOENT: nft is not installed). */
int nat_run(const char *json, char *err, size_t errlen);

struct nat_job {
    pid_t pid; /* the running nft, 0 if none */
    long long deadline_ms, polled_ms;
};

/* Starts `nft -j -f -` with json on its stdin and returns: 0, or -errno
 * with err set when it cannot start (-ENOENT: nft is not installed). */
int nat_start(struct nat_job *j, const char *json, long long now_ms, char *err, size_t errlen);
void nat_poll(struct nat_job *j, long long now_ms);
long long nat_expiry(const struct nat_job *j); /* -1: nothing runs */
void nat_cancel(struct nat_job *j);            /* kills what runs */
/* Waits for what runs, bounded by its time, and logs as nat_poll(): for
 * pppssh helper, which has no loop to poll it (nft takes milliseconds). */
void nat_finish(struct nat_job *j);

/* Tests: the nft program to run instead of the installed one. */
void nat_use_tool(const char *nft);

#endif
