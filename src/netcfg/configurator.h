/*
 * configurator.h - THE PRIVILEGE BOUNDARY: everything the session may ask
 * of the privileged side about its interface, a short fixed list of
 * requests (below).  The session (src/session/) parses the peer's bytes
 * and must be able to run unprivileged (issue 13); the work behind these
 * requests (src/netcfg/: addresses, routes, rules, resolvers, sysctls,
 * proxy ARP, the undo journal) needs CAP_NET_ADMIN.  A request is plain
 * data, fixed size, no pointers, so that it can cross a Unix socket as it
 * is; the configurator checks it and remembers what it did, so that
 * everything is undone, newest first, whatever the session does.
 *
 * Today one implementation, configurator_local_new(): the requests carried
 * out in this process by netcfg.c.  The session includes this header and
 * no other of src/netcfg/ (tests/unit/room_includes.sh checks it).
 */
#ifndef PPPSSH_NETCFG_CONFIGURATOR_H
#define PPPSSH_NETCFG_CONFIGURATOR_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "addr.h"

enum cfg_request_kind {
    CFG_LINK_UP,    /* mtu: the interface's MTU, and the interface up */
    CFG_GSO_MAX,    /* mtu: the largest packet the kernel may hand us (offloads; not undone) */
    CFG_IPV4_UP,    /* local, peer: the point-to-point pair (IPCP up) */
    CFG_IPV6_UP,    /* prefix: an address (fe80::IFID/64, Address6), prefix_route or not */
    CFG_ROUTE,      /* prefix: a network into the tunnel; keep_outside: the SSH server */
    CFG_DNS,        /* dns[n_dns]: the resolvers of the interface (client); across a
                       socket the reply is a pipe that closes when they are applied */
    CFG_PROXY_ARP,  /* peer: answered for on the LAN whose subnet holds it (server) */
    CFG_FORWARD,    /* family: forwarding on while that family is up (client's Forward) */
    CFG_MASQUERADE, /* oif: masquerade what leaves by it, "" = the tunnel (client) */
    CFG_DOWN,       /* family: what the requests of that family did, undone newest first */
    CFG_UNDO_ALL,   /* everything, newest first: the session ends */
    /* `up` whose ssh the privileged part runs (pppssh.conf(5) User): */
    CFG_CONNECT, /* start the transport the config names; reply: its stdio, its stderr and a
                    pipe that carries its wait status when it ends, value its pid */
    CFG_KILL,    /* end the transport; reply value: its wait status */
    CFG_HOOK,    /* hook (0 ip-up, 1 ip-down) with local, peer, dns[0..1] (n_dns): queue the
                    config's hooks; reply: a pipe that closes when they have run */
};

#define CFG_HOOK_UP 0
#define CFG_HOOK_DOWN 1

#define CFG_DNS_MAX 6

struct cfg_request {
    enum cfg_request_kind kind;
    unsigned mtu;                  /* LINK_UP, GSO_MAX */
    struct in_addr local, peer;    /* IPV4_UP; PROXY_ARP: peer */
    struct os_prefix prefix;       /* IPV6_UP, ROUTE */
    bool prefix_route;             /* IPV6_UP: false = IFA_F_NOPREFIXROUTE */
    struct os_ip keep_outside;     /* ROUTE of length 0: family 0 = none */
    struct os_ip dns[CFG_DNS_MAX]; /* DNS */
    unsigned n_dns;
    char oif[IFNAMSIZ]; /* MASQUERADE: an interface, "" = the tunnel */
    int family;         /* DOWN, FORWARD: AF_INET or AF_INET6 */
    long long now_ms;   /* DNS, MASQUERADE: the job's clock (its timeouts) */
    unsigned hook;      /* HOOK: CFG_HOOK_UP or CFG_HOOK_DOWN */
};

#define CFG_REPLY_FDS 3

/* What an answer carries beside its result (CONNECT, KILL, HOOK above):
 * the descriptors are the receiver's to close. */
struct cfg_reply {
    int value;
    int fds[CFG_REPLY_FDS];
    size_t n_fds;
};

struct configurator {
    /* Carries out one request: 0, or -errno with why (a line for the log). */
    int (*request)(struct configurator *c, const struct cfg_request *rq, char *why, size_t size);
    /* Work that goes on beside the link (resolver commands): SIGCHLD, or
     * expiry() reached (milliseconds; -1 = nothing runs). */
    void (*poll)(struct configurator *c, long long now_ms);
    long long (*expiry)(const struct configurator *c);
    /* A reading, no change: IPv6 is off on the interface, with why. */
    bool (*ipv6_off)(const struct configurator *c, char *why, size_t size);
    /* A reading: the resolvers of the last CFG_DNS are still being
     * applied (each command is killed at its timeout, dns.h, so this ends).
     * `up` says the tunnel is up only after (engine_report_up).  NULL:
     * never (a server's configurators apply no resolvers). */
    bool (*dns_busy)(const struct configurator *c);
    /* Undoes everything (as CFG_UNDO_ALL) and frees. */
    void (*free)(struct configurator *c);
    /* The last request's reply (its descriptors handed over), for the
     * kinds that have one; NULL where no kind of reply is carried out. */
    void (*reply)(struct configurator *c, struct cfg_reply *out);
};

/* The requests carried out in this process (netcfg.c) on interface
 * ifname, hardened at once (netcfg_harden: no Router Advertisements,
 * redirects or autoconfigured addresses from the peer).  NULL when out
 * of memory. */
struct configurator *configurator_local_new(const char *ifname, unsigned ifindex);
/* `serve` without privileges: the requests sent to pppssh helper over
 * sock (server/helper_configurator.c, helper_proto.h), which decides
 * every address and route from server.conf.  NULL when out of memory. */
struct configurator *configurator_helper_new(int sock);
/* `serve` in userspace mode: no interface, so every request succeeds
 * doing nothing (configurator_none.c).  NULL when out of memory. */
struct configurator *configurator_none_new(void);

/* `up` split in two: the requests sent as their bytes over sock to the
 * privileged part, which checks them against the tunnel's configuration
 * and carries them out (configurator_socket.h, configurator_serve()).
 * Waits for the other end's first word (the interface's ipv6_off reading;
 * NULL when it never comes).  Each request is answered before request()
 * returns; free() asks UNDO_ALL and
 * closes sock (a closed socket alone undoes everything too).  NULL when out of memory. */
struct configurator *configurator_socket_new(int sock);

/* Each kind's name, for logs and tests ("ipv4-up"). */
const char *cfg_request_name(enum cfg_request_kind kind);

#endif
