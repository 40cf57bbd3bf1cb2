/*
 * supervisor.h - one transport session after another: the supervisor's
 * own state and what the session may call.  Every call takes the facts of
 * this wake-up (supervision.h) and may record actions, which the session
 * takes with supervisor_next_action() and performs once the call has
 * returned; the supervisor never calls into the session.  supervisor.c is
 * the one writer of struct supervisor; the session reads it for status.
 */
#ifndef PPPSSH_CLIENT_SUPERVISOR_H
#define PPPSSH_CLIENT_SUPERVISOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hooks.h"
#include "ppp.h"
#include "supervision.h"
#include "supervisor_policy.h" /* enum sup_state */

/* What the supervisor is given once, at the start (run.h's run_supervise
 * and the role's duties, copied: it keeps no pointer into the session). */
struct supervisor_setup {
    bool reconnect; /* another session may follow (Persist, reset) */
    bool hooks;     /* run ip-up / ip-down */
    struct supervisor_config policy;
    const char *up_script, *down_script, *hook_dir; /* hooks.h */
    const char *ipparam;                            /* ip-up's sixth argument: the tunnel */
    /* hooks.h hook_config.remote: another process runs the hooks */
    int (*hooks_remote)(void *ctx, enum hook_kind kind, const struct hook_env *env);
    void *hooks_remote_ctx;
    uint32_t echo_interval_ms, echo_failures;       /* liveness (the engine's settings) */
    bool silent;                                    /* wait for the far end's first frame */
    uint64_t random;                                /* the jitter's start */
};

struct supervisor {
    struct supervisor_setup setup;
    enum sup_state state;
    unsigned sessions;   /* transport sessions started */
    unsigned reconnects; /* times the link came up again after the first */
    unsigned fails;      /* consecutive sessions that did not bring it up */
    bool session_was_up; /* this session reached "link up" */
    ppp_time session_start;
    ppp_time up_since;    /* when the link last came up */
    ppp_time retry_at;    /* SUP_BACKOFF: when to start the next session */
    ppp_time words_until; /* how long to wait for the child's last words */
    ppp_time last_rx;     /* when a good frame last arrived */
    uint64_t rx_frames_seen, echo_sent_at_rx;
    bool kill_pending; /* end this session now: kill_reason says why */
    char kill_reason[160];
    bool down_logged;   /* "link down: ..." already said for this session */
    bool reset_pending; /* reconnect without waiting */
    bool check_pending; /* an Echo-Request of `check` or SIGUSR1 is out */
    ppp_time check_until;
    char last_error[256];
    uint64_t rng;
    struct hook_runner hooks;       /* ip-up / ip-down, beside the link, never waited for */
    bool hook_up_ran;               /* ip-up was queued: ip-down is due when the link goes */
    struct session_actions actions; /* recorded for the session (supervision.h) */
};

/* Before anything else: every deadline never, no session. */
void supervisor_init(struct supervisor *s);
/* Takes the setup and asks for the first session (SESSION_START). */
void supervisor_first_session(struct supervisor *s, const struct supervisor_setup *setup,
                              const struct session_facts *f);
/* The session performed SESSION_START at f->now (the child runs, the link
 * is open) or could not (the link stays Dead: a failed attempt). */
void supervisor_session_started(struct supervisor *s, const struct session_facts *f);
/* After every wake-up: the session is Dead, over, to be ended... */
void supervise(struct supervisor *s, const struct session_facts *f);
/* The session performed SESSION_OVER: the child is gone, and this is why
 * the session ended (session_cause()). */
void supervisor_session_ended(struct supervisor *s, const struct session_facts *f, int status,
                              const char *why);
/* The oldest recorded action, false when none is left. */
bool supervisor_next_action(struct supervisor *s, struct session_action *out);

/* The one writer of s->state: logs "X -> Y (why)" as fsm.c does. */
void supervisor_set_state(struct supervisor *s, enum sup_state to, const char *why);
void supervisor_finish(struct supervisor *s,
                       const struct session_facts *f); /* before the interface goes */
/* SIGCHLD or the hooks' timeout: a hook ended or overran. */
void supervisor_hooks_changed(struct supervisor *s, const struct session_facts *f);
ppp_time supervisor_expiry(const struct supervisor *s, const struct session_facts *f);
void supervisor_timer(struct supervisor *s, const struct session_facts *f);
void supervisor_heard(struct supervisor *s, const struct session_facts *f);     /* after input */
void supervisor_link_up(struct supervisor *s, const struct session_facts *f);   /* first NCP up */
void supervisor_peer_dead(struct supervisor *s, const struct session_facts *f); /* echoes gave up */
void supervisor_echo_reply(struct supervisor *s,
                           const struct session_facts *f); /* PPP_EV_ECHO_RTT */
void supervisor_reset(struct supervisor *s, const struct session_facts *f, const char *why);
/* End this session now (the link is unusable: why); the next one follows
 * as after any failure. */
void supervisor_end_session(struct supervisor *s, const char *why);
/* May `check` send an Echo-Request now?  false, with why, if the link is not up. */
bool supervisor_may_check(const struct supervisor *s, const struct session_facts *f, char *why,
                          size_t size);
/* The session sent that Echo-Request at f->now: an answer is due. */
void supervisor_check_sent(struct supervisor *s, const struct session_facts *f);
/* Keep addresses and routes while the link is down: it will come back. */
bool supervisor_keeps_config(const struct supervisor *s, const struct session_facts *f);
const char *supervisor_state_name(const struct supervisor *s, const struct session_facts *f);

#endif
