/*
 * helper_proto.h - what an unprivileged `pppssh serve` session and the
 * privileged `pppssh helper` say to each other over a SOCK_SEQPACKET unix
 * socket: a short fixed list of fixed-size binary messages, each starting
 * with a version and a type.  One request, one answer, in turn.
 *
 *   OPEN(user)        -> GRANTED(run parameters) + the TUN fd by SCM_RIGHTS,
 *                        or REFUSED(reason)
 *   IPV4_UP(mtu)      -> DONE or FAILED(reason)   IPCP is up
 *   IPV6_UP(mtu, ifid)-> DONE or FAILED(reason)   IPV6CP is up
 *   IPV4_DOWN         -> DONE                     IPCP went down
 *   IPV6_DOWN         -> DONE                     IPV6CP went down
 *   BYE               -> DONE                     the session ends
 *   GSO_MAX(mtu)      -> DONE or FAILED(reason)   offloads: the largest
 *                        packet the kernel may hand the session (LCP up)
 *
 * The session says only these things; the helper decides every address
 * and route from server.conf and checks and clamps what it is told (the
 * session parses the peer's bytes and may be the peer's by now).  The
 * codec is pure: bytes in, a struct out, or -1 for anything undefined.
 */
#ifndef PPPSSH_SERVER_HELPER_PROTO_H
#define PPPSSH_SERVER_HELPER_PROTO_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define HELPER_PROTO_VERSION 1
#define HELPER_USER_MAX 32 /* a VPN user name, NUL-padded on the wire */
#define HELPER_IFNAME_MAX 16
#define HELPER_REASON_MAX 256
#define HELPER_MAX_ROUTES 64

/* The interface MTU the helper sets: the config's MTU range (pppssh.conf(5)).
 * IPv6 needs 1280 (RFC 8200 section 5): below it IPV6_UP fails. */
#define HELPER_MTU_MIN 576
#define HELPER_MTU_MAX 65535
#define HELPER_MTU_IPV6_MIN 1280

enum helper_type {
    /* requests, session -> helper */
    HELPER_OPEN = 1,
    HELPER_IPV4_UP,
    HELPER_IPV6_UP,
    HELPER_IPV4_DOWN,
    HELPER_IPV6_DOWN,
    HELPER_BYE,
    HELPER_GSO_MAX,
    /* answers, helper -> session */
    HELPER_GRANTED = 0x81,
    HELPER_REFUSED,
    HELPER_DONE,
    HELPER_FAILED,
};

struct helper_request {
    enum helper_type type;
    char user[HELPER_USER_MAX]; /* OPEN: the VPN user ([User NAME]) */
    uint32_t mtu;               /* IPV4_UP, IPV6_UP, GSO_MAX: the peer's MRU less our
                                   overhead */
    uint8_t ifid[8];            /* IPV6_UP: our interface identifier (RFC 5072) */
};

/* GRANTED: what the session runs with (the helper already holds the lease). */
struct helper_grant {
    struct in_addr local, remote; /* IPCP's addresses */
    struct in_addr dns[2];        /* handed out in IPCP; 0.0.0.0 = none */
    bool offload;
    char ifname[HELPER_IFNAME_MAX]; /* the TUN interface the passed fd is */
    /* The peer's own networks (its Address6 as a /128 among them), for
     * the session's anti-spoofing filter. */
    struct os_prefix routes[HELPER_MAX_ROUTES];
    size_t n_routes;
};

struct helper_answer {
    enum helper_type type;
    struct helper_grant grant;      /* GRANTED */
    char reason[HELPER_REASON_MAX]; /* REFUSED, FAILED */
};

#define HELPER_REQUEST_LEN 48
#define HELPER_ANSWER_LEN (4 + 44 + HELPER_MAX_ROUTES * 18)

/* Each returns the message's length, or -1 if r is not a message we
 * define (then nothing useful is in out). */
int helper_request_encode(const struct helper_request *r, uint8_t out[HELPER_REQUEST_LEN]);
int helper_request_decode(const uint8_t *in, size_t len, struct helper_request *r);
int helper_answer_encode(const struct helper_answer *a, uint8_t out[HELPER_ANSWER_LEN]);
int helper_answer_decode(const uint8_t *in, size_t len, struct helper_answer *a);

/* A VPN user name the helper will look up: 1..31 of [A-Za-z0-9_.@-] (as
 * pppssh.conf(5) allows), not starting with '-' or '.' (it names files
 * and interfaces). */
bool helper_user_valid(const char *name);

/* The MTU the helper sets for what the session asked (clamped). */
uint32_t helper_clamp_mtu(uint32_t asked);

/* An interface identifier the helper will put in fe80::/64: not zero
 * (RFC 5072 section 4.1) and not all ones. */
bool helper_ifid_valid(const uint8_t ifid[8]);

const char *helper_type_name(enum helper_type t);

#endif
