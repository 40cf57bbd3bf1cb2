/*
 * ssh.h - the OpenSSH client's command line, and what its stderr lines mean.
 */
#ifndef PPPSSH_OS_SSH_H
#define PPPSSH_OS_SSH_H

#include <stdbool.h>
#include <stddef.h>

#define SSH_ARGV_MAX 96

struct ssh_params {
    const char *ssh_program;    /* NULL = "ssh" (searched in PATH) */
    const char *server;         /* "[user@]host"; must not start with '-' */
    unsigned port;              /* 0 = ssh's default */
    const char *identity_file;  /* NULL = ssh's default */
    const char *const *options; /* "Key=Value" strings, each passed as -o */
    size_t n_options;
    const char *remote_command; /* NULL = "pppssh serve" */
    bool login_shell;           /* no remote command: sshd runs the account's
                                   login shell (remote_command unused) */
    bool tty;                   /* true: -tt (remote pty); false: -T */
};

struct ssh_argv {
    const char *argv[SSH_ARGV_MAX + 1]; /* NULL-terminated; points into params and port */
    size_t argc;
    char port[8];
};

/*
 * Builds:
 *   ssh -e none -a -x -o BatchMode=yes [-T | -tt] [-p PORT] [-i FILE]
 *       [-o OPTION]... -- SERVER [REMOTE_COMMAND]
 * (no REMOTE_COMMAND with login_shell: the VPN HOWTO's pppd as login shell).
 * BatchMode: never prompt (there is nobody to answer); -e none: no escape
 * character, the channel must be 8-bit clean for PPP; -a -x: no agent or
 * X11 forwarding into a VPN peer.  No ServerAliveInterval: LCP echo
 * (KeepaliveInterval) already detects a dead path end to end.  The
 * caller's -o options come after BatchMode, and ssh keeps the first value
 * of each option, so they cannot turn BatchMode off.
 * Returns 0, or -EINVAL / -E2BIG with err set (empty or '-'-leading
 * server, too many options).
 */
int ssh_build_argv(const struct ssh_params *params, struct ssh_argv *out, char *err, size_t errlen);

/* What `ssh -G` says ssh would do (ssh_config(5) after every source). */
struct ssh_effective {
    char hostname[256];
    unsigned port;
    int family;               /* AF_UNSPEC, AF_INET, AF_INET6 (AddressFamily) */
    unsigned connect_timeout; /* seconds, 0 = none */
    bool own_route;           /* a ProxyCommand, ProxyJump, BindAddress or
                                 BindInterface: ssh must connect itself */
};

/* Reads `ssh -G` output.  Returns 0, or -EINVAL when it names no
 * hostname (or one too long for the field) or port. */
int ssh_parse_effective(const char *text, struct ssh_effective *out);

/* What an ssh (or remote shell) stderr line says went wrong. */
enum ssh_failure {
    SSH_FAIL_NONE = 0,        /* nothing we recognise */
    SSH_FAIL_AUTH,            /* "Permission denied (publickey...)" */
    SSH_FAIL_HOST_KEY,        /* "Host key verification failed", changed host key */
    SSH_FAIL_REFUSED,         /* "Connection refused" */
    SSH_FAIL_UNREACHABLE,     /* "No route to host", "Network is unreachable" */
    SSH_FAIL_TIMEOUT,         /* "Connection timed out" */
    SSH_FAIL_RESOLVE,         /* "Could not resolve hostname" */
    SSH_FAIL_CLOSED,          /* "Connection closed by", "Connection reset",
                                 "kex_exchange_identification": before any PPP
                                 frame, sshd dropped us (MaxStartups): transient */
    SSH_FAIL_COMMAND_MISSING, /* "command not found", "No such file or directory" */
    SSH_FAIL_NOT_PERMITTED,   /* remote sudo: "a password is required", "not in the sudoers" */
};

/* Classifies one stderr line (without or with its trailing newline). */
enum ssh_failure ssh_classify_line(const char *line);

/* How much a stderr line says about why the transport failed. */
enum ssh_line_rank {
    SSH_RANK_NOISE,  /* usage trailers and listings, "Connection to X closed." */
    SSH_RANK_CLOSED, /* "Connection closed by ...": true, but never the cause */
    SSH_RANK_PLAIN,  /* anything else */
    SSH_RANK_REASON, /* a recognised failure, or words like "error",
                        "unrecognized", "not found", "denied" */
};

enum ssh_line_rank ssh_rank_line(const char *line);

/* What a transport's stderr said, fed line by line: the line that tells
 * the user most (pppd's "unrecognized option '-c'", not the "See pppd(8)
 * for more options." after it) and the first failure recognised. */
struct ssh_stderr {
    char reason[256]; /* text_sanitize()d; "" = nothing said */
    enum ssh_line_rank rank;
    enum ssh_failure failure;
    char failure_line[256]; /* the line that classified it, sanitized */
};

void ssh_stderr_init(struct ssh_stderr *s);
/* One line as read, len bytes or up to a NUL (any bytes at all: it is
 * sanitized before it is ranked or kept; an empty line is ignored). */
void ssh_stderr_add(struct ssh_stderr *s, const char *line, size_t len);
/* A reason of our own (spawning failed): kept unless one is there already. */
void ssh_stderr_note(struct ssh_stderr *s, const char *text);

/* A short phrase for the user: "authentication refused by the server", ... */
const char *ssh_failure_text(enum ssh_failure failure);

#endif
