/*
 * loop.c - one tunnel process: set up, run the epoll loop, tear down.
 *
 * Everything is level-triggered and non-blocking; every wake-up ends with
 * after_io(): flush the engine's output, adjust what epoll watches, re-arm
 * the timer, and let the supervisor decide whether the tunnel is done.
 */
#include "takeover.h"
#include "tunnel.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "exitcode.h"
#include "helper_ask.h"
#include "log.h"
#include "report.h"
#include "sandbox.h"
#include "sdnotify.h"

/* The one clock read of a wake-up: every handler of it uses t->now. */
static void loop_tick(struct tunnel *t)
{
    t->now = os_clock_ns();
}

void run_params_init(struct run_params *p, enum run_role role)
{
    memset(p, 0, sizeof(*p));
    p->role = role;
    p->packet_fd = -1;
    bool client = role == RUN_CLIENT;
    p->duties = (struct run_duties){
        .reconnect = client,
        .hooks = client,
        .resolvers = client,
        .guard_transport = client,
        .require_ipv4 = client,
        .pidfile = client,
        .read_env = client,
        .accounting = !client,
        .own_routes_only = !client,
        .antispoof = !client,
        .peer = client ? "server" : "client",
    };
    p->report_fd = -1;
    p->in_fd = p->out_fd = -1;
    p->helper_fd = p->tun_fd = p->cfg_fd = -1;
    p->net.mtu = RUN_MTU_MAX;
    ppp_settings_default(&p->ppp);
    p->ppp.mru = RUN_AUTO_MRU;
    p->ppp.offload = true; /* the TUN carries offload metadata (tun.h) */
    /* A 64 KiB frame escaped at worst (128 KiB) on top of the few KiB the
     * engine may hold when it is fed (tun_pump.c): the rest would only be
     * touched, not used. */
    p->ppp.tx_buffer = 160 * 1024;
}

/* The VPN HOWTO vpnd's signals: INT/TERM stop, HUP resets the link, USR1
 * checks it now; CHLD tells us the transport child exited.  Blocked, read
 * through signalfd (child.c unblocks them in the child). */
static int signals_start(struct tunnel *t)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &t->old_mask);
    signal(SIGPIPE, SIG_IGN);
    t->signal_fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (t->signal_fd < 0)
        return -errno;
    return loop_watch(t, t->signal_fd, TAG_SIGNAL, EPOLLIN);
}

static void signal_readable(struct tunnel *t)
{
    struct signalfd_siginfo si;
    while (read(t->signal_fd, &si, sizeof(si)) == sizeof(si)) {
        switch (si.ssi_signo) {
        case SIGINT:
        case SIGTERM:
            /* takeover.h: a new session of the same user ends this one */
            if (si.ssi_code == SI_QUEUE && si.ssi_int == TAKEOVER_SIGVAL)
                t->replaced = true;
            tunnel_stop(t, t->replaced              ? "replaced by a new session of the user"
                           : si.ssi_signo == SIGINT ? "SIGINT"
                                                    : "SIGTERM");
            break;
        case SIGHUP:
            supervision_reset(t, "SIGHUP");
            break;
        case SIGUSR1: {
            char why[320];
            log_info("SIGUSR1: checking the link");
            supervision_check(t, why, sizeof(why));
            break;
        }
        case SIGCHLD:
            stream_child_changed(t);
            supervision_hooks_changed(t);
            if (t->cfg)
                t->cfg->poll(t->cfg, (long long)(t->now / PPP_MS));
            break;
        }
    }
}

static void timer_arm(struct tunnel *t)
{
    ppp_time when = t->link ? ppp_link_expiry(t->link) : PPP_TIME_NEVER;
    ppp_time queue = tun_expiry(t); /* pacing: after_io() does the work */
    if (queue < when)
        when = queue;
    if (t->deadline < when)
        when = t->deadline;
    ppp_time sup = supervision_expiry(t);
    if (sup < when)
        when = sup;
    ppp_time summary = peerlog_expiry(t);
    if (summary < when)
        when = summary;
    long long resolvers = t->cfg ? t->cfg->expiry(t->cfg) : -1;
    if (resolvers >= 0 && (ppp_time)resolvers * PPP_MS < when)
        when = (ppp_time)resolvers * PPP_MS;
    struct itimerspec its = {0};
    if (when != PPP_TIME_NEVER) {
        if (when == 0)
            when = 1; /* 0 would disarm */
        its.it_value.tv_sec = (time_t)(when / 1000000000u);
        its.it_value.tv_nsec = (long)(when % 1000000000u);
    }
    timerfd_settime(t->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

static void timer_expired(struct tunnel *t)
{
    uint64_t ticks;
    if (read(t->timer_fd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
        log_warn("timerfd: %s", strerror(errno));
    ppp_time now = t->now;
    if (t->link && now >= ppp_link_expiry(t->link))
        ppp_link_handle_expiry(t->link, now);
    supervision_timer(t);
    peerlog_timer(t, now);
    if (t->cfg)
        t->cfg->poll(t->cfg, (long long)(now / PPP_MS));
    if (now >= t->deadline) {
        if (!tunnel_link_dead(t))
            log_warn("the peer did not complete LCP Terminate in time");
        supervisor_set_state(&t->sup, SUP_DONE, "the stop's deadline");
    }
}

static void after_io(struct tunnel *t)
{
    engine_settle(t);
    stream_flush(t);
    supervision_run(t);
    engine_report_up(t);
    tun_update_reading(t);
    timer_arm(t);
}

static void dispatch(struct tunnel *t, const struct epoll_event *ev)
{
    uint32_t tag = ev->data.u32;
    switch (tag) {
    case TAG_TIMER:
        timer_expired(t);
        break;
    case TAG_SIGNAL:
        signal_readable(t);
        break;
    case TAG_TUN:
        tun_readable(t);
        break;
    case TAG_STREAM_IN:
        stream_readable(t);
        break;
    case TAG_STREAM_OUT:
        stream_flush(t);
        break;
    case TAG_STDERR:
        stream_stderr_readable(t);
        break;
    case TAG_TRANSPORT_END:
        stream_child_changed(t);
        break;
    case TAG_PRIVILEGED:
        /* It answers only when asked, and each answer is read at once:
         * readable between requests is its end, and with it went the
         * transport, the hooks and the undo. */
        loop_unwatch(t, t->p->cfg_fd);
        tunnel_fail(t, RUN_EXIT_FATAL, "the privileged part of the tunnel went away");
        break;
    case TAG_CTL_LISTEN:
        ctl_accept(t);
        break;
    case TAG_HELPER:
        /* It answers only when asked: readable now is a late answer to a
         * request that timed out, or its hang-up, and with it went our
         * interface. */
        if (helper_ask_late(t->p->helper_fd)) {
            log_msg(LOG_LEVEL_INFO, "pppssh helper answered a request late; dropped");
            break;
        }
        loop_unwatch(t, t->p->helper_fd);
        tunnel_fail(t, RUN_EXIT_FATAL, "pppssh helper went away: the interface is gone");
        break;
    default:
        if (tag >= TAG_CTL_CLIENT && tag < TAG_CTL_CLIENT + CONTROL_MAX_CLIENTS)
            ctl_readable(t, tag - TAG_CTL_CLIENT);
        break;
    }
}

static void loop(struct tunnel *t)
{
    struct epoll_event events[16];
    after_io(t);
    while (t->sup.state != SUP_DONE) {
        int n = epoll_wait(t->epfd, events, 16, -1);
        loop_tick(t);
        if (n < 0 && errno != EINTR) {
            tunnel_fail(t, RUN_EXIT_FATAL, "epoll_wait: %s", strerror(errno));
            break;
        }
        for (int i = 0; i < n && t->sup.state != SUP_DONE; i++)
            dispatch(t, &events[i]);
        after_io(t);
    }
}

/* Only a process that is not root is told to be root: root refused (a
 * read-only /run, a security module) must look elsewhere. */
static const char *root_hint(void)
{
    return geteuid() != 0 ? " (pppssh up needs root)" : "";
}

/* /run/pppssh/NAME.pid, locked for our lifetime: a second `up NAME` is
 * refused (with our pid), a stale file of a crashed one is replaced. */
static int pidfile_start(struct tunnel *t, char *err, size_t errlen)
{
    int r = control_make_run_dir(err, errlen);
    if (r == 0)
        r = pidfile_create(&t->ctl.pidfile, control_run_dir(), t->p->name, err, errlen);
    if (r == -EEXIST)
        tunnel_fail(t, RUN_EXIT_IN_USE, "%s", err);
    else if (r == -EACCES || r == -EPERM || r == -EROFS)
        tunnel_fail(t, RUN_EXIT_NOT_PERMITTED, "not permitted: %s%s", err, root_hint());
    else if (r < 0)
        tunnel_fail(t, RUN_EXIT_FATAL, "%s", err);
    return r < 0 ? -1 : 0;
}

static int control_start(struct tunnel *t)
{
    char err[256];
    if (!t->p->name)
        return 0;
    if (t->p->duties.pidfile && pidfile_start(t, err, sizeof(err)) < 0)
        return -1;
    t->ctl.fd = control_listen(t->p->name, err, sizeof(err));
    if (t->ctl.fd == -EADDRINUSE) {
        tunnel_fail(t, RUN_EXIT_IN_USE, "%s", err);
        return -1;
    }
    if (t->ctl.fd == -EACCES || t->ctl.fd == -EPERM) {
        tunnel_fail(t, RUN_EXIT_NOT_PERMITTED, "not permitted: %s%s", err, root_hint());
        return -1;
    }
    if (t->ctl.fd < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "%s", err);
        return -1;
    }
    return loop_watch(t, t->ctl.fd, TAG_CTL_LISTEN, EPOLLIN);
}

static int engine_start(struct tunnel *t)
{
    static const struct ppp_callbacks callbacks = {
        .event = engine_event,
        .ip_packet = tun_ip_packet,
        .log = engine_log,
        .log_peer = peerlog_line,
    };
    struct ppp_settings settings = t->p->ppp;
    settings.offload = settings.offload && tun_offload_wanted(t); /* the TUN takes the metadata */
    engine_check_ipv6(t, &settings);
    int r = ppp_link_new(&t->link, &settings, &callbacks, t);
    if (r != PPP_OK) {
        tunnel_fail(t, RUN_EXIT_CONFIG, "invalid PPP settings: %s", ppp_strerror(r));
        return -1;
    }
    t->started = t->now;
    return 0;
}

static int fds_start(struct tunnel *t)
{
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    t->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (t->epfd < 0 || t->timer_fd < 0 || loop_watch(t, t->timer_fd, TAG_TIMER, EPOLLIN) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "cannot create the event loop: %s", strerror(errno));
        return -1;
    }
    return 0;
}

/* `up` started by root (up_split.h): what needs root is open (the control
 * socket in /run/pppssh, the TUN); the server's bytes are parsed, and
 * with User = the transport and the hooks spawned, as the account the
 * split chose, with no capability. */
static int drop_start(struct tunnel *t)
{
    char err[256];
    if (!t->p->drop_user)
        return 0;
    if (sandbox_drop_privileges(t->p->drop_uid, t->p->drop_gid, t->p->drop_user, err,
                                sizeof(err)) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "%s", err);
        return -1;
    }
    return 0;
}

/* Order matters for the error the user sees: a tunnel of that name already
 * running beats "interface name taken"; the TUN is created before anything
 * is spawned.  Signals are ours before the interface exists: an INT or
 * TERM once it is there must roll it back, not kill us with it in place. */
static int setup(struct tunnel *t)
{
    if (fds_start(t) < 0)
        return -1;
    int r = signals_start(t);
    if (r < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "cannot set up signal handling: %s", strerror(-r));
        return -1;
    }
    if (control_start(t) < 0 || tun_start(t) < 0 || engine_start(t) < 0 || drop_start(t) < 0)
        return -1;
    if (t->p->helper_fd >= 0 && loop_watch(t, t->p->helper_fd, TAG_HELPER, EPOLLIN) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "cannot watch pppssh helper's socket");
        return -1;
    }
    if (t->p->cfg_fd >= 0 && loop_watch(t, t->p->cfg_fd, TAG_PRIVILEGED, EPOLLIN) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "cannot watch the privileged part's socket");
        return -1;
    }
    return supervision_start(t);
}

/* serve through pppssh helper configures nothing itself: once its
 * descriptors are open, only the calls a running session makes are left
 * to it (sandbox.h; docs/architecture.md, "The sandbox").  Nor does the
 * session of an `up` whose privileged part runs ssh and the hooks: it
 * starts no program (with User = it runs ssh itself, and execve is a
 * call the filter kills). */
static int sandbox_start(struct tunnel *t)
{
    char err[256];
    if (t->p->helper_fd < 0 && !t->p->transport_remote)
        return 0;
    unsigned flags = t->p->transport_remote ? SANDBOX_FDPASS : 0;
    if (sandbox_restrict_syscalls(flags, err, sizeof(err)) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "%s", err);
        return -1;
    }
    return 0;
}

/* Why the tunnel ended, most specific first (unless tunnel_fail said). */
static void decide_exit(struct tunnel *t)
{
    if (!t->failed) {
        enum ppp_cause cause = t->link ? ppp_link_cause(t->link) : PPP_CAUSE_NONE;
        t->failed = true;
        if (tunnel_stopping(t) && cause != PPP_CAUSE_PEER_TERMINATED) {
            t->exit_status = RUN_EXIT_USER_REQUEST;
            snprintf(t->exit_msg, sizeof(t->exit_msg), "stopped on request");
        } else {
            t->exit_status = session_cause(t, t->exit_msg, sizeof(t->exit_msg));
        }
        if (t->exit_status == RUN_EXIT_USER_REQUEST)
            log_info("%s", t->exit_msg);
        else
            log_error("%s", t->exit_msg);
    }
    /* systemctl status shows the log of the current invocation only: none
     * while the unit waits to be restarted.  Its Status: line (STATUS=)
     * lasts until the next start, so the reason stays in sight. */
    if (t->exit_status != RUN_EXIT_USER_REQUEST)
        sd_notify_status(t->exit_msg);
}

static void fmt_addr4(struct in_addr a, char *buf, size_t size)
{
    struct os_ip ip = {.family = AF_INET, .v4 = a};
    os_ip_format(&ip, buf, size);
}

/* What the peer sent that the filter refused for any reason but its source. */
static uint64_t filtered_other(const struct tunnel *t)
{
    uint64_t n = 0;
    for (int v = PEER_PASS + 1; v < PEER_VERDICTS; v++)
        if (v != PEER_SPOOFED)
            n += tun_filtered(t, (enum peer_verdict)v);
    return n;
}

/* One key=value line per server session (npppd's accounting), for grep. */
static void account(struct tunnel *t)
{
    if (!t->p->duties.accounting || !t->link)
        return;
    const struct ppp_stats *s = ppp_link_stats(t->link);
    char local[INET_ADDRSTRLEN], remote[INET_ADDRSTRLEN];
    fmt_addr4(t->local4, local, sizeof(local));
    fmt_addr4(t->remote4, remote, sizeof(remote));
    double duration = (double)(t->now - t->started) / 1e9;
    log_msg(LOG_LEVEL_INFO,
            "session user=%s interface=%s local=%s remote=%s duration=%.1f bytes_in=%llu "
            "bytes_out=%llu packets_in=%llu packets_out=%llu spoofed=%llu filtered=%llu cause=%s",
            t->p->user ? t->p->user : "-", t->ifname, local, remote, duration,
            (unsigned long long)s->rx_ip_bytes, (unsigned long long)s->tx_ip_bytes,
            (unsigned long long)s->rx_ip_packets, (unsigned long long)s->tx_ip_packets,
            (unsigned long long)tun_filtered(t, PEER_SPOOFED),
            (unsigned long long)filtered_other(t),
            t->replaced ? "replaced" : ppp_cause_name(ppp_link_cause(t->link)));
}

static void teardown(struct tunnel *t)
{
    peerlog_flush(t); /* what the peer's junk came to, before the accounting line */
    account(t);
    if (t->cfg) {
        t->cfg->free(t->cfg); /* everything undone, newest first */
        t->cfg = NULL;
    }
    if (t->pump.fd >= 0) {
        log_info("[#] ip link delete %s", t->ifname);
        close(t->pump.fd); /* a non-persistent TUN goes with its descriptor */
    }
    if (t->link)
        ppp_link_del(t->link);
    tun_stop(t);
    pace_stop(t);
    /* The name goes before `pppssh down` is answered, so that it returns
     * with the name free (in a split `up` the parent removed both already,
     * up_split.c); the socket first, while the pid file's lock still
     * keeps a new tunnel of that name from making its own. */
    if (t->ctl.fd >= 0) {
        close(t->ctl.fd);
        control_unlink(t->p->name);
    }
    pidfile_remove(&t->ctl.pidfile);
    ctl_close_all(t); /* `pppssh down` returns now: everything is gone */
    if (t->signal_fd >= 0) {
        close(t->signal_fd);
        sigprocmask(SIG_SETMASK, &t->old_mask, NULL);
    }
    if (t->timer_fd >= 0)
        close(t->timer_fd);
    if (t->epfd >= 0)
        close(t->epfd);
    if (t->devnull >= 0)
        close(t->devnull);
}

void tunnel_init(struct tunnel *t, const struct run_params *p)
{
    memset(t, 0, sizeof(*t));
    t->p = p;
    loop_tick(t);
    evqueue_init(&t->events);
    t->epfd = t->timer_fd = t->signal_fd = t->pump.fd = t->ctl.fd = -1;
    t->st.in_fd = t->st.out_fd = -1;
    t->pace.fdpass_fd = t->pace.tcp_fd = t->pace.diag.fd = -1;
    t->ctl.pidfile.fd = -1;
    t->devnull = p->report_fd >= 0 ? open("/dev/null", O_RDWR | O_CLOEXEC) : -1;
    t->st.child.io_fd = t->st.child.stderr_fd = t->st.status_fd = -1;
    t->deadline = PPP_TIME_NEVER;
    peerlog_start(t);
    supervisor_init(&t->sup);
    /* The client may use its own addresses and the networks routed to it
     * (serve puts the user's Address6 among them as a /128). */
    t->spoof.routes = p->net.routes;
    t->spoof.n_routes = p->net.n_routes;
    for (size_t i = 0; i < CONTROL_MAX_CLIENTS; i++)
        t->ctl.clients[i].fd = -1;
}

int run_tunnel(const struct run_params *p)
{
    struct tunnel *t = malloc(sizeof(*t));
    if (!t) {
        report_error(p->report_fd, RUN_EXIT_FATAL, "out of memory");
        return RUN_EXIT_FATAL;
    }
    tunnel_init(t, p);
    if (setup(t) == 0 && sandbox_start(t) == 0)
        loop(t);
    loop_tick(t);
    stream_stop(t, true); /* reaps the child and reads its last words first */
    loop_tick(t);         /* that may have waited */
    engine_settle(t);     /* the engine's last events (the link went Dead) */
    decide_exit(t);
    supervision_finish(t);
    teardown(t);
    int status = t->exit_status;
    if (!t->reported_up || t->report_due)
        report_error(p->report_fd, status, t->exit_msg);
    free(t);
    return status;
}
