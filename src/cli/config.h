/*
 * config.h - the client tunnel configuration (/etc/pppssh/NAME.conf, one
 * [Tunnel] section) and the server configuration (/etc/pppssh/server.conf,
 * [Server] and [User NAME] sections), INI format read with inih.
 * pppssh.conf(5) documents every key.
 *
 * Parsing fails on the first error and writes one line naming the file and
 * line into err: "vpn.conf:7: unknown key 'Servr' in [Tunnel]",
 * "vpn.conf:9: 'MTU' must be 576..65535", "vpn.conf: missing required key
 * 'Server' (or 'Command')".  Functions return 0 or -errno (-EINVAL for any
 * content error, -ENOENT/-EACCES/... when the file cannot be read).
 */
#ifndef PPPSSH_CLI_CONFIG_H
#define PPPSSH_CLI_CONFIG_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "addr.h"
#include "portfwd.h"

#define CONFIG_DIR "/etc/pppssh"
#define CONFIG_SERVER_PATH CONFIG_DIR "/server.conf"

#define CONFIG_LINE_MAX 196    /* longest line accepted, in characters (inih's bound) */
#define CONFIG_FILE_MAX 262144 /* largest file accepted, in bytes */
#define CONFIG_STR_MAX 200     /* string values (fits any line) */
#define CONFIG_NAME_MAX 64     /* tunnel and user names */
#define CONFIG_MAX_ROUTES 64   /* Route= lines per tunnel or per user */
#define CONFIG_MAX_DNS 4       /* DNS= lines */
#define CONFIG_MAX_SSH_OPTIONS 32
#define CONFIG_MAX_USERS 256
#define CONFIG_MAX_SESSIONS 64 /* MaxSessions at most */
#define CONFIG_MTU_AUTO 0      /* MTU = auto: as large as the peer takes (run.h) */

/* [Server] Grace's default, as pppssh-stack's own (src/stack/stack.h). */
#define CONFIG_GRACE_DEFAULT 120
/* [Server] StackNetwork's default, as pppssh-stack's own: libslirp's
 * conventional inner network (src/stack/stack.h). */
#define CONFIG_STACK_NETWORK_DEFAULT "10.0.2.0/24"
/* [Server] Helper's default: where pppssh helper listens. */
#define CONFIG_HELPER_SOCKET "/run/pppssh/helper.sock"

/* SSHTTY: whether ssh gets -tt (a remote pty, TCP_NODELAY) or -T. */
enum config_tty {
    CONFIG_TTY_AUTO, /* decided by the caller (see pppssh.conf(5)) */
    CONFIG_TTY_YES,
    CONFIG_TTY_NO,
};

struct tunnel_config {
    char name[CONFIG_NAME_MAX]; /* tunnel NAME (from `up NAME` or the file name) */

    /* Transport: ssh to Server, or Command run by /bin/sh -c. */
    char server[CONFIG_STR_MAX];        /* "" if Command is used */
    unsigned port;                      /* 0 = ssh's default */
    char identity_file[CONFIG_STR_MAX]; /* "" = ssh's default */
    char ssh_options[CONFIG_MAX_SSH_OPTIONS][CONFIG_STR_MAX];
    size_t n_ssh_options;
    char remote_command[CONFIG_STR_MAX]; /* default "pppssh serve"; "none": see below */
    char command[CONFIG_STR_MAX];        /* "" unless Command is set */
    enum config_tty ssh_tty;             /* default AUTO */

    /* Interface and addresses. */
    char interface[IFNAMSIZ];   /* default: name */
    char user[CONFIG_NAME_MAX]; /* User: the account ssh and the session run as
                                   when started by root; "" = ssh as root (or
                                   sudo's user), the session as session_user */
    char session_user[CONFIG_NAME_MAX]; /* SessionUser: the session's account without
                                           User; "" = pppssh if it exists, else nobody */
    bool has_local_address;   /* LocalAddress (IPv4) */
    struct in_addr local_address;
    bool has_remote_address; /* RemoteAddress (IPv4) */
    struct in_addr remote_address;
    bool has_address6; /* Address6: e.g. fd00:5353::2/64 */
    struct os_prefix address6;
    struct os_prefix routes[CONFIG_MAX_ROUTES]; /* Route: networks, v4 or v6 */
    size_t n_routes;
    unsigned mtu; /* 576..65535, or CONFIG_MTU_AUTO (default) */
    struct os_ip dns[CONFIG_MAX_DNS];
    size_t n_dns;
    bool use_peer_dns;         /* UsePeerDNS (pppd usepeerdns): also the ones IPCP gives */
    bool offload;              /* Offload, default true: TSO across the link with a pppssh peer */
    bool forward;              /* Forward: forwarding on for the tunnel's families while up */
    char masquerade[IFNAMSIZ]; /* Masquerade: an interface or "tunnel"; "" = none */

    /* Liveness: LCP Echo every keepalive_interval s (0 = off); the link is
     * dead after keepalive_failures unanswered ones. */
    unsigned keepalive_interval; /* default 10 */
    unsigned keepalive_failures; /* default 3, 1..100 */

    /* Supervisor. */
    bool persist;                   /* default true: reconnect after a drop */
    unsigned max_fail;              /* default 0 = unlimited consecutive failures */
    unsigned holdoff;               /* default 1 s before reconnecting (doubles) */
    char up_script[CONFIG_STR_MAX]; /* "" = none */
    char down_script[CONFIG_STR_MAX];
};

struct server_user {
    char name[CONFIG_NAME_MAX];
    bool has_address; /* Address (IPv4); else from the Pool */
    struct in_addr address;
    bool has_address6; /* Address6 */
    struct os_prefix address6;
    struct os_prefix routes[CONFIG_MAX_ROUTES]; /* Route: the user's networks */
    size_t n_routes;
    unsigned max_sessions;         /* MaxSessions, default 1: more take over the oldest */
    char account[CONFIG_NAME_MAX]; /* Account: the Unix account that may serve this user
                                      through the helper; "" = the account named like it */
};

/* The pool is what the file says (a CIDR's network and broadcast
 * addresses excluded); whoever hands out addresses must skip the server's
 * Address and the static user Addresses that fall inside it. */
struct server_config {
    bool has_address; /* Address: server end of every tunnel (required) */
    struct in_addr address;
    bool has_pool; /* Pool: first..last inclusive, host order compare */
    struct in_addr pool_first, pool_last;
    bool proxy_arp;            /* ProxyArp, default false */
    bool offload;              /* Offload, default true: take and send TSO packets */
    char masquerade[IFNAMSIZ]; /* Masquerade: an interface or "tunnel"; "" = none */
    struct os_ip dns[CONFIG_MAX_DNS];
    size_t n_dns;
    bool has_address6; /* Address6: server end, e.g. fd00:5353::1/64 */
    struct os_prefix address6;
    char helper[CONFIG_STR_MAX]; /* Helper: the helper's socket (default CONFIG_HELPER_SOCKET) */
    char session_user[CONFIG_NAME_MAX]; /* SessionUser: the account a privileged serve's session
                                           runs as; "" = pppssh if it exists, else nobody */
    char mode[16];  /* Mode: "auto" (default) or "userspace" (pppssh(8), USERSPACE MODE) */
    unsigned grace; /* Grace: seconds the userspace stack waits for a reconnect (120) */
    struct os_prefix stack_network;            /* StackNetwork: the userspace stack's inner /24
                                                  (default 10.0.2.0/24, libslirp's) */
    struct portfwd port_forwards[PORTFWD_MAX]; /* PortForward: the userspace stack's
                                                  inbound forwards (portfwd.h) */
    size_t n_port_forwards;
    struct server_user users[CONFIG_MAX_USERS];
    size_t n_users;
};

/* The sections of the two files. */
enum config_section {
    CONFIG_SECTION_TUNNEL = 1, /* [Tunnel] */
    CONFIG_SECTION_SERVER,     /* [Server] */
    CONFIG_SECTION_USER,       /* [User NAME] */
};

/* The i-th key of a section as the file spells it, NULL past the last:
 * the key table that parsing and printing share (config_keys.c). */
const char *config_key_name(enum config_section section, size_t i);

/* Fills cfg with the defaults (no file). name may be NULL. */
void config_tunnel_defaults(struct tunnel_config *cfg, const char *name);
void config_server_defaults(struct server_config *cfg);

/*
 * "/etc/pppssh/NAME.conf" into buf.  -EINVAL (err set) if NAME is empty,
 * too long, or has characters other than [A-Za-z0-9_.-] or starts with '.'
 * (so NAME can never leave the directory and is a valid interface name).
 */
int config_path_for_name(const char *name, char *buf, size_t size, char *err, size_t errlen);

/*
 * Reads the tunnel configuration from path.  name is the tunnel name (the
 * default for Interface); NULL means the file name without directory and
 * ".conf".  The struct is large (~10 KiB): allocate it, don't put it on
 * a small stack.
 */
int config_load_tunnel(const char *path, const char *name, struct tunnel_config *cfg, char *err,
                       size_t errlen);

/* Same, from text in memory; source names it in messages ("vpn.conf"). */
int config_parse_tunnel(const char *text, size_t len, const char *source, const char *name,
                        struct tunnel_config *cfg, char *err, size_t errlen);

/* Reads the server configuration (~0.5 MiB struct: allocate it).  Besides
 * each line's syntax it cross-checks the whole file and names the line at
 * fault: a Pool holding the server's Address, a user Address given twice,
 * a user Route covering a default route (0.0.0.0/0, ::/0), the server's or
 * another user's address or the pool, MaxSessions above 1 with a static
 * Address. */
int config_load_server(const char *path, struct server_config *cfg, char *err, size_t errlen);
int config_parse_server(const char *text, size_t len, const char *source, struct server_config *cfg,
                        char *err, size_t errlen);

/* RemoteCommand = none (ssh_config's word for it): ssh sends no command,
 * so sshd runs the account's login shell (the VPN HOWTO's pppd, or
 * pppssh, as the VPN account's shell). */
bool config_login_shell(const struct tunnel_config *cfg);
/* [Server] Mode = userspace: serve always ends tunnels in the account's
 * userspace stack (pppssh(8), USERSPACE MODE). */
bool config_server_userspace(const struct server_config *cfg);

/* The [User NAME] entry for name, or NULL. */
const struct server_user *config_find_user(const struct server_config *cfg, const char *name);

/* Writes the effective configuration (defaults included) in the file's
 * own syntax, so its output parses back to the same values. */
void config_print_tunnel(FILE *out, const struct tunnel_config *cfg);
void config_print_server(FILE *out, const struct server_config *cfg);

/* The first key of cfg that makes pppssh run a command (Command, UpScript,
 * DownScript, an SSHOption such as ProxyCommand or LocalCommand), or NULL.
 * Such a file must be as safe as a script: strictmodes.h. */
const char *config_runs_commands(const struct tunnel_config *cfg);

/*
 * *world_readable = true if others may read the file (mode & S_IROTH):
 * like wg-quick, the caller warns, since a config names keys and hosts.
 * 0 or -errno with err set.
 */
int config_world_readable(const char *path, bool *world_readable, char *err, size_t errlen);

#endif
