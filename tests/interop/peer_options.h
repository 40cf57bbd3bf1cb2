/*
 * peer_options.h - ppp_peer's command line (documented in ppp_peer.c).
 */
#ifndef PEER_OPTIONS_H
#define PEER_OPTIONS_H

#include <stdbool.h>

#include "ppp.h"

struct options {
    const char *connect_path, *pcap_path;
    const char *close_reason; /* our Terminate-Request's data ("interop test done") */
    struct ppp_settings settings;
    uint32_t ping_target;
    unsigned ping_count, ping6_count, echoes;
    unsigned timeout_s, hold_ms;
    bool verbose, wait_peer_close;
};

/* Defaults, then argv.  Prints a message and returns false on a bad option. */
bool parse_options(struct options *o, int argc, char **argv);

#endif
