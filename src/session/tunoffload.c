/*
 * tunoffload.c - TCP segmentation offload across the link.
 *
 * The TUN is opened with a virtio_net_hdr in front of every packet (tun.h).
 * Once both ends are pppssh and agreed on the offload option (offload.h),
 * the kernel is told it may hand us TCP packets of up to 64 KiB with a
 * partial checksum: one read, one queue entry, one PPP frame and one write
 * at the far end, where that kernel (or a NIC behind it) cuts the
 * segments.  Per-packet work on both ends and in both kernels' forwarding
 * paths drops by the segments per packet, up to 45 at 1448 bytes.
 *
 * Against a standard peer, or after one that could take them is gone,
 * offloads are off: a packet still queued with a partial checksum gets it
 * finished here; one still needing segmenting is dropped and counted (the
 * sender's TCP repeats it), which happens only in the moment offloads are
 * switched off.
 */
#include <endian.h>
#include <errno.h>
#include <linux/virtio_net.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "tun.h"
#include "tunnel.h"

static void from_vnet(const struct virtio_net_hdr *h, struct ppp_offload *off)
{
    /* DATA_VALID ("checksum already checked") means nothing to the far
     * end's kernel, which checks a whole packet's checksum itself. */
    off->flags = h->flags & VIRTIO_NET_HDR_F_NEEDS_CSUM ? PPP_OFFLOAD_NEEDS_CSUM : 0;
    off->gso_type = h->gso_type;
    off->hdr_len = le16toh(h->hdr_len);
    off->gso_size = le16toh(h->gso_size);
    off->csum_start = le16toh(h->csum_start);
    off->csum_offset = le16toh(h->csum_offset);
}

static void to_vnet(const struct ppp_offload *off, struct virtio_net_hdr *h)
{
    memset(h, 0, sizeof(*h));
    if (!off)
        return;
    h->flags = off->flags & PPP_OFFLOAD_NEEDS_CSUM ? VIRTIO_NET_HDR_F_NEEDS_CSUM : 0;
    h->gso_type = off->gso_type;
    h->hdr_len = htole16(off->hdr_len);
    h->gso_size = htole16(off->gso_size);
    h->csum_start = htole16(off->csum_start);
    h->csum_offset = htole16(off->csum_offset);
}

bool tun_offload_wanted(const struct tunnel *t)
{
    /* serve takes nothing from an environment sshd may let a client set:
     * its options and server.conf decide (cmd_serve.c). */
    if (t->p->packet_fd >= 0)
        return false; /* a stack's socket carries bare packets */
    if (!t->p->duties.read_env)
        return true;
    const char *env = getenv("PPPSSH_OFFLOAD");
    return !(env && strcmp(env, "0") == 0);
}

/* A stack's SEQPACKET socket: one bare packet a message; 0 is its end. */
static ssize_t stack_read_packet(struct tunnel *t, struct ppp_offload *off)
{
    memset(off, 0, sizeof(*off));
    ssize_t n = recv(t->pump.fd, t->pump.packet, sizeof(t->pump.packet), MSG_DONTWAIT);
    return n < 0 ? -errno : n == 0 ? -EPIPE : n;
}

ssize_t tun_read_packet(struct tunnel *t, struct ppp_offload *off)
{
    if (t->p->packet_fd >= 0)
        return stack_read_packet(t, off);
    struct virtio_net_hdr h;
    struct iovec iov[2] = {{&h, sizeof(h)}, {t->pump.packet, sizeof(t->pump.packet)}};
    ssize_t n = readv(t->pump.fd, iov, 2);
    if (n < 0)
        return -errno;
    if ((size_t)n < sizeof(h))
        return 0;
    from_vnet(&h, off);
    return n - (ssize_t)sizeof(h);
}

int tun_write_packet(struct tunnel *t, const struct ppp_offload *off, const uint8_t *pkt,
                     size_t len)
{
    if (t->p->packet_fd >= 0)
        return send(t->pump.fd, pkt, len, MSG_DONTWAIT | MSG_NOSIGNAL) < 0 ? -errno : 0;
    struct virtio_net_hdr h;
    to_vnet(off, &h);
    struct iovec iov[2] = {{&h, sizeof(h)}, {(void *)pkt, len}};
    return writev(t->pump.fd, iov, 2) < 0 ? -errno : 0;
}

static void offload_switch(struct tunnel *t, bool on)
{
    char err[256];
    if (t->pump.offload_on == on)
        return;
    /* A failure to turn them off is logged once: what still comes with
     * metadata is finished or dropped in tun_offload_send(). */
    if (tun_set_offload(t->pump.fd, t->ifname, on, err, sizeof(err)) < 0) {
        log_warn("%s", err);
        if (on)
            return;
    }
    t->pump.offload_on = on;
}

void tun_offload_link_up(struct tunnel *t, const struct ppp_event *ev)
{
    if (!ev->u.lcp.offload_tx || t->pump.fd < 0) {
        offload_switch(t, false);
        return;
    }
    /* The kernel segments a packet itself before it would exceed this:
     * with the header it must fit the peer's MRU. */
    unsigned max = ev->u.lcp.mru_tx - PPP_OFFLOAD_HEADER_LEN;
    struct cfg_request rq = {.kind = CFG_GSO_MAX, .mtu = max};
    if (configure(t, &rq) < 0) {
        log_info("%s: offloads stay off", t->cfg_err);
        offload_switch(t, false);
        return;
    }
    t->pump.offload_cap = max;
    offload_switch(t, true);
    if (t->pump.offload_on)
        log_info("offloads on: TCP packets of up to %u bytes cross as one frame", max);
}

void tun_offload_link_down(struct tunnel *t)
{
    offload_switch(t, false);
}

/* Some kernels refused offloaded writes for a while (EINVAL from every
 * TSO write, Linux 6.6.44 among them): the packet is lost (its sender's
 * TCP repeats it), and the peer is told to send plain IP from now on. */
int tun_offload_write(struct tunnel *t, const struct ppp_offload *off, const uint8_t *pkt,
                      size_t len)
{
    int r = tun_write_packet(t, off, pkt, len);
    if (r == -EINVAL && off && !ppp_offload_is_plain(off)) {
        log_warn("%s refuses offloaded packets (%s): asking the peer for plain ones", t->ifname,
                 strerror(-r));
        t->pump.offload_refuse = true; /* inside the engine's callback: done once it returns */
    }
    return r;
}

int tun_offload_send(struct tunnel *t, struct ppp_offload *off, uint8_t *pkt, size_t len,
                     ppp_time now)
{
    int r = ppp_link_send_offloaded(t->link, off, pkt, len, now);
    /* Our kernel's partial checksum somewhere the peer would refuse it
     * (ppp_offload_valid: an inner header of a tunnelled packet, say): the
     * packet goes with its checksum finished here. */
    if (r == PPP_ERR_BAD_PACKET && ppp_offload_csum_fits(off, len)) {
        ppp_offload_complete_csum(off, pkt, len);
        return ppp_link_send_ip(t->link, pkt, len, now);
    }
    if (r != PPP_ERR_NO_OFFLOAD && r != PPP_ERR_TOO_BIG)
        return r;
    /* The metadata is sound (the engine checks that first): the peer
     * just cannot take it, or no longer (it Protocol-Rejected it). */
    if (r == PPP_ERR_NO_OFFLOAD)
        offload_switch(t, false);
    if (off->gso_type != PPP_GSO_NONE) {
        t->pump.offload_dropped++;
        return r;
    }
    ppp_offload_complete_csum(off, pkt, len);
    return ppp_link_send_ip(t->link, pkt, len, now);
}
