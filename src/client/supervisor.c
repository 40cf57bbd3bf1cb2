/*
 * supervisor.c - one transport session after another, for as long as the
 * tunnel runs: what the VPN HOWTO's vpnd and check-vpnd scripts did with
 * pings, signals and cron, inside the process.
 *
 * A session is one transport child (ssh or Command) and one run of the
 * engine from Establish to Dead.  The TUN interface, its addresses and
 * routes outlive sessions: tunnelled TCP connections only see a pause.
 * A session ends when the engine goes Dead (ssh exited, Terminate from the
 * peer) or when we end it: no frame from the peer for KeepaliveInterval x
 * KeepaliveFailures (the path is gone: waiting for a Terminate-Ack over it
 * would only add Max-Terminate x Restart), a reset (HUP, `pppssh reset`).
 * Then, with Persist, the next session starts after a backoff (backoff.h).
 *
 * The first session of `pppssh up` is not retried: until the link has been
 * up once, a failure is reported to the waiting parent as one clear line
 * (pppd's updetach), since it is most likely a configuration error.
 */
#include "tunnel.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "exitcode.h"
#include "hooks.h"
#include "log.h"
#include "sdnotify.h"
#include "supervisor_policy.h"

#define FINISH_WAIT_MS 2000 /* for ssh to exit and say why, after the stream closed */
#define CHECK_WAIT_MS 3000  /* for the Echo-Reply of a check */

static uint64_t next_random(struct tunnel *t)
{
    /* xorshift64*: jitter only, no need for more. */
    uint64_t x = t->sup.rng ? t->sup.rng : 0x9e3779b97f4a7c15u;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t->sup.rng = x;
    return x * 0x2545f4914f6cdd1du;
}

static ppp_time earlier(ppp_time a, ppp_time b)
{
    return a < b ? a : b;
}

/* ---- hooks (pppd's ip-up / ip-down) ---- */

/* Queued, not run: the loop starts each script and watches it (hooks.h),
 * so echoes and traffic go on while a hook works. */
static void run_hooks(struct tunnel *t, enum hook_kind kind)
{
    struct hook_env env = {
        .ifname = t->ifname,
        .local = t->local4,
        .remote = t->remote4,
        .ipparam = t->p->name,
        .has_dns1 = t->peer_dns[0].s_addr != 0,
        .has_dns2 = t->peer_dns[1].s_addr != 0,
        .dns1 = t->peer_dns[0],
        .dns2 = t->peer_dns[1],
    };
    hooks_queue(&t->sup.hooks, kind, &env, (long long)(t->now / PPP_MS));
}

void supervisor_hooks_changed(struct tunnel *t)
{
    hooks_poll(&t->sup.hooks, (long long)(t->now / PPP_MS));
}

static void hooks_up(struct tunnel *t)
{
    if (!t->p->duties.hooks || !t->ipcp_up)
        return;
    t->sup.hook_up_ran = true;
    run_hooks(t, HOOK_IP_UP);
}

static void hooks_down(struct tunnel *t)
{
    if (!t->sup.hook_up_ran)
        return;
    t->sup.hook_up_ran = false;
    run_hooks(t, HOOK_IP_DOWN);
}

void supervisor_finish(struct tunnel *t)
{
    hooks_down(t);              /* when the end did not wait for the link to go Dead */
    hooks_drain(&t->sup.hooks); /* nothing left to keep alive: each to its end or timeout */
    hooks_free(&t->sup.hooks);
}

/* ---- sessions ---- */

static void session_reset_fields(struct tunnel *t)
{
    t->st.child = (struct spawn_child){.pid = 0, .io_fd = -1, .stderr_fd = -1};
    t->st.child_exited = false;
    t->st.child_status = 0;
    t->st.in_fd = t->st.out_fd = -1;
    t->st.stream_gone = false;
    t->st.stream_events = t->st.out_events = 0;
    t->st.err_len = 0;
    t->st.err_eof = false;
    ssh_stderr_init(&t->st.said);
    t->st.text_len = 0;
    t->sup.session_was_up = false;
    t->sup.words_until = PPP_TIME_NEVER;
    t->sup.kill_pending = t->sup.down_logged = false;
    t->sup.check_pending = false;
}

static int session_start(struct tunnel *t)
{
    session_reset_fields(t);
    t->sup.sessions++;
    supervisor_set_state(t, SUP_CONNECTING, "a new session");
    if (stream_start(t) < 0)
        return -1;
    t->sup.session_start = t->sup.last_rx = t->now;
    t->sup.rx_frames_seen = t->sup.rx_frames_at_start = ppp_link_stats(t->link)->rx_frames;
    t->sup.echo_sent_at_rx = ppp_link_stats(t->link)->echo_sent;
    return ppp_link_open(t->link, t->sup.session_start) == PPP_OK ? 0 : -1;
}

int supervisor_first_session(struct tunnel *t)
{
    t->sup.rng = t->p->ppp.seed ^ 0x5bd1e995u;
    struct hook_config hooks = {
        .up_script = t->p->sup.up_script,
        .down_script = t->p->sup.down_script,
        .dir = t->p->sup.hook_dir,
    };
    hooks_init(&t->sup.hooks, &hooks);
    t->sup.retry_at = PPP_TIME_NEVER;
    return session_start(t);
}

static struct supervisor_config policy_config(const struct tunnel *t)
{
    return (struct supervisor_config){.persist = t->p->sup.persist,
                                      .max_fail = t->p->sup.max_fail,
                                      .holdoff_ms = t->p->sup.holdoff_ms};
}

static void back_off(struct tunnel *t, const struct supervisor_decision *d)
{
    uint32_t ms = d->delay_ms;
    t->sup.reset_pending = false;
    supervisor_set_state(t, SUP_BACKOFF, d->refused ? "refused" : "the session ended");
    t->sup.retry_at = t->now + (ppp_time)ms * PPP_MS;
    if (d->refused)
        log_warn("reconnecting in %.1f s (attempt %u): %s will not go away by retrying sooner",
                 ms / 1000.0, t->sup.fails + 1, t->sup.last_error);
    else
        log_info("reconnecting in %.1f s (attempt %u)", ms / 1000.0, t->sup.fails + 1);
}

static bool may_retry(const struct tunnel *t)
{
    struct supervisor_config c = policy_config(t);
    return supervisor_may_retry(&c, t->p->duties.reconnect, t->sup.reset_pending, t->reported_up,
                                tunnel_stopping(t), t->failed);
}

/* The first session of `up` is retried only when sshd dropped it before
 * it began (supervisor_policy.h), within SUPERVISOR_FIRST_CONNECT_MS. */
static bool first_connect_retry(struct tunnel *t)
{
    uint32_t ms;
    ppp_time deadline = t->started + (ppp_time)SUPERVISOR_FIRST_CONNECT_MS * PPP_MS;
    if (!t->p->duties.reconnect || t->reported_up || tunnel_stopping(t) || t->failed ||
        !session_dropped_before_start(t) ||
        !supervisor_first_retry(t->sup.fails, next_random(t), t->now, deadline, &ms))
        return false;
    stream_stop(t, false);
    log_info("the server dropped the connection before the session (%s): trying again in "
             "%.1f s",
             t->st.said.failure_line, ms / 1000.0);
    t->sup.fails++;
    t->st.child.pid = 0;
    t->st.stream_gone = true; /* its descriptors are closed */
    supervisor_set_state(t, SUP_BACKOFF, "sshd dropped the connection before the session");
    t->sup.retry_at = t->now + (ppp_time)ms * PPP_MS;
    return true;
}

/* The session is Dead and its child has said its last words (or we will
 * not wait for them): reconnect later, or end the tunnel. */
static void session_over(struct tunnel *t)
{
    hooks_down(t);
    if (!may_retry(t)) {
        if (!first_connect_retry(t))
            supervisor_set_state(t, SUP_DONE,
                                 tunnel_stopping(t) ? t->stop_reason : "the session ended");
        return;
    }
    stream_stop(t, false);
    char why[256];
    int status = session_cause(t, why, sizeof(why));
    if (!t->sup.down_logged) {
        snprintf(t->sup.last_error, sizeof(t->sup.last_error), "%s", why);
        if (t->sup.session_was_up)
            log_warn("link down: %s", why);
        else
            log_warn("attempt %u failed: %s", t->sup.fails + 1, why);
    }
    struct supervisor_config c = policy_config(t);
    struct supervisor_ending e = {.was_up = t->sup.session_was_up,
                                  .reset = t->sup.reset_pending,
                                  .status = status,
                                  .random = next_random(t)};
    struct supervisor_decision d = supervisor_after_session(&c, t->sup.fails, &e);
    t->sup.fails = d.fails;
    t->st.child.pid = 0;
    t->st.stream_gone = true; /* its descriptors are closed */
    t->ipcp_up = t->ipv6cp_up = false;
    if (d.give_up) {
        tunnel_fail(t, status, "giving up after %u failed attempts (MaxFail): %s", t->sup.fails,
                    t->sup.last_error);
        supervisor_set_state(t, SUP_DONE, "MaxFail");
        return;
    }
    back_off(t, &d);
    char text[320];
    snprintf(text, sizeof(text), "%s: %s", supervisor_state_name(t), t->sup.last_error);
    sd_notify_status(text);
}

/* Bounded wait for a child that closed the stream to exit and say why;
 * nothing to wait for when we end it ourselves. */
static bool transport_done(struct tunnel *t)
{
    if (t->st.child.pid == 0 || (t->st.child_exited && t->st.err_eof))
        return true;
    if (tunnel_stopping(t) || t->failed || !t->st.stream_gone)
        return true;
    ppp_time now = t->now;
    if (t->sup.words_until == PPP_TIME_NEVER)
        t->sup.words_until = now + (ppp_time)FINISH_WAIT_MS * PPP_MS;
    return now >= t->sup.words_until;
}

static void kill_session(struct tunnel *t)
{
    t->sup.kill_pending = false;
    if (t->sup.state != SUP_CONNECTING && t->sup.state != SUP_UP)
        return;
    snprintf(t->sup.last_error, sizeof(t->sup.last_error), "%s", t->sup.kill_reason);
    log_warn("link down: %s", t->sup.kill_reason);
    t->sup.down_logged = true;
    stream_kill(t, t->sup.kill_reason);
}

static void end_session(struct tunnel *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void end_session(struct tunnel *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->sup.kill_reason, sizeof(t->sup.kill_reason), fmt, ap);
    va_end(ap);
    t->sup.kill_pending = true;
}

void supervise(struct tunnel *t)
{
    if (t->sup.state == SUP_DONE)
        return;
    if (t->sup.kill_pending)
        kill_session(t);
    if (t->sup.state == SUP_BACKOFF) {
        if (t->failed)
            supervisor_set_state(t, SUP_DONE, t->exit_msg);
        return;
    }
    if ((t->sup.state == SUP_CONNECTING || t->sup.state == SUP_UP) && tunnel_link_dead(t))
        supervisor_set_state(t, SUP_ENDING, "the link is Dead");
    if ((t->sup.state == SUP_ENDING || t->sup.state == SUP_STOPPING) && tunnel_link_dead(t) &&
        transport_done(t))
        session_over(t);
}

/* ---- liveness ---- */

static uint64_t echoes_unanswered(const struct tunnel *t)
{
    return ppp_link_stats(t->link)->echo_sent - t->sup.echo_sent_at_rx;
}

void supervisor_heard(struct tunnel *t)
{
    const struct ppp_stats *s = ppp_link_stats(t->link);
    if (s->rx_frames != t->sup.rx_frames_seen) {
        t->sup.rx_frames_seen = s->rx_frames;
        t->sup.echo_sent_at_rx = s->echo_sent;
        t->sup.last_rx = t->now;
    }
}

/* When silence means the peer or the path is gone: any frame counts as
 * life (a busy link needs no echo replies), so only a quiet one is dead. */
static struct supervisor_liveness liveness(const struct tunnel *t)
{
    return (struct supervisor_liveness){
        .state = t->sup.state,
        .reported_up = t->reported_up,
        .dead = tunnel_link_dead(t),
        .stopping = tunnel_stopping(t),
        .session_start = t->sup.session_start,
        .last_rx = t->sup.last_rx,
        .echo_interval_ms = t->p->ppp.echo_interval_ms,
        .echo_failures = t->p->ppp.echo_failures,
        .silent = t->p->ppp.silent,
    };
}

static ppp_time silence_deadline(const struct tunnel *t)
{
    struct supervisor_liveness l = liveness(t);
    return supervisor_silence_deadline(&l);
}

/* The first session, silent, has heard nothing from the far end yet. */
static ppp_time first_frame_deadline(const struct tunnel *t)
{
    struct supervisor_liveness l = liveness(t);
    return t->failed ? PPP_TIME_NEVER : supervisor_first_frame_deadline(&l);
}

ppp_time supervisor_expiry(const struct tunnel *t)
{
    ppp_time when = earlier(silence_deadline(t), first_frame_deadline(t));
    if (t->sup.state == SUP_BACKOFF)
        when = earlier(when, t->sup.retry_at);
    if (t->sup.state == SUP_ENDING && t->sup.words_until != PPP_TIME_NEVER)
        when = earlier(when, t->sup.words_until);
    if (t->sup.check_pending)
        when = earlier(when, t->sup.check_until);
    long long hook = hooks_expiry(&t->sup.hooks);
    if (hook >= 0)
        when = earlier(when, (ppp_time)hook * PPP_MS);
    return when;
}

static void check_timed_out(struct tunnel *t)
{
    t->sup.check_pending = false;
    log_warn("check: no LCP Echo-Reply within %d s", CHECK_WAIT_MS / 1000);
    ctl_answer_echo(t, "no reply: no LCP Echo-Reply within 3 s\n");
}

void supervisor_timer(struct tunnel *t, ppp_time now)
{
    hooks_poll(&t->sup.hooks, (long long)(now / PPP_MS));
    if (now >= first_frame_deadline(t)) {
        tunnel_fail(t, RUN_EXIT_NEGOTIATION,
                    "no PPP frame from the server within %d s (with a pty, pppssh waits for the "
                    "far end to speak first): does the account's login shell run pppd or pppssh?",
                    SUPERVISOR_SILENT_WAIT_MS / 1000);
        /* LCP waits in Stopped, where a Close finishes nothing (RFC 1661
         * section 4.1): the transport's end does. */
        stream_kill(t, "no PPP frame from the server");
    }
    if (t->sup.check_pending && now >= t->sup.check_until)
        check_timed_out(t);
    if (now >= silence_deadline(t) && !t->sup.kill_pending) {
        if (t->sup.state == SUP_CONNECTING)
            end_session(t, "no link within %d s of reconnecting",
                        SUPERVISOR_ESTABLISH_WAIT_MS / 1000);
        else
            end_session(t, "peer not responding (%llu echo-requests, no frame for %.1f s)",
                        (unsigned long long)echoes_unanswered(t),
                        (double)(now - t->sup.last_rx) / 1e9);
    }
    if (t->sup.state == SUP_BACKOFF && now >= t->sup.retry_at) {
        t->sup.retry_at = PPP_TIME_NEVER;
        /* Could not even start the child: a failed attempt (the link
         * stays Dead, and supervise() ends the session). */
        session_start(t);
    }
}

void supervisor_end_session(struct tunnel *t, const char *why)
{
    if (!t->sup.kill_pending)
        end_session(t, "%s", why);
}

void supervisor_peer_dead(struct tunnel *t)
{
    /* Don't wait for a Terminate-Ack over a path that carries nothing. */
    if (!t->sup.kill_pending)
        end_session(t, "peer not responding (%llu echo-requests)",
                    (unsigned long long)echoes_unanswered(t));
}

/* ---- the link is up ---- */

bool supervisor_keeps_config(const struct tunnel *t)
{
    return t->p->duties.reconnect && may_retry(t);
}

void supervisor_link_up(struct tunnel *t)
{
    char local[INET_ADDRSTRLEN] = "-", remote[INET_ADDRSTRLEN] = "-";
    if (t->sup.session_was_up || t->sup.state != SUP_CONNECTING)
        return;
    t->sup.session_was_up = true;
    supervisor_set_state(t, SUP_UP, "the link is up");
    t->sup.fails = 0;
    t->up_since = t->sup.last_rx = t->now;
    if (t->ipcp_up) {
        struct os_ip l = {.family = AF_INET, .v4 = t->local4},
                     r = {.family = AF_INET, .v4 = t->remote4};
        os_ip_format(&l, local, sizeof(local));
        os_ip_format(&r, remote, sizeof(remote));
    }
    char text[160];
    int n = snprintf(text, sizeof(text), "link up: %s -> %s on %s", local, remote, t->ifname);
    if (t->sup.sessions > 1) {
        t->sup.reconnects++;
        snprintf(text + n, sizeof(text) - (size_t)n, " (reconnect %u)", t->sup.reconnects);
    }
    log_info("%s", text);
    hooks_up(t);
    if (t->sup.sessions > 1)
        sd_notify_status(text);
    else
        sd_notify_ready(text); /* Type=notify: ready once the link is up */
    ctl_answer_up(t);
}

/* ---- requests: reset, check ---- */

void supervisor_reset(struct tunnel *t, const char *why)
{
    if (!t->p->duties.reconnect || !t->reported_up || tunnel_stopping(t)) {
        log_info("%s: nothing to reset%s", why,
                 t->p->duties.reconnect ? " until the link has been up" : "");
        return;
    }
    log_info("%s: resetting the link", why);
    t->sup.reset_pending = true;
    if (t->sup.state == SUP_BACKOFF)
        t->sup.retry_at = t->now; /* reconnect now */
    else
        end_session(t, "reset (%s)", why);
}

bool supervisor_check(struct tunnel *t, char *why, size_t size)
{
    if (t->sup.state != SUP_UP || ppp_link_echo(t->link, t->now) != PPP_OK) {
        snprintf(why, size, "not up: %s%s%s", supervisor_state_name(t),
                 t->sup.last_error[0] ? ", last error: " : "", t->sup.last_error);
        log_warn("check: the link is %s", why);
        return false;
    }
    if (!t->sup.check_pending) {
        t->sup.check_pending = true;
        t->sup.check_until = t->now + (ppp_time)CHECK_WAIT_MS * PPP_MS;
    }
    log_info("check: LCP Echo-Request sent");
    return true;
}

void supervisor_echo_reply(struct tunnel *t)
{
    if (!t->sup.check_pending)
        return;
    char text[64];
    t->sup.check_pending = false;
    log_info("check: LCP Echo-Reply in %.3f ms", (double)t->echo_rtt / 1e6);
    snprintf(text, sizeof(text), "alive: echo-rtt %.3f ms\n", (double)t->echo_rtt / 1e6);
    ctl_answer_echo(t, text);
}

const char *supervisor_state_name(const struct tunnel *t)
{
    return supervisor_state_label(t->sup.state, t->reported_up);
}

void supervisor_set_state(struct tunnel *t, enum sup_state to, const char *why)
{
    if (t->sup.state == to)
        return;
    log_debug("supervisor: %s -> %s (%s)", supervisor_state_id(t->sup.state),
              supervisor_state_id(to), why);
    t->sup.state = to;
}
