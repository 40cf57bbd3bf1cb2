/*
 * supervision.c - the session's side of supervision.h: the facts it shows
 * the supervisor (client/supervisor.c) before each call, and the actions
 * the supervisor recorded, performed once the call has returned.  The
 * supervisor never calls back: this file is where its wishes become calls
 * into the stream, the engine, the control socket and the ending.
 */
#include "tunnel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

struct session_facts session_facts(const struct tunnel *t)
{
    const struct ppp_stats *s = t->link ? ppp_link_stats(t->link) : NULL;
    return (struct session_facts){
        .now = t->now,
        .started = t->started,
        .link_dead = tunnel_link_dead(t),
        .rx_frames = s ? s->rx_frames : 0,
        .echo_sent = s ? s->echo_sent : 0,
        .echo_rtt = t->echo_rtt,
        .reported_up = t->reported_up,
        .stopping = tunnel_stopping(t),
        .stop_reason = t->stop_reason,
        .failed = t->failed,
        .exit_msg = t->exit_msg,
        .has_child = t->st.child.pid != 0,
        .child_exited = t->st.child_exited,
        .words_read = t->st.err_eof,
        .stream_gone = t->st.stream_gone,
        .dropped_before_start = session_dropped_before_start(t),
        .failure_line = t->st.said.failure_line,
        .ipcp_up = t->ipcp_up,
        .ifname = t->ifname,
        .local4 = t->local4,
        .remote4 = t->remote4,
        .peer_dns = {t->peer_dns[0], t->peer_dns[1]},
    };
}

/* SESSION_START: a fresh transport session; -1 if it could not start
 * (the link stays Dead: a failed attempt, or the first session's end). */
static int start(struct tunnel *t)
{
    stream_reset(t);
    if (stream_start(t) < 0)
        return -1;
    t->st.rx_frames_at_start = ppp_link_stats(t->link)->rx_frames;
    struct session_facts f = session_facts(t);
    supervisor_session_started(&t->sup, &f);
    return ppp_link_open(t->link, t->now) == PPP_OK ? 0 : -1;
}

/* Its descriptors are closed and the child reaped: nothing of this
 * session's transport is left to wait for. */
static void forget_transport(struct tunnel *t)
{
    t->st.child.pid = 0;
    t->st.stream_gone = true;
}

/* SESSION_OVER: the child goes first, as its last words may say why. */
static void over(struct tunnel *t)
{
    char why[256];
    stream_stop(t, false);
    int status = session_cause(t, why, sizeof(why));
    struct session_facts f = session_facts(t);
    supervisor_session_ended(&t->sup, &f, status, why);
    forget_transport(t);
    t->ipcp_up = t->ipv6cp_up = false;
}

static int perform(struct tunnel *t, const struct session_action *a)
{
    switch (a->kind) {
    case SESSION_START:
        return start(t);
    case SESSION_OVER:
        over(t);
        break;
    case SESSION_DROP:
        stream_stop(t, false);
        forget_transport(t);
        break;
    case SESSION_KILL:
        stream_kill(t, a->text);
        break;
    case SESSION_FAIL:
        tunnel_fail(t, a->status, "%s", a->text);
        break;
    case SESSION_ANSWER_UP:
        ctl_answer_up(t);
        break;
    case SESSION_ANSWER_ECHO:
        ctl_answer_echo(t, a->text);
        break;
    }
    return 0;
}

/* Everything the supervisor recorded, in order (performing one may
 * record more: SESSION_OVER).  Returns how many were performed; *failed
 * when a start failed. */
static unsigned settle(struct tunnel *t, bool *failed)
{
    struct session_action a;
    unsigned n = 0;
    while (n < 4 * SESSION_ACTIONS_MAX && supervisor_next_action(&t->sup, &a)) {
        if (perform(t, &a) < 0 && failed)
            *failed = true;
        n++;
    }
    return n;
}

/* hooks.h's remote runner: the job goes to the privileged part (HOOK),
 * which runs the config's hooks as root; only the addresses go with it. */
static int hook_remote(void *ctx, enum hook_kind kind, const struct hook_env *env)
{
    struct tunnel *t = ctx;
    struct cfg_request rq = {.kind = CFG_HOOK,
                             .hook = kind == HOOK_IP_UP ? CFG_HOOK_UP : CFG_HOOK_DOWN,
                             .local = env->local,
                             .peer = env->remote,
                             .n_dns = 2}; /* DNS1, DNS2: family 0 when not known */
    if (env->has_dns1)
        rq.dns[0] = (struct os_ip){.family = AF_INET, .v4 = env->dns1};
    if (env->has_dns2)
        rq.dns[1] = (struct os_ip){.family = AF_INET, .v4 = env->dns2};
    char why[200];
    struct cfg_reply reply;
    int r = t->cfg ? t->cfg->request(t->cfg, &rq, why, sizeof(why)) : -ENOTCONN;
    if (!t->cfg)
        return r;
    t->cfg->reply(t->cfg, &reply);
    if (r == 0 && reply.n_fds == 1)
        return reply.fds[0];
    for (size_t i = 0; i < reply.n_fds; i++)
        close(reply.fds[i]);
    if (r < 0)
        log_warn("%s", why);
    return r < 0 ? r : -EPROTO;
}

int supervision_start(struct tunnel *t)
{
    const struct run_params *p = t->p;
    struct supervisor_setup setup = {
        .reconnect = p->duties.reconnect,
        .hooks = p->duties.hooks,
        .policy = {.persist = p->sup.persist,
                   .max_fail = p->sup.max_fail,
                   .holdoff_ms = p->sup.holdoff_ms},
        .up_script = p->sup.up_script,
        .down_script = p->sup.down_script,
        .hook_dir = p->sup.hook_dir,
        .ipparam = p->name,
        .hooks_remote = p->hooks_remote ? hook_remote : NULL,
        .hooks_remote_ctx = t,
        .echo_interval_ms = p->ppp.echo_interval_ms,
        .echo_failures = p->ppp.echo_failures,
        .silent = p->ppp.silent,
        .random = p->ppp.seed,
    };
    bool failed = false;
    struct session_facts f = session_facts(t);
    supervisor_first_session(&t->sup, &setup, &f);
    settle(t, &failed);
    return failed ? -1 : 0;
}

/* A performed kill makes the link Dead, which the supervisor acts on in
 * a second call: a few rounds, each with fresh facts. */
void supervision_run(struct tunnel *t)
{
    for (int round = 0; round < 4; round++) {
        struct session_facts f = session_facts(t);
        supervise(&t->sup, &f);
        if (settle(t, NULL) == 0)
            return;
    }
}

void supervision_timer(struct tunnel *t)
{
    struct session_facts f = session_facts(t);
    supervisor_timer(&t->sup, &f);
    settle(t, NULL);
}

void supervision_reset(struct tunnel *t, const char *why)
{
    struct session_facts f = session_facts(t);
    supervisor_reset(&t->sup, &f, why);
}

bool supervision_check(struct tunnel *t, char *why, size_t size)
{
    struct session_facts f = session_facts(t);
    if (!supervisor_may_check(&t->sup, &f, why, size))
        return false;
    if (ppp_link_echo(t->link, t->now) != PPP_OK) {
        log_warn("check: the link is %s", why);
        return false;
    }
    supervisor_check_sent(&t->sup, &f);
    return true;
}

void supervision_link_up(struct tunnel *t)
{
    struct session_facts f = session_facts(t);
    supervisor_link_up(&t->sup, &f);
    settle(t, NULL);
}

void supervision_echo_reply(struct tunnel *t)
{
    struct session_facts f = session_facts(t);
    supervisor_echo_reply(&t->sup, &f);
    settle(t, NULL);
}

void supervision_peer_dead(struct tunnel *t)
{
    struct session_facts f = session_facts(t);
    supervisor_peer_dead(&t->sup, &f);
}

void supervision_heard(struct tunnel *t)
{
    struct session_facts f = session_facts(t);
    supervisor_heard(&t->sup, &f);
}

void supervision_hooks_changed(struct tunnel *t)
{
    struct session_facts f = session_facts(t);
    supervisor_hooks_changed(&t->sup, &f);
}

void supervision_finish(struct tunnel *t)
{
    struct session_facts f = session_facts(t);
    supervisor_finish(&t->sup, &f);
}

ppp_time supervision_expiry(const struct tunnel *t)
{
    struct session_facts f = session_facts(t);
    return supervisor_expiry(&t->sup, &f);
}

bool supervision_keeps_config(const struct tunnel *t)
{
    struct session_facts f = session_facts(t);
    return supervisor_keeps_config(&t->sup, &f);
}

const char *supervision_state_name(const struct tunnel *t)
{
    return supervisor_state_label(t->sup.state, t->reported_up);
}
