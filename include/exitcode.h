/*
 * exitcode.h - pppssh's exit statuses, modelled on pppd's (pppd(8), "EXIT
 * STATUS") so that scripts and supervisors written for pppd keep working.
 * Link causes map through ppp_cause_exit_status(); pppssh.8 lists them all.
 * The numbers are ppp.h's (enum ppp_exit_status): written once.
 */
#ifndef PPPSSH_RUN_EXITCODE_H
#define PPPSSH_RUN_EXITCODE_H

#include "ppp.h"

enum run_exit {
    RUN_EXIT_OK = PPP_EXIT_OK,
    RUN_EXIT_FATAL = PPP_EXIT_FATAL_ERROR,             /* anything else: a system call failed */
    RUN_EXIT_CONFIG = PPP_EXIT_OPTION_ERROR,           /* bad arguments or config */
    RUN_EXIT_NOT_PERMITTED = PPP_EXIT_NOT_ROOT,        /* missing CAP_NET_ADMIN */
    RUN_EXIT_NO_TUN = PPP_EXIT_NO_KERNEL_SUPPORT,      /* no /dev/net/tun */
    RUN_EXIT_USER_REQUEST = PPP_EXIT_USER_REQUEST,     /* down, INT, TERM */
    RUN_EXIT_IN_USE = PPP_EXIT_LOCK_FAILED,            /* interface or tunnel name taken */
    RUN_EXIT_CONNECT_FAILED = PPP_EXIT_CONNECT_FAILED, /* server unreachable */
    RUN_EXIT_COMMAND_FAILED = PPP_EXIT_PTYCMD_FAILED,  /* ssh/Command/remote command */
    RUN_EXIT_NEGOTIATION = PPP_EXIT_NEGOTIATION_FAILED,
    RUN_EXIT_HOST_KEY = PPP_EXIT_PEER_AUTH_FAILED, /* server's host key refused */
    RUN_EXIT_PEER_DEAD = PPP_EXIT_PEER_DEAD,
    RUN_EXIT_HANGUP = PPP_EXIT_HANGUP, /* the transport went away */
    RUN_EXIT_LOOPBACK = PPP_EXIT_LOOPBACK,
    RUN_EXIT_AUTH_REFUSED = PPP_EXIT_AUTH_TOPEER_FAILED, /* server refused our key */
};

#endif
