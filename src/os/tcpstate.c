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
    /* tcpi_delivery_rate is the newest field used (Linux 4.9). */
    if (len < offsetof(struct tcp_info, tcpi_delivery_rate) + sizeof(ti->tcpi_delivery_rate))
        return -EOPNOTSUPP;
    out->rtt_us = ti->tcpi_rtt;
    out->min_rtt_us = ti->tcpi_min_rtt;
    out->notsent_bytes = ti->tcpi_notsent_bytes;
    out->unacked = ti->tcpi_unacked;
    out->delivery_rate = ti->tcpi_delivery_rate;
    out->bytes_acked = ti->tcpi_bytes_acked;
    out->app_limited = ti->tcpi_delivery_rate_app_limited;
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

uint64_t tcp_state_queue_ns(const struct tcp_state *s)
{
    uint64_t q = 0;
    if (s->min_rtt_us && s->rtt_us > s->min_rtt_us)
        q = (uint64_t)(s->rtt_us - s->min_rtt_us) * 1000;
    if (s->delivery_rate)
        q += (uint64_t)s->notsent_bytes * 1000000000ull / s->delivery_rate;
    return q;
}
