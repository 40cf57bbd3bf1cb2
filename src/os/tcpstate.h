/*
 * tcpstate.h - what the kernel knows about a TCP connection (tcp(7)
 * TCP_INFO), reduced to what the pacer needs: how long bytes now wait
 * in it, and how fast it delivers.
 */
#ifndef PPPSSH_OS_TCPSTATE_H
#define PPPSSH_OS_TCPSTATE_H

#include <stdbool.h>
#include <stdint.h>

struct sock_diag;
struct tcp_conn_id;

struct tcp_state {
    uint32_t rtt_us, min_rtt_us; /* smoothed RTT, and the smallest seen */
    uint32_t notsent_bytes;      /* written but not yet sent */
    uint64_t bytes_acked;        /* ever */
    uint64_t inflight_bytes;     /* sent, not yet acknowledged nor lost (RFC 6675's pipe) */
};

/* 0, or -errno (e.g. -EOPNOTSUPP: not TCP, or a kernel too old for
 * tcpi_min_rtt). */
int tcp_state_read(int fd, struct tcp_state *out);

/* The same for a connection another process holds (sockdiag.h); also
 * -ENOENT once it is gone. */
int tcp_state_read_diag(struct sock_diag *d, const struct tcp_conn_id *id, struct tcp_state *out);

/* TCP_NOTSENT_LOWAT: the socket takes more only while fewer than bytes
 * wait unsent, so a backlog stays above it (in ssh, then in our queue).
 * 0, or -errno. */
int tcp_state_set_notsent_lowat(int fd, unsigned bytes);

/* TCP_QUICKACK: send a delayed ACK now.  The kernel may delay again
 * later, so this is per event, not a mode.  0, or -errno. */
int tcp_state_ack_now(int fd);

#endif
