/*
 * supervision.h - the one door between the session (src/session/) and
 * its supervisor (src/client/supervisor.c).  Data flows one way: the
 * session calls the supervisor with the facts of this wake-up (a snapshot,
 * read-only), and the supervisor only records what it wants done (a short
 * list of actions, below), which the session performs once the call has
 * returned (supervision.c), as engine callbacks only record and the loop
 * acts (evqueue.h).  The supervisor never includes another header of
 * src/session/ and never calls into it.
 */
#ifndef PPPSSH_SESSION_SUPERVISION_H
#define PPPSSH_SESSION_SUPERVISION_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp.h"

/* What the supervisor may know of the session: filled by the session
 * (supervision.c) before each call, valid during that call only. */
struct session_facts {
    ppp_time now;     /* this wake-up's time */
    ppp_time started; /* when the tunnel started */
    /* The engine. */
    bool link_dead;     /* no session runs (the engine's phase is Dead) */
    uint64_t rx_frames; /* good frames received, ever */
    uint64_t echo_sent; /* LCP Echo-Requests sent, ever */
    ppp_time echo_rtt;  /* the last echo's round trip */
    /* How the tunnel ends. */
    bool reported_up;        /* `up` was told the link is up (it has been up once) */
    bool stopping;           /* down, INT or TERM asked us to stop */
    const char *stop_reason; /* why, when stopping */
    bool failed;             /* the tunnel failed: exit_msg says why */
    const char *exit_msg;
    /* The transport of this session. */
    bool has_child;            /* a transport child was started (ssh, Command) */
    bool child_exited;         /* and has exited */
    bool words_read;           /* its stderr reached end of file */
    bool stream_gone;          /* its stream closed */
    bool dropped_before_start; /* sshd dropped it before any PPP (MaxStartups) */
    const char *failure_line;  /* what its stderr said of that */
    /* The link as negotiated (for ip-up's arguments). */
    bool ipcp_up;
    const char *ifname;
    struct in_addr local4, remote4;
    struct in_addr peer_dns[2]; /* 0.0.0.0 = none */
};

/* What the supervisor may ask of the session: nothing else. */
enum session_action_kind {
    SESSION_START,       /* start a transport session: the child, then open the link */
    SESSION_OVER,        /* the session is over: stop the child, then tell the supervisor
                            why it ended (supervisor_session_ended) */
    SESSION_DROP,        /* stop the child sshd dropped: a retry follows */
    SESSION_KILL,        /* kill the child now and tell the engine (Down): text says why */
    SESSION_FAIL,        /* the tunnel fails with status: text says why */
    SESSION_ANSWER_UP,   /* answer the control clients waiting for the link (reset) */
    SESSION_ANSWER_ECHO, /* answer the control clients waiting for an echo (check): text */
};

struct session_action {
    enum session_action_kind kind;
    int status;     /* SESSION_FAIL: the exit status (exitcode.h) */
    char text[320]; /* KILL, FAIL, ANSWER_ECHO */
};

/* One call's worth of actions: a call records a few at most. */
#define SESSION_ACTIONS_MAX 8

struct session_actions {
    struct session_action list[SESSION_ACTIONS_MAX];
    size_t n;
    bool overflowed; /* more were asked than fit: a bug, logged when taken */
};

#endif
