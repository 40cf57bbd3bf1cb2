/*
 * run.h - one tunnel process: the engine wired to a TUN interface and a
 * byte stream (an ssh child, a `Command`, or our own stdin/stdout for
 * `pppssh serve`), with the interface configured from what IPCP/IPV6CP
 * negotiated.  The command line (src/cli/) turns configuration files into
 * a struct run_params and calls run_tunnel().
 */
#ifndef PPPSSH_RUN_RUN_H
#define PPPSSH_RUN_RUN_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "addr.h"
#include "child.h"
#include "ppp.h"
#include "sockdiag.h"

enum run_role {
    RUN_CLIENT, /* `pppssh up`: spawns the transport, may detach */
    RUN_SERVER, /* `pppssh serve`: PPP on stdin/stdout */
};

/* MTU = auto, the default of both roles: ask the peer for frames this
 * large and let the interface MTU follow what the peer accepts.  Fewer,
 * larger packets mean fewer syscalls, frames and FCS set-ups per byte:
 * pppssh's CPU per GB falls by 3x from 1500 to 65535 (docs/pppssh.conf.5).
 * pppd Acks any MRU and keeps its own (1500) as its MTU, so against pppd
 * both directions stay at 1500. */
#define RUN_AUTO_MRU 65535
#define RUN_MTU_MAX 65535
/* MTU = auto with offloads on both ways: Ethernet's, for what is not
 * TCP and for the MSS of TCP that ends on a tunnel address (ifup.c). */
#define RUN_OFFLOAD_MTU 1500

#define RUN_MAX_ROUTES 64
#define RUN_MAX_DNS 4

/* What to do to the interface once the link is up. */
struct run_net {
    unsigned mtu;                            /* upper bound on the interface MTU
                                                (RUN_MTU_MAX by default) */
    struct os_prefix routes[RUN_MAX_ROUTES]; /* networks reached through the tunnel */
    size_t n_routes;
    struct os_ip dns[RUN_MAX_DNS]; /* client: resolvers to install */
    size_t n_dns;
    bool use_peer_dns; /* client: also the ones IPCP gave us */
    bool has_address6; /* e.g. fd00:5353::2/64 */
    struct os_prefix address6;
    struct os_ip transport_peer; /* client: the SSH server, kept outside the
                                    tunnel when a route is a default route */
    bool proxy_arp;              /* server: answer ARP for the peer on the LAN */
    bool antispoof;              /* server: drop packets whose source is
                                    neither the peer nor one of routes */

    /* Client: Forward and Masquerade (pppssh.conf(5)), while up. */
    bool forward;
    bool masquerade;
    char masquerade_oif[IFNAMSIZ]; /* "" = the tunnel */
};

/* The supervisor (client): pppd's persist, maxfail, holdoff, and hooks. */
struct run_supervise {
    bool persist;        /* reconnect after the link went down (once it was up) */
    unsigned max_fail;   /* consecutive failed attempts before giving up; 0 = never */
    unsigned holdoff_ms; /* wait before reconnecting (backoff.h) */
    const char *up_script, *down_script; /* NULL or "" = none */
    const char *hook_dir;                /* ip-up.d/ and ip-down.d/ in it; NULL = /etc/pppssh */
};

/* How what goes to the transport is paced (pppssh(8), PPPSSH_PACE). */
enum run_pace {
    RUN_PACE_AUTO, /* by the SSH connection's TCP state when we can see it */
    RUN_PACE_OFF,
    RUN_PACE_ECHO, /* in-band LCP echo probes */
};

/* What a tunnel of each role does beyond the session both share: set once
 * from the role (run_params_init) and read by name where it matters, so
 * the session's files never ask which role they serve. */
struct run_duties {
    bool reconnect;       /* client: another session may follow (Persist, reset) */
    bool hooks;           /* client: ip-up / ip-down scripts */
    bool resolvers;       /* client: DNS= and the peer's resolvers installed */
    bool guard_transport; /* client: no route or peer address may capture the SSH connection */
    bool require_ipv4;    /* client: no IPv4 is no link (`up` promises the addresses) */
    bool pidfile;         /* client: /run/pppssh/NAME.pid */
    bool read_env;        /* client: PPPSSH_PACE, PPPSSH_OFFLOAD (serve: sshd may let a
                             client set its environment) */
    bool accounting;      /* server: one key=value line per session */
    bool own_routes_only; /* server: Address6 without its prefix route (each user's own) */
    bool antispoof;       /* server: the peer's sources checked (with net.antispoof) */
    const char *peer;     /* the far end in log lines: "server" or "client" */
};

struct run_params {
    enum run_role role;
    struct run_duties duties; /* from role (run_params_init) */
    const char *name;         /* control socket /run/pppssh/NAME.sock; NULL = none */
    char interface[IFNAMSIZ]; /* TUN name to create; "" = kernel's choice */
    const char *user;         /* server: the user, for accounting */
    bool foreground;          /* client: -f (don't detach) */
    int report_fd;            /* client: where to say "UP" or why not (-1 = none) */

    /* The transport: a child to spawn, or (spawn.argv and
     * spawn.shell_command both NULL) the descriptors in_fd / out_fd. */
    struct spawn_request spawn;
    int in_fd, out_fd;
    /* Client: the abstract unix socket on which ssh's ProxyCommand hands
     * us a copy of the SSH connection (fdpass.h); NULL = ssh connects. */
    const char *fdpass_name;
    /* Server: the SSH connection as sshd's SSH_CONNECTION names it, whose
     * state the kernel tells anyone (sockdiag.h); family 0 = unknown. */
    struct tcp_conn_id ssh_conn;
    enum run_pace pace; /* server: --pace (the client reads PPPSSH_PACE) */
    /* Server without privileges: pppssh helper made the TUN (tun_fd, named
     * interface) and configures it when told over helper_fd (helper_ask.h);
     * both -1 = we create and configure the interface ourselves. */
    int helper_fd, tun_fd;
    /* Client started by root (cmd_up.c, up_split.c): the TUN
     * the privileged parent made (tun_fd, named interface), the socket on
     * which it carries out configurator requests (configurator_socket_new)
     * and, once the control socket and the interface are open and before
     * the transport is spawned, the account we become for good
     * (sandbox_drop_privileges).  -1 and NULL = none. */
    int cfg_fd;
    const char *drop_user;
    uid_t drop_uid;
    gid_t drop_gid;
    /* Split `up` whose privileged part runs the transport as another
     * account (configurator.h CONNECT, KILL) and the hooks (HOOK):
     * spawn is not used here; transport_uid is the account whose
     * ProxyCommand hands us the SSH connection (fdpass.h). */
    bool transport_remote, hooks_remote;
    uid_t transport_uid;
    /* Server without root: the socket of a userspace network stack
     * (src/stack/stack.h), one IP packet per message, instead of a TUN;
     * no interface, addresses or routes to configure.  -1 = a TUN. */
    int packet_fd;

    struct ppp_settings ppp;
    struct run_net net;
    struct run_supervise sup;
};

void run_params_init(struct run_params *p, enum run_role role);

/* Runs the tunnel until it ends; returns the process exit status
 * (exitcode.h).  Everything it set up is undone before it returns. */
int run_tunnel(const struct run_params *p);

#endif
