/*
 * portfwd.h - inbound port forwards of the userspace stack (pppssh(8),
 * USERSPACE MODE): a port of the SSH account on the server forwarded
 * through the tunnel to the client's address, as users write one
 * (`PortForward = tcp:8080` or `tcp:8080:80`, host port then client
 * port) and as serve hands the list to pppssh-stack when it attaches.
 * Shared by the config reader, serve and pppssh-stack; no syscalls.
 */
#ifndef PPPSSH_PORTFWD_H
#define PPPSSH_PORTFWD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PORTFWD_MAX 16
#define PORTFWD_TEXT_MAX 16 /* "udp:65535:65535" */

struct portfwd {
    bool udp;
    uint16_t host_port;   /* the server's port, on all its IPv4 addresses */
    uint16_t client_port; /* the client's, on its tunnel address */
};

/* "tcp:8080", "udp:5353" or "tcp:8080:80" (ports 1..65535): 0 with *OUT,
 * else -1. */
int portfwd_parse(const char *text, struct portfwd *out);
/* *F as "tcp:8080:80" in BUF (PORTFWD_TEXT_MAX). */
const char *portfwd_format(const struct portfwd *f, char *buf, size_t size);
bool portfwd_equal(const struct portfwd *a, const struct portfwd *b);

/*
 * The exchange that opens every session on the stack socket, before any
 * IP packet: a message whose first byte is 0 (no IP version), so that an
 * older stack that does not know it drops it as it drops any non-IP
 * packet.  serve asks "\0forward tcp:8080:80 ..." (the whole list: the
 * stack removes the forwards not in it), the stack answers "\0ok" or
 * "\0error WHY".
 */
#define PORTFWD_MSG_MAX (16 + PORTFWD_MAX * PORTFWD_TEXT_MAX)
/* The request for F[0..N) in BUF (PORTFWD_MSG_MAX): its length. */
size_t portfwd_request(const struct portfwd *f, size_t n, char *buf, size_t size);
/* MSG (LEN bytes) as a request: 1 with F[0..*N) (room for PORTFWD_MAX),
 * 0 when it is no control message (an IP packet), -1 when malformed. */
int portfwd_request_parse(const uint8_t *msg, size_t len, struct portfwd *f, size_t *n);
/* The answer: WHY NULL for "ok".  Its length. */
size_t portfwd_answer(const char *why, char *buf, size_t size);
/* MSG as an answer: 1 "ok", -1 "error" with WHY, 0 not an answer. */
int portfwd_answer_parse(const uint8_t *msg, size_t len, char *why, size_t whysize);

#endif
