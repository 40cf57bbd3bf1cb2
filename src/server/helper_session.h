/*
 * helper_session.h - pppssh helper's side of one `pppssh serve` session:
 * who is asking (SO_PEERCRED), the admission child while an OPEN is being
 * answered, then the interface it created and the lease it holds, and
 * what it configured on the session's say (IPCP/IPV6CP up or down).
 * Ending it, however the session went, undoes all of that.
 */
#ifndef PPPSSH_SERVER_HELPER_SESSION_H
#define PPPSSH_SERVER_HELPER_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "helper_admit.h"
#include "netcfg.h"

enum helper_session_state {
    HS_NEW,       /* connected: only OPEN may come */
    HS_ADMITTING, /* the admission child works: nothing may come */
    HS_OPEN,      /* granted: UP, DOWN and BYE may come */
    HS_REFUSED,   /* told why: only the hang-up may come */
};

struct helper_session {
    int fd;                                /* the session's socket */
    const struct admission_request *fixed; /* helper_serve_one's --local/--remote, or NULL */
    pid_t pid;
    uid_t uid;
    enum helper_session_state state;
    pid_t worker; /* HS_ADMITTING: the admission child */
    int worker_fd;
    int tun_fd, lease_fd; /* HS_OPEN: our copies */
    char user[HELPER_USER_MAX];
    struct helper_admitted admitted;
    struct netcfg *nc; /* HS_OPEN: what we changed, to undo */
    bool iface_up, v6_up;
    uint8_t ifid[8]; /* of the IPv6 link-local we added */
};

/* A session connected on fd (accepted, non-blocking): NULL if out of
 * memory or its credentials cannot be read (fd is closed then). */
struct helper_session *helper_session_new(int fd);

/* The same for a caller known otherwise (SO_PEERCRED of a socketpair names
 * its creator, not the process at the other end): the session of `pppssh
 * serve` started privileged, which runs its own helper (helper_one.c). */
struct helper_session *helper_session_new_for(int fd, pid_t pid, uid_t uid);

/* A request arrived: false if the session broke the protocol (end it). */
bool helper_session_request(struct helper_session *s, const char *config_path);

/* The admission child's descriptor is readable: false to end the session. */
bool helper_session_admitted(struct helper_session *s);

/* Undoes everything and frees s (the session hung up, broke the protocol,
 * or the helper stops). */
void helper_session_end(struct helper_session *s);

#endif
