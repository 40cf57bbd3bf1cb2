/*
 * sshd_parent.h - whether sshd started this process (directly or through
 * the user's shell), read from /proc.
 */
#ifndef PPPSSH_SERVER_SSHD_PARENT_H
#define PPPSSH_SERVER_SSHD_PARENT_H

#include <stdbool.h>

/* SSH_CONNECTION names our session's connection only when sshd started
 * us: a serve run from a login shell inherits it from a session it has
 * nothing to do with. */
bool sshd_started_us(void);

#endif
