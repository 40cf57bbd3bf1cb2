/*
 * ncp.h - what the Network Control Protocols (IPCP, IPV6CP) share on top
 * of the automaton: their setup.  The reply to a peer's Configure-Request
 * is reply.h's, shared with LCP.
 */
#ifndef PPPSSH_NCP_H
#define PPPSSH_NCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fsm.h"
#include "options.h"
#include "reply.h"

/* fsm_init with the settings' timers and counters, then ops->reset.  The
 * NCP's own state (its settings) must be in place first: reset reads it. */
void ncp_fsm_init(struct ppp_fsm *fsm, const struct fsm_ops *ops,
                  const struct ppp_settings *settings, const struct fsm_parent *parent);

#endif
