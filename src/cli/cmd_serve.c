/*
 * cmd_serve.c - `pppssh serve`: the server end of a tunnel, PPP on
 * stdin/stdout, run as an ssh forced command, ForceCommand or login shell.
 * The session's addresses come from the user's [User NAME] entry or the
 * pool (leases held for the session, lease.h), or from --local/--remote.
 * A stale session of the same user still holding the address is ended
 * first (takeover.h), so a reconnecting client gets its address back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admit.h"
#include "commands.h"
#include "config.h"
#include "control.h"
#include "exitcode.h"
#include "lease.h"
#include "log.h"
#include "netlink.h"
#include "pty.h"
#include "refuse.h"
#include "run.h"
#include "strictmodes.h"
#include "takeover.h"

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
        else if (!strcmp(a, "--check"))
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

static int parse_pair(struct serve *s, struct in_addr *local, struct in_addr *remote)
{
    if (inet_pton(AF_INET, s->local, local) != 1)
        return fail("--local %s is not an IPv4 address", s->local);
    if (inet_pton(AF_INET, s->remote, remote) != 1)
        return fail("--remote %s is not an IPv4 address", s->remote);
    return 0;
}

/* Static addresses of every user: the pool never hands them out. */
static size_t static_addresses(const struct server_config *cfg, struct in_addr *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < cfg->n_users && n < max; i++)
        if (cfg->users[i].has_address)
            out[n++] = cfg->users[i].address;
    return n;
}

static int assign_address(struct serve *s, const struct server_user *u, struct in_addr *remote)
{
    char err[512];
    static struct in_addr skip[CONFIG_MAX_USERS];
    if (!u->has_address && !s->cfg->has_pool)
        return fail("no address for user %s: no Address in [User %s] and no Pool in [Server]",
                    s->user, s->user);
    struct admit_request r = {
        .user = s->user,
        .has_address = u->has_address,
        .address = u->address,
        .pool_first = s->cfg->pool_first,
        .pool_last = s->cfg->pool_last,
        .skip = skip,
        .n_skip = static_addresses(s->cfg, skip, CONFIG_MAX_USERS),
        .max_sessions = u->max_sessions,
        .term_ms = TAKEOVER_TERM_MS,
    };
    s->lease_fd = admit_session(&r, remote, err, sizeof(err));
    return s->lease_fd < 0 ? fail("%s", err) : 0;
}

static int check_forwarding(const struct server_user *u)
{
    bool v4 = false, on = true;
    char err[256];
    for (size_t i = 0; u && i < u->n_routes; i++)
        v4 |= u->routes[i].ip.family == AF_INET;
    if (v4 && os_ip_forwarding(AF_INET, &on, err, sizeof(err)) == 0 && !on)
        return fail("IP forwarding is off (sysctl net.ipv4.ip_forward=0) but [User %s] routes "
                    "networks through the tunnel",
                    u->name);
    return 0;
}

static void user_net(struct serve *s, const struct server_user *u)
{
    struct run_net *net = &s->params.net;
    net->antispoof = true;
    net->proxy_arp = s->cfg && s->cfg->proxy_arp;
    for (size_t i = 0; u && i < u->n_routes && i < RUN_MAX_ROUTES; i++)
        net->routes[net->n_routes++] = u->routes[i];
    if (s->cfg && s->cfg->has_address6) {
        net->has_address6 = true;
        net->address6 = s->cfg->address6;
    }
    if (u && u->has_address6 && net->n_routes < RUN_MAX_ROUTES) {
        struct os_prefix host = u->address6;
        host.len = 128; /* the client's own address, routed to its tunnel */
        net->routes[net->n_routes++] = host;
    }
    size_t n_dns = 0;
    for (size_t i = 0; s->cfg && i < s->cfg->n_dns && n_dns < 2; i++)
        if (s->cfg->dns[i].family == AF_INET)
            s->params.ppp.dns[n_dns++] = ntohl(s->cfg->dns[i].v4.s_addr);
}

/* Fills the run parameters from the config, or --local/--remote. */
static int session_params(struct serve *s)
{
    struct in_addr local, remote;
    const struct server_user *u = NULL;
    if (s->local) {
        if (parse_pair(s, &local, &remote) < 0)
            return -1;
    } else {
        u = config_find_user(s->cfg, s->user);
        /* pppssh.conf(5): a user without a section is refused, so that
         * removing the section revokes the key even with a Pool. */
        if (!u)
            return fail("user %s has no [User %s] section in %s: refused", s->user, s->user,
                        s->config_path);
        if (check_forwarding(u) < 0 || assign_address(s, u, &remote) < 0)
            return -1;
        local = s->cfg->address;
    }
    struct ppp_settings *ps = &s->params.ppp;
    ps->local_ip = ntohl(local.s_addr);
    ps->remote_ip = ntohl(remote.s_addr);
    ps->accept_local = false;
    ps->accept_remote = false; /* a client asking for another address gets Nak'd with its own */
    ps->seed = cli_seed();
    ps->offload = (!s->cfg || s->cfg->offload) && !s->no_offload;
    user_net(s, u);
    return 0;
}

/* The parent of pid, from /proc, or 0. */
static pid_t parent_of(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    char *ok = fgets(line, sizeof(line), f);
    fclose(f);
    const char *close_paren = ok ? strrchr(line, ')') : NULL; /* comm may hold spaces */
    int ppid = 0;
    if (!close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
        return 0;
    return (pid_t)ppid;
}

static bool is_sshd(pid_t pid)
{
    char path[64], comm[32] = "";
    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    bool ok = fgets(comm, sizeof(comm), f) != NULL;
    fclose(f);
    return ok && strncmp(comm, "sshd", 4) == 0;
}

/* SSH_CONNECTION names our session's connection only when sshd started
 * us (directly or through the user's shell): a serve run from a login
 * shell inherits it from a session it has nothing to do with. */
static bool started_by_sshd(void)
{
    pid_t parent = getppid();
    return is_sshd(parent) || is_sshd(parent_of(parent));
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

int cmd_serve(int argc, char **argv)
{
    static struct serve s;
    s.config_path = CONFIG_SERVER_PATH;
    s.lease_fd = -1;
    run_params_init(&s.params, RUN_SERVER);
    if (parse_args(argc, argv, &s) < 0)
        return refuse(&s, RUN_EXIT_CONFIG);
    control_use_run_dir(s.run_dir, true);
    s.params.pace = s.pace;
    logging_to_syslog = !s.log_stderr && !s.check;
    log_setup("pppssh-serve", logging_to_syslog, s.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
    if (!s.local || s.check) {
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
    if (session_params(&s) < 0)
        return refuse(&s, RUN_EXIT_CONFIG);
    interface_name(&s);
    if (s.lease_fd >= 0 && !strchr(s.params.interface, '%'))
        lease_note_interface(s.lease_fd, s.params.interface); /* for a successor's cleanup */
    s.params.in_fd = STDIN_FILENO;
    s.params.out_fd = STDOUT_FILENO;
    /* Where sshd's connection runs, so that the pacer can watch it. */
    if (!started_by_sshd() ||
        tcp_conn_id_parse_ssh(getenv("SSH_CONNECTION"), &s.params.ssh_conn) < 0)
        s.params.ssh_conn.family = 0;
    int status = run_tunnel(&s.params);
    free(s.cfg);
    return status;
}
