/*
 * tunio.c - packets between the TUN interface and the engine.
 */
#include "tunnel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "exitcode.h"
#include "log.h"
#include "netlink.h"
#include "tun.h"

#define TUN_READ_ROUNDS 32 /* packets per wake-up */

int tun_start(struct tunnel *t)
{
    char err[256], ifname[IFNAMSIZ];
    int fd = tun_open(t->p->interface[0] ? t->p->interface : NULL, ifname, err, sizeof(err));
    if (fd < 0) {
        int status = RUN_EXIT_FATAL;
        if (fd == -EEXIST || fd == -EBUSY)
            status = RUN_EXIT_IN_USE;
        else if (fd == -EPERM || fd == -EACCES)
            status = RUN_EXIT_NOT_PERMITTED;
        else if (fd == -ENOENT || fd == -ENODEV || fd == -ENXIO)
            status = RUN_EXIT_NO_TUN;
        tunnel_fail(t, status, "%s", err);
        return -1;
    }
    t->tun_fd = fd;
    snprintf(t->ifname, sizeof(t->ifname), "%s", ifname);
    log_info("[#] ip tuntap add %s mode tun", ifname);
    if (nl_link_index(ifname, &t->ifindex, err, sizeof(err)) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "%s", err);
        return -1;
    }
    netcfg_init(&t->net, ifname, t->ifindex);
    struct epoll_event ev = {.events = 0, .data.u32 = TAG_TUN};
    if (epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
        tunnel_fail(t, RUN_EXIT_FATAL, "cannot watch %s: %s", ifname, strerror(errno));
        return -1;
    }
    return 0;
}

/* Worst case room one packet of the interface MTU needs once HDLC-escaped. */
static size_t room_needed(const struct tunnel *t)
{
    return 2 * (size_t)(t->mtu ? t->mtu : 1500) + 10;
}

/* Read the TUN only while a network protocol is up and the engine has room
 * for another packet: when the stream is slow, the kernel's queue holds the
 * packets (and drops them by its own policy) instead of us. */
void tun_update_reading(struct tunnel *t)
{
    if (t->tun_fd < 0)
        return;
    bool want = t->link && !t->stream_gone && (t->ipcp_up || t->ipv6cp_up) &&
                ppp_link_tx_room(t->link) >= room_needed(t);
    if (want != t->tun_reading) {
        tunnel_epoll_mod(t, t->tun_fd, TAG_TUN, want ? EPOLLIN : 0);
        t->tun_reading = want;
    }
}

void tun_readable(struct tunnel *t)
{
    for (int i = 0; i < TUN_READ_ROUNDS; i++) {
        if (ppp_link_tx_room(t->link) < room_needed(t))
            return;
        ssize_t n = read(t->tun_fd, t->packet, sizeof(t->packet));
        if (n < 0) {
            if (errno != EAGAIN && errno != EINTR)
                log_warn("reading %s: %s", t->ifname, strerror(errno));
            return;
        }
        int r = ppp_link_send_ip(t->link, t->packet, (size_t)n, tunnel_now());
        if (r != PPP_OK) {
            t->tun_in_dropped++;
            if (log_enabled(LOG_LEVEL_DEBUG))
                log_debug("dropped a packet from %s: %s", t->ifname, ppp_strerror(r));
        }
        stream_flush(t);
    }
}

void tun_ip_packet(void *user, int family, const uint8_t *pkt, size_t len)
{
    struct tunnel *t = user;
    (void)family;
    if (t->p->role == RUN_SERVER && t->p->net.antispoof &&
        !spoof_source_allowed(&t->spoof, pkt, len)) {
        if (t->spoofed++ == 0)
            log_warn("dropping packets from the client with a source address it does not own");
        return;
    }
    if (t->tun_fd < 0 || !t->iface_up)
        return;
    /* A full TUN queue (EAGAIN) drops the packet, as a router would: a
     * blocking write would stall the PPP control traffic behind it. */
    if (write(t->tun_fd, pkt, len) < 0)
        t->tun_out_dropped++;
}
