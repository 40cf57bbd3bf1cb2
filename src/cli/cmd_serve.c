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

#include "admission.h"
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
    bool userspace;   /* --userspace, or no privilege (serve_stack.h) */
    unsigned grace_s; /* --grace: the stack waits this long for a reconnect */
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
        else if (!strcmp(a, "--userspace"))
            s->userspace = true;
        else if (!strcmp(a, "--grace") && has_value) {
            char *end;
            unsigned long v = strtoul(argv[++i], &end, 10);
            if (*end || end == argv[i] || v > 86400)
                return fail("--grace takes seconds (0 to 86400), not '%s'", argv[i]);
            s->grace_s = (unsigned)v;
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

/* No root: the tunnel ends in the account's userspace network stack,
 * with its own inner addresses; no server.conf, lease or interface. */
static int serve_userspace(struct serve *s)
{
    char err[512];
    if (serve_stack_params(&s->params, s->grace_s, cli_seed(), err, sizeof(err)) < 0) {
        fail("%s", err);
        return refuse(s, RUN_EXIT_FATAL);
    }
    log_info("ending the tunnel in the userspace network stack (no root); it waits %u s "
             "for a reconnect", s->grace_s);
    return run_tunnel(&s->params);
}

int cmd_serve(int argc, char **argv)
{
    static struct serve s;
    s.config_path = CONFIG_SERVER_PATH;
    s.lease_fd = -1;
    s.grace_s = STACK_GRACE_DEFAULT;
    run_params_init(&s.params, RUN_SERVER);
    if (parse_args(argc, argv, &s) < 0)
        return refuse(&s, RUN_EXIT_CONFIG);
    control_use_run_dir(s.run_dir, true);
    s.params.pace = s.pace;
    logging_to_syslog = !s.log_stderr && !s.check;
    log_setup("pppssh-serve", logging_to_syslog, s.debug ? LOG_LEVEL_DEBUG : LOG_LEVEL_INFO);
    if (!s.check && !s.local && serve_stack_needed())
        s.userspace = true;
    if ((!s.local && !s.userspace) || s.check) {
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
    s.params.in_fd = STDIN_FILENO;
    s.params.out_fd = STDOUT_FILENO;
    /* Where sshd's connection runs, so that the pacer can watch it. */
    if (!sshd_started_us() ||
        tcp_conn_id_parse_ssh(getenv("SSH_CONNECTION"), &s.params.ssh_conn) < 0)
        s.params.ssh_conn.family = 0;
    if (s.userspace)
        return serve_userspace(&s);
    struct admission_request req = {
        .cfg = s.local ? NULL : s.cfg,
        .config_path = s.config_path,
        .user = s.user,
        .local = s.local,
        .remote = s.remote,
        .no_offload = s.no_offload,
        .seed = cli_seed(),
    };
    char why[512];
    if (admission_decide(&req, &s.params, &s.lease_fd, why, sizeof(why)) < 0) {
        fail("%s", why);
        return refuse(&s, RUN_EXIT_CONFIG);
    }
    interface_name(&s);
    if (s.lease_fd >= 0 && !strchr(s.params.interface, '%'))
        lease_note_interface(s.lease_fd, s.params.interface); /* for a successor's cleanup */
    int status = run_tunnel(&s.params);
    free(s.cfg);
    return status;
}
