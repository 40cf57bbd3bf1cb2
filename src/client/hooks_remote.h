/*
 * hooks_remote.h - hooks.h's runner when another process runs the jobs
 * (hook_config.remote): the privileged part of a split `pppssh up` runs
 * them as root, as they always ran, while the session that hands them
 * over has no privilege.  Each job handed over is a descriptor that reads
 * end-of-file once it has run: busy while one is open.
 */
#ifndef PPPSSH_CLIENT_HOOKS_REMOTE_H
#define PPPSSH_CLIENT_HOOKS_REMOTE_H

#include "hooks.h"

/* A job's end is looked for this often (the loop has no descriptor to watch). */
#define HOOKS_REMOTE_POLL_MS 50
/* At the end of the tunnel: every job handed over, waited for at most this long. */
#define HOOKS_REMOTE_DRAIN_MS 30000

int hooks_remote_queue(struct hook_runner *r, enum hook_kind kind, const struct hook_env *env,
                       long long now_ms);
/* Forgets the jobs that have run, waiting up to wait_ms for all of them. */
void hooks_remote_poll(struct hook_runner *r, int wait_ms);
/* Closes what is left (the other process still runs it). */
void hooks_remote_forget(struct hook_runner *r);

#endif
