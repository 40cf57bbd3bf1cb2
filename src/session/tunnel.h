/*
 * tunnel.h - the state of one running tunnel, shared by the files that
 * each handle one part of it.  src/session/: loop.c (epoll, timer,
 * signals, start and end), stream.c (the transport child and its bytes),
 * tun_pump.c (packets to and from the TUN interface), engine_events.c
 * (the engine's recorded events: configuring the interface),
 * ctl_server.c (control socket requests), supervision.c (the supervisor's
 * facts and actions).  The supervisor (src/client/) never sees this
 * struct: only its own, and the facts of supervision.h.
 */
#ifndef PPPSSH_RUN_TUNNEL_H
#define PPPSSH_RUN_TUNNEL_H

#include <netinet/in.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "child.h"
#include "configurator.h" /* the privilege boundary */
#include "control.h"
#include "evqueue.h"
#include "fq.h"
#include "hooks.h"
#include "loglimit.h"
#include "outage.h"
#include "pacer.h"
#include "peerfilter.h"
#include "pidfile.h"
#include "ppp.h"
#include "run.h"
#include "spoof.h"
#include "ssh.h"
#include "stream.h" /* struct stream */
#include "supervision.h"
#include "supervisor.h" /* struct supervisor */

/* epoll tags */
enum {
    TAG_TIMER = 1,
    TAG_SIGNAL,
    TAG_TUN,
    TAG_STREAM_IN,
    TAG_STREAM_OUT,
    TAG_STDERR,
    TAG_CTL_LISTEN,
    TAG_HELPER,     /* serve: pppssh helper's socket (its hang-up ends us) */
    TAG_TRANSPORT_END, /* split up: the transport's wait status (stream.h status_fd) */
    TAG_PRIVILEGED,    /* split up: the privileged part's socket (its hang-up ends us) */
    TAG_CTL_CLIENT, /* + index */
};

struct ctl_client {
    int fd;
    char buf[64];
    size_t len;
    bool waiting_down; /* answered when the tunnel is gone */
    bool waiting_up;   /* reset: answered when the link is up again */
    bool waiting_echo; /* check: answered by the Echo-Reply or its timeout */
};

/* The control socket (ctl_server.c) and the pidfile (loop.c). */
struct ctl_server {
    int fd; /* the listening socket, or -1 */
    struct pidfile pidfile;
    struct ctl_client clients[CONTROL_MAX_CLIENTS];
};

/* What steers the pacer (pace.c). */
enum pace_mode {
    PACE_OFF,  /* PPPSSH_PACE=0, or no TCP_INFO: the stream's backpressure only */
    PACE_ECHO, /* PPPSSH_PACE=1: timestamped LCP echoes in band */
    PACE_TCP,  /* the default: the SSH connection's TCP_INFO, when we hold it */
};

/* What steers the pacer: pace.c's own. */
struct pace {
    enum pace_mode mode;
    struct pacer pacer;
    int fdpass_fd;         /* where ssh's ProxyCommand hands us the connection, or -1 */
    int tcp_fd;            /* our copy of the SSH connection, or -1 */
    struct sock_diag diag; /* serve: asks the kernel about sshd's connection */
    double delivered;      /* the connection's deliveries, in our bytes */
    uint64_t acked;        /* its bytes_acked when last counted */
};

/* Packets between the TUN and the engine: tun_pump.c's and tunoffload.c's own. */
struct tun_pump {
    int fd; /* the TUN, or -1 */
    bool reading;
    uint8_t packet[65536];    /* the pump's packet only (the stream has its own) */
    bool offload_on;          /* the kernel may hand us 64 KiB TCP packets (tunoffload.c) */
    unsigned offload_cap;     /* their largest: the peer's MRU less our header */
    uint64_t offload_dropped; /* such packets the peer could not take */
    bool offload_refuse;      /* the TUN refused one: the engine is told once it returns */
    /* Our outbound queue. */
    struct fq *fq;
    struct outage_queue outage; /* what the queue takes while the link is down */
    bool stream_backlogged;     /* the engine holds unwritten bytes: wait for EPOLLOUT */
    /* Counters the engine cannot keep. */
    uint64_t in_dropped;              /* from TUN, refused by the engine */
    uint64_t out_dropped;             /* to TUN, not written (queue full) */
    uint64_t filtered[PEER_VERDICTS]; /* from the peer, refused (peerfilter.h) */
};

struct tunnel {
    const struct run_params *p;
    int epfd, timer_fd, signal_fd;
    sigset_t old_mask;
    ppp_time now; /* this wake-up's time: read once by the loop (loop_tick), passed to all */
    struct ppp_link *link;
    struct evqueue events; /* what the engine reported, for engine_settle() */

    /* The TUN interface. */
    char ifname[IFNAMSIZ];
    unsigned ifindex;
    bool iface_up;
    unsigned mtu;
    /* What changes the system for us (configurator.h): requests only. */
    struct configurator *cfg;
    char cfg_err[256]; /* why its last request failed */

    /* Each concern's own state: one writer each. */
    struct tun_pump pump;  /* tun_pump.c, tunoffload.c */
    struct pace pace;      /* pace.c */
    struct stream st;      /* stream.c (stream.h) */
    struct ctl_server ctl; /* ctl_server.c; the pidfile: loop.c */
    struct supervisor sup; /* supervisor.c (client/supervisor.h) */

    /* The link as negotiated. */
    bool ipcp_up, ipv6cp_up, reported_up;
    bool report_due;      /* `up` and systemd wait: told once the ip-up hooks are done and
                             the resolvers applied (engine_report_up) */
    int devnull;          /* /dev/null for stdio once `up` is up, opened before the sandbox */
    bool ipv4_configured; /* the IPCP pair on the interface */
    bool ipv6_configured; /* fe80::IFID and Address6 on the interface */
    /* IPv6 cannot work on the interface (engine_events.c): why, for the log and
     * status ("" = it can).  ipv6_never: so from the start, the engine
     * never runs IPV6CP; ipv6_refuse: the engine is to be told after it
     * returns (engine_settle). */
    char ipv6_off[320];
    bool ipv6_never, ipv6_refuse;
    struct in_addr local4, remote4;
    struct in_addr peer_dns[2]; /* from IPCP, 0.0.0.0 = none */
    uint8_t local_ifid[8], remote_ifid[8];
    ppp_time started, echo_rtt;
    struct spoof_filter spoof;

    /* The engine's lines about the peer's packets (peerlog.c). */
    struct log_limit peer_log;

    /* How it ends. */
    char stop_reason[64]; /* "" unless down, INT or TERM asked us to stop */
    bool replaced;        /* SIGTERM from a new session of the user (takeover.h) */
    ppp_time deadline;    /* PPP_TIME_NEVER or when to give up waiting */
    int exit_status;
    char exit_msg[512];
    bool failed; /* exit_status/exit_msg are set */
};

/* Every descriptor -1, every deadline never: before setup (and in tests). */
void tunnel_init(struct tunnel *t, const struct run_params *p);

/* down, INT or TERM asked us to stop (the state may be SUP_DONE since). */
static inline bool tunnel_stopping(const struct tunnel *t)
{
    return t->stop_reason[0] != 0;
}

/* The engine's link is Dead: no session runs (read from the engine). */
static inline bool tunnel_link_dead(const struct tunnel *t)
{
    return !t->link || ppp_link_phase(t->link) == PPP_PHASE_DEAD;
}

/* Records the first failure and starts closing the link. */
void tunnel_fail(struct tunnel *t, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Administrative close (down, INT, TERM). */
void tunnel_stop(struct tunnel *t, const char *reason);
/* loop.c owns the epoll set: fd is watched for events under tag (added
 * or changed; 0 or -errno), or no longer. */
int loop_watch(struct tunnel *t, int fd, uint32_t tag, uint32_t events);
void loop_unwatch(struct tunnel *t, int fd);

/* supervision.c: the supervisor (client/supervisor.h) called with this
 * wake-up's facts; what it recorded is performed before each returns. */
struct session_facts session_facts(const struct tunnel *t);
int supervision_start(struct tunnel *t); /* the first session; -1 if it could not start */
void supervision_run(struct tunnel *t);  /* after every wake-up */
void supervision_timer(struct tunnel *t);
void supervision_reset(struct tunnel *t, const char *why);
/* Sends an Echo-Request; false (with why) if the link is not up. */
bool supervision_check(struct tunnel *t, char *why, size_t size);
void supervision_link_up(struct tunnel *t);       /* the first NCP is up */
void supervision_echo_reply(struct tunnel *t);    /* PPP_EV_ECHO_RTT */
void supervision_peer_dead(struct tunnel *t);     /* the engine gave up on echoes */
void supervision_heard(struct tunnel *t);         /* after input to the engine */
void supervision_hooks_changed(struct tunnel *t); /* SIGCHLD or the hooks' timeout */
void supervision_finish(struct tunnel *t);        /* before the interface goes */
ppp_time supervision_expiry(const struct tunnel *t);
/* Keep addresses and routes while the link is down: it will come back. */
bool supervision_keeps_config(const struct tunnel *t);
const char *supervision_state_name(const struct tunnel *t);
/* session_cause.c: why this session ended (status, message), most
 * specific first. */
int session_cause(struct tunnel *t, char *msg, size_t size);
/* sshd closed or reset the connection before the session began. */
bool session_dropped_before_start(const struct tunnel *t);

/* stream.c */
void stream_reset(struct tunnel *t); /* a new session's transport: nothing yet */
int stream_start(struct tunnel *t);
void stream_readable(struct tunnel *t);
void stream_flush(struct tunnel *t);
void stream_stderr_readable(struct tunnel *t);
void stream_child_changed(struct tunnel *t);
/* Ends the child: graceful = end of stream first and a moment for it to
 * leave by itself (the far end logs its session); else SIGTERM now. */
void stream_stop(struct tunnel *t, bool graceful);
/* The session is over: kill the child now and tell the engine (Down). */
void stream_kill(struct tunnel *t, const char *why);

/* tun_pump.c */
int tun_start(struct tunnel *t);
void tun_readable(struct tunnel *t);
void tun_update_reading(struct tunnel *t);
/* The engine's ip_packet callback: a datagram from the peer. */
void tun_ip_packet(void *user, int family, const struct ppp_offload *off, const uint8_t *pkt,
                   size_t len);
/* Packets from the peer refused for verdict v, by the engine or by us. */
uint64_t tun_filtered(const struct tunnel *t, enum peer_verdict v);

/* tunoffload.c: packets with their virtio_net_hdr, and TCP segmentation
 * offload while the peer takes it. */
bool tun_offload_wanted(const struct tunnel *t); /* client: unless PPPSSH_OFFLOAD=0 */
/* One packet into t->pump.packet: its length, 0 for a runt, or -errno. */
ssize_t tun_read_packet(struct tunnel *t, struct ppp_offload *off);
int tun_write_packet(struct tunnel *t, const struct ppp_offload *off, const uint8_t *pkt,
                     size_t len);
void tun_offload_link_up(struct tunnel *t, const struct ppp_event *ev);
void tun_offload_link_down(struct tunnel *t);
/* tun_write_packet(); if the kernel refuses offloaded packets, the peer
 * is told to stop sending them (that one is lost). */
int tun_offload_write(struct tunnel *t, const struct ppp_offload *off, const uint8_t *pkt,
                      size_t len);
/* ppp_link_send_offloaded(), or what the peer can take of it. */
int tun_offload_send(struct tunnel *t, struct ppp_offload *off, uint8_t *pkt, size_t len,
                     ppp_time now);
/* When the queue next needs a call (pacing, probes); PPP_TIME_NEVER if not.
 * Any wake-up does that call: tun_update_reading(). */
ppp_time tun_expiry(struct tunnel *t);
/* An LCP echo's RTT (PPP_EV_ECHO_RTT): the pacer's measure of the stream. */
void tun_echo_rtt(struct tunnel *t, ppp_time rtt);
/* "queue: ..." lines for `pppssh status`; returns the length written. */
size_t tun_queue_status(const struct tunnel *t, char *buf, size_t size);
void tun_stop(struct tunnel *t);

/* pace.c */
void pace_setup(struct tunnel *t); /* in tun_start: the mode and the pacer */
/* In the pump, before each packet: a probe or a TCP_INFO sample if due. */
void pace_probe(struct tunnel *t, ppp_time now);
void pace_echo_rtt(struct tunnel *t, ppp_time rtt);
void pace_stream_start(struct tunnel *t);                 /* before the child starts */
void pace_stream_readable(struct tunnel *t);              /* the child has the connection by now */
void pace_stream_drained(struct tunnel *t, size_t bytes); /* read all there was */
void pace_stream_stop(struct tunnel *t);
void pace_stop(struct tunnel *t);                     /* in teardown */
const char *pace_signal_name(const struct tunnel *t); /* what steers the pacer now */

/* engine_events.c */
/* One request to the configurator (configurator.h): 0, or -errno with
 * t->cfg_err set. */
int configure(struct tunnel *t, const struct cfg_request *rq);
/* What the requests of family did, undone (AF_UNSPEC: everything). */
void configure_down(struct tunnel *t, int family);
void engine_event(void *user, const struct ppp_event *ev);
void engine_log(void *user, enum ppp_log_level level, const char *line);
/* IPv6 is off on the interface before the engine starts: it never offers
 * IPV6CP (one log line; settings->ipv6 turned off). */
void engine_check_ipv6(struct tunnel *t, struct ppp_settings *settings);
/* After every call into the engine: acts on the events it recorded, in
 * order, and on what its callbacks asked of it. */
void engine_settle(struct tunnel *t);
/* Tells a waiting `pppssh up` that the link is up, once the ip-up hooks are done. */
void engine_report_up(struct tunnel *t);

/* peerlog.c: the engine's log_peer lines, rate-limited (loglimit.h) */
void peerlog_start(struct tunnel *t);
void peerlog_line(void *user, enum ppp_log_level level, const char *line);
ppp_time peerlog_expiry(const struct tunnel *t); /* a summary is due */
void peerlog_timer(struct tunnel *t, ppp_time now);
void peerlog_flush(struct tunnel *t); /* every held count, before the last lines */
/* A line of text the far end chose (the transport's stderr). */
void peerlog_text(struct tunnel *t, enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ctl_server.c */
void ctl_accept(struct tunnel *t);
void ctl_readable(struct tunnel *t, unsigned index);
void ctl_close_all(struct tunnel *t);
/* Answers the clients waiting for the link (reset) or an echo (check). */
void ctl_answer_up(struct tunnel *t);
void ctl_answer_echo(struct tunnel *t, const char *text);
/* ctl_fields.c: the values of fields.h's table, for "fields". */
struct field_values;
void ctl_fields(const struct tunnel *t, struct field_values *fv);

#endif
