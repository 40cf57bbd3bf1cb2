/*
 * ping6.h - ICMPv6 echo from the client to hosts beyond the stack, which
 * libslirp does not forward: each request goes out through an
 * unprivileged ICMPv6 datagram socket (a "ping socket", allowed where
 * net.ipv4.ping_group_range includes one of the account's groups; the
 * range covers IPv6 too), one per client source and identifier, and the
 * replies come back to the client as IPv6 packets.  Where ping sockets
 * are not allowed the client gets a destination unreachable,
 * administratively prohibited (RFC 4443 section 3.1), and syslog a note,
 * once.
 */
#ifndef PPPSSH_STACK_PING6_H
#define PPPSSH_STACK_PING6_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

struct ping6;

/* STACK6: the stack's own IPv6 address (libslirp answers echoes to it). */
struct ping6 *ping6_new(backend_deliver_fn deliver, void *opaque, const uint8_t *stack6);
void ping6_free(struct ping6 *p);

/* An IP packet from the client: true if it was an echo request for a
 * host beyond the stack, now ours (sent, or answered with the error). */
bool ping6_input(struct ping6 *p, const uint8_t *pkt, size_t len);

/* Before poll(): append the open sockets to FDS (from *N, up to MAX). */
void ping6_fill(struct ping6 *p, struct pollfd *fds, size_t *n, size_t max);
/* After poll(): the replies on the sockets FDS (as filled) report. */
void ping6_poll(struct ping6 *p, const struct pollfd *fds, size_t n);

#endif
