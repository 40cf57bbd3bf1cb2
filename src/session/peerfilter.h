/*
 * peerfilter.h - what a packet from the peer may do once the engine has
 * decoded it, decided before it is written to the TUN: no syscalls, no
 * state but what the caller passes, so that it can be fuzzed.
 *
 * A packet passes only when its IP version is that of its PPP protocol and
 * that protocol's NCP is Opened (RFC 1661 section 3.4, RFC 1332, RFC
 * 5072), its header chain can be read, its source is the client's (on the
 * server, spoof.h), it is no router message (RA, Redirect: they would
 * change our routes), and its offload metadata names only its own TCP or
 * UDP checksum field (offload.h).
 */
#ifndef PPPSSH_RUN_PEERFILTER_H
#define PPPSSH_RUN_PEERFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ppp.h"
#include "spoof.h"

enum peer_verdict {
    PEER_PASS = 0,
    PEER_WRONG_VERSION, /* IPv6 in an IPv4 frame or the other way round */
    PEER_NCP_CLOSED,    /* that family's NCP is not Opened */
    PEER_UNREADABLE,    /* a header chain that does not fit the packet */
    PEER_SPOOFED,       /* a source address the client does not own */
    PEER_ROUTER,        /* RS, RA, Redirect, ND the link does not need */
    PEER_BAD_OFFLOAD,   /* metadata that does not fit the packet */
    PEER_VERDICTS
};

struct peer_filter {
    bool ipv4_open, ipv6_open;        /* IPCP and IPV6CP are Opened */
    const struct spoof_filter *spoof; /* the client's sources (serve), or NULL: any */
};

/* The verdict on one packet the engine handed up: family 4 or 6 from its
 * frame's Protocol (ppp.h ip_packet), off NULL or its metadata. */
enum peer_verdict peer_filter_check(const struct peer_filter *f, int family,
                                    const struct ppp_offload *off, const uint8_t *pkt, size_t len);

/* What a verdict means, for a log line: "a router message". */
const char *peer_verdict_text(enum peer_verdict v);

#endif
