/*
 * privileged.h - the privileged part of a split `pppssh up` (issue 13),
 * beyond the interface's configurator: it runs ssh (or the Command) as
 * the account that owns the keys (pppssh.conf(5) User: root, or the
 * invoking user under sudo) and the ip-up / ip-down hooks as root, as
 * they always ran, and hands the session descriptors, never a say in
 * what runs.  It answers configurator.h's CONNECT, KILL and HOOK (which
 * carry no command line, no path, no name: those are the config's) and
 * passes every other request to the inner configurator.
 */
#ifndef PPPSSH_CLIENT_PRIVILEGED_H
#define PPPSSH_CLIENT_PRIVILEGED_H

#include <stdbool.h>

#include "child.h"
#include "configurator.h"
#include "hooks.h"

struct privileged_setup {
    struct spawn_request transport; /* as the config names it; .account: who runs it */
    bool run_hooks;                 /* HOOK allowed: the config's hooks, run here */
    struct hook_config hooks;
    const char *ifname, *ipparam; /* the hooks' $1 and $6: ours, not the session's */
};

/* Wraps inner (freed with it): NULL when out of memory.  The strings and
 * the transport's argv and account of setup must outlive it.  Its free()
 * ends the transport, waits for the hooks (bounded by their timeouts)
 * and then frees inner, which undoes everything. */
struct configurator *configurator_privileged_new(struct configurator *inner,
                                                 const struct privileged_setup *setup);

#endif
