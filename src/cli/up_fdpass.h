/*
 * up_fdpass.h - whether `pppssh up` may open the SSH connection itself
 * (see fdpass.h), and the ssh options that make ssh use it.
 */
#ifndef PPPSSH_CLI_UP_FDPASS_H
#define PPPSSH_CLI_UP_FDPASS_H

#include <stdbool.h>
#include <stddef.h>

#include "child.h"
#include "fdpass.h"
#include "ssh.h"

struct up_fdpass {
    char name[FDPASS_NAME_MAX]; /* the abstract socket the tunnel listens on */
    char proxy_command[1024];   /* "ProxyCommand=..." */
};

/* Asks `ssh -G` (with sp's port and options, as account: NULL = as we
 * run, so that it reads the same ~/.ssh/config ssh will) where ssh would connect.
 * true, with out filled, when ssh connects directly (no ProxyCommand,
 * ProxyJump or Bind* of the user's): then the ProxyCommand can do the
 * same connect and hand us a copy.  false: leave ssh as it is. */
bool up_fdpass_plan(const struct ssh_params *sp, const struct spawn_account *account,
                    struct up_fdpass *out);

#endif
