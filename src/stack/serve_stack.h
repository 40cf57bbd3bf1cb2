/*
 * serve_stack.h - `pppssh serve` without root (pppssh(8), USERSPACE
 * MODE): the tunnel ends in the account's userspace network stack, whose
 * socket stands in for the TUN (run_params.packet_fd).
 */
#ifndef PPPSSH_STACK_SERVE_STACK_H
#define PPPSSH_STACK_SERVE_STACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"
#include "stack.h"

/* Attach to (or start) the account's stack as RQ asks (stack.h), and
 * fill P: the stack's inner addresses (stack.h) by IPCP, its DNS
 * forwarder pushed (RFC 1877).  0, or -1 with ERR. */
int serve_stack_params(struct run_params *p, const struct stack_request *rq, uint64_t randomness,
                       char *err, size_t errsize);

#endif
