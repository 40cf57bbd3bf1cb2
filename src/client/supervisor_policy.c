/*
 * supervisor_policy.c - the supervisor's decisions (see supervisor_policy.h).
 */
#include "supervisor_policy.h"

#include "backoff.h"
#include "exitcode.h"

int supervisor_ssh_exit_status(enum ssh_failure failure)
{
    switch (failure) {
    case SSH_FAIL_AUTH:
        return RUN_EXIT_AUTH_REFUSED;
    case SSH_FAIL_HOST_KEY:
        return RUN_EXIT_HOST_KEY;
    case SSH_FAIL_REFUSED:
    case SSH_FAIL_UNREACHABLE:
    case SSH_FAIL_TIMEOUT:
    case SSH_FAIL_RESOLVE:
        return RUN_EXIT_CONNECT_FAILED;
    case SSH_FAIL_COMMAND_MISSING:
    case SSH_FAIL_NOT_PERMITTED:
        return RUN_EXIT_COMMAND_FAILED;
    default:
        return RUN_EXIT_HANGUP;
    }
}

bool supervisor_refused(int status)
{
    return status == RUN_EXIT_AUTH_REFUSED || status == RUN_EXIT_HOST_KEY ||
           status == RUN_EXIT_COMMAND_FAILED;
}

bool supervisor_may_retry(const struct supervisor_config *c, bool client, bool reset_pending,
                          bool reported_up, bool stopping, bool failed)
{
    return client && (c->persist || reset_pending) && reported_up && !stopping && !failed;
}

struct supervisor_decision supervisor_after_session(const struct supervisor_config *c,
                                                    unsigned fails,
                                                    const struct supervisor_ending *e)
{
    struct supervisor_decision d = {.fails = fails, .refused = supervisor_refused(e->status)};
    /* A reset is asked for, not a failure; a session that was up resets the
     * count (pppd's maxfail counts consecutive failed attempts). */
    if (!e->was_up && !e->reset)
        d.fails++;
    if (c->max_fail && d.fails >= c->max_fail) {
        d.give_up = true;
        return d;
    }
    d.delay_ms = e->reset ? 0 : backoff_delay_ms(c->holdoff_ms, d.fails, d.refused, e->random);
    return d;
}

bool supervisor_first_retry(unsigned retries, uint64_t random, ppp_time now, ppp_time deadline,
                            uint32_t *delay_ms)
{
    uint32_t cap = SUPERVISOR_FIRST_RETRY_MAX_MS;
    uint32_t d = retries < 16 ? (uint32_t)SUPERVISOR_FIRST_RETRY_MIN_MS << retries : cap;
    if (d > cap)
        d = cap;
    d = d / 2 + (uint32_t)(random % (d / 2 + 1));
    if (now + (ppp_time)d * PPP_MS >= deadline)
        return false;
    *delay_ms = d;
    return true;
}

ppp_time supervisor_silence_deadline(const struct supervisor_liveness *l)
{
    if (!l->reported_up || l->dead || l->state == SUP_BACKOFF || l->stopping)
        return PPP_TIME_NEVER;
    if (l->state == SUP_CONNECTING)
        return l->session_start + (ppp_time)SUPERVISOR_ESTABLISH_WAIT_MS * PPP_MS;
    if (!l->echo_interval_ms)
        return PPP_TIME_NEVER;
    return l->last_rx + (ppp_time)l->echo_interval_ms * l->echo_failures * PPP_MS;
}

const char *supervisor_state_label(enum sup_state state, bool reported_up)
{
    switch (state) {
    case SUP_UP:
        return "up";
    case SUP_BACKOFF:
        return "backing off";
    case SUP_STOPPING:
    case SUP_DONE:
        return "stopping";
    case SUP_ENDING:
    case SUP_CONNECTING:
    default:
        return reported_up ? "reconnecting" : "connecting";
    }
}

const char *supervisor_state_id(enum sup_state state)
{
    static const char *const names[] = {
        [SUP_CONNECTING] = "connecting", [SUP_UP] = "up",
        [SUP_ENDING] = "ending",         [SUP_BACKOFF] = "backoff",
        [SUP_STOPPING] = "stopping",     [SUP_DONE] = "done",
    };
    return (unsigned)state < sizeof(names) / sizeof(names[0]) ? names[state] : "?";
}

ppp_time supervisor_first_frame_deadline(const struct supervisor_liveness *l)
{
    if (!l->silent || l->reported_up || l->dead || l->stopping || l->state != SUP_CONNECTING ||
        l->last_rx != l->session_start)
        return PPP_TIME_NEVER;
    return l->session_start + (ppp_time)SUPERVISOR_SILENT_WAIT_MS * PPP_MS;
}
