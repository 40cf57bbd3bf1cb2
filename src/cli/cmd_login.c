/*
 * cmd_login.c - pppssh as the VPN account's login shell, as the VPN HOWTO
 * has pppd (pppssh.8, LOGIN SHELL): `pppssh serve` for this account's
 * [User] entry from the default configuration, whatever the client sent.
 */
#include <stdio.h>
#include <stdlib.h>

#include "commands.h"
#include "exitcode.h"

/* The command the client sent (sshd passes it as "-c COMMAND") is not even
 * looked at.  Nor is the environment, which a client can fill through
 * sshd's AcceptEnv or PermitUserEnvironment: only SSH_CONNECTION is kept,
 * which sshd sets after those, so it names this session's connection
 * (serve's pacer watches it). */
int cmd_serve_login(void)
{
    static char connection[128];
    const char *conn = getenv("SSH_CONNECTION");
    snprintf(connection, sizeof(connection), "%s", conn ? conn : "");
    if (clearenv() != 0)
        return RUN_EXIT_FATAL;
    if (connection[0])
        setenv("SSH_CONNECTION", connection, 1);
    char *argv[] = {"serve", NULL};
    return cmd_serve(1, argv);
}
