/*
 * exitcode.h - pppssh's exit statuses, modelled on pppd's (pppd(8), "EXIT
 * STATUS") so that scripts and supervisors written for pppd keep working.
 * Link causes map through ppp_cause_exit_status(); pppssh.8 lists them all.
 */
#ifndef PPPSSH_RUN_EXITCODE_H
#define PPPSSH_RUN_EXITCODE_H

enum run_exit {
    RUN_EXIT_OK = 0,
    RUN_EXIT_FATAL = 1,          /* anything else: a system call failed */
    RUN_EXIT_CONFIG = 2,         /* pppd EXIT_OPTION_ERROR: bad arguments or config */
    RUN_EXIT_NOT_PERMITTED = 3,  /* pppd EXIT_NOT_ROOT: missing CAP_NET_ADMIN */
    RUN_EXIT_NO_TUN = 4,         /* pppd EXIT_NO_KERNEL_SUPPORT: no /dev/net/tun */
    RUN_EXIT_USER_REQUEST = 5,   /* pppd EXIT_USER_REQUEST: down, INT, TERM */
    RUN_EXIT_IN_USE = 6,         /* pppd EXIT_LOCK_FAILED: interface or tunnel name taken */
    RUN_EXIT_CONNECT_FAILED = 8, /* pppd EXIT_CONNECT_FAILED: server unreachable */
    RUN_EXIT_COMMAND_FAILED = 9, /* pppd EXIT_PTYCMD_FAILED: ssh/Command/remote command */
    RUN_EXIT_NEGOTIATION = 10,   /* pppd EXIT_NEGOTIATION_FAILED */
    RUN_EXIT_HOST_KEY = 11,      /* pppd EXIT_PEER_AUTH_FAILED: server's host key refused */
    RUN_EXIT_PEER_DEAD = 15,     /* pppd EXIT_PEER_DEAD */
    RUN_EXIT_HANGUP = 16,        /* pppd EXIT_HANGUP: the transport went away */
    RUN_EXIT_LOOPBACK = 17,      /* pppd EXIT_LOOPBACK */
    RUN_EXIT_AUTH_REFUSED = 19,  /* pppd EXIT_AUTH_TOPEER_FAILED: server refused our key */
};

#endif
