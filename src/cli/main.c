/*
 * main.c - `pppssh COMMAND [ARGS]`: a table of subcommands, wg(8) style.
 */
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "exitcode.h"

struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help; /* NULL: hidden (internal) */
};

static const struct command COMMANDS[] = {
    {"up", cmd_up, "NAME|-c FILE [-f] [-d]   bring a tunnel up (returns once it is up)"},
    {"down", cmd_down,
     "NAME|-c FILE             stop a tunnel: LCP Terminate, routes and interface removed"},
    {"status", cmd_status,
     "NAME|-c FILE             state, addresses, routes, uptime, reconnects, last error, traffic"},
    {"show", cmd_show,
     "[NAME|-c FILE] [--json]  every running tunnel (or one): state, addresses, traffic, queue"},
    {"dump", cmd_dump,
     "[NAME|-c FILE] [--json]  the same fields, one tab-separated line per tunnel"},
    {"metrics", cmd_metrics,
     "[NAME|-c FILE] [--output FILE]\n"
     "                         the same fields in the Prometheus text format"},
    {"check", cmd_check,
     "NAME|-c FILE             LCP echo now: 0 if the peer answers (as SIGUSR1)"},
    {"reset", cmd_reset,
     "NAME|-c FILE             reconnect now, interface and routes kept (as SIGHUP)"},
    {"config", cmd_config, "NAME|-c FILE             print the effective configuration"},
    {"keygen", cmd_keygen,
     "NAME [--server USER@HOST]\n"
     "                         write /etc/pppssh/NAME.key, print the server's authorized_keys line"},
    {"serve", cmd_serve,
     "[-c FILE] [--user NAME] [--local A --remote B] [--run-dir DIR]\n"
     "                         [--pace off|echo] [--no-offload] [--check] [--stderr] [--debug]\n"
     "                         [--userspace] [--grace S] [--stack-network CIDR]\n"
     "                         [--port-forward tcp|udp:PORT[:CLIENTPORT]]...\n"
     "                         the server end: PPP on stdin/stdout"},
    {"helper", cmd_helper,
     "[-c FILE] [--socket PATH] [--run-dir DIR] [--stderr] [--debug]\n"
     "                         the privileged helper of serve run from ordinary accounts"},
    {"fdpass", cmd_fdpass, NULL},
};

static void usage(FILE *out)
{
    fprintf(out, "Usage: pppssh COMMAND [ARGS]\n\n");
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++)
        if (COMMANDS[i].help)
            fprintf(out, "  %-7s %s\n", COMMANDS[i].name, COMMANDS[i].help);
    fprintf(out, "\nSee pppssh(8) and pppssh.conf(5).\n");
}

/* Whether this account's login shell is pppssh (/etc/passwd). */
static bool account_shell_is_pppssh(void)
{
    const struct passwd *pw = getpwuid(getuid());
    if (!pw || !pw->pw_shell)
        return false;
    const char *base = strrchr(pw->pw_shell, '/');
    return strcmp(base ? base + 1 : pw->pw_shell, "pppssh") == 0;
}

/* sshd starts a login shell as "-pppssh", or as "pppssh -c COMMAND" when
 * the client (or a forced command) sent a command: pppssh.8, LOGIN SHELL.
 * The second form counts only for an account whose shell is pppssh, so
 * that `pppssh -c FILE` typed for `pppssh up -c FILE` is a usage error. */
static bool started_as_login_shell(int argc, char **argv)
{
    if (argc > 0 && argv[0][0] == '-')
        return true;
    return argc > 1 && strcmp(argv[1], "-c") == 0 && account_shell_is_pppssh();
}

int main(int argc, char **argv)
{
    if (started_as_login_shell(argc, argv))
        return cmd_serve_login();
    if (argc < 2) {
        usage(stderr);
        return RUN_EXIT_CONFIG;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++)
        if (strcmp(argv[1], COMMANDS[i].name) == 0)
            return COMMANDS[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "pppssh: unknown command '%s'%s\n", argv[1],
            strcmp(argv[1], "-c") == 0 ? " (a tunnel from a file: pppssh up -c FILE)" : "");
    usage(stderr);
    return RUN_EXIT_CONFIG;
}
