/* up_fdpass.c - planning the ProxyCommand that hands us the SSH connection */
#include "up_fdpass.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "commands.h"
#include "log.h"

#define SSH_G_TIMEOUT_MS 5000 /* ssh -G reads only configuration files */

/* Runs argv and collects its stdout (NUL-terminated) into buf.  0 or -1. */
static int run_capture(const char *const *argv, const struct spawn_account *account, char *buf,
                       size_t size)
{
    struct spawn_request req = {.argv = argv, .account = account};
    struct spawn_child child;
    char err[256];
    size_t len = 0;
    if (spawn_start(&req, &child, err, sizeof(err)) < 0)
        return -1;
    for (int rounds = 0; rounds < 1000 && len + 1 < size; rounds++) {
        struct pollfd pfd = {.fd = child.io_fd, .events = POLLIN};
        if (poll(&pfd, 1, SSH_G_TIMEOUT_MS) <= 0)
            break;
        ssize_t n = read(child.io_fd, buf + len, size - 1 - len);
        if (n <= 0 && !(n < 0 && (errno == EINTR || errno == EAGAIN)))
            break;
        if (n > 0)
            len += (size_t)n;
    }
    buf[len] = 0;
    int status = 0;
    spawn_terminate(child.pid, 1000, &status);
    spawn_close(&child);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* 'text' for sh -c, with ssh's %-tokens (ssh_config(5) TOKENS) escaped. */
static void quote(char *out, size_t size, const char *text)
{
    size_t o = 0;
    if (o + 1 < size)
        out[o++] = '\'';
    for (; *text && o + 6 < size; text++) {
        if (*text == '\'') {
            memcpy(out + o, "'\\''", 4);
            o += 4;
        } else {
            if (*text == '%')
                out[o++] = '%';
            out[o++] = *text;
        }
    }
    out[o++] = '\'';
    out[o] = 0;
}

static bool query(const struct ssh_params *sp, const struct spawn_account *account,
                  struct ssh_effective *eff)
{
    const char *argv[SSH_ARGV_MAX + 8];
    char port[12];
    size_t n = 0;
    static char text[65536];
    argv[n++] = sp->ssh_program ? sp->ssh_program : "ssh";
    argv[n++] = "-G";
    if (sp->port) {
        snprintf(port, sizeof(port), "%u", sp->port);
        argv[n++] = "-p";
        argv[n++] = port;
    }
    for (size_t i = 0; i < sp->n_options && n + 4 < sizeof(argv) / sizeof(argv[0]); i++) {
        argv[n++] = "-o";
        argv[n++] = sp->options[i];
    }
    argv[n++] = "--";
    argv[n++] = sp->server;
    argv[n] = NULL;
    return run_capture(argv, account, text, sizeof(text)) == 0 && ssh_parse_effective(text, eff) == 0;
}

bool up_fdpass_plan(const struct ssh_params *sp, const struct spawn_account *account,
                    struct up_fdpass *out)
{
    struct ssh_effective eff;
    char self[512], qself[1100], qhost[600];
    if (!query(sp, account, &eff)) {
        log_debug("ssh -G failed: ssh connects by itself");
        return false;
    }
    if (eff.own_route) {
        log_info("ssh has its own ProxyCommand/ProxyJump: pacing without TCP_INFO");
        return false;
    }
    ssize_t len = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (len <= 0 || (size_t)len >= sizeof(self) - 1)
        return false;
    self[len] = 0;
    snprintf(out->name, sizeof(out->name), "pppssh-fdpass-%016llx", cli_seed());
    quote(qself, sizeof(qself), self);
    quote(qhost, sizeof(qhost), eff.hostname);
    const char *family = eff.family == AF_INET ? "inet" : eff.family == AF_INET6 ? "inet6" : "any";
    int n = snprintf(out->proxy_command, sizeof(out->proxy_command),
                     "ProxyCommand=%s fdpass %s %s %u %u %s", qself, out->name, qhost, eff.port,
                     eff.connect_timeout, family);
    return n > 0 && (size_t)n < sizeof(out->proxy_command);
}
