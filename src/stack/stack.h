/*
 * stack.h - the seam between `pppssh serve` and the userspace network
 * stack that ends a tunnel without root (issue 14, docs/userspace-stack.md).
 *
 * The stack is a per-account process, pppssh-stack, that outlives a
 * dropped SSH session for a grace period.  It listens on a Unix
 * SOCK_SEQPACKET socket only its account can reach; a session connects
 * and exchanges bare IP packets with it, one per message.  Whatever
 * implements the stack (libslirp now, passt later) sits behind this
 * socket: serve sees only packets.
 */
#ifndef PPPSSH_STACK_STACK_H
#define PPPSSH_STACK_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "portfwd.h"

/* The inner IPv4 network, a /24 ([Server] StackNetwork, serve
 * --stack-network; libslirp's usual 10.0.2.0/24 by default, pppssh(8)),
 * and, mirroring libslirp's convention, the host parts of the client's
 * address by IPCP, the stack's (the tunnel's server end) and its DNS
 * forwarder, pushed by IPCP (RFC 1877); then the IPv6 prefix. */
#define STACK_NET4_DEFAULT "10.0.2.0/24"
#define STACK_PREFIX4 24
#define STACK_CLIENT4_HOST 15
#define STACK_HOST4_HOST 2
#define STACK_DNS4_HOST 3
#define STACK_PREFIX6 "fd00::"
#define STACK_PREFIX6_LEN 64
#define STACK_HOST6 "fd00::2"
#define STACK_DNS6 "fd00::3"
/* The link's MTU, and libslirp's (docs/userspace-stack.md, "Memory").
 * libslirp gives each TCP connection 128 KiB each way, rounded up to
 * whole segments: at its largest MTU (65520) that is 192 KiB, at this
 * one exactly 128 KiB over IPv4 (MSS 32768; 160 KiB over IPv6), and its
 * mbufs (an MTU each, 30 of them kept) are half as big.  Two such
 * segments fill the unscaled 64 KiB window libslirp works with (its
 * sender sends the second, 32767 bytes, as half the largest window,
 * RFC 1122 section 4.2.3.4); an MTU a little larger would send one. */
#define STACK_MTU 32808
/* Reconnect window: how long the stack waits for a session (seconds). */
#define STACK_GRACE_DEFAULT 120
#define STACK_PROGRAM "pppssh-stack"

/* The account's stack socket for the inner network NET4:
 * $XDG_RUNTIME_DIR/pppssh/stack.sock, else ~/.cache/pppssh/stack.sock
 * (stack-A.B.C.D.sock for a network other than the default); the
 * directory is made (0700) and must be the account's own and closed to
 * others.  0, or -1 with ERR. */
int stack_socket_path(uint32_t net4, char *path, size_t size, char *err, size_t errsize);

/* What a session asks of the account's stack. */
struct stack_request {
    unsigned grace_s;               /* the stack waits this long for a reconnect */
    uint32_t net4;                  /* the inner IPv4 /24, host order */
    const struct portfwd *forwards; /* PortForward: all the stack is to have */
    size_t n_forwards;
};

/* A SEQPACKET socket attached to the account's stack for the inner
 * network RQ->net4, starting the stack (PROGRAM, with RQ->grace_s) when
 * none is listening, its port forwards made RQ's (portfwd.h); -1 with
 * ERR (e.g. libslirp missing: what the stack said on its way out; a
 * port the account cannot listen on).  Each network has its own stack
 * and socket (stack.sock for the default, stack-A.B.C.D.sock for
 * another): a session never joins a stack of another network. */
int stack_attach(const char *program, const struct stack_request *rq, char *err, size_t errsize);

/* "A.B.C.D/24" with the host part zero: *NET4 (host order), 0; else -1.
 * (Shared by serve and pppssh-stack, net4.c.) */
int stack_net4_parse(const char *text, uint32_t *net4);
/* NET4 as "A.B.C.D" in BUF (INET_ADDRSTRLEN). */
const char *stack_net4_format(uint32_t net4, char *buf, size_t size);

#endif
