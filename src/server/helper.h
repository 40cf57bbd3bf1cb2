/*
 * helper.h - `pppssh helper`, the privileged part of the server: one epoll
 * loop serving many unprivileged `pppssh serve` sessions on a unix socket
 * (helper_proto.h), each session's state in helper_session.h.  It never
 * parses PPP and never waits for one session: what may take long (the
 * takeover of a stale session) runs in a child (helper_admit.h).
 */
#ifndef PPPSSH_SERVER_HELPER_H
#define PPPSSH_SERVER_HELPER_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "admission.h"

#define HELPER_MAX_SESSIONS 4096

/* The listening socket: the one systemd passed (LISTEN_FDS, sd_listen_fds(3))
 * or path bound now (its directory created, a stale socket replaced,
 * mode 0666: who may use it is decided per caller by SO_PEERCRED).
 * Returns it (non-blocking, close-on-exec) with *bound true if we bound
 * path (the caller unlinks it at the end), or -errno with err set. */
int helper_listen(const char *path, bool *bound, char *err, size_t errlen);

/* Serves until SIGTERM or SIGINT, then ends every session (undoing what
 * each configured).  Returns the process exit status. */
int helper_serve(int listen_fd, const char *config_path);

/* One session on fd, the socketpair to the unprivileged process child
 * (pppssh serve started privileged splits so, serve_split.h): admitted,
 * configured and undone as the daemon would (fixed: NULL, or serve's
 * --local/--remote, granted as given with no lease), with the signals in
 * forwarded (blocked by the caller since before the fork) passed on to
 * child.  Returns once child has exited, with its exit status (128 +
 * the signal that killed it). */
int helper_serve_one(int fd, pid_t child, const char *config_path,
                     const struct admission_request *fixed, const sigset_t *forwarded);

#endif
