/*
 * helper_admit.h - pppssh helper's answer to an OPEN, worked out in a
 * child process of its own: reading server.conf, looking up the caller's
 * account, admission with its leases and the takeover of a stale session
 * (which waits seconds for it to let go) and creating the TUN interface.
 * The helper's loop never waits for any of it; the child hands the result
 * and the descriptors back over a socketpair and exits.
 */
#ifndef PPPSSH_SERVER_HELPER_ADMIT_H
#define PPPSSH_SERVER_HELPER_ADMIT_H

#include <sys/types.h>

#include "admission.h"
#include "helper_proto.h"
#include "run.h"

/* What the child hands back: the answer for the session and, when granted,
 * what the helper applies later (never shown to the session). */
struct helper_admitted {
    struct helper_answer answer; /* GRANTED or REFUSED */
    struct run_net net;          /* routes, Address6, ProxyArp */
    unsigned ifindex;
};

/* Starts the child for user, asked by the process peer_pid of peer_uid.
 * fixed: NULL, or the addresses a privileged serve was given on its
 * command line (--local/--remote: no server.conf, no lease, helper.h).
 * Returns its pid with *result_fd the end to read (helper_admit_take), or
 * -errno. */
pid_t helper_admit_start(const char *config_path, const char *user, pid_t peer_pid, uid_t peer_uid,
                         const struct admission_request *fixed, int *result_fd);

/* The child's result: 0 with *out filled and, if granted, *tun_fd and
 * *lease_fd (-1 for fixed addresses, which hold no lease); -EAGAIN not
 * yet; -EPIPE the child died without answering. */
int helper_admit_take(int result_fd, struct helper_admitted *out, int *tun_fd, int *lease_fd);

#endif
