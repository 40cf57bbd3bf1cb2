/*
 * cmd_up.c - `pppssh up NAME|-c FILE [-f]`: turn a [Tunnel] configuration
 * into run parameters (ssh command line, PPP settings, what to do to the
 * interface) and run the tunnel, detached once it is up unless -f.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "commands.h"
#include "config.h"
#include "exitcode.h"
#include "hooks.h"
#include "log.h"
#include "report.h"
#include "run.h"
#include "ssh.h"
#include "up_fdpass.h"
#include "up_split.h"

struct up {
    struct tunnel_config *cfg;
    struct run_params params;
    struct ssh_argv ssh;
    const char *options[CONFIG_MAX_SSH_OPTIONS + 3];
    struct up_fdpass fdpass;
    struct up_plan plan; /* who runs ssh and who parses (up_split.h) */
    bool tty;   /* ssh -tt */
    bool debug; /* -d: log at debug level (pppd's debug) */
};

/* A reconnect attempt on a dead path must fail within seconds, so that the
 * next one catches the path when it heals (unless the config says else). */
#define SSH_CONNECT_TIMEOUT "ConnectTimeout=3"

static bool has_option(const struct tunnel_config *cfg, const char *key)
{
    for (size_t i = 0; i < cfg->n_ssh_options; i++)
        if (strncasecmp(cfg->ssh_options[i], key, strlen(key)) == 0)
            return true;
    return false;
}

/* SSHTTY=auto (pppssh.8 "SSH TTY"): -tt for a login shell, which the VPN
 * HOWTO runs on a pty (`ssh -t`) and which sets it raw, as pppd does.
 * Else -T when we hold the connection and so set TCP_NODELAY on it
 * ourselves: a pty in the path costs half the throughput.  Otherwise
 * OpenSSH sets TCP_NODELAY only for a pty session: -tt when the far end is
 * pppssh serve, which puts its pty in raw mode before it speaks; -T for
 * anything else (a stock pppd with notty would leave a pty in cooked mode
 * and mangle the frames). */
static bool want_tty(const struct tunnel_config *cfg, bool own_connection)
{
    if (cfg->ssh_tty != CONFIG_TTY_AUTO)
        return cfg->ssh_tty == CONFIG_TTY_YES;
    if (config_login_shell(cfg))
        return true;
    if (own_connection)
        return false;
    return strncmp(cfg->remote_command, "pppssh ", 7) == 0 ||
           strstr(cfg->remote_command, "/pppssh ");
}

static int build_ssh(struct up *u, char *err, size_t errlen)
{
    const struct tunnel_config *cfg = u->cfg;
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_ssh_options; i++)
        u->options[n++] = cfg->ssh_options[i];
    if (!has_option(cfg, "ConnectTimeout"))
        u->options[n++] = SSH_CONNECT_TIMEOUT;
    struct ssh_params sp = {
        .server = cfg->server,
        .port = cfg->port,
        .identity_file = cfg->identity_file[0] ? cfg->identity_file : NULL,
        .options = u->options,
        .n_options = n,
        .remote_command = cfg->remote_command[0] ? cfg->remote_command : NULL,
        .login_shell = config_login_shell(cfg),
    };
    /* The pacer's best signal is the SSH connection's TCP_INFO: have ssh
     * take the connection from us (fdpass.h) unless PPPSSH_PACE chose
     * (0: no pacing, 1: in-band echo pacing) or ssh has its own route. */
    const struct spawn_account *as = u->plan.ssh_as_account ? &u->plan.ssh : NULL;
    if (!getenv("PPPSSH_PACE") && up_fdpass_plan(&sp, as, &u->fdpass)) {
        u->options[sp.n_options++] = u->fdpass.proxy_command;
        u->options[sp.n_options++] = "ProxyUseFdpass=yes";
        u->params.fdpass_name = u->fdpass.name;
        /* ssh runs the ProxyCommand with $SHELL -c: the user's shell and
         * its start-up files would cost every connect time (or hang it). */
        setenv("SHELL", "/bin/sh", 1);
    }
    u->tty = sp.tty = want_tty(cfg, u->params.fdpass_name != NULL);
    int r = ssh_build_argv(&sp, &u->ssh, err, errlen);
    if (r == 0)
        u->params.spawn.argv = u->ssh.argv;
    return r;
}

/* The SSH server's address, kept outside the tunnel when a Route is a
 * default route (the VPN HOWTO's pitfall 1.4), and which neither the
 * peer's address nor another Route may cover (engine_events.c; when we hold the
 * connection, its peer address is used instead). */
static void resolve_server(struct up *u, bool needed)
{
    const char *host = strrchr(u->cfg->server, '@');
    host = host ? host + 1 : u->cfg->server;
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res = NULL;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res) {
        if (needed)
            log_warn("cannot resolve %s: the tunnel's default route may capture ssh itself", host);
        return;
    }
    struct os_ip *ip = &u->params.net.transport_peer;
    ip->family = res->ai_family;
    if (res->ai_family == AF_INET)
        ip->v4 = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
    else
        ip->v6 = ((struct sockaddr_in6 *)res->ai_addr)->sin6_addr;
    freeaddrinfo(res);
}

static void net_params(struct up *u)
{
    const struct tunnel_config *cfg = u->cfg;
    struct run_net *net = &u->params.net;
    bool default_route = false;
    if (cfg->mtu != CONFIG_MTU_AUTO)
        net->mtu = cfg->mtu;
    for (size_t i = 0; i < cfg->n_routes && i < RUN_MAX_ROUTES; i++) {
        net->routes[net->n_routes++] = cfg->routes[i];
        default_route |= cfg->routes[i].len == 0;
    }
    for (size_t i = 0; i < cfg->n_dns && i < RUN_MAX_DNS; i++)
        net->dns[net->n_dns++] = cfg->dns[i];
    net->use_peer_dns = cfg->use_peer_dns;
    net->forward = cfg->forward;
    net->masquerade = cfg->masquerade[0] != 0; /* "tunnel": masquerade_oif stays "" */
    if (strcmp(cfg->masquerade, "tunnel") != 0)
        snprintf(net->masquerade_oif, sizeof(net->masquerade_oif), "%s", cfg->masquerade);
    net->has_address6 = cfg->has_address6;
    net->address6 = cfg->address6;
    if (cfg->server[0] && (default_route || !u->params.fdpass_name))
        resolve_server(u, default_route);
}

/* Is there a hook that could read DNS1/DNS2?  The config's scripts, or an
 * ip-up.d / ip-down.d directory (hooks.h); PPPSSH_HOOK_DIR for the tests. */
static bool hooks_configured(const struct tunnel_config *cfg)
{
    if (cfg->up_script[0] || cfg->down_script[0])
        return true;
    const char *dir = getenv("PPPSSH_HOOK_DIR");
    static const char *const subdirs[] = {"ip-up.d", "ip-down.d"};
    for (size_t i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
        char path[4096];
        struct stat st;
        snprintf(path, sizeof(path), "%s/%s", dir ? dir : HOOKS_DEFAULT_DIR, subdirs[i]);
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
            return true;
    }
    return false;
}

static void ppp_params(struct up *u)
{
    const struct tunnel_config *cfg = u->cfg;
    struct ppp_settings *s = &u->params.ppp;
    if (cfg->mtu != CONFIG_MTU_AUTO)
        s->mru = (uint16_t)cfg->mtu;
    s->offload = cfg->offload;
    if (cfg->has_local_address)
        s->local_ip = ntohl(cfg->local_address.s_addr);
    /* LocalAddress is a request: the server owns the address plan and Naks
     * an address that is not this user's (RFC 1332 section 3.3).  Taking
     * its answer keeps both ends agreeing on who we are. */
    s->accept_local = true;
    /* Learn the server's DNS servers (RFC 1877, pppd's usepeerdns) for the
     * resolver (UsePeerDNS) and the hooks' DNS1/DNS2.  Only when one of
     * them is there to use them: a server without DNS servers must
     * Configure-Reject the options (RFC 1661 section 5.4: a Reject before
     * any Nak), which costs a round trip before the address can be Nak'd. */
    s->request_dns = cfg->use_peer_dns || hooks_configured(cfg);
    if (cfg->has_remote_address)
        s->remote_ip = ntohl(cfg->remote_address.s_addr);
    s->accept_remote = !cfg->has_remote_address;
    s->echo_interval_ms = cfg->keepalive_interval * 1000u;
    s->echo_failures = (uint8_t)cfg->keepalive_failures;
    /* With -tt the remote pty echoes and edits until the far end makes it
     * raw (a login shell's pty even before the shell starts); pppd's
     * "silent" keeps us quiet until its first frame shows that it did, so
     * no frame of ours can come back as an echo (a "loopback"). */
    s->silent = u->params.spawn.argv && u->tty;
    s->seed = cli_seed();
    /* One interface identifier for the life of the tunnel, so that a
     * reconnect keeps the fe80:: address (RFC 5072 section 4.1 lets it
     * be any non-zero value that is stable). */
    unsigned long long ifid = cli_seed() | 1;
    memcpy(s->local_ifid, &ifid, sizeof(s->local_ifid));
}

static void sup_params(struct up *u)
{
    const struct tunnel_config *cfg = u->cfg;
    struct run_supervise *sup = &u->params.sup;
    sup->persist = cfg->persist;
    sup->max_fail = cfg->max_fail;
    sup->holdoff_ms = cfg->holdoff * 1000u;
    sup->up_script = cfg->up_script[0] ? cfg->up_script : NULL;
    sup->down_script = cfg->down_script[0] ? cfg->down_script : NULL;
    sup->hook_dir = getenv("PPPSSH_HOOK_DIR"); /* tests; NULL = /etc/pppssh */
}

/* NAME|-c FILE, -f and -d, in any order. */
static int parse_args(int argc, char **argv, struct up *u)
{
    char *rest[4];
    int n = 0, used;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-f") == 0) {
            u->params.foreground = true;
        } else if (strcmp(argv[i], "-d") == 0) {
            u->debug = true;
        } else if (n < 3) {
            rest[n++] = argv[i];
        } else {
            fprintf(stderr, "pppssh up: unexpected argument '%s'\n", argv[i]);
            return -1;
        }
    }
    u->cfg = cli_load_tunnel(n, rest, &used);
    if (!u->cfg)
        return -1;
    if (used != n) {
        fprintf(stderr, "pppssh up: unexpected argument '%s'\n", rest[used]);
        return -1;
    }
    return 0;
}

int cmd_up(int argc, char **argv)
{
    static struct up u; /* large; one per process */
    char err[512];
    run_params_init(&u.params, RUN_CLIENT);
    if (parse_args(argc, argv, &u) < 0)
        return RUN_EXIT_CONFIG;
    struct run_params *p = &u.params;
    p->name = u.cfg->name;
    snprintf(p->interface, sizeof(p->interface), "%s", u.cfg->interface);
    if (up_split_plan(u.cfg, &u.plan, err, sizeof(err)) < 0) {
        fprintf(stderr, "pppssh up: %s\n", err);
        return RUN_EXIT_CONFIG;
    }
    if (u.cfg->command[0]) {
        p->spawn.shell_command = u.cfg->command;
    } else if (build_ssh(&u, err, sizeof(err)) < 0) {
        fprintf(stderr, "pppssh up: %s\n", err);
        return RUN_EXIT_CONFIG;
    }
    net_params(&u);
    ppp_params(&u);
    sup_params(&u);
    if (!p->foreground) {
        /* From here on the parent only waits for "UP" or the error line. */
        if (report_detach(&p->report_fd) < 0) {
            fprintf(stderr, "pppssh up: fork: %s\n", strerror(errno));
            return RUN_EXIT_FATAL;
        }
        log_setup("pppssh", true, u.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
    } else {
        log_setup("pppssh", false, u.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
    }
    int status;
    if (up_split(&u.plan, p, &status) != UP_SPLIT_DONE)
        status = run_tunnel(p);
    free(u.cfg);
    return status;
}
