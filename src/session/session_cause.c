/*
 * session_cause.c - why a session ended, most specific first: what the
 * transport's stderr said (ssh.h), the server's refusal in band, the exit
 * status of the remote command, then the engine's cause.  One message and
 * the pppd-style exit status (exitcode.h) it maps to.
 */
#include "tunnel.h"

#include <stdio.h>
#include <sys/wait.h>

#include "exitcode.h"
#include "supervisor_policy.h" /* supervisor_ssh_exit_status */

/* The peer's LCP Terminate-Request reason (printable: the engine sees
 * to that), or "". */
static const char *peer_reason(const struct tunnel *t)
{
    return t->link ? ppp_link_peer_reason(t->link) : "";
}

static void cause_message(struct tunnel *t, enum ppp_cause cause, char *buf, size_t size)
{
    /* The engine's own account of what went wrong (printable), not its log. */
    const char *failure = t->link ? ppp_link_failure_reason(t->link) : "";
    const char *why = failure[0] ? failure : ppp_cause_name(cause);
    const char *said = t->st.said.reason;
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
        } else if (t->st.child.pid && t->st.child_exited) {
            char st[64];
            snprintf(buf, size, "the transport closed: %s %s%s%s",
                     t->p->spawn.shell_command ? "Command" : "ssh",
                     spawn_describe_status(t->st.child_status, st, sizeof(st)), said[0] ? ": " : "",
                     said);
        } else {
            snprintf(buf, size, "the transport closed%s%s", said[0] ? ": " : "", said);
        }
    }
}

/* Nothing of PPP came from the peer in this session. */
static bool no_frame_yet(const struct tunnel *t)
{
    return !t->link || ppp_link_stats(t->link)->rx_frames == t->st.rx_frames_at_start;
}

/* sshd closed or reset the connection before the session began (its
 * MaxStartups, a restart): the server was not reached, and trying again
 * may well get through. */
bool session_dropped_before_start(const struct tunnel *t)
{
    return t->st.said.failure == SSH_FAIL_CLOSED && no_frame_yet(t);
}

/* The transport (ssh, i.e. the remote command, or the Command) exited
 * with a status of its own before saying anything in PPP, and a line of
 * its stderr says why: pppd's "unrecognized option '-c'" under a login
 * shell.  255 is ssh's own failure, 127 "not found" (handled before). */
static bool remote_command_failed(const struct tunnel *t)
{
    if (!t->st.child_exited || !WIFEXITED(t->st.child_status))
        return false;
    int st = WEXITSTATUS(t->st.child_status);
    return st != 0 && st != 255 && no_frame_yet(t) && t->st.said.rank == SSH_RANK_REASON;
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
    const struct ssh_stderr *e = &t->st.said;
    const char *who = t->p->spawn.shell_command ? "Command" : "remote command";
    if (e->failure != SSH_FAIL_NONE && e->failure != SSH_FAIL_CLOSED) {
        bool command = t->p->spawn.shell_command && e->failure == SSH_FAIL_COMMAND_MISSING;
        snprintf(msg, size, "%s (%s)", command ? "Command not found" : ssh_failure_text(e->failure),
                 e->failure_line);
        return supervisor_ssh_exit_status(e->failure);
    }
    if (t->st.child_exited && WIFEXITED(t->st.child_status) &&
        WEXITSTATUS(t->st.child_status) == 127) {
        /* The remote shell's (or sh -c's) "command not found". */
        snprintf(msg, size, "%s not found%s%s", who, e->reason[0] ? ": " : "", e->reason);
        return RUN_EXIT_COMMAND_FAILED;
    }
    if (session_dropped_before_start(t)) {
        snprintf(msg, size, "could not reach the server: %s before the session began (%s)",
                 ssh_failure_text(e->failure), e->failure_line);
        return RUN_EXIT_CONNECT_FAILED;
    }
    if (remote_command_failed(t)) {
        char st[64];
        snprintf(msg, size, "the %s failed (%s): %s", who,
                 spawn_describe_status(t->st.child_status, st, sizeof(st)), e->reason);
        return RUN_EXIT_COMMAND_FAILED;
    }
    cause_message(t, cause, msg, size);
    int status = ppp_cause_exit_status(cause);
    return status ? status : RUN_EXIT_HANGUP;
}
