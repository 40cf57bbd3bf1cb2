/*
 * cmd_fdpass.c - `pppssh fdpass NAME HOST PORT TIMEOUT FAMILY` (hidden):
 * the ProxyCommand that `pppssh up` gives ssh with ProxyUseFdpass=yes.
 * It connects to the SSH server, sends the socket to the pppssh that
 * listens on the abstract unix socket NAME (best effort: without it that
 * pppssh only paces less well) and to ssh on stdout, and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "commands.h"
#include "fdpass.h"

static int parse_family(const char *s)
{
    return strcmp(s, "inet") == 0 ? AF_INET : strcmp(s, "inet6") == 0 ? AF_INET6 : AF_UNSPEC;
}

static void send_to_pppssh(const char *name, int tcp)
{
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0 || fdpass_send(s, tcp, name) < 0)
        fprintf(stderr, "pppssh fdpass: the tunnel did not take the connection\n");
    if (s >= 0)
        close(s);
}

int cmd_fdpass(int argc, char **argv)
{
    char err[512];
    if (argc != 6) {
        fprintf(stderr,
                "usage: pppssh fdpass NAME HOST PORT TIMEOUT FAMILY (ssh's ProxyCommand)\n");
        return 2;
    }
    unsigned port = (unsigned)strtoul(argv[3], NULL, 10);
    unsigned timeout = (unsigned)strtoul(argv[4], NULL, 10);
    int tcp = fdpass_connect(argv[2], port, parse_family(argv[5]), timeout, err, sizeof(err));
    if (tcp < 0) {
        /* ssh passes our stderr on; the same words as its own connect
         * errors, so the tunnel classifies them alike. */
        fprintf(stderr, "ssh: %s\n", err);
        return 255;
    }
    send_to_pppssh(argv[1], tcp);
    if (fdpass_send(STDOUT_FILENO, tcp, NULL) < 0) {
        perror("pppssh fdpass: cannot hand the connection to ssh");
        return 255;
    }
    return 0;
}
