/*
 * helper_ask.h - the session's side of pppssh helper (helper_proto.h):
 * an unprivileged `pppssh serve` asks it for its tunnel's interface and
 * tells it when IPCP or IPV6CP went up or down.  Each call sends one
 * request and waits for its answer (the helper answers at once, but for
 * an OPEN that has to take over a stale session first).
 */
#ifndef PPPSSH_SERVER_HELPER_ASK_H
#define PPPSSH_SERVER_HELPER_ASK_H

#include <stddef.h>
#include <stdint.h>

#include "helper_proto.h"

#define HELPER_ASK_OPEN_MS 45000 /* admission may wait for a takeover (admit.h) */
/* The helper serves its sessions one request at a time and runs ip(8)
 * for most: when many sessions start at once (200 clients after a
 * server restart, bench/serve-scale.sh) a request waits behind the
 * others' for seconds.  Well below the client's keepalive failure
 * (3 x 10 s), during which the session's loop waits. */
#define HELPER_ASK_MS 15000

/* Connects to the helper at path and asks for user's tunnel.  Returns the
 * connected socket (keep it open for the session: closing it ends the
 * session in the helper) with *g, *tun_fd and *lease_fd set; -ENOENT or
 * -ECONNREFUSED if no helper listens there; -EACCES if the helper refused
 * (err says why); other -errno with err set. */
int helper_ask_open(const char *path, const char *user, struct helper_grant *g, int *tun_fd,
                    int *lease_fd, char *err, size_t errlen);

/* helper_ask_open()'s first step: the connected socket, -ENOENT or
 * -ECONNREFUSED if no helper listens at path, other -errno with err set. */
int helper_ask_connect(const char *path, const char *user, char *err, size_t errlen);

/* The same on a socket already connected to the helper (the socketpair of
 * a serve that split itself, helper.h): it is the returned socket, or
 * closed on error. */
int helper_ask_open_on(int sock, const char *user, struct helper_grant *g, int *tun_fd,
                       int *lease_fd, char *err, size_t errlen);

/* One of IPV4_UP, IPV6_UP (ifid our interface identifier), IPV4_DOWN,
 * IPV6_DOWN, BYE.  0 once done, or -1 with err saying why not. */
int helper_ask(int sock, enum helper_type type, uint32_t mtu, const uint8_t *ifid, char *err,
               size_t errlen);

/* The helper's socket is readable while no request is waiting: either
 * the answer to a request that timed out (HELPER_ASK_MS) came late -
 * read and dropped, returns 1: the session goes on - or the helper hung
 * up, returns 0. */
int helper_ask_late(int sock);

#endif
