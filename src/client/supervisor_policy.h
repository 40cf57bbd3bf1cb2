/*
 * supervisor_policy.h - the supervisor's decisions, without its I/O: which
 * failure is worth a quick retry, how long to wait, when MaxFail gives up,
 * when silence means the peer is gone, and what `status` calls the state.
 * supervisor.c feeds it the facts of the tunnel and acts on the answers.
 */
#ifndef PPPSSH_CLIENT_SUPERVISOR_POLICY_H
#define PPPSSH_CLIENT_SUPERVISOR_POLICY_H

#include <stdbool.h>
#include <stdint.h>

#include "ppp.h"
#include "ssh.h"

/* What the supervisor is doing (status "state:"). */
/* The supervisor's one state; supervisor.c's set_state() is its only
 * writer and logs every change ("up -> ending (why)"). */
enum sup_state {
    SUP_CONNECTING, /* a transport session is starting */
    SUP_UP,         /* the link is up */
    SUP_ENDING,     /* the session's link is Dead: the transport says its last words */
    SUP_BACKOFF,    /* no transport: waiting to reconnect */
    SUP_STOPPING,   /* down, INT, TERM: LCP Terminate under way */
    SUP_DONE,       /* nothing left to do: the loop ends */
};

#define SUPERVISOR_ESTABLISH_WAIT_MS 15000 /* a reconnect that does not negotiate is dead */

/* pppd's knobs (run.h's run_supervise). */
struct supervisor_config {
    bool persist;
    unsigned max_fail; /* 0: never give up */
    uint32_t holdoff_ms;
};

/* The exit status (exitcode.h) an ssh failure stands for. */
int supervisor_ssh_exit_status(enum ssh_failure failure);

/* Failures that waiting a few seconds will not cure: authentication, host
 * key, missing or forbidden remote command. */
bool supervisor_refused(int status);

/* May the tunnel start another session once this one is over?  Only a
 * client whose link has been up once (the first failure is reported, not
 * retried), with Persist or a reset asked for, neither stopping nor failed. */
bool supervisor_may_retry(const struct supervisor_config *c, bool client, bool reset_pending,
                          bool reported_up, bool stopping, bool failed);

/* How a session ended. */
struct supervisor_ending {
    bool was_up;     /* it brought the link up */
    bool reset;      /* a reset (HUP, `pppssh reset`) ended it */
    int status;      /* its cause as an exit status */
    uint64_t random; /* for the jitter */
};

struct supervisor_decision {
    unsigned fails;    /* consecutive failed attempts, this one included */
    bool give_up;      /* MaxFail reached: end the tunnel with status */
    bool refused;      /* supervisor_refused(status): the long wait */
    uint32_t delay_ms; /* before the next attempt (0 after a reset) */
};

/* What follows a session that ended; fails: consecutive failures before it. */
struct supervisor_decision supervisor_after_session(const struct supervisor_config *c,
                                                    unsigned fails,
                                                    const struct supervisor_ending *e);

/* The first connection of `pppssh up` is not retried (see supervisor_may_retry)
 * unless sshd dropped it before the session began: with MaxStartups
 * (default 10:30:100) sshd drops new connections at random while many
 * are unauthenticated, so clients started together lose some.  Those are
 * retried within SUPERVISOR_FIRST_CONNECT_MS of the start, after a wait that
 * doubles from SUPERVISOR_FIRST_RETRY_MIN_MS to SUPERVISOR_FIRST_RETRY_MAX_MS,
 * drawn from its upper half (clients dropped together do not come back
 * in step). */
#define SUPERVISOR_FIRST_CONNECT_MS 30000
#define SUPERVISOR_FIRST_RETRY_MIN_MS 100
#define SUPERVISOR_FIRST_RETRY_MAX_MS 2000

/* The wait before retry number `retries` + 1 of a dropped first
 * connection; false (no retry) when it would end past deadline. */
bool supervisor_first_retry(unsigned retries, uint64_t random, ppp_time now, ppp_time deadline,
                            uint32_t *delay_ms);

/* The facts the liveness deadline depends on. */
struct supervisor_liveness {
    enum sup_state state;
    bool reported_up, dead, stopping;
    ppp_time session_start, last_rx;
    uint32_t echo_interval_ms, echo_failures;
    bool silent; /* we send nothing until the peer's first frame (ssh -tt) */
};

/* When the session counts as dead: a reconnect with no link after
 * SUPERVISOR_ESTABLISH_WAIT_MS, an up link with no frame at all for
 * interval x failures (any frame is life); PPP_TIME_NEVER when nothing is
 * watched (the first session, backoff, stopping, echoes off). */
ppp_time supervisor_silence_deadline(const struct supervisor_liveness *l);

/* "connecting", "up", "reconnecting", "backing off", "stopping". */
const char *supervisor_state_label(enum sup_state state, bool reported_up);
/* The enum's own name, for the transition log. */
const char *supervisor_state_id(enum sup_state state);

/* Silent (pppd's "silent", as with ssh -tt), we wait for the far end to
 * speak first; a far end that never speaks PPP (a login shell that is
 * neither pppd nor pppssh) would keep the first `up` waiting for ever.  It
 * gets as long as a peer that never answers our Configure-Requests would:
 * Max-Configure 10 x Restart 3 s (RFC 1661 section 4.6). */
#define SUPERVISOR_SILENT_WAIT_MS 30000

/* When the first session gives up on a silent far end: SUPERVISOR_SILENT_WAIT_MS
 * after its start while it is silent, still connecting and has heard no
 * frame (last_rx is still session_start); else PPP_TIME_NEVER. */
ppp_time supervisor_first_frame_deadline(const struct supervisor_liveness *l);

#endif
