/* names.c - printable names for error codes, phases and causes, and the
 * pppd exit status each cause maps to */
#include "ppp.h"

const char *ppp_strerror(int error)
{
    switch (error) {
    case PPP_OK:
        return "success";
    case PPP_ERR_INVALID_ARGUMENT:
        return "invalid argument";
    case PPP_ERR_BUFFER_FULL:
        return "transmit buffer full";
    case PPP_ERR_NOT_OPEN:
        return "network protocol not open";
    case PPP_ERR_TOO_BIG:
        return "packet larger than the peer's MRU";
    case PPP_ERR_BAD_PACKET:
        return "not an IPv4 or IPv6 packet, or offload metadata that does not fit it";
    case PPP_ERR_NO_OFFLOAD:
        return "the peer takes no offloaded packets";
    case PPP_ERR_FATAL:
        return "fatal error";
    case PPP_ERR_NOMEM:
        return "out of memory";
    }
    return "unknown error";
}

const char *ppp_phase_name(enum ppp_phase phase)
{
    switch (phase) {
    case PPP_PHASE_DEAD:
        return "Dead";
    case PPP_PHASE_ESTABLISH:
        return "Establish";
    case PPP_PHASE_NETWORK:
        return "Network";
    case PPP_PHASE_TERMINATE:
        return "Terminate";
    }
    return "?";
}

const char *ppp_cause_name(enum ppp_cause cause)
{
    switch (cause) {
    case PPP_CAUSE_NONE:
        return "none";
    case PPP_CAUSE_ADMIN_CLOSE:
        return "closed by request";
    case PPP_CAUSE_PEER_TERMINATED:
        return "terminated by peer";
    case PPP_CAUSE_PEER_DEAD:
        return "peer not responding";
    case PPP_CAUSE_NEGOTIATION_FAILED:
        return "negotiation failed";
    case PPP_CAUSE_LOOPBACK:
        return "loopback detected";
    case PPP_CAUSE_LOWER_DOWN:
        return "connection lost";
    case PPP_CAUSE_NO_NETWORK:
        return "no network protocols running";
    }
    return "?";
}

/* The peer hanging up the session and our stream going away are both
 * pppd's EXIT_HANGUP; network protocols that never came up are its
 * EXIT_NEGOTIATION_FAILED, which pppd keeps until the first network
 * protocol opens. */
enum ppp_exit_status ppp_cause_exit_status(enum ppp_cause cause)
{
    switch (cause) {
    case PPP_CAUSE_NONE:
        return PPP_EXIT_OK;
    case PPP_CAUSE_ADMIN_CLOSE:
        return PPP_EXIT_USER_REQUEST;
    case PPP_CAUSE_NEGOTIATION_FAILED:
    case PPP_CAUSE_NO_NETWORK:
        return PPP_EXIT_NEGOTIATION_FAILED;
    case PPP_CAUSE_PEER_DEAD:
        return PPP_EXIT_PEER_DEAD;
    case PPP_CAUSE_PEER_TERMINATED:
    case PPP_CAUSE_LOWER_DOWN:
        return PPP_EXIT_HANGUP;
    case PPP_CAUSE_LOOPBACK:
        return PPP_EXIT_LOOPBACK;
    }
    return PPP_EXIT_OK;
}
