/*
 * up_split.c - up_split.h: the privileged parent of a split `pppssh up`.
 * It keeps no descriptor the session could reach but the configurator
 * socket; the TUN stays open in the session (closed here at once), so
 * the interface goes when the session ends, after the undo it asked for.
 */
#include "up_split.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "configurator.h"
#include "configurator_socket.h"
#include "control.h"
#include "exitcode.h"
#include "log.h"
#include "netlink.h"
#include "pidfile.h"
#include "privileged.h"
#include "report.h"
#include "tun.h"

static volatile sig_atomic_t session_pid;

/* INT, TERM and HUP mean the tunnel: the session ends it and undoes.
 * USR1 (check the link) is the session's too: a USR1 sent here by
 * mistake must not end the part that undoes everything. */
static void forward_signal(int sig)
{
    if (session_pid > 0)
        kill((pid_t)session_pid, sig);
}

/* Blocked since before the fork (up_split), so that one sent meanwhile
 * is forwarded now rather than ending the parent or the session early. */
static void forward_signals(pid_t pid, const sigset_t *stop)
{
    session_pid = pid;
    struct sigaction sa = {.sa_handler = forward_signal};
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigprocmask(SIG_UNBLOCK, stop, NULL);
}

/* ssh's account: User, else sudo's invoking user (sudo(8) sets SUDO_USER
 * and SUDO_UID), else root.  Only root gets here: it may run ssh as any
 * account, so the variables grant nothing. */
static int ssh_account(const struct tunnel_config *cfg, struct up_plan *plan, char *err,
                       size_t errlen)
{
    const char *sudo = getenv("SUDO_USER");
    const char *name = cfg->user[0] ? cfg->user : sudo && *sudo && strcmp(sudo, "root") ? sudo : NULL;
    if (!name)
        return 0;
    if (spawn_account_find(name, &plan->ssh) == -ENOENT || plan->ssh.uid == 0) {
        snprintf(err, errlen, "%s '%s' is not a local account other than root",
                 cfg->user[0] ? "User" : "SUDO_USER", name);
        return -1;
    }
    const char *uid = getenv("SUDO_UID");
    if (!cfg->user[0] && uid && strtoul(uid, NULL, 10) != plan->ssh.uid) {
        snprintf(err, errlen, "SUDO_USER %s is not SUDO_UID %s", name, uid);
        return -1;
    }
    plan->ssh_as_account = true;
    return 0;
}

int up_split_plan(const struct tunnel_config *cfg, struct up_plan *plan, char *err, size_t errlen)
{
    memset(plan, 0, sizeof(*plan));
    if (geteuid() != 0)
        return 0;
    plan->split = true;
    if (ssh_account(cfg, plan, err, errlen) < 0)
        return -1;
    if (cfg->user[0]) { /* the session is User's, and runs ssh itself */
        plan->session.uid = plan->ssh.uid;
        plan->session.gid = plan->ssh.gid;
        snprintf(plan->session.name, sizeof(plan->session.name), "%s", plan->ssh.name);
        return 0;
    }
    plan->remote = true;
    return split_account_find(cfg->session_user, "SessionUser", &plan->session, err, errlen) < 0
               ? -1
               : 0;
}

/* Only what the tunnel's config names (pppssh.conf(5), User). */
static void make_policy(const struct run_params *p, bool remote, struct cfg_policy *policy)
{
    memset(policy, 0, sizeof(*policy));
    policy->transport = policy->hooks = remote;
    for (size_t i = 0; i < p->net.n_routes && i < CFG_POLICY_MAX_ROUTES; i++)
        policy->routes[policy->n_routes++] = p->net.routes[i];
    policy->has_address6 = p->net.has_address6;
    policy->address6 = p->net.address6;
    policy->max_dns = CFG_DNS_MAX;
    policy->forward = p->net.forward;
    policy->masquerade = p->net.masquerade;
    memcpy(policy->masquerade_oif, p->net.masquerade_oif, sizeof(policy->masquerade_oif));
}

static int fail(const struct run_params *p, int status, const char *fmt, const char *what)
{
    char msg[512];
    snprintf(msg, sizeof(msg), fmt, what);
    log_error("%s", msg);
    report_error(p->report_fd, status, msg);
    return status;
}

static int tun_status(int r)
{
    if (r == -EEXIST || r == -EBUSY)
        return RUN_EXIT_IN_USE;
    if (r == -EPERM || r == -EACCES)
        return RUN_EXIT_NOT_PERMITTED;
    if (r == -ENOENT || r == -ENODEV || r == -ENXIO)
        return RUN_EXIT_NO_TUN;
    return RUN_EXIT_FATAL;
}

/* Once the session's socket has closed, how long it may take to exit (it
 * closes the socket in its teardown) before SIGKILL: waits are bounded. */
#define SESSION_EXIT_MS 5000

static int wait_session(pid_t pid)
{
    int st = 0;
    for (int waited = 0; waited < SESSION_EXIT_MS; waited += 10) {
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR))
            return st;
        os_sleep_ms(10);
    }
    log_error("the tunnel's session did not exit %d ms after its end: killed", SESSION_EXIT_MS);
    kill(pid, SIGKILL);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    return st;
}

/* The tunnel's name (control socket, pid file) is root's to remove: the
 * session cannot, in the root-owned run directory.  Removed before the
 * session sees its socket close (configurator_socket.c waits for that
 * before `pppssh down` is answered), so that down returns with the name
 * free; and only while the session, or nobody, holds it: a tunnel of the
 * same name started since keeps its own. */
static void release_name(const struct run_params *p, pid_t session)
{
    struct pidfile pf;
    if (!p->name || pidfile_claim(&pf, control_run_dir(), p->name, session) == -EEXIST)
        return;
    control_unlink(p->name); /* first: a starter makes its socket after its pid file */
    pidfile_remove(&pf);
}

/* The parent: serve the session's requests until its socket closes,
 * remove what only root may remove, then wait for it. */
static int parent_serve(const struct run_params *p, pid_t pid, int sock,
                        struct configurator *local, const struct cfg_policy *policy,
                        const sigset_t *stop)
{
    forward_signals(pid, stop);
    /* A transport's status or a hook's end written to a session that died:
     * EPIPE, not the end of the part that must undo everything. */
    signal(SIGPIPE, SIG_IGN);
    if (configurator_serve(sock, local, policy, NULL) < 0)
        log_warn("the session's configuration socket failed: everything undone");
    release_name(p, pid);
    close(sock);
    int st = wait_session(pid);
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    log_error("the tunnel's session died of signal %d", WTERMSIG(st));
    return RUN_EXIT_FATAL;
}

/* The parent's side of the boundary: the interface's configurator and,
 * when the session does not run ssh, the transport and the hooks. */
static struct configurator *privileged_side(const struct up_plan *plan, const struct run_params *p,
                                            const char *ifname, unsigned ifindex)
{
    struct privileged_setup setup;
    struct configurator *local = configurator_local_new(ifname, ifindex); /* hardens it */
    if (!local || !plan->remote)
        return local;
    setup = (struct privileged_setup){
        .transport = p->spawn,
        .run_hooks = p->duties.hooks,
        .hooks = {.up_script = p->sup.up_script,
                  .down_script = p->sup.down_script,
                  .dir = p->sup.hook_dir},
        .ifname = p->interface,
        .ipparam = p->name,
    };
    setup.transport.account = plan->ssh_as_account ? &plan->ssh : NULL;
    struct configurator *c = configurator_privileged_new(local, &setup);
    if (!c)
        local->free(local);
    return c;
}

/* The session child: what it becomes, and what it asks the parent for. */
static void session_side(const struct up_plan *plan, struct run_params *p, int tun, int sock)
{
    p->tun_fd = tun;
    p->cfg_fd = sock;
    p->drop_user = plan->session.name;
    p->drop_uid = plan->session.uid;
    p->drop_gid = plan->session.gid;
    p->transport_remote = p->hooks_remote = plan->remote;
    p->transport_uid = plan->ssh_as_account ? plan->ssh.uid : 0;
}

enum up_split_side up_split(const struct up_plan *plan, struct run_params *p, int *status)
{
    if (!plan->split)
        return UP_SPLIT_NONE;
    *status = RUN_EXIT_FATAL;
    /* A tunnel of that name running beats "interface name taken" (loop.c's
     * order): the session's pid file says so before we make the TUN. */
    pid_t running = p->name ? pidfile_running(control_run_dir(), p->name) : 0;
    if (running > 0) {
        char msg[128];
        snprintf(msg, sizeof(msg), "tunnel %s is already running (pid %d)", p->name, (int)running);
        *status = fail(p, RUN_EXIT_IN_USE, "%s", msg);
        return UP_SPLIT_DONE;
    }
    char err[256] = "out of memory", ifname[IFNAMSIZ];
    unsigned ifindex;
    int tun = tun_open(p->interface[0] ? p->interface : NULL, ifname, err, sizeof(err));
    if (tun < 0) {
        *status = fail(p, tun_status(tun), "%s", err);
        return UP_SPLIT_DONE;
    }
    log_info("[#] ip tuntap add %s mode tun", ifname);
    snprintf(p->interface, sizeof(p->interface), "%s", ifname);
    struct configurator *priv = NULL;
    int sv[2] = {-1, -1};
    if (nl_link_index(ifname, &ifindex, err, sizeof(err)) < 0 ||
        !(priv = privileged_side(plan, p, ifname, ifindex)) ||
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        *status = fail(p, RUN_EXIT_FATAL, "cannot split the tunnel: %s",
                       priv ? strerror(errno) : err);
        if (priv)
            priv->free(priv);
        close(tun);
        return UP_SPLIT_DONE;
    }
    sigset_t stop; /* the session reads them through signalfd once it can */
    report_stop_signals(&stop);
    sigprocmask(SIG_BLOCK, &stop, NULL);
    pid_t pid = fork();
    if (pid < 0) {
        *status = fail(p, RUN_EXIT_FATAL, "fork: %s", strerror(errno));
        sigprocmask(SIG_UNBLOCK, &stop, NULL);
        priv->free(priv);
        close(tun);
        return UP_SPLIT_DONE;
    }
    if (pid == 0) { /* the session: priv is the parent's, never used here */
        close(sv[0]);
        session_side(plan, p, tun, sv[1]);
        return UP_SPLIT_SESSION;
    }
    close(sv[1]);
    close(tun);
    if (p->report_fd >= 0) /* the session reports UP or why not */
        close(p->report_fd);
    struct cfg_policy policy;
    make_policy(p, plan->remote, &policy);
    *status = parent_serve(p, pid, sv[0], priv, &policy, &stop);
    return UP_SPLIT_DONE;
}
