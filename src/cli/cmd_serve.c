/*
 * cmd_serve.c - `pppssh serve`: the server end of a tunnel, PPP on
 * stdin/stdout, run as an ssh forced command, ForceCommand or login shell.
 * The session's addresses come from the user's [User NAME] entry or the
 * pool (leases held for the session, lease.h), or from --local/--remote.
 * A stale session of the same user still holding the address is ended
 * first (takeover.h), so a reconnecting client gets its address back.
 * Started privileged it splits (serve_split.h): the session, the part
 * that reads the client's bytes, never runs as root.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "admission.h"
#include "commands.h"
#include "config.h"
#include "control.h"
#include "exitcode.h"
#include "helper_ask.h"
#include "lease.h"
#include "log.h"
#include "netlink.h"
#include "pty.h"
#include "refuse.h"
#include "run.h"
#include "serve_split.h"
#include "serve_stack.h"
#include "sshd_parent.h"
#include "stack.h"
#include "strictmodes.h"

struct serve {
    const char *config_path;
    const char *user;
    const char *local, *remote;
    const char *run_dir; /* --run-dir; NULL = /run/pppssh */
    enum run_pace pace;  /* --pace */
    bool no_offload;     /* --no-offload */
    bool check, log_stderr, debug;
    struct server_config *cfg;
    struct run_params params;
    int lease_fd;
    int helper_fd;         /* pppssh helper's session socket, or -1 */
    int split_status;      /* the parent of a split: the session's exit status */
    bool userspace;        /* --userspace, or neither root nor a helper (serve_stack.h) */
    unsigned grace_s;      /* --grace: the stack waits this long for a reconnect */
    bool grace_given;      /* --grace, over [Server] Grace */
    uint32_t stack_net4;   /* --stack-network: the stack's inner /24, host order */
    bool stack_net4_given; /* --stack-network, over [Server] StackNetwork */
    struct portfwd forwards[PORTFWD_MAX]; /* --port-forward, else [Server] PortForward */
    size_t n_forwards;
    bool forwards_given;
    char session_user[CONFIG_NAME_MAX]; /* [Server] SessionUser, for userspace mode as root */
};

static bool logging_to_syslog;
static char last_failure[PPP_REASON_MAX]; /* what fail() said last */

/* Errors go to stderr, which ssh carries back to the client, where
 * `pppssh up` shows them, and to syslog for the server's administrator. */
__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    fprintf(stderr, "pppssh serve: %s\n", line);
    size_t n = strnlen(line, sizeof(last_failure) - 1);
    memcpy(last_failure, line, n);
    last_failure[n] = '\0';
    if (logging_to_syslog)
        log_error("%s", line);
    return -1;
}

static int parse_pace(const char *v, enum run_pace *out)
{
    if (!strcmp(v, "off"))
        *out = RUN_PACE_OFF;
    else if (!strcmp(v, "echo"))
        *out = RUN_PACE_ECHO;
    else
        return -1;
    return 0;
}

/* --port-forward SPEC (portfwd.h): each server port once per protocol. */
static int add_forward(struct serve *s, const char *spec)
{
    struct portfwd f;
    if (portfwd_parse(spec, &f) < 0)
        return fail("--port-forward takes tcp:PORT or udp:PORT, or PROTO:SERVERPORT:CLIENTPORT "
                    "(1-65535), not '%s'",
                    spec);
    for (size_t i = 0; i < s->n_forwards; i++)
        if (s->forwards[i].udp == f.udp && s->forwards[i].host_port == f.host_port)
            return fail("--port-forward %s:%u is given twice", f.udp ? "udp" : "tcp", f.host_port);
    if (s->n_forwards == PORTFWD_MAX)
        return fail("at most %d --port-forward", PORTFWD_MAX);
    s->forwards[s->n_forwards++] = f;
    s->forwards_given = true;
    return 0;
}

/* Every setting comes from here or server.conf, never the environment:
 * sshd may let a client set variables (PermitUserEnvironment, SetEnv +
 * AcceptEnv), and the administrator writes the forced command line. */
static int parse_args(int argc, char **argv, struct serve *s)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_value = i + 1 < argc;
        if (!strcmp(a, "-c") && has_value)
            s->config_path = argv[++i];
        else if (!strcmp(a, "--user") && has_value)
            s->user = argv[++i];
        else if (!strcmp(a, "--local") && has_value)
            s->local = argv[++i];
        else if (!strcmp(a, "--remote") && has_value)
            s->remote = argv[++i];
        else if (!strcmp(a, "--run-dir") && has_value)
            s->run_dir = argv[++i];
        else if (!strcmp(a, "--pace") && has_value) {
            if (parse_pace(argv[++i], &s->pace) < 0)
                return fail("--pace must be off or echo, not '%s'", argv[i]);
        } else if (!strcmp(a, "--no-offload"))
            s->no_offload = true;
        else if (!strcmp(a, "--userspace"))
            s->userspace = true;
        else if (!strcmp(a, "--grace") && has_value) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || end == argv[i] || v > 86400)
                return fail("--grace takes seconds (0 to 86400), not '%s'", argv[i]);
            s->grace_s = (unsigned)v;
            s->grace_given = true;
        } else if (!strcmp(a, "--stack-network") && has_value) {
            if (stack_net4_parse(argv[++i], &s->stack_net4) < 0)
                return fail("--stack-network takes an IPv4 /24 like 198.18.254.0/24, not '%s'",
                            argv[i]);
            s->stack_net4_given = true;
        } else if (!strcmp(a, "--port-forward") && has_value) {
            if (add_forward(s, argv[++i]) < 0)
                return -1;
        } else if (!strcmp(a, "--check"))
            s->check = true;
        else if (!strcmp(a, "--stderr"))
            s->log_stderr = true;
        else if (!strcmp(a, "--debug"))
            s->debug = true;
        else
            return fail("unexpected argument '%s' (see pppssh(8))", a);
    }
    if (!s->local != !s->remote)
        return fail("--local and --remote go together");
    return 0;
}

/* A session we will not serve: the client learns why in band too, for
 * its stderr may not reach the client (refuse.h).  Not in --check. */
static int refuse(const struct serve *s, int status)
{
    if (!s->check && last_failure[0])
        refuse_in_band(STDOUT_FILENO, last_failure);
    return status;
}

static const char *current_user(void)
{
    struct passwd *pw = getpwuid(getuid());
    return pw ? pw->pw_name : "unknown";
}

static int load_config(struct serve *s)
{
    char err[512];
    s->cfg = malloc(sizeof(*s->cfg));
    if (!s->cfg)
        return fail("out of memory");
    /* It decides who gets which address and routes: whoever could write
     * it could take any user's address (sshd's StrictModes). */
    if (strictmodes_check(s->config_path, getuid(), err, sizeof(err)) < 0)
        return fail("%s", err);
    if (config_load_server(s->config_path, s->cfg, err, sizeof(err)) < 0)
        return fail("%s", err);
    if (!s->cfg->has_address)
        return fail("%s: [Server] has no Address (the server end of every tunnel)", s->config_path);
    return 0;
}

static void interface_name(struct serve *s)
{
    char name[IFNAMSIZ + 8];
    snprintf(name, sizeof(name), "pppssh-%s", s->user);
    if (strlen(name) < IFNAMSIZ && !nl_link_exists(name))
        memcpy(s->params.interface, name, strlen(name) + 1);
    else
        snprintf(s->params.interface, IFNAMSIZ, "ppps%%d"); /* the kernel picks the first free */
}

/* CAP_NET_ADMIN in our effective set (capabilities(7), bit 12): without
 * it we cannot make or configure an interface, pppssh helper must. */
static bool can_configure_network(void)
{
    char line[256];
    unsigned long long caps = 0;
    FILE *f = fopen("/proc/self/status", "re");
    if (!f)
        return geteuid() == 0;
    while (fgets(line, sizeof(line), f))
        if (sscanf(line, "CapEff: %llx", &caps) == 1)
            break;
    fclose(f);
    return caps & (1ull << 12);
}

/* What pppssh helper granted, as run parameters: the session only runs
 * the link; the helper holds the lease and configures the interface. */
static void use_grant(struct serve *s, const struct helper_grant *g, int tun_fd)
{
    struct ppp_settings *ps = &s->params.ppp;
    ps->local_ip = ntohl(g->local.s_addr);
    ps->remote_ip = ntohl(g->remote.s_addr);
    ps->dns[0] = ntohl(g->dns[0].s_addr);
    ps->dns[1] = ntohl(g->dns[1].s_addr);
    ps->accept_local = ps->accept_remote = false;
    ps->seed = cli_seed();
    ps->offload = g->offload && !s->no_offload;
    s->params.net.antispoof = true;
    for (size_t i = 0; i < g->n_routes && i < RUN_MAX_ROUTES; i++)
        s->params.net.routes[s->params.net.n_routes++] = g->routes[i];
    snprintf(s->params.interface, sizeof(s->params.interface), "%s", g->ifname);
    s->params.tun_fd = tun_fd;
    s->params.helper_fd = s->helper_fd;
}

/* server.conf's Helper; the default when this account cannot read the
 * file (the helper reads it, as root). */
static void helper_socket_path(const struct serve *s, char *path, size_t size)
{
    char err[512];
    struct server_config *cfg = malloc(sizeof(*cfg));
    snprintf(path, size, "%s", CONFIG_HELPER_SOCKET);
    if (cfg && config_load_server(s->config_path, cfg, err, sizeof(err)) == 0)
        snprintf(path, size, "%s", cfg->helper);
    free(cfg);
}

/* The tunnel pppssh helper granted on sock: from here on we parse the
 * client's bytes, and nothing we could exec may ever gain privileges (a
 * setuid program, file capabilities). */
static int take_grant(struct serve *s, int sock)
{
    struct helper_grant g;
    char err[512];
    int tun_fd;
    s->helper_fd = helper_ask_open_on(sock, s->user, &g, &tun_fd, &s->lease_fd, err, sizeof(err));
    if (s->helper_fd < 0) {
        s->helper_fd = -1;
        return fail("%s", err);
    }
    use_grant(s, &g, tun_fd);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return fail("cannot set no_new_privs: %s", strerror(errno));
    return 0;
}

/* Not privileged: pppssh helper at server.conf's Helper (the default if
 * the file cannot be read by this account) admits the session.  1 if
 * there is no helper to ask (then we try ourselves, and say why not). */
static int ask_helper(struct serve *s)
{
    char err[512];
    static char path[CONFIG_STR_MAX];
    helper_socket_path(s, path, sizeof(path));
    int sock = helper_ask_connect(path, s->user, err, sizeof(err));
    if (sock == -ENOENT || sock == -ECONNREFUSED)
        return 1;
    if (sock < 0)
        return fail("%s", err);
    return take_grant(s, sock);
}

/* Neither root nor a helper (or --userspace): the tunnel ends in the
 * account's userspace network stack, with its own inner addresses; no
 * server.conf, lease or interface (pppssh(8), USERSPACE MODE). */
static int admit_userspace(struct serve *s)
{
    char err[512];
    s->userspace = true;
    struct stack_request rq = {.grace_s = s->grace_s,
                               .net4 = s->stack_net4,
                               .forwards = s->forwards,
                               .n_forwards = s->n_forwards};
    if (serve_stack_params(&s->params, &rq, cli_seed(), err, sizeof(err)) < 0)
        return fail("%s", err);
    char net[INET_ADDRSTRLEN];
    log_info("the tunnel ends in this account's userspace network stack (%s/24, grace %u s)",
             stack_net4_format(s->stack_net4, net, sizeof(net)), s->grace_s);
    return 0;
}

/* [Server] Mode, Grace, StackNetwork and PortForward where this account
 * can read server.conf; the userspace mode needs no file, but one it
 * can read must be right (its error names the file and line). */
static int userspace_settings(struct serve *s)
{
    char err[512];
    struct server_config *cfg = malloc(sizeof(*cfg));
    if (!cfg)
        return fail("out of memory");
    int rc = config_load_server(s->config_path, cfg, err, sizeof(err));
    if (rc == 0) {
        s->userspace = s->userspace || config_server_userspace(cfg);
        if (!s->grace_given)
            s->grace_s = cfg->grace;
        if (!s->stack_net4_given)
            s->stack_net4 = ntohl(cfg->stack_network.ip.v4.s_addr);
        if (!s->forwards_given) {
            memcpy(s->forwards, cfg->port_forwards, sizeof(s->forwards));
            s->n_forwards = cfg->n_port_forwards;
        }
        snprintf(s->session_user, sizeof(s->session_user), "%s", cfg->session_user);
    }
    free(cfg);
    if (rc < 0 && rc != -ENOENT && rc != -EACCES)
        return fail("%s", err);
    return 0;
}

/* Leases, takeover and the user's addresses, decided by pppssh helper (our
 * own parent when we split), or the account's userspace stack. */
static int admit(struct serve *s)
{
    if (s->userspace)
        return admit_userspace(s);
    if (s->helper_fd >= 0) /* split: our parent is the helper */
        return take_grant(s, s->helper_fd);
    if (!s->local && !can_configure_network()) {
        int r = ask_helper(s);
        if (r <= 0)
            return r;
        return admit_userspace(s); /* no helper to ask */
    }
    struct admission_request req = {
        .cfg = s->local ? NULL : s->cfg,
        .config_path = s->config_path,
        .user = s->user,
        .local = s->local,
        .remote = s->remote,
        .no_offload = s->no_offload,
        .seed = cli_seed(),
    };
    char why[512];
    if (admission_decide(&req, &s->params, &s->lease_fd, why, sizeof(why)) < 0)
        return fail("%s", why);
    interface_name(s);
    if (s->lease_fd >= 0 && !strchr(s->params.interface, '%'))
        lease_note_interface(s->lease_fd, s->params.interface); /* for a successor's cleanup */
    return 0;
}

/* Privileged: the session runs unprivileged in a child, this process
 * becomes its helper (serve_split.h).  With --local/--remote there is no
 * server.conf to read: the addresses are granted as given. */
static int split(struct serve *s)
{
    char err[512];
    static struct admission_request fixed;
    if (s->userspace && geteuid() == 0) { /* nothing privileged to keep: drop it all */
        if (serve_split_userspace(s->session_user, control_run_dir(), s->user, err, sizeof(err)) < 0)
            return fail("%s", err);
        return SERVE_SPLIT_SESSION;
    }
    if (s->userspace || !can_configure_network())
        return SERVE_SPLIT_SESSION; /* the userspace stack needs no privilege to hand over */
    fixed = (struct admission_request){.config_path = s->config_path,
                                       .user = s->user,
                                       .local = s->local,
                                       .remote = s->remote,
                                       .no_offload = s->no_offload,
                                       .seed = cli_seed()};
    int r =
        serve_split(s->config_path, s->cfg ? s->cfg->session_user : "", s->local ? &fixed : NULL,
                    &s->helper_fd, &s->split_status, err, sizeof(err));
    if (r < 0)
        fail("%s", err);
    return r;
}

int cmd_serve(int argc, char **argv)
{
    static struct serve s;
    s.config_path = CONFIG_SERVER_PATH;
    s.lease_fd = s.helper_fd = -1;
    s.grace_s = STACK_GRACE_DEFAULT;
    stack_net4_parse(STACK_NET4_DEFAULT, &s.stack_net4);
    run_params_init(&s.params, RUN_SERVER);
    if (parse_args(argc, argv, &s) < 0)
        return refuse(&s, RUN_EXIT_CONFIG);
    control_use_run_dir(s.run_dir, true);
    s.params.pace = s.pace;
    logging_to_syslog = !s.log_stderr && !s.check;
    log_setup("pppssh-serve", logging_to_syslog, s.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
    if (!s.local && !s.check && userspace_settings(&s) < 0)
        return refuse(&s, RUN_EXIT_CONFIG);
    if ((!s.local && !s.userspace && can_configure_network()) || s.check) {
        if (load_config(&s) < 0)
            return refuse(&s, RUN_EXIT_CONFIG);
    }
    if (s.check) {
        printf("%s: OK (%zu users)\n", s.config_path, s.cfg->n_users);
        return 0;
    }
    if (!s.user)
        s.user = current_user();
    s.params.user = s.user;
    /* ssh -tt: PPP needs an 8-bit clean, echo-free pty, and before a
     * takeover's wait: an echoing pty would bounce the client's first
     * Configure-Requests back to it. */
    char err[256];
    if (isatty(STDIN_FILENO) && pty_set_raw(STDIN_FILENO, err, sizeof(err)) < 0)
        fail("%s", err);
    /* Where sshd's connection runs, so that the pacer can watch it
     * (asked before a split: sshd is the parent's parent then). */
    if (!sshd_started_us() ||
        tcp_conn_id_parse_ssh(getenv("SSH_CONNECTION"), &s.params.ssh_conn) < 0)
        s.params.ssh_conn.family = 0;
    int role = split(&s);
    if (role == SERVE_SPLIT_PARENT) {
        free(s.cfg);
        return s.split_status;
    }
    if (role < 0 || admit(&s) < 0)
        return refuse(&s, s.userspace ? RUN_EXIT_FATAL : RUN_EXIT_CONFIG);
    s.params.in_fd = STDIN_FILENO;
    s.params.out_fd = STDOUT_FILENO;
    int status = run_tunnel(&s.params);
    if (s.helper_fd >= 0)
        close(s.helper_fd); /* the helper undoes what is left and deletes the interface */
    free(s.cfg);
    return status;
}
