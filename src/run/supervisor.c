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
#include "superv_policy.h"

#define FINISH_WAIT_MS 2000 /* for ssh to exit and say why, after the stream closed */
#define CHECK_WAIT_MS 3000  /* for the Echo-Reply of a check */

static uint64_t next_random(struct tunnel *t)
{
    /* xorshift64*: jitter only, no need for more. */
    uint64_t x = t->rng ? t->rng : 0x9e3779b97f4a7c15u;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    t->rng = x;
    return x * 0x2545f4914f6cdd1du;
}

static ppp_time earlier(ppp_time a, ppp_time b)
{
    return a < b ? a : b;
}

/* ---- why a session ended ---- */

/* The peer's LCP Terminate-Request reason (printable: the engine sees
 * to that), or "". */
static const char *peer_reason(const struct tunnel *t)
{
    return t->link ? ppp_link_peer_reason(t->link) : "";
}

static void cause_message(struct tunnel *t, enum ppp_cause cause, char *buf, size_t size)
{
    const char *why = t->engine_warning[0] ? t->engine_warning : ppp_cause_name(cause);
    const char *said = t->said.reason;
    const char *reason = peer_reason(t);
    switch (cause) {
    case PPP_CAUSE_NEGOTIATION_FAILED:
    case PPP_CAUSE_NO_NETWORK:
        snprintf(buf, size, "PPP negotiation failed: %s", why);
        break;
    case PPP_CAUSE_LOOPBACK:
        snprintf(buf, size, "the link is looped back (our own Magic-Number came back)");
        break;
    case PPP_CAUSE_PEER_DEAD:
        snprintf(buf, size, "the peer stopped answering LCP echo requests");
        break;
    case PPP_CAUSE_PEER_TERMINATED:
        snprintf(buf, size, "the peer ended the link (LCP Terminate-Request%s%s)",
                 reason[0] ? ": " : "", reason);
        break;
    default:
        if (reason[0]) {
            /* A refusal before LCP was up: the peer said why, then hung up. */
            snprintf(buf, size, "the peer ended the link (LCP Terminate-Request: %s)", reason);
        } else if (t->child.pid && t->child_exited) {
            char st[64];
            snprintf(buf, size, "the transport closed: %s %s%s%s",
                     t->p->spawn.shell_command ? "Command" : "ssh",
                     spawn_describe_status(t->child_status, st, sizeof(st)), said[0] ? ": " : "",
                     said);
        } else {
            snprintf(buf, size, "the transport closed%s%s", said[0] ? ": " : "", said);
        }
    }
}

/* Nothing of PPP came from the peer in this session. */
static bool no_frame_yet(const struct tunnel *t)
{
    return !t->link || ppp_link_stats(t->link)->rx_frames == t->rx_frames_at_start;
}

/* sshd closed or reset the connection before the session began (its
 * MaxStartups, a restart): the server was not reached, and trying again
 * may well get through. */
static bool dropped_before_session(const struct tunnel *t)
{
    return t->said.failure == SSH_FAIL_CLOSED && no_frame_yet(t);
}

/* The transport (ssh, i.e. the remote command, or the Command) exited
 * with a status of its own before saying anything in PPP, and a line of
 * its stderr says why: pppd's "unrecognized option '-c'" under a login
 * shell.  255 is ssh's own failure, 127 "not found" (handled before). */
static bool remote_command_failed(const struct tunnel *t)
{
    if (!t->child_exited || !WIFEXITED(t->child_status))
        return false;
    int st = WEXITSTATUS(t->child_status);
    return st != 0 && st != 255 && no_frame_yet(t) && t->said.rank == SSH_RANK_REASON;
}

int session_cause(struct tunnel *t, char *msg, size_t size)
{
    enum ppp_cause cause = t->link ? ppp_link_cause(t->link) : PPP_CAUSE_NONE;
    const char *refusal = peer_reason(t);
    if (*refusal && (cause == PPP_CAUSE_NONE || cause == PPP_CAUSE_LOWER_DOWN)) {
        /* A Terminate-Request before LCP opened, then the transport ended
         * (no loop, no close of ours): `pppssh serve` refusing us, in
         * band, for a server whose stderr does not reach us. */
        snprintf(msg, size, "the server refused the session: %s", refusal);
        return RUN_EXIT_COMMAND_FAILED;
    }
    const struct ssh_stderr *e = &t->said;
    const char *who = t->p->spawn.shell_command ? "Command" : "remote command";
    if (e->failure != SSH_FAIL_NONE && e->failure != SSH_FAIL_CLOSED) {
        bool command = t->p->spawn.shell_command && e->failure == SSH_FAIL_COMMAND_MISSING;
        snprintf(msg, size, "%s (%s)", command ? "Command not found" : ssh_failure_text(e->failure),
                 e->failure_line);
        return superv_ssh_exit_status(e->failure);
    }
    if (t->child_exited && WIFEXITED(t->child_status) && WEXITSTATUS(t->child_status) == 127) {
        /* The remote shell's (or sh -c's) "command not found". */
        snprintf(msg, size, "%s not found%s%s", who, e->reason[0] ? ": " : "", e->reason);
        return RUN_EXIT_COMMAND_FAILED;
    }
    if (dropped_before_session(t)) {
        snprintf(msg, size, "could not reach the server: %s before the session began (%s)",
                 ssh_failure_text(e->failure), e->failure_line);
        return RUN_EXIT_CONNECT_FAILED;
    }
    if (remote_command_failed(t)) {
        char st[64];
        snprintf(msg, size, "the %s failed (%s): %s", who,
                 spawn_describe_status(t->child_status, st, sizeof(st)), e->reason);
        return RUN_EXIT_COMMAND_FAILED;
    }
    cause_message(t, cause, msg, size);
    int status = ppp_cause_exit_status(cause);
    return status ? status : RUN_EXIT_HANGUP;
}

/* ---- hooks (pppd's ip-up / ip-down) ---- */

static void run_hooks(struct tunnel *t, enum hook_kind kind)
{
    const struct run_supervise *sup = &t->p->sup;
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
    struct hook_config cfg = {
        .up_script = sup->up_script,
        .down_script = sup->down_script,
        .dir = sup->hook_dir,
    };
    char err[256];
    if (hooks_run(kind, &env, &cfg, err, sizeof(err)) < 0)
        log_warn("%s hooks: %s", kind == HOOK_IP_UP ? "ip-up" : "ip-down", err);
    /* The loop stood still meanwhile: that silence was ours, not the peer's. */
    t->last_rx = tunnel_now();
}

static void hooks_up(struct tunnel *t)
{
    if (t->p->role != RUN_CLIENT || !t->ipcp_up)
        return;
    t->hook_up_ran = true;
    run_hooks(t, HOOK_IP_UP);
}

static void hooks_down(struct tunnel *t)
{
    if (!t->hook_up_ran)
        return;
    t->hook_up_ran = false;
    run_hooks(t, HOOK_IP_DOWN);
}

void supervisor_finish(struct tunnel *t)
{
    hooks_down(t); /* when the end did not wait for the link to go Dead */
}

/* ---- sessions ---- */

static void session_reset_fields(struct tunnel *t)
{
    t->child = (struct spawn_child){.pid = 0, .io_fd = -1, .stderr_fd = -1};
    t->child_exited = false;
    t->child_status = 0;
    t->in_fd = t->out_fd = -1;
    t->stream_gone = false;
    t->stream_events = t->out_events = 0;
    t->err_len = 0;
    t->err_eof = false;
    ssh_stderr_init(&t->said);
    t->engine_warning[0] = 0;
    t->text_len = 0;
    t->dead = false;
    t->session_was_up = false;
    t->words_until = PPP_TIME_NEVER;
    t->kill_pending = t->down_logged = false;
    t->check_pending = false;
}

static int session_start(struct tunnel *t)
{
    session_reset_fields(t);
    t->sessions++;
    t->state = SUP_CONNECTING;
    if (stream_start(t) < 0)
        return -1;
    t->session_start = t->last_rx = tunnel_now();
    t->rx_frames_seen = t->rx_frames_at_start = ppp_link_stats(t->link)->rx_frames;
    t->echo_sent_at_rx = ppp_link_stats(t->link)->echo_sent;
    return ppp_link_open(t->link, t->session_start) == PPP_OK ? 0 : -1;
}

int supervisor_first_session(struct tunnel *t)
{
    t->rng = t->p->ppp.seed ^ 0x5bd1e995u;
    t->retry_at = PPP_TIME_NEVER;
    return session_start(t);
}

static struct superv_config policy_config(const struct tunnel *t)
{
    return (struct superv_config){.persist = t->p->sup.persist,
                                  .max_fail = t->p->sup.max_fail,
                                  .holdoff_ms = t->p->sup.holdoff_ms};
}

static void back_off(struct tunnel *t, const struct superv_decision *d)
{
    uint32_t ms = d->delay_ms;
    t->reset_pending = false;
    t->state = SUP_BACKOFF;
    t->retry_at = tunnel_now() + (ppp_time)ms * PPP_MS;
    if (d->refused)
        log_warn("reconnecting in %.1f s (attempt %u): %s will not go away by retrying sooner",
                 ms / 1000.0, t->fails + 1, t->last_error);
    else
        log_info("reconnecting in %.1f s (attempt %u)", ms / 1000.0, t->fails + 1);
}

static bool may_retry(const struct tunnel *t)
{
    struct superv_config c = policy_config(t);
    return superv_may_retry(&c, t->p->role == RUN_CLIENT, t->reset_pending, t->reported_up,
                            t->stopping, t->failed);
}

/* The first session of `up` is retried only when sshd dropped it before
 * it began (superv_policy.h), within SUPERV_FIRST_CONNECT_MS. */
static bool first_connect_retry(struct tunnel *t)
{
    uint32_t ms;
    ppp_time deadline = t->started + (ppp_time)SUPERV_FIRST_CONNECT_MS * PPP_MS;
    if (t->p->role != RUN_CLIENT || t->reported_up || t->stopping || t->failed ||
        !dropped_before_session(t) ||
        !superv_first_retry(t->fails, next_random(t), tunnel_now(), deadline, &ms))
        return false;
    stream_stop(t, false);
    log_info("the server dropped the connection before the session (%s): trying again in "
             "%.1f s",
             t->said.failure_line, ms / 1000.0);
    t->fails++;
    t->child.pid = 0;
    t->stream_gone = true; /* its descriptors are closed */
    t->state = SUP_BACKOFF;
    t->retry_at = tunnel_now() + (ppp_time)ms * PPP_MS;
    return true;
}

/* The session is Dead and its child has said its last words (or we will
 * not wait for them): reconnect later, or end the tunnel. */
static void session_over(struct tunnel *t)
{
    hooks_down(t);
    if (!may_retry(t)) {
        if (!first_connect_retry(t))
            t->finished = true;
        return;
    }
    stream_stop(t, false);
    char why[256];
    int status = session_cause(t, why, sizeof(why));
    if (!t->down_logged) {
        snprintf(t->last_error, sizeof(t->last_error), "%s", why);
        if (t->session_was_up)
            log_warn("link down: %s", why);
        else
            log_warn("attempt %u failed: %s", t->fails + 1, why);
    }
    struct superv_config c = policy_config(t);
    struct superv_ending e = {.was_up = t->session_was_up,
                              .reset = t->reset_pending,
                              .status = status,
                              .random = next_random(t)};
    struct superv_decision d = superv_after_session(&c, t->fails, &e);
    t->fails = d.fails;
    t->child.pid = 0;
    t->stream_gone = true; /* its descriptors are closed */
    t->ipcp_up = t->ipv6cp_up = false;
    if (d.give_up) {
        tunnel_fail(t, status, "giving up after %u failed attempts (MaxFail): %s", t->fails,
                    t->last_error);
        t->finished = true;
        return;
    }
    back_off(t, &d);
    char text[320];
    snprintf(text, sizeof(text), "%s: %s", supervisor_state_name(t), t->last_error);
    sd_notify_status(text);
}

/* Bounded wait for a child that closed the stream to exit and say why;
 * nothing to wait for when we end it ourselves. */
static bool transport_done(struct tunnel *t)
{
    if (t->child.pid == 0 || (t->child_exited && t->err_eof))
        return true;
    if (t->stopping || t->failed || !t->stream_gone)
        return true;
    ppp_time now = tunnel_now();
    if (t->words_until == PPP_TIME_NEVER)
        t->words_until = now + (ppp_time)FINISH_WAIT_MS * PPP_MS;
    return now >= t->words_until;
}

static void kill_session(struct tunnel *t)
{
    t->kill_pending = false;
    if (t->state == SUP_BACKOFF || t->dead)
        return;
    snprintf(t->last_error, sizeof(t->last_error), "%s", t->kill_reason);
    log_warn("link down: %s", t->kill_reason);
    t->down_logged = true;
    stream_kill(t, t->kill_reason);
}

static void end_session(struct tunnel *t, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void end_session(struct tunnel *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(t->kill_reason, sizeof(t->kill_reason), fmt, ap);
    va_end(ap);
    t->kill_pending = true;
}

void supervise(struct tunnel *t)
{
    if (t->finished)
        return;
    if (t->kill_pending)
        kill_session(t);
    if (t->state == SUP_BACKOFF) {
        if (t->stopping || t->failed)
            t->finished = true;
        return;
    }
    if (t->dead && transport_done(t))
        session_over(t);
}

/* ---- liveness ---- */

static uint64_t echoes_unanswered(const struct tunnel *t)
{
    return ppp_link_stats(t->link)->echo_sent - t->echo_sent_at_rx;
}

void supervisor_heard(struct tunnel *t)
{
    const struct ppp_stats *s = ppp_link_stats(t->link);
    if (s->rx_frames != t->rx_frames_seen) {
        t->rx_frames_seen = s->rx_frames;
        t->echo_sent_at_rx = s->echo_sent;
        t->last_rx = tunnel_now();
    }
}

/* When silence means the peer or the path is gone: any frame counts as
 * life (a busy link needs no echo replies), so only a quiet one is dead. */
static struct superv_liveness liveness(const struct tunnel *t)
{
    return (struct superv_liveness){
        .state = t->state,
        .reported_up = t->reported_up,
        .dead = t->dead,
        .stopping = t->stopping,
        .session_start = t->session_start,
        .last_rx = t->last_rx,
        .echo_interval_ms = t->p->ppp.echo_interval_ms,
        .echo_failures = t->p->ppp.echo_failures,
        .silent = t->p->ppp.silent,
    };
}

static ppp_time silence_deadline(const struct tunnel *t)
{
    struct superv_liveness l = liveness(t);
    return superv_silence_deadline(&l);
}

/* The first session, silent, has heard nothing from the far end yet. */
static ppp_time first_frame_deadline(const struct tunnel *t)
{
    struct superv_liveness l = liveness(t);
    return t->failed ? PPP_TIME_NEVER : superv_first_frame_deadline(&l);
}

ppp_time supervisor_expiry(const struct tunnel *t)
{
    ppp_time when = earlier(silence_deadline(t), first_frame_deadline(t));
    if (t->state == SUP_BACKOFF && !t->stopping)
        when = earlier(when, t->retry_at);
    if (t->dead && t->words_until != PPP_TIME_NEVER)
        when = earlier(when, t->words_until);
    if (t->check_pending)
        when = earlier(when, t->check_until);
    return when;
}

static void check_timed_out(struct tunnel *t)
{
    t->check_pending = false;
    log_warn("check: no LCP Echo-Reply within %d s", CHECK_WAIT_MS / 1000);
    ctl_answer_echo(t, "no reply: no LCP Echo-Reply within 3 s\n");
}

void supervisor_timer(struct tunnel *t, ppp_time now)
{
    if (now >= first_frame_deadline(t)) {
        tunnel_fail(t, RUN_EXIT_NEGOTIATION,
                    "no PPP frame from the server within %d s (with a pty, pppssh waits for the "
                    "far end to speak first): does the account's login shell run pppd or pppssh?",
                    SUPERV_SILENT_WAIT_MS / 1000);
        /* LCP waits in Stopped, where a Close finishes nothing (RFC 1661
         * section 4.1): the transport's end does. */
        stream_kill(t, "no PPP frame from the server");
    }
    if (t->check_pending && now >= t->check_until)
        check_timed_out(t);
    if (now >= silence_deadline(t) && !t->kill_pending) {
        if (t->state == SUP_CONNECTING)
            end_session(t, "no link within %d s of reconnecting", SUPERV_ESTABLISH_WAIT_MS / 1000);
        else
            end_session(t, "peer not responding (%llu echo-requests, no frame for %.1f s)",
                        (unsigned long long)echoes_unanswered(t), (double)(now - t->last_rx) / 1e9);
    }
    if (t->state == SUP_BACKOFF && !t->stopping && now >= t->retry_at) {
        t->retry_at = PPP_TIME_NEVER;
        if (session_start(t) < 0) {
            /* Could not even start the child: a failed attempt. */
            t->dead = true;
        }
    }
}

void supervisor_end_session(struct tunnel *t, const char *why)
{
    if (!t->kill_pending)
        end_session(t, "%s", why);
}

void supervisor_peer_dead(struct tunnel *t)
{
    /* Don't wait for a Terminate-Ack over a path that carries nothing. */
    if (!t->kill_pending)
        end_session(t, "peer not responding (%llu echo-requests)",
                    (unsigned long long)echoes_unanswered(t));
}

/* ---- the link is up ---- */

bool supervisor_keeps_config(const struct tunnel *t)
{
    return t->p->role == RUN_CLIENT && may_retry(t);
}

void supervisor_link_up(struct tunnel *t)
{
    char local[INET_ADDRSTRLEN] = "-", remote[INET_ADDRSTRLEN] = "-";
    if (t->session_was_up)
        return;
    t->session_was_up = true;
    t->state = SUP_UP;
    t->fails = 0;
    t->up_since = t->last_rx = tunnel_now();
    if (t->ipcp_up) {
        struct os_ip l = {.family = AF_INET, .v4 = t->local4},
                     r = {.family = AF_INET, .v4 = t->remote4};
        os_ip_format(&l, local, sizeof(local));
        os_ip_format(&r, remote, sizeof(remote));
    }
    char text[160];
    int n = snprintf(text, sizeof(text), "link up: %s -> %s on %s", local, remote, t->ifname);
    if (t->sessions > 1) {
        t->reconnects++;
        snprintf(text + n, sizeof(text) - (size_t)n, " (reconnect %u)", t->reconnects);
    }
    log_info("%s", text);
    hooks_up(t);
    if (t->sessions > 1)
        sd_notify_status(text);
    else
        sd_notify_ready(text); /* Type=notify: ready once the link is up */
    ctl_answer_up(t);
}

/* ---- requests: reset, check ---- */

void supervisor_reset(struct tunnel *t, const char *why)
{
    if (t->p->role != RUN_CLIENT || !t->reported_up || t->stopping) {
        log_info("%s: nothing to reset%s", why,
                 t->p->role == RUN_CLIENT ? " until the link has been up" : "");
        return;
    }
    log_info("%s: resetting the link", why);
    t->reset_pending = true;
    if (t->state == SUP_BACKOFF)
        t->retry_at = tunnel_now(); /* reconnect now */
    else
        end_session(t, "reset (%s)", why);
}

bool supervisor_check(struct tunnel *t, char *why, size_t size)
{
    if (t->state != SUP_UP || ppp_link_echo(t->link, tunnel_now()) != PPP_OK) {
        snprintf(why, size, "not up: %s%s%s", supervisor_state_name(t),
                 t->last_error[0] ? ", last error: " : "", t->last_error);
        log_warn("check: the link is %s", why);
        return false;
    }
    if (!t->check_pending) {
        t->check_pending = true;
        t->check_until = tunnel_now() + (ppp_time)CHECK_WAIT_MS * PPP_MS;
    }
    log_info("check: LCP Echo-Request sent");
    return true;
}

void supervisor_echo_reply(struct tunnel *t)
{
    if (!t->check_pending)
        return;
    char text[64];
    t->check_pending = false;
    log_info("check: LCP Echo-Reply in %.3f ms", (double)t->echo_rtt / 1e6);
    snprintf(text, sizeof(text), "alive: echo-rtt %.3f ms\n", (double)t->echo_rtt / 1e6);
    ctl_answer_echo(t, text);
}

const char *supervisor_state_name(const struct tunnel *t)
{
    return superv_state_name(t->state, t->stopping, t->reported_up);
}
