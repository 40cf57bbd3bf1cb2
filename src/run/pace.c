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

static void pacer_reset(struct tunnel *t, bool paced)
{
    struct pacer_config pc;
    pacer_config_default(&pc);
    if (!paced)
        pc.initial_rate = pc.min_rate = pc.max_rate = 1e12;
    else if (t->pace_mode == PACE_TCP)
        pacer_config_for_path(&pc);
    pacer_init(&t->pacer, &pc, tunnel_now());
    fq_set_path_rtt(t->fq, 0);
    t->pace_delivered = 0;
    t->pace_acked = 0;
}

/* serve: the kernel's view of sshd's connection, from now on. */
static bool watch_sshd_connection(struct tunnel *t)
{
    struct tcp_state s;
    if (!t->p->ssh_conn.family || sock_diag_open(&t->diag) < 0)
        return false;
    int r = tcp_state_read_diag(&t->diag, &t->p->ssh_conn, &s);
    if (r == 0) {
        log_info("pacing by the SSH connection's TCP_INFO (sock_diag)");
        return true;
    }
    log_info("cannot read the SSH connection's state (%s): pacing off", strerror(-r));
    sock_diag_close(&t->diag);
    return false;
}

/* up: PPPSSH_PACE, as its user sets it; serve: its --pace option only. */
static enum run_pace pace_asked(const struct tunnel *t)
{
    if (t->p->role == RUN_SERVER)
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
        t->pace_mode = PACE_ECHO;
    else if (!off && t->p->fdpass_name)
        t->pace_mode = PACE_TCP;
    else if (!off && watch_sshd_connection(t))
        t->pace_mode = PACE_TCP;
    else
        t->pace_mode = PACE_OFF;
    pacer_reset(t, t->pace_mode == PACE_ECHO || t->diag.fd >= 0);
}

void pace_probe(struct tunnel *t, ppp_time now)
{
    if (!pacer_probe_due(&t->pacer, now, true))
        return;
    if (t->pace_mode == PACE_ECHO) {
        if (ppp_link_echo(t->link, now) == PPP_OK)
            pacer_probe_sent(&t->pacer, now);
        return;
    }
    struct tcp_state s;
    int r = t->tcp_fd >= 0    ? tcp_state_read(t->tcp_fd, &s)
            : t->diag.fd >= 0 ? tcp_state_read_diag(&t->diag, &t->p->ssh_conn, &s)
                              : -ENOTCONN;
    if (r < 0) {
        t->pacer.last_probe = now; /* try again an interval later */
        return;
    }
    /* The connection's bytes in ours: ssh's and PPP's overhead make them a
     * few percent more.  The ratio is what we handed over to what the
     * connection took (delivered or waiting unsent); it is applied to each
     * probe's newly delivered bytes only, so that a ratio that drifts does
     * not rewrite what was delivered before. */
    double taken = (double)s.bytes_acked + (double)s.notsent_bytes, scale = 1;
    if (taken > 65536 && t->pacer.bytes_total > 65536)
        scale = (double)t->pacer.bytes_total / taken;
    scale = scale > 1 ? 1 : scale < 0.5 ? 0.5 : scale;
    if (s.bytes_acked > t->pace_acked)
        t->pace_delivered += (double)(s.bytes_acked - t->pace_acked) * scale;
    t->pace_acked = s.bytes_acked;
    /* (With a trickle in flight this is the peer's delayed ACK rather than
     * a queue; the pacer leaves the rate alone then: application-limited.) */
    ppp_time path = s.rtt_us > s.min_rtt_us ? (ppp_time)(s.rtt_us - s.min_rtt_us) * 1000 : 0;
    pacer_on_path(&t->pacer, now, (ppp_time)s.min_rtt_us * 1000, path,
                  (double)s.notsent_bytes * scale, t->pace_delivered,
                  (double)s.inflight_bytes * scale);
    fq_set_path_rtt(t->fq, t->pacer.min_rtt);
}

void pace_echo_rtt(struct tunnel *t, ppp_time rtt)
{
    if (t->pace_mode != PACE_ECHO)
        return;
    pacer_on_rtt(&t->pacer, rtt, tunnel_now());
    fq_set_path_rtt(t->fq, t->pacer.min_rtt);
}

void pace_stream_start(struct tunnel *t)
{
    char err[256];
    if (t->pace_mode != PACE_TCP || t->fdpass_fd >= 0)
        return;
    t->fdpass_fd = fdpass_listen(t->p->fdpass_name, err, sizeof(err));
    if (t->fdpass_fd < 0)
        log_warn("%s: pacing off for this session", err);
}

/* ssh sends nothing before it has the connection, and the ProxyCommand
 * hands it to us before it hands it to ssh. */
void pace_stream_readable(struct tunnel *t)
{
    if (t->fdpass_fd < 0 || t->tcp_fd >= 0)
        return;
    int fd = fdpass_take(t->fdpass_fd);
    close(t->fdpass_fd);
    t->fdpass_fd = -1;
    if (fd < 0) {
        log_info("no copy of the SSH connection arrived: pacing off for this session");
        return;
    }
    t->tcp_fd = fd;
    if (tcp_state_set_notsent_lowat(fd, PACE_NOTSENT_LOWAT) < 0)
        log_debug("TCP_NOTSENT_LOWAT not set on the SSH connection");
    pacer_reset(t, true);
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
    if (t->tcp_fd >= 0 && bytes > 0 && bytes < PACE_QUICKACK_BELOW)
        (void)tcp_state_ack_now(t->tcp_fd);
}

void pace_stream_stop(struct tunnel *t)
{
    if (t->fdpass_fd >= 0)
        close(t->fdpass_fd);
    if (t->tcp_fd >= 0)
        close(t->tcp_fd);
    t->fdpass_fd = t->tcp_fd = -1;
    if (t->pace_mode == PACE_TCP)
        pacer_reset(t, t->diag.fd >= 0);
}

const char *pace_signal_name(const struct tunnel *t)
{
    if (t->pace_mode == PACE_ECHO)
        return "LCP echo probes";
    if (t->tcp_fd >= 0)
        return "TCP_INFO of the SSH connection (ours)";
    if (t->diag.fd >= 0)
        return "TCP_INFO of the SSH connection (sock_diag)";
    return "off";
}

void pace_stop(struct tunnel *t)
{
    sock_diag_close(&t->diag);
}
