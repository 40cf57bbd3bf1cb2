/* tcpstate.c - TCP_INFO of the SSH connection */
#include "tcpstate.h"

#include <errno.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "sockdiag.h"

static int from_info(const struct tcp_info *ti, size_t len, struct tcp_state *out)
{
    /* tcpi_min_rtt is the newest field used (Linux 4.6). */
    if (len < offsetof(struct tcp_info, tcpi_min_rtt) + sizeof(ti->tcpi_min_rtt))
        return -EOPNOTSUPP;
    out->rtt_us = ti->tcpi_rtt;
    out->min_rtt_us = ti->tcpi_min_rtt;
    out->notsent_bytes = ti->tcpi_notsent_bytes;
    out->bytes_acked = ti->tcpi_bytes_acked;
    /* In segments, counted as the kernel's tcp_packets_in_flight() does. */
    uint64_t out_segs = (uint64_t)ti->tcpi_unacked + ti->tcpi_retrans;
    uint64_t gone = (uint64_t)ti->tcpi_sacked + ti->tcpi_lost;
    out->inflight_bytes = out_segs > gone ? (out_segs - gone) * ti->tcpi_snd_mss : 0;
    return 0;
}

int tcp_state_read(int fd, struct tcp_state *out)
{
    struct tcp_info ti;
    socklen_t len = sizeof(ti);
    memset(&ti, 0, sizeof(ti));
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) < 0)
        return -errno;
    return from_info(&ti, len, out);
}

int tcp_state_read_diag(struct sock_diag *d, const struct tcp_conn_id *id, struct tcp_state *out)
{
    struct tcp_info ti;
    size_t len = 0;
    int r = sock_diag_tcp_info(d, id, &ti, &len);
    return r < 0 ? r : from_info(&ti, len, out);
}

int tcp_state_set_notsent_lowat(int fd, unsigned bytes)
{
    int v = (int)bytes;
    return setsockopt(fd, IPPROTO_TCP, TCP_NOTSENT_LOWAT, &v, sizeof(v)) < 0 ? -errno : 0;
}

int tcp_state_ack_now(int fd)
{
    int one = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one)) < 0 ? -errno : 0;
}
