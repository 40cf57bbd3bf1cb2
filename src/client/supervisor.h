/*
 * supervisor.h - the supervisor's own state: one transport session after
 * another (supervisor.c is its one writer; others read it for status).
 */
#ifndef PPPSSH_CLIENT_SUPERVISOR_H
#define PPPSSH_CLIENT_SUPERVISOR_H

#include <stdbool.h>
#include <stdint.h>

#include "hooks.h"
#include "ppp.h"
#include "supervisor_policy.h" /* enum sup_state */

struct supervisor {
    enum sup_state state;
    unsigned sessions;   /* transport sessions started */
    unsigned reconnects; /* times the link came up again after the first */
    unsigned fails;      /* consecutive sessions that did not bring it up */
    bool session_was_up; /* this session reached "link up" */
    ppp_time session_start;
    ppp_time retry_at;    /* SUP_BACKOFF: when to start the next session */
    ppp_time words_until; /* how long to wait for the child's last words */
    ppp_time last_rx;     /* when a good frame last arrived */
    uint64_t rx_frames_seen, echo_sent_at_rx;
    /* the engine's rx_frames when this session began */
    uint64_t rx_frames_at_start;
    bool kill_pending; /* end this session now: kill_reason says why */
    char kill_reason[160];
    bool down_logged;   /* "link down: ..." already said for this session */
    bool reset_pending; /* reconnect without waiting */
    bool check_pending; /* an Echo-Request of `check` or SIGUSR1 is out */
    ppp_time check_until;
    char last_error[256];
    uint64_t rng;
    struct hook_runner hooks; /* ip-up / ip-down, beside the link, never waited for */
    bool hook_up_ran;         /* ip-up was queued: ip-down is due when the link goes */
};

#endif
