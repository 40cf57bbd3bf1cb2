/*
 * ppp.h - the pppssh PPP engine: standard PPP (RFC 1661, 1662, 1332, 1877,
 * 5072) with no I/O of its own.
 *
 * The engine never reads a clock, never touches a file descriptor and never
 * allocates after ppp_link_new().  The caller owns the byte stream (an ssh
 * child's stdin/stdout, a serial line, a socketpair in a test) and the time:
 *
 *     ppp_link_new(&link, &settings, &callbacks, user);
 *     ppp_link_open(link, now);                  // start LCP
 *     loop:
 *         ppp_link_input(link, bytes, n, now);   // what the peer sent
 *         ppp_link_send_ip(link, pkt, len, now); // an IP packet to carry
 *         while ((n = ppp_link_tx_data(link, &p)) > 0)
 *             ppp_link_tx_consume(link, write(fd, p, n));
 *         if (now >= ppp_link_expiry(link))
 *             ppp_link_handle_expiry(link, now);
 *
 * Results come back through callbacks: events (phase and layer changes,
 * negotiated parameters), received IP packets and log lines.  Every
 * callback runs synchronously inside the call that caused it.
 *
 * Times are nanoseconds on any monotonic clock the caller likes; durations
 * in ppp_settings are milliseconds.
 *
 * Byte order, everywhere in this header (settings and events alike):
 * numbers, IPv4 addresses among them, are in host byte order (uint32_t,
 * 198.18.255.1 is 0xc612ff01; a struct in_addr needs htonl()); byte
 * strings (IPv6 interface identifiers, packets) are as on the wire.
 *
 * Callbacks: see struct ppp_callbacks for what a callback may call.
 */
#ifndef PPPSSH_PPP_H
#define PPPSSH_PPP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef uint64_t ppp_time; /* nanoseconds */

#define PPP_TIME_NEVER UINT64_MAX
#define PPP_MS ((ppp_time)1000000)

/* Error codes.  Values at or below PPP_ERR_FATAL mean the link object is
 * unusable; above it the call failed but the link is fine. */
enum ppp_error {
    PPP_OK = 0,
    PPP_ERR_INVALID_ARGUMENT = -1, /* a setting or argument is out of range */
    PPP_ERR_BUFFER_FULL = -2,      /* no room in the transmit buffer: drain it first */
    PPP_ERR_NOT_OPEN = -3,         /* the network protocol for this packet is not up */
    PPP_ERR_TOO_BIG = -4,          /* packet larger than the peer's MRU */
    PPP_ERR_BAD_PACKET = -5,       /* not an IPv4 or IPv6 datagram, or metadata not its */
    PPP_ERR_NO_OFFLOAD = -6,       /* offload metadata the peer did not agree to take */
    PPP_ERR_FATAL = -500,
    PPP_ERR_NOMEM = -501,
};

const char *ppp_strerror(int error);

/* RFC 1661 section 3.2 link phases (Authenticate is skipped: ssh did it). */
enum ppp_phase {
    PPP_PHASE_DEAD,
    PPP_PHASE_ESTABLISH,
    PPP_PHASE_NETWORK,
    PPP_PHASE_TERMINATE,
};

const char *ppp_phase_name(enum ppp_phase phase);

/* Why the link left the Network phase or died; mirrors pppd's exit statuses
 * so a supervisor can key on it (see ppp_cause_exit_status()). */
enum ppp_cause {
    PPP_CAUSE_NONE,
    PPP_CAUSE_ADMIN_CLOSE,        /* ppp_link_close() */
    PPP_CAUSE_PEER_TERMINATED,    /* peer sent LCP Terminate-Request */
    PPP_CAUSE_PEER_DEAD,          /* LCP echo replies stopped coming */
    PPP_CAUSE_NEGOTIATION_FAILED, /* Max-Configure or Max-Failure exhausted */
    PPP_CAUSE_LOOPBACK,           /* our own Magic-Number came back */
    PPP_CAUSE_LOWER_DOWN,         /* the byte stream went away */
    PPP_CAUSE_NO_NETWORK,         /* LCP up but no network protocol could open */
};

const char *ppp_cause_name(enum ppp_cause cause);

/* pppd's exit statuses (pppd(8), "EXIT STATUS"; pppd.h's EXIT_*), the one
 * place their numbers are written: scripts and supervisors written for
 * pppd key on them.  The host's own failures (config, TUN, ssh) use the
 * same numbers through its own names (run/exitcode.h). */
enum ppp_exit_status {
    PPP_EXIT_OK = 0,
    PPP_EXIT_FATAL_ERROR = 1,
    PPP_EXIT_OPTION_ERROR = 2,
    PPP_EXIT_NOT_ROOT = 3,
    PPP_EXIT_NO_KERNEL_SUPPORT = 4,
    PPP_EXIT_USER_REQUEST = 5,
    PPP_EXIT_LOCK_FAILED = 6,
    PPP_EXIT_OPEN_FAILED = 7,
    PPP_EXIT_CONNECT_FAILED = 8,
    PPP_EXIT_PTYCMD_FAILED = 9,
    PPP_EXIT_NEGOTIATION_FAILED = 10,
    PPP_EXIT_PEER_AUTH_FAILED = 11,
    PPP_EXIT_IDLE_TIMEOUT = 12,
    PPP_EXIT_CONNECT_TIME = 13,
    PPP_EXIT_CALLBACK = 14,
    PPP_EXIT_PEER_DEAD = 15,
    PPP_EXIT_HANGUP = 16,
    PPP_EXIT_LOOPBACK = 17,
    PPP_EXIT_INIT_FAILED = 18,
    PPP_EXIT_AUTH_TOPEER_FAILED = 19,
};

/* pppd's exit status for a cause: USER_REQUEST, NEGOTIATION_FAILED,
 * PEER_DEAD, HANGUP, LOOPBACK; PPP_EXIT_OK for PPP_CAUSE_NONE. */
enum ppp_exit_status ppp_cause_exit_status(enum ppp_cause cause);

enum ppp_log_level { PPP_LOG_ERROR, PPP_LOG_WARN, PPP_LOG_INFO, PPP_LOG_DEBUG };

struct ppp_settings {
    /* LCP (RFC 1661 section 6) */
    uint16_t mru;              /* MRU we ask for; 1500 is not sent (default) */
    uint16_t mru_max;          /* largest MRU we will accept from a peer's Nak (65535) */
    uint32_t accm;             /* async map we ask the peer to use (default 0) */
    bool pfc, acfc;            /* ask for protocol / address-control compression */
    bool magic;                /* use a Magic-Number (default true) */
    bool fcs32;                /* ask for 32-bit FCS, RFC 1570 (default false) */
    bool passive;              /* pppd "passive": keep waiting after Max-Configure */
    bool silent;               /* pppd "silent": wait for the peer's first request */
    uint32_t restart_ms;       /* Restart timer (3000) */
    uint8_t max_configure;     /* Max-Configure (10) */
    uint8_t max_terminate;     /* Max-Terminate (2) */
    uint8_t max_failure;       /* Max-Failure (5) */
    uint8_t max_loopback;      /* Naks of our own magic before giving up (10) */
    uint32_t echo_interval_ms; /* LCP Echo-Request period; 0 = no keepalive (0) */
    uint8_t echo_failures;     /* unanswered intervals before PEER_DEAD (4) */

    /* IPCP (RFC 1332, RFC 1877) */
    bool ipv4;          /* run IPCP (default true) */
    uint32_t local_ip;  /* our address; 0 = ask the peer for one */
    uint32_t remote_ip; /* the peer's address; 0 = take the peer's */
    bool accept_local;  /* take the peer's Nak of local_ip (ipcp-accept-local) */
    bool accept_remote; /* take the peer's idea of its address (ipcp-accept-remote) */
    bool request_dns;   /* ask the peer for DNS servers (pppd usepeerdns) */
    uint32_t dns[2];    /* DNS servers to give a peer that asks; 0 = none */

    /* IPV6CP (RFC 5072) */
    bool ipv6;              /* run IPV6CP (default true) */
    uint8_t local_ifid[8];  /* all zero = pick a random one */
    uint8_t remote_ifid[8]; /* all zero = take the peer's */

    /* pppssh's own extension (a Vendor-Specific LCP option, RFC 2153):
     * ask the peer to send packets with their segmentation and checksum
     * offload metadata (struct ppp_offload), and send ours that way when
     * it asks too.  A standard peer Rejects the option and nothing changes. */
    bool offload; /* (default false) */

    /* buffers, fixed at ppp_link_new() */
    uint32_t tx_buffer; /* bytes of encoded frames held for the caller (256 KiB) */

    uint64_t seed; /* seeds Magic-Number and identifier choice */
};

/* Fill with the defaults documented above. */
void ppp_settings_default(struct ppp_settings *settings);

enum ppp_event_type {
    PPP_EV_PHASE,  /* u.phase */
    PPP_EV_LCP_UP, /* u.lcp */
    PPP_EV_LCP_DOWN,
    PPP_EV_IPCP_UP, /* u.ipcp */
    PPP_EV_IPCP_DOWN,
    PPP_EV_IPV6CP_UP, /* u.ipv6cp */
    PPP_EV_IPV6CP_DOWN,
    PPP_EV_ECHO_RTT, /* u.echo_rtt: an Echo-Reply to one of our requests */
    /* u.failure: IPCP gave up while LCP is up (once per LCP session): the
     * peer insists on an unusable address, the addresses make no link,
     * or it finished without coming up.  IPV6CP may still run; a host
     * that wants IPv4 ends the link. */
    PPP_EV_IPCP_FAILED,
};

struct ppp_event {
    enum ppp_event_type type;
    union {
        struct {
            enum ppp_phase phase;
            enum ppp_cause cause; /* set when entering Terminate or Dead */
        } phase;
        struct {
            uint16_t mru_rx; /* largest frame we accept */
            uint16_t mru_tx; /* largest frame the peer accepts: the TUN MTU */
            uint32_t accm_rx, accm_tx;
            bool pfc_tx, acfc_tx, fcs32_rx, fcs32_tx;
            uint32_t magic_local, magic_peer;
            bool offload_rx; /* the peer may send us offloaded packets */
            bool offload_tx; /* we may send it offloaded packets */
        } lcp;
        struct {
            uint32_t local, remote; /* host byte order */
            uint32_t dns[2];        /* from the peer, host byte order, 0 if none */
        } ipcp;
        struct {
            uint8_t local_ifid[8], remote_ifid[8]; /* fe80::IFID on each end, wire order */
        } ipv6cp;
        ppp_time echo_rtt;
        struct {
            const char *reason; /* valid during the call; names any address */
        } failure;
    } u;
};

/* Segmentation and checksum offload metadata of one packet: the fields of
 * Linux's struct virtio_net_hdr, which a TUN with IFF_VNET_HDR reads and
 * writes with every packet.  A TCP packet of up to 64 KiB then crosses the
 * link as one frame and is cut into gso_size segments by the receiving
 * kernel (or its NIC), not by either end's user space. */
enum ppp_offload_flags {
    PPP_OFFLOAD_NEEDS_CSUM = 1, /* the checksum at csum_start + csum_offset is partial */
};
enum ppp_gso_type {
    PPP_GSO_NONE = 0,
    PPP_GSO_TCPV4 = 1,
    PPP_GSO_TCPV6 = 4,
    PPP_GSO_ECN = 0x80, /* the TCP segments carry CWR on the first only */
};
struct ppp_offload {
    uint8_t flags;    /* enum ppp_offload_flags */
    uint8_t gso_type; /* enum ppp_gso_type */
    uint16_t hdr_len; /* bytes of IP and TCP header */
    uint16_t gso_size;
    uint16_t csum_start, csum_offset;
};

/* pppssh's offload header in front of the packet in a VSNP frame: its
 * fields in network byte order, the caller never sees them encoded. */
#define PPP_OFFLOAD_HEADER_LEN 10

/* The metadata describes this packet: known flags and type; TCP
 * segmentation only of an unfragmented TCP packet of the type's own IP
 * version, into segments of at least 48 bytes; a partial checksum (if
 * any) exactly in the checksum field of the packet's own TCP or UDP
 * header, past any IPv6 extension headers, in an unfragmented packet;
 * every offset inside the packet.  Whatever passes is safe to hand to a
 * TUN (whose kernel checks less) or to the functions below.  The engine
 * checks every offloaded packet it receives with it; a host filtering
 * packets it got from elsewhere uses it too. */
bool ppp_offload_valid(const struct ppp_offload *off, const uint8_t *pkt, size_t len);

/* Metadata that needs nothing of the peer: a packet that needs its
 * checksum completed or segmenting does. */
bool ppp_offload_is_plain(const struct ppp_offload *off);

/* Finish a partial checksum in place (RFC 1071 sum from csum_start, the
 * pseudo-header sum already in the field), so the packet can go as plain
 * IP.  Only for metadata without segmentation whose checksum field lies
 * in the packet (ppp_offload_csum_fits). */
bool ppp_offload_csum_fits(const struct ppp_offload *off, size_t len);
void ppp_offload_complete_csum(const struct ppp_offload *off, uint8_t *pkt, size_t len);

/* Bytes that one frame carrying len bytes of Information can take on the
 * stream at most (RFC 1662 section 4: flags, header, escaped bytes and
 * FCS included): what a host's write buffer must hold for its largest
 * packet. */
size_t ppp_encoded_max(size_t len);

/* The callback contract.  Every callback runs synchronously inside the
 * call into the link that caused it (ppp_link_input, ppp_link_open, ...)
 * and should only record what happened; the host acts after that call
 * returns.  Inside a callback the host may read the link: ppp_link_phase,
 * ppp_link_cause, ppp_link_peer_reason, ppp_link_failure_reason,
 * ppp_link_stats, ppp_link_tx_room, ppp_link_expiry.  Functions that
 * change the link say below whether a callback may call them
 * (ppp_link_refuse_ipv6: not). */
struct ppp_callbacks {
    void (*event)(void *user, const struct ppp_event *event);
    /* A received IPv4 (family 4) or IPv6 (family 6) datagram, from a frame
     * of that family's Protocol (or VSNP) while its NCP is Opened; its
     * version nibble is the family's.  pkt points
     * into the engine and is valid only during the call.  off is NULL
     * unless the peer sent the packet with offload metadata (settings
     * offload, PPP_EV_LCP_UP offload_rx); it was checked against len. */
    void (*ip_packet)(void *user, int family, const struct ppp_offload *off, const uint8_t *pkt,
                      size_t len);
    /* One log line, no trailing newline.  May be NULL.  A line may quote
     * bytes the peer chose (a Terminate-Request's reason): the host
     * escapes control characters before it shows the line anywhere. */
    void (*log)(void *user, enum ppp_log_level level, const char *line);
    /* A line about something the peer sent (junk, a reject, a loop): the
     * peer decides how many of these there are, so a host rate-limits
     * them.  NULL: they go to log like the others. */
    void (*log_peer)(void *user, enum ppp_log_level level, const char *line);
};

struct ppp_stats {
    uint64_t rx_bytes, tx_bytes;   /* stream bytes */
    uint64_t rx_frames, tx_frames; /* good frames */
    uint64_t rx_ip_packets, tx_ip_packets;
    uint64_t rx_ip_bytes, tx_ip_bytes;
    uint64_t rx_bad_fcs, rx_runts, rx_too_long, rx_aborts;
    uint64_t rx_bytes_outside_frames; /* banners, MOTD, line noise */
    uint64_t rx_unknown_protocol;     /* answered with Protocol-Reject */
    uint64_t rx_dropped;              /* valid frames we could not use, among them: */
    uint64_t rx_ip_wrong_version;     /* an IP version other than the Protocol's */
    uint64_t rx_ip_ncp_closed;        /* IP while its NCP was not Opened */
    uint64_t tx_dropped_control;      /* control frames dropped: tx buffer full */
    uint64_t echo_sent, echo_replies;
    ppp_time echo_rtt_last;
};

struct ppp_link;

/* Allocate and initialise a link in the Dead phase.  The settings are
 * copied.  Returns PPP_OK, PPP_ERR_INVALID_ARGUMENT or PPP_ERR_NOMEM. */
int ppp_link_new(struct ppp_link **link, const struct ppp_settings *settings,
                 const struct ppp_callbacks *callbacks, void *user);
void ppp_link_del(struct ppp_link *link);

/* The byte stream is up: start LCP (RFC 1661 Up + Open events).  Also used
 * to start again after the link went Dead. */
int ppp_link_open(struct ppp_link *link, ppp_time now);
/* Close administratively: LCP Terminate-Request carrying reason (may be
 * NULL); the link goes Dead after Terminate-Ack or Max-Terminate. */
int ppp_link_close(struct ppp_link *link, ppp_time now, const char *reason);
/* The byte stream is gone (RFC 1661 Down event): go Dead now. */
void ppp_link_lower_down(struct ppp_link *link, ppp_time now);

/* Feed bytes received from the peer, in chunks of any size.  All bytes are
 * always consumed; bad frames are counted and dropped.  Returns PPP_OK. */
int ppp_link_input(struct ppp_link *link, const uint8_t *data, size_t len, ppp_time now);

/* Queue one IPv4 or IPv6 datagram (the version is read from its first
 * nibble).  Returns PPP_OK, PPP_ERR_NOT_OPEN, PPP_ERR_TOO_BIG,
 * PPP_ERR_BAD_PACKET or PPP_ERR_BUFFER_FULL (drain and try again). */
int ppp_link_send_ip(struct ppp_link *link, const uint8_t *pkt, size_t len, ppp_time now);
/* The same with offload metadata, which the peer must have agreed to take
 * (PPP_EV_LCP_UP offload_tx), else PPP_ERR_NO_OFFLOAD; metadata that does
 * not fit the packet is PPP_ERR_BAD_PACKET.  off == NULL, or metadata that
 * asks for nothing, is ppp_link_send_ip(). */
int ppp_link_send_offloaded(struct ppp_link *link, const struct ppp_offload *off,
                            const uint8_t *pkt, size_t len, ppp_time now);

/* Take no more offloaded packets (the TUN refused one): LCP
 * Protocol-Rejects VSNP now and at every later frame, and the peer sends
 * plain IP from then on (RFC 1661 section 5.7).  No-op unless offload_rx. */
void ppp_link_refuse_offload(struct ppp_link *link);

/* Give up IPv6 for this session: the caller found that it cannot work
 * on its interface (IPv6 disabled there, or an MTU below the 1280 that
 * RFC 8200 section 5 requires) or could not configure it.  IPV6CP stops
 * where it is, without a Terminate exchange (PPP_EV_IPV6CP_DOWN first if
 * it was up), and from now on the peer's IPV6CP and IPv6 frames are
 * answered with LCP Protocol-Reject, as from an implementation without
 * IPv6 (RFC 1661 section 5.7); one is sent at once, so a peer in the
 * middle of negotiating stops now (pppd: RXJ-), not after Max-Configure.
 * reason (may be NULL) goes into the log line.  IPCP is untouched; with
 * no other network protocol running, LCP closes (PPP_CAUSE_NO_NETWORK).
 * The next ppp_link_open() runs IPV6CP again if the settings ask for it.
 * Not to be called from inside a callback.  Returns PPP_OK. */
int ppp_link_refuse_ipv6(struct ppp_link *link, ppp_time now, const char *reason);

/* Encoded bytes waiting to be written to the stream: sets *data and returns
 * their length (0 when there is nothing).  Control frames go ahead of data
 * frames at the next frame boundary.  Valid until the next call into the
 * link.  After writing n of them, call ppp_link_tx_consume(link, n). */
size_t ppp_link_tx_data(struct ppp_link *link, const uint8_t **data);
void ppp_link_tx_consume(struct ppp_link *link, size_t n);
/* Free room for data frames, in encoded bytes (a frame may need up to
 * twice its size plus 10). */
size_t ppp_link_tx_room(const struct ppp_link *link);

/* When ppp_link_handle_expiry() must next be called (PPP_TIME_NEVER if no
 * timer runs).  Calling it early or late is harmless. */
ppp_time ppp_link_expiry(const struct ppp_link *link);
void ppp_link_handle_expiry(struct ppp_link *link, ppp_time now);

/* Send an LCP Echo-Request now (`pppssh check`, SIGUSR1); the reply shows
 * up as PPP_EV_ECHO_RTT.  Returns PPP_ERR_NOT_OPEN unless LCP is Opened. */
int ppp_link_echo(struct ppp_link *link, ppp_time now);

enum ppp_phase ppp_link_phase(const struct ppp_link *link);
enum ppp_cause ppp_link_cause(const struct ppp_link *link);
/* The reason the peer gave in its last Terminate-Request of this session
 * (RFC 1661 section 5.5: its Data field), in any LCP state, at most
 * PPP_REASON_MAX bytes, control characters and non-ASCII bytes replaced
 * by '?'; "" if none.  A server refusing a session says why there. */
#define PPP_REASON_MAX 128
const char *ppp_link_peer_reason(const struct ppp_link *link);
/* The engine's own words for what went wrong this session: its last
 * warning or error (also passed to the log callback), such as "IPCP:
 * peer insists on 0.0.0.0 as our address" or "LCP: no answer to 10
 * Configure-Requests", at most PPP_FAILURE_MAX bytes, control characters
 * and non-ASCII bytes replaced by '?'; "" if nothing went wrong.  Cleared
 * by ppp_link_open().  The host quotes it to its user beside
 * ppp_cause_name(ppp_link_cause()), instead of scraping log lines. */
#define PPP_FAILURE_MAX 255
const char *ppp_link_failure_reason(const struct ppp_link *link);
const struct ppp_stats *ppp_link_stats(const struct ppp_link *link);

#endif
