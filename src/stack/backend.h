/*
 * backend.h - the stack behind the socket (libslirp now; passt's engine
 * would be a second implementation of these five calls).  The keeper
 * (keeper.c) owns the sockets and the grace period; the backend turns
 * packets into the account's sockets and back.
 */
#ifndef PPPSSH_STACK_BACKEND_H
#define PPPSSH_STACK_BACKEND_H

#include <poll.h>
#include <stddef.h>
#include <stdint.h>

#include "portfwd.h"

struct backend;

/* Called with each IP packet for the client. */
typedef void (*backend_deliver_fn)(const uint8_t *pkt, size_t len, void *opaque);

/* NET4: the inner IPv4 /24, host order (stack.h). */
struct backend *backend_new(backend_deliver_fn deliver, void *opaque, uint32_t net4, char *err,
                            size_t errsize);
void backend_free(struct backend *b);

/* Where the next IP packet from the client is to be read (up to *ROOM
 * bytes): the backend frames it there without a copy. */
uint8_t *backend_input_buffer(struct backend *b, size_t *room);
/* The IP packet of LEN bytes read into backend_input_buffer. */
void backend_input(struct backend *b, size_t len);

/* Make the inbound forwards F[0..N) (portfwd.h) the only ones: those
 * not among them go, the new ones listen on the server's IPv4 addresses
 * for the client's.  0, or -1 with ERR (a port the account cannot
 * listen on), the forwards as they were before the call but for the
 * ones that went. */
int backend_forward(struct backend *b, const struct portfwd *f, size_t n, char *err,
                    size_t errsize);

/* Before poll(): append the backend's descriptors to FDS (from *N, up to
 * MAX) and lower *TIMEOUT_MS to its next timer. */
void backend_fill(struct backend *b, struct pollfd *fds, size_t *n, size_t max, int *timeout_ms);

/* After poll() (ERROR: poll failed): serve what FDS (as filled) report
 * and the timers that are due. */
void backend_poll(struct backend *b, struct pollfd *fds, size_t n, int error);

#endif
