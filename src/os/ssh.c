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
    {"Connection closed by", SSH_FAIL_CLOSED},
    {"Connection reset by", SSH_FAIL_CLOSED},
    {"kex_exchange_identification", SSH_FAIL_CLOSED},
    {"command not found", SSH_FAIL_COMMAND_MISSING}, /* bash */
    {": not found", SSH_FAIL_COMMAND_MISSING},       /* dash: "sh: 1: pppssh: not found" */
    {"No such file or directory", SSH_FAIL_COMMAND_MISSING},
    {"a password is required", SSH_FAIL_NOT_PERMITTED},
    {"is not in the sudoers file", SSH_FAIL_NOT_PERMITTED},
    {"is not allowed to execute", SSH_FAIL_NOT_PERMITTED},
    {"a terminal is required", SSH_FAIL_NOT_PERMITTED},
};

enum ssh_failure ssh_classify_line(const char *line)
{
    for (size_t i = 0; i < sizeof(ssh_patterns) / sizeof(ssh_patterns[0]); i++) {
        if (strcasestr(line, ssh_patterns[i].text))
            return ssh_patterns[i].failure;
    }
    return SSH_FAIL_NONE;
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
        return "connection closed by the server";
    case SSH_FAIL_COMMAND_MISSING:
        return "remote command not found";
    case SSH_FAIL_NOT_PERMITTED:
        return "remote command not permitted (sudo refused)";
    case SSH_FAIL_NONE:
        break;
    }
    return "unknown error";
}
