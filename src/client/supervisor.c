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
 *
 * The supervisor acts on the session only by recording actions
 * (supervision.h); the session performs them once the call returns.
 */
#include "supervisor.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "exitcode.h"
#include "log.h"
#include "sdnotify.h"

#define FINISH_WAIT_MS 2000 /* for ssh to exit and say why, after the stream closed */
#define CHECK_WAIT_MS 3000  /* for the Echo-Reply of a check */

static uint64_t next_random(struct supervisor *s)
{
    /* xorshift64*: jitter only, no need for more. */
    uint64_t x = s->rng ? s->rng : 0x9e3779b97f4a7c15u;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    s->rng = x;
    return x * 0x2545f4914f6cdd1du;
}

static ppp_time earlier(ppp_time a, ppp_time b)
{
    return a < b ? a : b;
}

/* ---- actions: recorded for the session, in order ---- */

__attribute__((format(printf, 4, 5))) static void
record(struct supervisor *s, enum session_action_kind kind, int status, const char *fmt, ...)
{
    struct session_actions *a = &s->actions;
    if (a->n == SESSION_ACTIONS_MAX) {
        a->overflowed = true;
        return;
    }
    struct session_action *act = &a->list[a->n++];
    act->kind = kind;
    act->status = status;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(act->text, sizeof(act->text), fmt, ap);
    va_end(ap);
}

bool supervisor_next_action(struct supervisor *s, struct session_action *out)
{
    struct session_actions *a = &s->actions;
    if (a->overflowed) {
        a->overflowed = false;
        log_error("supervisor: more than %d actions in one call, some lost", SESSION_ACTIONS_MAX);
    }
    if (a->n == 0)
        return false;
    *out = a->list[0];
    a->n--;
    memmove(&a->list[0], &a->list[1], a->n * sizeof(a->list[0]));
    return true;
}

/* ---- hooks (pppd's ip-up / ip-down) ---- */

/* Queued, not run: the loop starts each script and watches it (hooks.h),
 * so echoes and traffic go on while a hook works. */
static void run_hooks(struct supervisor *s, const struct session_facts *f, enum hook_kind kind)
{
    struct hook_env env = {
        .ifname = f->ifname,
        .local = f->local4,
        .remote = f->remote4,
        .ipparam = s->setup.ipparam,
        .has_dns1 = f->peer_dns[0].s_addr != 0,
        .has_dns2 = f->peer_dns[1].s_addr != 0,
        .dns1 = f->peer_dns[0],
        .dns2 = f->peer_dns[1],
    };
    hooks_queue(&s->hooks, kind, &env, (long long)(f->now / PPP_MS));
}

void supervisor_hooks_changed(struct supervisor *s, const struct session_facts *f)
{
    hooks_poll(&s->hooks, (long long)(f->now / PPP_MS));
}

static void hooks_up(struct supervisor *s, const struct session_facts *f)
{
    if (!s->setup.hooks || !f->ipcp_up)
        return;
    s->hook_up_ran = true;
    run_hooks(s, f, HOOK_IP_UP);
}

static void hooks_down(struct supervisor *s, const struct session_facts *f)
{
    if (!s->hook_up_ran)
        return;
    s->hook_up_ran = false;
    run_hooks(s, f, HOOK_IP_DOWN);
}

void supervisor_finish(struct supervisor *s, const struct session_facts *f)
{
    hooks_down(s, f);       /* when the end did not wait for the link to go Dead */
    hooks_drain(&s->hooks); /* nothing left to keep alive: each to its end or timeout */
    hooks_free(&s->hooks);
}

/* ---- sessions ---- */

void supervisor_init(struct supervisor *s)
{
    memset(s, 0, sizeof(*s));
    s->retry_at = s->words_until = s->check_until = PPP_TIME_NEVER;
}

static void session_start(struct supervisor *s)
{
    s->session_was_up = false;
    s->words_until = PPP_TIME_NEVER;
    s->kill_pending = s->down_logged = false;
    s->check_pending = false;
    s->sessions++;
    supervisor_set_state(s, SUP_CONNECTING, "a new session");
    record(s, SESSION_START, 0, "a new session");
}

void supervisor_session_started(struct supervisor *s, const struct session_facts *f)
{
    s->session_start = s->last_rx = f->now;
    s->rx_frames_seen = f->rx_frames;
    s->echo_sent_at_rx = f->echo_sent;
}

void supervisor_first_session(struct supervisor *s, const struct supervisor_setup *setup,
                              const struct session_facts *f)
{
    (void)f;
    s->setup = *setup;
    s->rng = setup->random ^ 0x5bd1e995u;
    struct hook_config hooks = {
        .up_script = setup->up_script,
        .down_script = setup->down_script,
        .dir = setup->hook_dir,
        .remote = setup->hooks_remote,
        .remote_ctx = setup->hooks_remote_ctx,
    };
    hooks_init(&s->hooks, &hooks);
    s->retry_at = PPP_TIME_NEVER;
    session_start(s);
}

static void back_off(struct supervisor *s, const struct session_facts *f,
                     const struct supervisor_decision *d)
{
    uint32_t ms = d->delay_ms;
    s->reset_pending = false;
    supervisor_set_state(s, SUP_BACKOFF, d->refused ? "refused" : "the session ended");
    s->retry_at = f->now + (ppp_time)ms * PPP_MS;
    if (d->refused)
        log_warn("reconnecting in %.1f s (attempt %u): %s will not go away by retrying sooner",
                 ms / 1000.0, s->fails + 1, s->last_error);
    else
        log_info("reconnecting in %.1f s (attempt %u)", ms / 1000.0, s->fails + 1);
}

static bool may_retry(const struct supervisor *s, const struct session_facts *f)
{
    return supervisor_may_retry(&s->setup.policy, s->setup.reconnect, s->reset_pending,
                                f->reported_up, f->stopping, f->failed);
}

/* The first session of `up` is retried only when sshd dropped it before
 * it began (supervisor_policy.h), within SUPERVISOR_FIRST_CONNECT_MS. */
static bool first_connect_retry(struct supervisor *s, const struct session_facts *f)
{
    uint32_t ms;
    ppp_time deadline = f->started + (ppp_time)SUPERVISOR_FIRST_CONNECT_MS * PPP_MS;
    if (!s->setup.reconnect || f->reported_up || f->stopping || f->failed ||
        !f->dropped_before_start ||
        !supervisor_first_retry(s->fails, next_random(s), f->now, deadline, &ms))
        return false;
    record(s, SESSION_DROP, 0, "sshd dropped the connection");
    log_info("the server dropped the connection before the session (%s): trying again in "
             "%.1f s",
             f->failure_line, ms / 1000.0);
    s->fails++;
    supervisor_set_state(s, SUP_BACKOFF, "sshd dropped the connection before the session");
    s->retry_at = f->now + (ppp_time)ms * PPP_MS;
    return true;
}

/* The session is Dead and its child has said its last words (or we will
 * not wait for them): reconnect later, or end the tunnel.  The session
 * stops the child and says why it ended (supervisor_session_ended). */
static void session_over(struct supervisor *s, const struct session_facts *f)
{
    hooks_down(s, f);
    if (!may_retry(s, f)) {
        if (!first_connect_retry(s, f))
            supervisor_set_state(s, SUP_DONE, f->stopping ? f->stop_reason : "the session ended");
        return;
    }
    record(s, SESSION_OVER, 0, "the session is over");
}

void supervisor_session_ended(struct supervisor *s, const struct session_facts *f, int status,
                              const char *why)
{
    if (!s->down_logged) {
        snprintf(s->last_error, sizeof(s->last_error), "%s", why);
        if (s->session_was_up)
            log_warn("link down: %s", why);
        else
            log_warn("attempt %u failed: %s", s->fails + 1, why);
    }
    struct supervisor_ending e = {.was_up = s->session_was_up,
                                  .reset = s->reset_pending,
                                  .status = status,
                                  .random = next_random(s)};
    struct supervisor_decision d = supervisor_after_session(&s->setup.policy, s->fails, &e);
    s->fails = d.fails;
    if (d.give_up) {
        record(s, SESSION_FAIL, status, "giving up after %u failed attempts (MaxFail): %s",
               s->fails, s->last_error);
        supervisor_set_state(s, SUP_DONE, "MaxFail");
        return;
    }
    back_off(s, f, &d);
    char text[320];
    snprintf(text, sizeof(text), "%s: %s", supervisor_state_name(s, f), s->last_error);
    sd_notify_status(text);
}

/* Bounded wait for a child that closed the stream to exit and say why;
 * nothing to wait for when we end it ourselves. */
static bool transport_done(struct supervisor *s, const struct session_facts *f)
{
    if (!f->has_child || (f->child_exited && f->words_read))
        return true;
    if (f->stopping || f->failed || !f->stream_gone)
        return true;
    if (s->words_until == PPP_TIME_NEVER)
        s->words_until = f->now + (ppp_time)FINISH_WAIT_MS * PPP_MS;
    return f->now >= s->words_until;
}

static void kill_session(struct supervisor *s)
{
    s->kill_pending = false;
    if (s->state != SUP_CONNECTING && s->state != SUP_UP)
        return;
    snprintf(s->last_error, sizeof(s->last_error), "%s", s->kill_reason);
    log_warn("link down: %s", s->kill_reason);
    s->down_logged = true;
    record(s, SESSION_KILL, 0, "%s", s->kill_reason);
}

static void end_session(struct supervisor *s, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void end_session(struct supervisor *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->kill_reason, sizeof(s->kill_reason), fmt, ap);
    va_end(ap);
    s->kill_pending = true;
}

/* A kill is recorded and the call returns: the session performs it and
 * calls again, when the link it killed is Dead. */
void supervise(struct supervisor *s, const struct session_facts *f)
{
    if (s->state == SUP_DONE)
        return;
    if (s->kill_pending) {
        kill_session(s);
        if (s->actions.n)
            return;
    }
    if (s->state == SUP_BACKOFF) {
        if (f->failed)
            supervisor_set_state(s, SUP_DONE, f->exit_msg);
        return;
    }
    if ((s->state == SUP_CONNECTING || s->state == SUP_UP) && f->link_dead)
        supervisor_set_state(s, SUP_ENDING, "the link is Dead");
    if ((s->state == SUP_ENDING || s->state == SUP_STOPPING) && f->link_dead &&
        transport_done(s, f))
        session_over(s, f);
}

/* ---- liveness ---- */

static uint64_t echoes_unanswered(const struct supervisor *s, const struct session_facts *f)
{
    return f->echo_sent - s->echo_sent_at_rx;
}

void supervisor_heard(struct supervisor *s, const struct session_facts *f)
{
    if (f->rx_frames != s->rx_frames_seen) {
        s->rx_frames_seen = f->rx_frames;
        s->echo_sent_at_rx = f->echo_sent;
        s->last_rx = f->now;
    }
}

/* When silence means the peer or the path is gone: any frame counts as
 * life (a busy link needs no echo replies), so only a quiet one is dead. */
static struct supervisor_liveness liveness(const struct supervisor *s,
                                           const struct session_facts *f)
{
    return (struct supervisor_liveness){
        .state = s->state,
        .reported_up = f->reported_up,
        .dead = f->link_dead,
        .stopping = f->stopping,
        .session_start = s->session_start,
        .last_rx = s->last_rx,
        .echo_interval_ms = s->setup.echo_interval_ms,
        .echo_failures = s->setup.echo_failures,
        .silent = s->setup.silent,
    };
}

static ppp_time silence_deadline(const struct supervisor *s, const struct session_facts *f)
{
    struct supervisor_liveness l = liveness(s, f);
    return supervisor_silence_deadline(&l);
}

/* The first session, silent, has heard nothing from the far end yet. */
static ppp_time first_frame_deadline(const struct supervisor *s, const struct session_facts *f)
{
    struct supervisor_liveness l = liveness(s, f);
    return f->failed ? PPP_TIME_NEVER : supervisor_first_frame_deadline(&l);
}

ppp_time supervisor_expiry(const struct supervisor *s, const struct session_facts *f)
{
    ppp_time when = earlier(silence_deadline(s, f), first_frame_deadline(s, f));
    if (s->state == SUP_BACKOFF)
        when = earlier(when, s->retry_at);
    if (s->state == SUP_ENDING && s->words_until != PPP_TIME_NEVER)
        when = earlier(when, s->words_until);
    if (s->check_pending)
        when = earlier(when, s->check_until);
    long long hook = hooks_expiry(&s->hooks);
    if (hook >= 0)
        when = earlier(when, (ppp_time)hook * PPP_MS);
    return when;
}

static void check_timed_out(struct supervisor *s)
{
    s->check_pending = false;
    log_warn("check: no LCP Echo-Reply within %d s", CHECK_WAIT_MS / 1000);
    record(s, SESSION_ANSWER_ECHO, 0, "no reply: no LCP Echo-Reply within %d s\n",
           CHECK_WAIT_MS / 1000);
}

static void silent_far_end(struct supervisor *s)
{
    record(s, SESSION_FAIL, RUN_EXIT_NEGOTIATION,
           "no PPP frame from the server within %d s (with a pty, pppssh waits for the "
           "far end to speak first): does the account's login shell run pppd or pppssh?",
           SUPERVISOR_SILENT_WAIT_MS / 1000);
    /* LCP waits in Stopped, where a Close finishes nothing (RFC 1661
     * section 4.1): the transport's end does. */
    record(s, SESSION_KILL, 0, "no PPP frame from the server");
}

void supervisor_timer(struct supervisor *s, const struct session_facts *f)
{
    ppp_time now = f->now;
    hooks_poll(&s->hooks, (long long)(now / PPP_MS));
    if (now >= first_frame_deadline(s, f))
        silent_far_end(s);
    if (s->check_pending && now >= s->check_until)
        check_timed_out(s);
    if (now >= silence_deadline(s, f) && !s->kill_pending) {
        if (s->state == SUP_CONNECTING)
            end_session(s, "no link within %d s of reconnecting",
                        SUPERVISOR_ESTABLISH_WAIT_MS / 1000);
        else
            end_session(s, "peer not responding (%llu echo-requests, no frame for %.1f s)",
                        (unsigned long long)echoes_unanswered(s, f),
                        (double)(now - s->last_rx) / 1e9);
    }
    if (s->state == SUP_BACKOFF && now >= s->retry_at) {
        s->retry_at = PPP_TIME_NEVER;
        /* Could the child not even start, the link stays Dead and
         * supervise() ends the session: a failed attempt. */
        session_start(s);
    }
}

void supervisor_end_session(struct supervisor *s, const char *why)
{
    if (!s->kill_pending)
        end_session(s, "%s", why);
}

void supervisor_peer_dead(struct supervisor *s, const struct session_facts *f)
{
    /* Don't wait for a Terminate-Ack over a path that carries nothing. */
    if (!s->kill_pending)
        end_session(s, "peer not responding (%llu echo-requests)",
                    (unsigned long long)echoes_unanswered(s, f));
}

/* ---- the link is up ---- */

bool supervisor_keeps_config(const struct supervisor *s, const struct session_facts *f)
{
    return s->setup.reconnect && may_retry(s, f);
}

static void announce_up(struct supervisor *s, const struct session_facts *f)
{
    char local[INET_ADDRSTRLEN] = "-", remote[INET_ADDRSTRLEN] = "-";
    if (f->ipcp_up) {
        struct os_ip l = {.family = AF_INET, .v4 = f->local4},
                     r = {.family = AF_INET, .v4 = f->remote4};
        os_ip_format(&l, local, sizeof(local));
        os_ip_format(&r, remote, sizeof(remote));
    }
    char text[160];
    int n = snprintf(text, sizeof(text), "link up: %s -> %s on %s", local, remote, f->ifname);
    if (s->sessions > 1) {
        s->reconnects++;
        snprintf(text + n, sizeof(text) - (size_t)n, " (reconnect %u)", s->reconnects);
    }
    log_info("%s", text);
    /* READY=1 follows once the ip-up hooks are done and the resolvers
     * applied (the session's engine_report_up, as `up`'s "UP"). */
    sd_notify_status(text);
}

void supervisor_link_up(struct supervisor *s, const struct session_facts *f)
{
    if (s->session_was_up || s->state != SUP_CONNECTING)
        return;
    s->session_was_up = true;
    supervisor_set_state(s, SUP_UP, "the link is up");
    s->fails = 0;
    s->up_since = s->last_rx = f->now;
    announce_up(s, f);
    hooks_up(s, f);
    record(s, SESSION_ANSWER_UP, 0, "up");
}

/* ---- requests: reset, check ---- */

void supervisor_reset(struct supervisor *s, const struct session_facts *f, const char *why)
{
    if (!s->setup.reconnect || !f->reported_up || f->stopping) {
        log_info("%s: nothing to reset%s", why,
                 s->setup.reconnect ? " until the link has been up" : "");
        return;
    }
    log_info("%s: resetting the link", why);
    s->reset_pending = true;
    if (s->state == SUP_BACKOFF)
        s->retry_at = f->now; /* reconnect now */
    else
        end_session(s, "reset (%s)", why);
}

bool supervisor_may_check(const struct supervisor *s, const struct session_facts *f, char *why,
                          size_t size)
{
    snprintf(why, size, "not up: %s%s%s", supervisor_state_name(s, f),
             s->last_error[0] ? ", last error: " : "", s->last_error);
    if (s->state == SUP_UP)
        return true;
    log_warn("check: the link is %s", why);
    return false;
}

void supervisor_check_sent(struct supervisor *s, const struct session_facts *f)
{
    if (!s->check_pending) {
        s->check_pending = true;
        s->check_until = f->now + (ppp_time)CHECK_WAIT_MS * PPP_MS;
    }
    log_info("check: LCP Echo-Request sent");
}

void supervisor_echo_reply(struct supervisor *s, const struct session_facts *f)
{
    if (!s->check_pending)
        return;
    s->check_pending = false;
    log_info("check: LCP Echo-Reply in %.3f ms", (double)f->echo_rtt / 1e6);
    record(s, SESSION_ANSWER_ECHO, 0, "alive: echo-rtt %.3f ms\n", (double)f->echo_rtt / 1e6);
}

const char *supervisor_state_name(const struct supervisor *s, const struct session_facts *f)
{
    return supervisor_state_label(s->state, f->reported_up);
}

void supervisor_set_state(struct supervisor *s, enum sup_state to, const char *why)
{
    if (s->state == to)
        return;
    log_debug("supervisor: %s -> %s (%s)", supervisor_state_id(s->state), supervisor_state_id(to),
              why);
    s->state = to;
}
