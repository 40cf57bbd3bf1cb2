/*
 * helper_admit.c - the child that answers an OPEN (helper_admit.h).
 */
#include "helper_admit.h"

#include <arpa/inet.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "admission.h"
#include "config.h"
#include "lease.h"
#include "log.h"
#include "netcfg.h"
#include "netlink.h"
#include "seqpacket.h"
#include "strictmodes.h"
#include "tun.h"

struct admit_job {
    const char *config_path;
    const char *user;
    pid_t peer_pid;
    uid_t peer_uid;
    const struct admission_request *fixed;
    struct server_config *cfg;
    struct helper_admitted out;
    int tun_fd, lease_fd;
};

__attribute__((format(printf, 2, 3))) static int refuse(struct admit_job *j, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    j->out.answer.type = HELPER_REFUSED;
    vsnprintf(j->out.answer.reason, sizeof(j->out.answer.reason), fmt, ap);
    va_end(ap);
    for (char *c = j->out.answer.reason; *c; c++)
        if (*c < 0x20 || *c > 0x7e)
            *c = '?'; /* the reason goes on the wire as printable text */
    return -1;
}

/* server.conf decides, re-read for every session as `serve` did. */
static int load_config(struct admit_job *j)
{
    char err[512];
    j->cfg = malloc(sizeof(*j->cfg));
    if (!j->cfg)
        return refuse(j, "out of memory");
    /* root's, or the file of the account a privileged serve runs as */
    if (strictmodes_check(j->config_path, geteuid(), err, sizeof(err)) < 0 ||
        config_load_server(j->config_path, j->cfg, err, sizeof(err)) < 0)
        return refuse(j, "%s", err);
    if (!j->cfg->has_address)
        return refuse(j, "%s: [Server] has no Address", j->config_path);
    return 0;
}

/* [User NAME] Account, by default the account named NAME, is the only
 * one whose sessions may have this user's tunnel; root may have any. */
static int check_account(struct admit_job *j, const struct server_user *u)
{
    const char *allowed = u->account[0] ? u->account : u->name;
    struct passwd *pw = getpwuid(j->peer_uid);
    if (j->peer_uid == 0 || (pw && strcmp(pw->pw_name, allowed) == 0))
        return 0;
    return refuse(j, "account %s (uid %u) may not serve VPN user %s ([User %s] Account = %s)",
                  pw ? pw->pw_name : "?", (unsigned)j->peer_uid, j->user, j->user, allowed);
}

static void interface_name(const char *user, char out[IFNAMSIZ])
{
    char name[IFNAMSIZ + 40];
    snprintf(name, sizeof(name), "pppssh-%s", user);
    if (strlen(name) < IFNAMSIZ && !nl_link_exists(name))
        memcpy(out, name, strlen(name) + 1);
    else
        snprintf(out, IFNAMSIZ, "ppps%%d"); /* the kernel picks the first free */
}

static void grant(struct admit_job *j, const struct run_params *p, const char *ifname)
{
    struct helper_grant *g = &j->out.answer.grant;
    j->out.answer.type = HELPER_GRANTED;
    g->local.s_addr = htonl(p->ppp.local_ip);
    g->remote.s_addr = htonl(p->ppp.remote_ip);
    g->dns[0].s_addr = htonl(p->ppp.dns[0]);
    g->dns[1].s_addr = htonl(p->ppp.dns[1]);
    g->offload = p->ppp.offload;
    snprintf(g->ifname, sizeof(g->ifname), "%s", ifname);
    for (size_t i = 0; i < p->net.n_routes && i < HELPER_MAX_ROUTES; i++)
        g->routes[g->n_routes++] = p->net.routes[i];
    j->out.net = p->net;
}

static int open_tun(struct admit_job *j, const struct run_params *p)
{
    char want[IFNAMSIZ], ifname[IFNAMSIZ], err[256];
    interface_name(j->user, want);
    j->tun_fd = tun_open(want, ifname, err, sizeof(err));
    if (j->tun_fd < 0)
        return refuse(j, "%s", err);
    log_info("[#] ip tuntap add %s mode tun (user %s, pid %d)", ifname, j->user, (int)j->peer_pid);
    if (nl_link_index(ifname, &j->out.ifindex, err, sizeof(err)) < 0)
        return refuse(j, "%s", err);
    static struct netcfg nc;
    netcfg_init(&nc, ifname, j->out.ifindex);
    netcfg_harden(&nc); /* before the peer can send anything */
    if (j->lease_fd >= 0)
        lease_note_session(j->lease_fd, j->peer_pid, ifname); /* for a successor's takeover */
    grant(j, p, ifname);
    return 0;
}

/* --local/--remote of a privileged serve: as given, nothing to look up. */
static void admit_fixed(struct admit_job *j)
{
    static struct run_params params;
    char why[512];
    run_params_init(&params, RUN_SERVER);
    if (admission_decide(j->fixed, &params, &j->lease_fd, why, sizeof(why)) < 0)
        refuse(j, "%s", why);
    else
        open_tun(j, &params);
}

static void admit(struct admit_job *j)
{
    static struct run_params params;
    char why[512];
    if (!helper_user_valid(j->user)) {
        refuse(j, "invalid user name");
        return;
    }
    if (j->fixed) {
        admit_fixed(j);
        return;
    }
    if (load_config(j) < 0)
        return;
    const struct server_user *u = config_find_user(j->cfg, j->user);
    if (!u) {
        refuse(j, "user %s has no [User %s] section in %s: refused", j->user, j->user,
               j->config_path);
        return;
    }
    if (check_account(j, u) < 0)
        return;
    run_params_init(&params, RUN_SERVER);
    struct admission_request req = {.cfg = j->cfg, .config_path = j->config_path, .user = j->user};
    if (admission_decide(&req, &params, &j->lease_fd, why, sizeof(why)) < 0) {
        refuse(j, "%s", why);
        return;
    }
    open_tun(j, &params);
}

/* The helper's other descriptors are other sessions' sockets, TUNs and
 * leases: held here, a takeover of one of them would wait on our copy. */
static void close_others(int keep)
{
    if (keep > 3)
        close_range(3, (unsigned)keep - 1, 0);
    close_range((unsigned)keep + 1, ~0u, 0);
}

__attribute__((noreturn)) static void child(int out, const char *config_path, const char *user,
                                            pid_t peer_pid, uid_t peer_uid,
                                            const struct admission_request *fixed)
{
    static struct admit_job j;
    close_others(out);
    /* else the TUN opened next took syslog's old number, and the first
     * line logged after it closed the TUN: "no interface named ..." */
    log_reconnect();
    signal(SIGCHLD, SIG_DFL);
    j = (struct admit_job){.config_path = config_path,
                           .user = user,
                           .peer_pid = peer_pid,
                           .peer_uid = peer_uid,
                           .fixed = fixed,
                           .tun_fd = -1,
                           .lease_fd = -1};
    admit(&j);
    int fds[2] = {j.tun_fd, j.lease_fd};
    bool granted = j.out.answer.type == HELPER_GRANTED;
    seqpacket_send(out, &j.out, sizeof(j.out), fds, granted ? (j.lease_fd >= 0 ? 2 : 1) : 0);
    _exit(0);
}

pid_t helper_admit_start(const char *config_path, const char *user, pid_t peer_pid, uid_t peer_uid,
                         const struct admission_request *fixed, int *result_fd)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) < 0)
        return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        return -e;
    }
    if (pid == 0) {
        close(sv[0]);
        child(sv[1], config_path, user, peer_pid, peer_uid, fixed);
    }
    close(sv[1]);
    *result_fd = sv[0];
    return pid;
}

int helper_admit_take(int result_fd, struct helper_admitted *out, int *tun_fd, int *lease_fd)
{
    int fds[SEQPACKET_MAX_FDS];
    size_t n_fds;
    ssize_t n = seqpacket_recv(result_fd, out, sizeof(*out), fds, &n_fds);
    if (n == -EAGAIN)
        return -EAGAIN;
    bool granted = n == (ssize_t)sizeof(*out) && out->answer.type == HELPER_GRANTED;
    if (n != (ssize_t)sizeof(*out) || (granted && n_fds != 1 && n_fds != 2) ||
        (!granted && n_fds)) {
        for (size_t i = 0; i < n_fds; i++)
            close(fds[i]);
        return -EPIPE;
    }
    *tun_fd = granted ? fds[0] : -1;
    *lease_fd = granted && n_fds == 2 ? fds[1] : -1;
    return 0;
}
