/* ssh.c - the OpenSSH client's command line, and what its stderr lines mean */
#include "ssh.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "errtext.h"
#include "sanitize.h"

static int push(struct ssh_argv *out, const char *arg)
{
    if (out->argc >= SSH_ARGV_MAX)
        return -E2BIG;
    out->argv[out->argc++] = arg;
    out->argv[out->argc] = NULL;
    return 0;
}

static int push_fixed(const struct ssh_params *p, struct ssh_argv *out)
{
    static const char *const fixed[] = {
        /* No escape character: the channel carries binary PPP frames. */
        "-e",
        "none",
        /* No agent or X11 forwarding into the peer. */
        "-a",
        "-x",
        /* Never prompt: nobody is there to answer. */
        "-o",
        "BatchMode=yes",
    };
    int rc = push(out, p->ssh_program ? p->ssh_program : "ssh");
    for (size_t i = 0; rc == 0 && i < sizeof(fixed) / sizeof(fixed[0]); i++)
        rc = push(out, fixed[i]);
    /* -T: 8-bit clean, no remote pty.  -tt: a remote pty (the far end
     * must set it raw) but TCP_NODELAY on both ends. */
    if (rc == 0)
        rc = push(out, p->tty ? "-tt" : "-T");
    return rc;
}

static int push_optional(const struct ssh_params *p, struct ssh_argv *out)
{
    int rc = 0;
    if (p->port) {
        snprintf(out->port, sizeof(out->port), "%u", p->port);
        rc = push(out, "-p");
        if (rc == 0)
            rc = push(out, out->port);
    }
    if (rc == 0 && p->identity_file && *p->identity_file) {
        rc = push(out, "-i");
        if (rc == 0)
            rc = push(out, p->identity_file);
    }
    for (size_t i = 0; rc == 0 && i < p->n_options; i++) {
        rc = push(out, "-o");
        if (rc == 0)
            rc = push(out, p->options[i]);
    }
    return rc;
}

int ssh_build_argv(const struct ssh_params *p, struct ssh_argv *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    if (!p->server || !*p->server)
        return errtext_set(-EINVAL, err, errlen, "no ssh server given");
    /* ssh would read "-oProxyCommand=..." as an option, not a host. */
    if (p->server[0] == '-')
        return errtext_set(-EINVAL, err, errlen, "ssh server '%s' must not start with '-'",
                           p->server);
    if (p->port > 65535)
        return errtext_set(-EINVAL, err, errlen, "ssh port %u is out of range", p->port);
    int rc = push_fixed(p, out);
    if (rc == 0)
        rc = push_optional(p, out);
    if (rc == 0)
        rc = push(out, "--");
    if (rc == 0)
        rc = push(out, p->server);
    if (rc == 0 && !p->login_shell)
        rc = push(out, p->remote_command ? p->remote_command : "pppssh serve");
    if (rc < 0)
        return errtext_set(rc, err, errlen, "too many ssh arguments (at most %d)", SSH_ARGV_MAX);
    return 0;
}

/* value as a decimal number, all of it and at most max; else 0.  Bare
 * strtoul would read "22x" as 22 and 2^32 + 22 as 22 in an unsigned. */
static unsigned whole_number(const char *value, unsigned long max)
{
    char *end;
    if (*value < '0' || *value > '9')
        return 0;
    errno = 0;
    unsigned long n = strtoul(value, &end, 10);
    return *end || errno || n > max ? 0 : (unsigned)n;
}

/* One "keyword value" line of ssh -G. */
static void effective_line(const char *key, const char *value, struct ssh_effective *out)
{
    if (strcmp(key, "hostname") == 0) {
        /* Cut short it would name another host; DNS names are at most
         * 255 octets (RFC 1035 2.3.4), so none that fits is lost. */
        size_t len = strlen(value);
        if (len < sizeof(out->hostname))
            memcpy(out->hostname, value, len + 1);
        else
            out->hostname[0] = 0;
    } else if (strcmp(key, "port") == 0) {
        out->port = whole_number(value, 65535);
    } else if (strcmp(key, "addressfamily") == 0) {
        out->family = strcmp(value, "inet") == 0    ? AF_INET
                      : strcmp(value, "inet6") == 0 ? AF_INET6
                                                    : AF_UNSPEC;
    } else if (strcmp(key, "connecttimeout") == 0) {
        out->connect_timeout = whole_number(value, UINT_MAX); /* "none" is 0 */
    } else if (strcmp(key, "proxycommand") == 0 || strcmp(key, "proxyjump") == 0 ||
               strcmp(key, "bindaddress") == 0 || strcmp(key, "bindinterface") == 0) {
        out->own_route |= strcmp(value, "none") != 0;
    }
}

int ssh_parse_effective(const char *text, struct ssh_effective *out)
{
    memset(out, 0, sizeof(*out));
    while (*text) {
        char line[512], *value;
        size_t len = strcspn(text, "\n");
        snprintf(line, sizeof(line), "%.*s", (int)(len < sizeof(line) ? len : sizeof(line) - 1),
                 text);
        text += len + (text[len] == '\n');
        value = strchr(line, ' ');
        if (!value)
            continue;
        *value++ = 0;
        effective_line(line, value, out);
    }
    return out->hostname[0] && out->port && out->port <= 65535 ? 0 : -EINVAL;
}

struct ssh_pattern {
    const char *text; /* case-insensitive substring */
    enum ssh_failure failure;
};

/* ssh's own messages first, then the remote shell's and sudo's. */
static const struct ssh_pattern ssh_patterns[] = {
    /* ssh's warning about a missing IdentityFile is not the failure cause:
     * the "Permission denied" that follows is. */
    {"Identity file", SSH_FAIL_NONE},
    {"Permission denied (", SSH_FAIL_AUTH},
    {"Too many authentication failures", SSH_FAIL_AUTH},
    {"Host key verification failed", SSH_FAIL_HOST_KEY},
    {"REMOTE HOST IDENTIFICATION HAS CHANGED", SSH_FAIL_HOST_KEY},
    {"No matching host key type found", SSH_FAIL_HOST_KEY},
    {"Connection refused", SSH_FAIL_REFUSED},
    {"No route to host", SSH_FAIL_UNREACHABLE},
    {"Network is unreachable", SSH_FAIL_UNREACHABLE},
    {"Connection timed out", SSH_FAIL_TIMEOUT},
    {"Operation timed out", SSH_FAIL_TIMEOUT},
    {"Could not resolve hostname", SSH_FAIL_RESOLVE},
    {"Name or service not known", SSH_FAIL_RESOLVE},
    /* sshd dropped the connection before the session: MaxStartups, a
     * restart, a TCP reset on the way (ssh_exchange_identification is
     * OpenSSH before 8.3) */
    {"kex_exchange_identification", SSH_FAIL_CLOSED},
    {"ssh_exchange_identification", SSH_FAIL_CLOSED},
    {"Connection closed by", SSH_FAIL_CLOSED},
    {"Connection reset by", SSH_FAIL_CLOSED},
    {"command not found", SSH_FAIL_COMMAND_MISSING}, /* bash */
    {": not found", SSH_FAIL_COMMAND_MISSING},       /* dash: "sh: 1: pppssh: not found" */
    {"No such file or directory", SSH_FAIL_COMMAND_MISSING},
    {"a password is required", SSH_FAIL_NOT_PERMITTED},
    {"is not in the sudoers file", SSH_FAIL_NOT_PERMITTED},
    {"is not allowed to execute", SSH_FAIL_NOT_PERMITTED},
    {"a terminal is required", SSH_FAIL_NOT_PERMITTED},
};

static const struct ssh_pattern *find_pattern(const char *line)
{
    for (size_t i = 0; i < sizeof(ssh_patterns) / sizeof(ssh_patterns[0]); i++) {
        if (strcasestr(line, ssh_patterns[i].text))
            return &ssh_patterns[i];
    }
    return NULL;
}

enum ssh_failure ssh_classify_line(const char *line)
{
    const struct ssh_pattern *p = find_pattern(line);
    return p ? p->failure : SSH_FAIL_NONE;
}

/* Lines that never say why: usage trailers, pppd's usage listing, ssh's
 * chatter.  Matched at the start of the line (case-insensitive). */
static const char *const noise_prefixes[] = {
    "See pppd(8)",   /* pppd's usage trailer */
    "See pppssh(8)", /* ours */
    "See the man page",
    "Usage:",
    "usage:",
    "pppd version",
    "Warning: Permanently added", /* ssh: a new known host, not an error */
    "Connection to ",             /* ssh -tt: "Connection to HOST closed." */
    "Pseudo-terminal will not be allocated",
};

/* Words of a line that says what went wrong (case-insensitive). */
static const char *const reason_words[] = {
    "error",   "unrecognized",  "unrecognised", "unknown",  "not found", "denied",
    "invalid", "illegal",       "cannot",       "can't",    "could not", "failed",
    "refused", "not permitted", "not allowed",  "no such",  "forbidden", "bad ",
    "missing", "fatal",         "too many",     "exceeded", "limit",     "exhausted",
};

static bool starts_with_nocase(const char *line, const char *prefix)
{
    return strncasecmp(line, prefix, strlen(prefix)) == 0;
}

static bool is_noise(const char *line)
{
    /* pppd's and getopt's usage listings indent each option */
    if (*line == ' ' || *line == '\t' || *line == 0)
        return true;
    for (size_t i = 0; i < sizeof(noise_prefixes) / sizeof(noise_prefixes[0]); i++)
        if (starts_with_nocase(line, noise_prefixes[i]))
            return true;
    return false;
}

static bool has_reason_word(const char *line)
{
    for (size_t i = 0; i < sizeof(reason_words) / sizeof(reason_words[0]); i++)
        if (strcasestr(line, reason_words[i]))
            return true;
    return false;
}

enum ssh_line_rank ssh_rank_line(const char *line)
{
    const struct ssh_pattern *p = find_pattern(line);
    if (p) /* a known line: a cause, the echo of one, or a known non-cause */
        return p->failure == SSH_FAIL_CLOSED ? SSH_RANK_CLOSED
               : p->failure == SSH_FAIL_NONE ? SSH_RANK_NOISE
                                             : SSH_RANK_REASON;
    if (is_noise(line))
        return SSH_RANK_NOISE;
    return has_reason_word(line) ? SSH_RANK_REASON : SSH_RANK_PLAIN;
}

void ssh_stderr_init(struct ssh_stderr *s)
{
    memset(s, 0, sizeof(*s));
}

/* A later line replaces the kept one when it says more; among plain lines
 * the last says most (what the program said as it gave up), among reasons
 * the first (what followed is mostly its consequence). */
static bool says_more(enum ssh_line_rank rank, const struct ssh_stderr *s)
{
    if (!s->reason[0])
        return true;
    return rank > s->rank || (rank == s->rank && rank == SSH_RANK_PLAIN);
}

void ssh_stderr_add(struct ssh_stderr *s, const char *line, size_t len)
{
    char clean[sizeof(s->reason)];
    if (text_sanitize(clean, sizeof(clean), line, len) == 0)
        return;
    enum ssh_line_rank rank = ssh_rank_line(clean);
    if (says_more(rank, s)) {
        memcpy(s->reason, clean, sizeof(clean));
        s->rank = rank;
    }
    /* "Connection closed" follows the real reason: never let it replace one. */
    enum ssh_failure f = ssh_classify_line(clean);
    if (f != SSH_FAIL_NONE && (s->failure == SSH_FAIL_NONE || s->failure == SSH_FAIL_CLOSED)) {
        s->failure = f;
        memcpy(s->failure_line, clean, sizeof(clean));
    }
}

void ssh_stderr_note(struct ssh_stderr *s, const char *text)
{
    char clean[sizeof(s->reason)];
    if (text_sanitize_str(clean, sizeof(clean), text) == 0 || !says_more(SSH_RANK_REASON, s))
        return;
    memcpy(s->reason, clean, sizeof(clean));
    s->rank = SSH_RANK_REASON;
}

const char *ssh_failure_text(enum ssh_failure failure)
{
    switch (failure) {
    case SSH_FAIL_AUTH:
        return "authentication refused by the server";
    case SSH_FAIL_HOST_KEY:
        return "host key verification failed (unknown or changed host key)";
    case SSH_FAIL_REFUSED:
        return "connection refused (no ssh server listening)";
    case SSH_FAIL_UNREACHABLE:
        return "host unreachable";
    case SSH_FAIL_TIMEOUT:
        return "connection timed out";
    case SSH_FAIL_RESOLVE:
        return "cannot resolve the server's host name";
    case SSH_FAIL_CLOSED:
        return "the server closed the connection";
    case SSH_FAIL_COMMAND_MISSING:
        return "remote command not found";
    case SSH_FAIL_NOT_PERMITTED:
        return "remote command not permitted (sudo refused)";
    case SSH_FAIL_NONE:
        break;
    }
    return "unknown error";
}
