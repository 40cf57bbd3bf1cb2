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

/* The inner network (libslirp's usual one, pppssh(8)): the client's
 * address by IPCP, the stack's (the tunnel's server end), its DNS
 * forwarder, pushed by IPCP (RFC 1877), and the IPv6 prefix. */
#define STACK_NET4 "10.0.2.0"
#define STACK_PREFIX4 24
#define STACK_CLIENT4 "10.0.2.15"
#define STACK_HOST4 "10.0.2.2"
#define STACK_DNS4 "10.0.2.3"
#define STACK_PREFIX6 "fd00::"
#define STACK_PREFIX6_LEN 64
#define STACK_HOST6 "fd00::2"
#define STACK_DNS6 "fd00::3"
/* libslirp's largest MTU (IF_MTU_MAX); fewer packets per byte. */
#define STACK_MTU 65520
/* Reconnect window: how long the stack waits for a session (seconds). */
#define STACK_GRACE_DEFAULT 120
#define STACK_PROGRAM "pppssh-stack"

/* The account's stack socket: $XDG_RUNTIME_DIR/pppssh/stack.sock, else
 * ~/.cache/pppssh/stack.sock; the directory is made (0700) and must be
 * the account's own and closed to others.  0, or -1 with ERR. */
int stack_socket_path(char *path, size_t size, char *err, size_t errsize);

/* A SEQPACKET socket attached to the account's stack, starting the stack
 * (PROGRAM, with GRACE seconds) when none is listening; -1 with ERR
 * (e.g. libslirp missing: what the stack said on its way out). */
int stack_attach(const char *program, unsigned grace_s, char *err, size_t errsize);

#endif
