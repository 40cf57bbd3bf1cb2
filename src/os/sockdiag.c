/* sockdiag.c - one connection's tcp_info through NETLINK_SOCK_DIAG */
#include "sockdiag.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int parse_addr(const char *text, int *family, uint8_t addr[16])
{
    memset(addr, 0, 16);
    if (inet_pton(AF_INET, text, addr) == 1) {
        *family = AF_INET;
        return 0;
    }
    if (inet_pton(AF_INET6, text, addr) == 1) {
        *family = AF_INET6;
        return 0;
    }
    return -EINVAL;
}

static int parse_port(const char *text, uint16_t *port)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || end == text || *end || v == 0 || v > 65535)
        return -EINVAL;
    *port = (uint16_t)v;
    return 0;
}

int tcp_conn_id_parse_ssh(const char *text, struct tcp_conn_id *out)
{
    char cip[64], cport[8], sip[64], sport[8], extra;
    int cfam, sfam;
    if (!text || sscanf(text, "%63s %7s %63s %7s %c", cip, cport, sip, sport, &extra) != 4)
        return -EINVAL;
    memset(out, 0, sizeof(*out));
    if (parse_addr(cip, &cfam, out->remote) < 0 || parse_addr(sip, &sfam, out->local) < 0 ||
        cfam != sfam || parse_port(cport, &out->remote_port) < 0 ||
        parse_port(sport, &out->local_port) < 0)
        return -EINVAL;
    out->family = cfam;
    return 0;
}

/* TCP_ESTABLISHED of the kernel's tcp_states.h (<netinet/tcp.h>, which
 * has it, clashes with <linux/tcp.h>). */
#define SOCK_DIAG_ESTABLISHED 1

int sock_diag_open(struct sock_diag *d)
{
    d->seq = 0;
    d->fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
    return d->fd < 0 ? -errno : 0;
}

void sock_diag_close(struct sock_diag *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

static void request(char *buf, const struct tcp_conn_id *id, uint32_t seq)
{
    struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
    nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
    nlh->nlmsg_flags = NLM_F_REQUEST; /* an exact lookup, not a dump */
    nlh->nlmsg_seq = seq;
    struct inet_diag_req_v2 *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
    req->sdiag_family = (uint8_t)id->family;
    req->sdiag_protocol = IPPROTO_TCP;
    req->idiag_ext = 1u << (INET_DIAG_INFO - 1);
    req->idiag_states = 1u << SOCK_DIAG_ESTABLISHED;
    req->id.idiag_sport = htons(id->local_port);
    req->id.idiag_dport = htons(id->remote_port);
    memcpy(req->id.idiag_src, id->local, 16);
    memcpy(req->id.idiag_dst, id->remote, 16);
    req->id.idiag_cookie[0] = req->id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
}

struct info_out {
    struct tcp_info *info;
    size_t len;
    uint8_t state; /* the socket's TCP state */
};

static int on_attr(const struct nlattr *attr, void *data)
{
    struct info_out *o = data;
    if (mnl_attr_get_type(attr) == INET_DIAG_INFO) {
        size_t n = mnl_attr_get_payload_len(attr);
        o->len = n < sizeof(*o->info) ? n : sizeof(*o->info);
        memcpy(o->info, mnl_attr_get_payload(attr), o->len);
    }
    return MNL_CB_OK;
}

static int on_reply(const struct nlmsghdr *nlh, void *data)
{
    struct info_out *o = data;
    if (mnl_nlmsg_get_payload_len(nlh) < sizeof(struct inet_diag_msg)) {
        errno = EPROTO;
        return MNL_CB_ERROR;
    }
    o->state = ((const struct inet_diag_msg *)mnl_nlmsg_get_payload(nlh))->idiag_state;
    return mnl_attr_parse(nlh, sizeof(struct inet_diag_msg), on_attr, data) < 0 ? MNL_CB_ERROR
                                                                                : MNL_CB_OK;
}

int sock_diag_tcp_info(struct sock_diag *d, const struct tcp_conn_id *id, struct tcp_info *out,
                       size_t *len)
{
    char buf[8192] __attribute__((aligned(NLMSG_ALIGNTO)));
    struct info_out o = {.info = out, .len = 0};
    memset(out, 0, sizeof(*out));
    /* Whatever an earlier query left unread goes first (one query leaves
     * at most one answer). */
    for (int i = 0; i < 8 && recv(d->fd, buf, sizeof(buf), MSG_DONTWAIT) > 0; i++)
        ;
    request(buf, id, ++d->seq);
    const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
    if (send(d->fd, buf, nlh->nlmsg_len, 0) < 0)
        return -errno;
    /* The kernel answers within send(): one message, or an error.  Never
     * wait for it, so that the event loop cannot stall here. */
    ssize_t n = recv(d->fd, buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
    if (mnl_cb_run(buf, (size_t)n, d->seq, 0, on_reply, &o) < 0)
        return -errno;
    /* An exact lookup finds a closing socket too (states filter only
     * dumps): it is not the connection any more. */
    if (o.len && o.state == SOCK_DIAG_ESTABLISHED) {
        *len = o.len;
        return 0;
    }
    return -ENOENT;
}
