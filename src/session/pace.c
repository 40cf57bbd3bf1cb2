/*
 * pace.c - what steers the pacer (pacer.h).
 *
 * By default the SSH connection's own TCP state: `pppssh up` has ssh take
 * the connection from its ProxyCommand (fdpass.h), which hands us a copy;
 * TCP_INFO then tells the queueing delay in the sender and on the path
 * without counting the time bytes wait for a busy ssh (which in-band
 * echoes do, so on a CPU-bound path they throttle for nothing).
 * TCP_NOTSENT_LOWAT keeps the kernel's send buffer short, so that a
 * backlog waits in our fair queue.  `pppssh serve` has no copy, but
 * sshd names the connection in SSH_CONNECTION and the kernel tells its
 * TCP_INFO to anyone who asks by address (sockdiag.h).  Without either
 * (a `Command`, the user's own ProxyCommand) nothing is paced unless
 * PPPSSH_PACE=1 (serve: --pace echo) asks for the in-band echo probes;
 * PPPSSH_PACE=0 (--pace off) turns pacing off.
 */
#include "tunnel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fdpass.h"
#include "log.h"
#include "tcpstate.h"

/* Unsent bytes the kernel may hold: 13 ms at 20 Mbit/s, well under a
 * millisecond at the rates of a CPU-bound path. */
#define PACE_NOTSENT_LOWAT 32768

/* A wake-up that brought less than this is light traffic (see
 * pace_stream_drained). */
#define PACE_QUICKACK_BELOW 16384

static void pace_restart(struct tunnel *t, bool paced)
{
    struct pacer_config pc;
    pacer_config_default(&pc);
    if (!paced)
        pc.initial_rate = pc.min_rate = pc.max_rate = 1e12;
    else if (t->pace.mode == PACE_TCP)
        pacer_config_for_path(&pc);
    pacer_init(&t->pace.pacer, &pc, t->now);
    fq_set_path_rtt(t->pump.fq, 0);
    t->pace.delivered = 0;
    t->pace.acked = 0;
}

/* serve: the kernel's view of sshd's connection, from now on. */
static bool watch_sshd_connection(struct tunnel *t)
{
    struct tcp_state s;
    if (!t->p->ssh_conn.family || sock_diag_open(&t->pace.diag) < 0)
        return false;
    int r = tcp_state_read_diag(&t->pace.diag, &t->p->ssh_conn, &s);
    if (r == 0) {
        log_info("pacing by the SSH connection's TCP_INFO (sock_diag)");
        return true;
    }
    log_info("cannot read the SSH connection's state (%s): pacing off", strerror(-r));
    sock_diag_close(&t->pace.diag);
    return false;
}

/* up: PPPSSH_PACE, as its user sets it; serve: its --pace option only. */
static enum run_pace pace_asked(const struct tunnel *t)
{
    if (!t->p->duties.read_env)
        return t->p->pace;
    const char *env = getenv("PPPSSH_PACE");
    if (env && strcmp(env, "0") == 0)
        return RUN_PACE_OFF;
    return env && strcmp(env, "1") == 0 ? RUN_PACE_ECHO : RUN_PACE_AUTO;
}

void pace_setup(struct tunnel *t)
{
    enum run_pace asked = pace_asked(t);
    bool off = asked == RUN_PACE_OFF;
    if (asked == RUN_PACE_ECHO)
        t->pace.mode = PACE_ECHO;
    else if (!off && t->p->fdpass_name)
        t->pace.mode = PACE_TCP;
    else if (!off && watch_sshd_connection(t))
        t->pace.mode = PACE_TCP;
    else
        t->pace.mode = PACE_OFF;
    pace_restart(t, t->pace.mode == PACE_ECHO || t->pace.diag.fd >= 0);
}

void pace_probe(struct tunnel *t, ppp_time now)
{
    if (!pacer_probe_due(&t->pace.pacer, now, true))
        return;
    if (t->pace.mode == PACE_ECHO) {
        if (ppp_link_echo(t->link, now) == PPP_OK)
            pacer_probe_sent(&t->pace.pacer, now);
        return;
    }
    struct tcp_state s;
    int r = t->pace.tcp_fd >= 0    ? tcp_state_read(t->pace.tcp_fd, &s)
            : t->pace.diag.fd >= 0 ? tcp_state_read_diag(&t->pace.diag, &t->p->ssh_conn, &s)
                                   : -ENOTCONN;
    if (r < 0) {
        t->pace.pacer.last_probe = now; /* try again an interval later */
        return;
    }
    /* The connection's bytes in ours: ssh's and PPP's overhead make them a
     * few percent more.  The ratio is what we handed over to what the
     * connection took (delivered or waiting unsent); it is applied to each
     * probe's newly delivered bytes only, so that a ratio that drifts does
     * not rewrite what was delivered before. */
    double taken = (double)s.bytes_acked + (double)s.notsent_bytes, scale = 1;
    if (taken > 65536 && t->pace.pacer.bytes_total > 65536)
        scale = (double)t->pace.pacer.bytes_total / taken;
    scale = scale > 1 ? 1 : scale < 0.5 ? 0.5 : scale;
    if (s.bytes_acked > t->pace.acked)
        t->pace.delivered += (double)(s.bytes_acked - t->pace.acked) * scale;
    t->pace.acked = s.bytes_acked;
    /* (With a trickle in flight this is the peer's delayed ACK rather than
     * a queue; the pacer leaves the rate alone then: application-limited.) */
    ppp_time path = s.rtt_us > s.min_rtt_us ? (ppp_time)(s.rtt_us - s.min_rtt_us) * 1000 : 0;
    pacer_on_path(&t->pace.pacer, now, (ppp_time)s.min_rtt_us * 1000, path,
                  (double)s.notsent_bytes * scale, t->pace.delivered,
                  (double)s.inflight_bytes * scale);
    fq_set_path_rtt(t->pump.fq, t->pace.pacer.min_rtt);
    const struct pacer *p = &t->pace.pacer;
    if (p->prev_sent == now && log_enabled(LOG_LEVEL_DEBUG))
        log_debug("pace: rate %.1f Mbit/s, link %.1f, path queue %.1f ms%s, unsent %u B, cuts %llu",
                  p->rate * 8e-6, p->link_rate * 8e-6, (double)path / 1e6,
                  p->foreign ? " (not ours)" : "", s.notsent_bytes,
                  (unsigned long long)p->decreases);
}

void pace_echo_rtt(struct tunnel *t, ppp_time rtt)
{
    if (t->pace.mode != PACE_ECHO)
        return;
    pacer_on_rtt(&t->pace.pacer, rtt, t->now);
    fq_set_path_rtt(t->pump.fq, t->pace.pacer.min_rtt);
}

void pace_stream_start(struct tunnel *t)
{
    char err[256];
    if (t->pace.mode != PACE_TCP || t->pace.fdpass_fd >= 0)
        return;
    t->pace.fdpass_fd = fdpass_listen(t->p->fdpass_name, err, sizeof(err));
    if (t->pace.fdpass_fd < 0)
        log_warn("%s: pacing off for this session", err);
}

/* ssh sends nothing before it has the connection, and the ProxyCommand
 * hands it to us before it hands it to ssh. */
void pace_stream_readable(struct tunnel *t)
{
    if (t->pace.fdpass_fd < 0 || t->pace.tcp_fd >= 0)
        return;
    int fd =
        fdpass_take(t->pace.fdpass_fd, t->p->transport_remote ? t->p->transport_uid : geteuid());
    close(t->pace.fdpass_fd);
    t->pace.fdpass_fd = -1;
    if (fd < 0) {
        log_info("no copy of the SSH connection arrived: pacing off for this session");
        return;
    }
    t->pace.tcp_fd = fd;
    if (tcp_state_set_notsent_lowat(fd, PACE_NOTSENT_LOWAT) < 0)
        log_debug("TCP_NOTSENT_LOWAT not set on the SSH connection");
    pace_restart(t, true);
    log_debug("pacing on the SSH connection's TCP_INFO");
}

/* The far sshd leaves Nagle on when ssh runs without a pty (-T): a small
 * frame it sends while an earlier one is unacknowledged waits for our ACK,
 * which the kernel delays up to 40 ms when traffic is light.  Once ssh
 * has passed on everything that arrived, that ACK has nothing left to
 * ride on: send it now.  Bulk reads are left alone; there, ACKs flow
 * anyway and Nagle holds nothing back for long. */
void pace_stream_drained(struct tunnel *t, size_t bytes)
{
    if (t->pace.tcp_fd >= 0 && bytes > 0 && bytes < PACE_QUICKACK_BELOW)
        (void)tcp_state_ack_now(t->pace.tcp_fd);
}

void pace_stream_stop(struct tunnel *t)
{
    if (t->pace.fdpass_fd >= 0)
        close(t->pace.fdpass_fd);
    if (t->pace.tcp_fd >= 0)
        close(t->pace.tcp_fd);
    t->pace.fdpass_fd = t->pace.tcp_fd = -1;
    if (t->pace.mode == PACE_TCP)
        pace_restart(t, t->pace.diag.fd >= 0);
}

const char *pace_signal_name(const struct tunnel *t)
{
    if (t->pace.mode == PACE_ECHO)
        return "LCP echo probes";
    if (t->pace.tcp_fd >= 0)
        return "TCP_INFO of the SSH connection (ours)";
    if (t->pace.diag.fd >= 0)
        return "TCP_INFO of the SSH connection (sock_diag)";
    return "off";
}

void pace_stop(struct tunnel *t)
{
    sock_diag_close(&t->pace.diag);
}
