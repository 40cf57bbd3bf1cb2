/*
 * seqpacket.h - one message with up to SEQPACKET_MAX_FDS descriptors
 * (SCM_RIGHTS, unix(7)) on a SOCK_SEQPACKET unix socket: what pppssh
 * helper and its sessions exchange (helper_proto.h).
 */
#ifndef PPPSSH_OS_SEQPACKET_H
#define PPPSSH_OS_SEQPACKET_H

#include <stddef.h>
#include <sys/types.h>

#define SEQPACKET_MAX_FDS 3

/* Sends buf with the n_fds descriptors, never blocking and never raising
 * SIGPIPE.  0, or -errno (-EAGAIN: the peer is not reading). */
int seqpacket_send(int sock, const void *buf, size_t len, const int *fds, size_t n_fds);

/* Receives one message into buf and its descriptors (close-on-exec) into
 * fds (*n_fds of them; any beyond SEQPACKET_MAX_FDS are closed).  Returns
 * its length, 0 at end of stream, -EMSGSIZE for a message longer than
 * len (its descriptors closed), or -errno. */
ssize_t seqpacket_recv(int sock, void *buf, size_t len, int fds[SEQPACKET_MAX_FDS], size_t *n_fds);

#endif
