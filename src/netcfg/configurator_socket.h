/*
 * configurator_socket.h - configurator.h's requests across a SOCK_SEQPACKET
 * socket, for a `pppssh up` split in two (issue 13): the unprivileged
 * process that parses the server's bytes holds configurator_socket_new()
 * (configurator.h);
 * the privileged parent runs configurator_serve() on the other end, which
 * checks each request against what the tunnel's own configuration allows
 * (struct cfg_policy) before the in-process configurator carries it out,
 * runs the resolver jobs, and undoes everything when the socket closes,
 * however the other end died.
 */
#ifndef PPPSSH_NETCFG_CONFIGURATOR_SOCKET_H
#define PPPSSH_NETCFG_CONFIGURATOR_SOCKET_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "configurator.h"

#define CFG_POLICY_MAX_ROUTES 64

/* What the unprivileged side may ask for: only what the tunnel's config
 * names.  The interface is the served configurator's own. */
struct cfg_policy {
    struct os_prefix routes[CFG_POLICY_MAX_ROUTES]; /* Route = (exact prefixes) */
    size_t n_routes;
    bool has_address6; /* Address6 = */
    struct os_prefix address6;
    unsigned max_dns; /* resolvers in one DNS request (<= CFG_DNS_MAX) */
    bool proxy_arp;   /* a client never answers ARP for its peer */
    bool forward;     /* Forward = yes */
    bool masquerade;  /* Masquerade =, out of masquerade_oif ("" = the tunnel) */
    char masquerade_oif[IFNAMSIZ];
    bool transport; /* CONNECT, KILL: the privileged part runs ssh (not User =) */
    bool hooks;     /* HOOK: and the hooks, with the privilege they always had */
};

/* Checks one request against the policy: true, or false with why. */
bool cfg_policy_allows(const struct cfg_policy *policy, const struct cfg_request *rq, char *why,
                       size_t size);

/* The privileged end: serves requests from sock with inner until the
 * socket closes or *stop is set (a signal handler's flag; NULL = none),
 * then frees inner (everything undone, newest first) and returns 0, or
 * -errno when the socket failed (inner freed all the same). */
int configurator_serve(int sock, struct configurator *inner, const struct cfg_policy *policy,
                       volatile sig_atomic_t *stop);

#endif
