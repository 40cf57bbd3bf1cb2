/*
 * tunnel.h - the state of one running tunnel, shared by the files of
 * src/run/ that each handle one part of it: loop.c (epoll, timer,
 * signals, start and end), stream.c (the transport child and its bytes),
 * tunio.c (packets to and from the TUN interface), ifup.c (engine events:
 * configuring the interface), serve_ctl.c (control socket requests).
 */
#ifndef PPPSSH_RUN_TUNNEL_H
#define PPPSSH_RUN_TUNNEL_H

#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "control.h"
#include "fq.h"
#include "netcfg.h"
#include "pacer.h"
#include "ppp.h"
#include "run.h"
#include "spawn.h"
#include "spoof.h"
#include "ssh.h"

/* epoll tags */
enum {
    TAG_TIMER = 1,
    TAG_SIGNAL,
    TAG_TUN,
    TAG_STREAM_IN,
    TAG_STREAM_OUT,
    TAG_STDERR,
    TAG_CTL_LISTEN,
    TAG_CTL_CLIENT, /* + index */
};

struct ctl_client {
    int fd;
    char buf[64];
    size_t len;
    bool waiting_down; /* answered when the tunnel is gone */
};

struct tunnel {
    const struct run_params *p;
    int epfd, timer_fd, signal_fd;
    sigset_t old_mask;
    struct ppp_link *link;

    /* The TUN interface. */
    int tun_fd;
    char ifname[IFNAMSIZ];
    unsigned ifindex;
    bool tun_reading;
    bool iface_up;
    unsigned mtu;
    struct netcfg net;
    uint8_t packet[65536];
    /* Our outbound queue and the pace at which it feeds the stream. */
    struct fq *fq;
    struct pacer pacer;
    bool stream_backlogged; /* the engine holds unwritten bytes: wait for EPOLLOUT */

    /* The transport. */
    struct spawn_child child; /* pid 0: none (serve) */
    bool child_exited;
    int child_status;
    int in_fd, out_fd;
    bool stream_gone;
    uint32_t stream_events; /* what epoll watches on in_fd / out_fd */
    uint32_t out_events;
    char err_buf[1024];
    size_t err_len;
    bool err_eof;
    enum ssh_failure ssh_failure;
    char ssh_line[256];  /* the line that classified it */
    char last_line[256]; /* the transport's last stderr line */
    char text_acc[256];  /* text on the stream before the link is up (ssh -tt */
    size_t text_len;     /* merges the remote's stderr into the pty) */

    /* The control socket. */
    int ctl_fd;
    struct ctl_client clients[CONTROL_MAX_CLIENTS];

    /* The link as negotiated. */
    bool ipcp_up, ipv6cp_up, reported_up;
    struct in_addr local4, remote4;
    uint8_t local_ifid[8], remote_ifid[8];
    ppp_time started, up_since, echo_rtt;
    char engine_warning[256]; /* the engine's last warning: the "why" */
    struct spoof_filter spoof;

    /* Counters the engine cannot keep. */
    uint64_t tun_in_dropped;  /* from TUN, refused by the engine */
    uint64_t tun_out_dropped; /* to TUN, not written (queue full) */
    uint64_t spoofed;         /* from the client with a foreign source */

    /* How it ends. */
    bool stopping, dead, finished;
    ppp_time deadline; /* PPP_TIME_NEVER or when to give up waiting */
    int exit_status;
    char exit_msg[512];
    bool failed; /* exit_status/exit_msg are set */
};

ppp_time tunnel_now(void);

/* Records the first failure and starts closing the link. */
void tunnel_fail(struct tunnel *t, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Administrative close (down, INT, TERM). */
void tunnel_stop(struct tunnel *t, const char *reason);
void tunnel_epoll_mod(struct tunnel *t, int fd, uint32_t tag, uint32_t events);

/* stream.c */
int stream_start(struct tunnel *t);
void stream_readable(struct tunnel *t);
void stream_flush(struct tunnel *t);
void stream_stderr_readable(struct tunnel *t);
void stream_child_changed(struct tunnel *t);
void stream_stop(struct tunnel *t);

/* tunio.c */
int tun_start(struct tunnel *t);
void tun_readable(struct tunnel *t);
void tun_update_reading(struct tunnel *t);
/* The engine's ip_packet callback: a datagram from the peer. */
void tun_ip_packet(void *user, int family, const uint8_t *pkt, size_t len);
/* When the queue next needs a call (pacing, probes); PPP_TIME_NEVER if not.
 * Any wake-up does that call: tun_update_reading(). */
ppp_time tun_expiry(struct tunnel *t);
/* An LCP echo's RTT (PPP_EV_ECHO_RTT): the pacer's measure of the stream. */
void tun_echo_rtt(struct tunnel *t, ppp_time rtt);
/* "queue: ..." lines for `pppssh status`; returns the length written. */
size_t tun_queue_status(const struct tunnel *t, char *buf, size_t size);
void tun_stop(struct tunnel *t);

/* ifup.c */
void ifup_event(void *user, const struct ppp_event *ev);
void ifup_log(void *user, enum ppp_log_level level, const char *line);

/* serve_ctl.c */
void ctl_accept(struct tunnel *t);
void ctl_readable(struct tunnel *t, unsigned index);
void ctl_close_all(struct tunnel *t);

#endif
