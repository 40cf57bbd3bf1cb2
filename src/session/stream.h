/*
 * stream.h - the transport's state: the child (ssh or a Command), the
 * descriptors its bytes cross, what its stderr said.  stream.c is its one
 * writer; the supervisor reads why the child ended.
 */
#ifndef PPPSSH_SESSION_STREAM_H
#define PPPSSH_SESSION_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "child.h"
#include "ssh.h"

struct stream {
    struct spawn_child child; /* pid 0: none (serve) */
    /* The privileged part runs the child (run_params.transport_remote):
     * its wait status arrives here when it ends; -1: none. */
    int status_fd;
    bool child_exited;
    int child_status;
    int in_fd, out_fd;
    uint8_t stream_rx[65536]; /* stream.c's read buffer: never the pump's packet */
    bool stream_gone;
    uint32_t stream_events; /* what epoll watches on in_fd / out_fd */
    uint32_t out_events;
    char err_buf[1024];
    size_t err_len;
    bool err_eof;
    /* what its stderr said (sanitized), and what that means */
    struct ssh_stderr said;
    char text_acc[256];          /* text on the stream before the link is up (ssh -tt */
    size_t text_len;             /* merges the remote's stderr into the pty) */
    uint64_t rx_frames_at_start; /* the engine's rx_frames when this session began */
};

#endif
