/*
 * ppp_peer.c - run the pppssh PPP engine against a real peer over a byte
 * stream, for the interop tests.
 *
 *   ppp_peer [--connect SOCKET] [--local A] [--remote B] [--passive] [--silent]
 *            [--mru N] [--restart MS] [--echo-interval MS] [--echoes N]
 *            [--no-ipv4] [--no-ipv6] [--ping ADDR COUNT] [--ping6 COUNT]
 *            [--hold MS] [--wait-peer-close] [--close-reason TEXT] [--pcap FILE]
 *            [--timeout S] [--verbose]
 *
 * The stream is a unix socket (--connect) or stdin/stdout.  Once the link is
 * up it sends ICMP echo requests to ADDR (--ping) and to the peer's
 * link-local fe80::IFID learnt through IPV6CP (--ping6), and LCP
 * Echo-Requests (--echoes), and counts the answers the engine delivers.
 * When everything asked for has happened (or at the timeout), and the link
 * then stayed up for --hold milliseconds (default 0), it closes the
 * link with an LCP Terminate-Request (its Data: --close-reason, default
 * "interop test done") and waits for the Terminate-Ack (or, with
 * --wait-peer-close, waits for the peer's Terminate-Request), and
 * prints one key=value line ("result=ok lcp=opened ipcp=opened ...") and
 * the engine's statistics ("stats rx_frames=..."), then exits 0 only on
 * success.  --pcap records both directions (see peer_pcap.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "peer_options.h"
#include "peer_pcap.h"
#include "peer_ping.h"
#include "ppp.h"

#define PING_ID 0x5050
#define PING_RETRY_MS 700   /* resend an unanswered echo after this */
#define PING_MAX_SENT 10    /* per family: allows for pppd's NPMODE delay and IPv6 DAD */
#define CLOSE_GRACE_MS 4000 /* Terminate-Request: 2 tries x restart timer */
#define LCP_TERMINATE_ACK 6

struct ping_state {
    unsigned want, got, sent;
    uint16_t seq;  /* sequence number of the echo in flight */
    ppp_time next; /* when to (re)send */
};

struct peer {
    struct options opt;
    struct ppp_link *link;
    struct wire_tap tap;
    int rfd, wfd;
    bool eof;
    bool lcp_up, ipcp_up, ipv6cp_up, ever_ipcp, ever_ipv6cp, lcp_was_up;
    struct ppp_event lcp, ipcp, ipv6cp;
    uint8_t local6[16], remote6[16];
    struct ping_state ping4, ping6;
    unsigned echo_sent, echo_replies;
    ppp_time echo_next, start;
    unsigned long rx_other_ip;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
    (void)sig;
    stop_requested = 1;
}

static ppp_time now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ppp_time)ts.tv_sec * 1000000000u + (ppp_time)ts.tv_nsec;
}

static double since_start(const struct peer *p)
{
    return (double)(now_ns() - p->start) / 1e9;
}

/* ---------------------------------------------------------------- engine callbacks */

static void on_log(void *user, enum ppp_log_level level, const char *line)
{
    struct peer *p = user;
    static const char *names[] = {"error", "warn", "info", "debug"};
    if (level <= PPP_LOG_INFO || p->opt.verbose)
        fprintf(stderr, "[%7.3f] ppp %s: %s\n", since_start(p), names[level], line);
}

static void note_event(struct peer *p, const struct ppp_event *ev)
{
    switch (ev->type) {
    case PPP_EV_LCP_UP:
        p->lcp_up = p->lcp_was_up = true;
        p->lcp = *ev;
        break;
    case PPP_EV_LCP_DOWN:
        p->lcp_up = false;
        break;
    case PPP_EV_IPCP_UP:
        p->ipcp_up = p->ever_ipcp = true;
        p->ipcp = *ev;
        break;
    case PPP_EV_IPCP_DOWN:
        p->ipcp_up = false;
        break;
    case PPP_EV_IPV6CP_UP:
        p->ipv6cp_up = p->ever_ipv6cp = true;
        p->ipv6cp = *ev;
        link_local_address(p->local6, ev->u.ipv6cp.local_ifid);
        link_local_address(p->remote6, ev->u.ipv6cp.remote_ifid);
        break;
    case PPP_EV_IPV6CP_DOWN:
        p->ipv6cp_up = false;
        break;
    case PPP_EV_ECHO_RTT:
        p->echo_replies++;
        break;
    case PPP_EV_IPCP_FAILED:
        fprintf(stderr, "IPCP failed: %s\n", ev->u.failure.reason);
        break;
    case PPP_EV_PHASE:
        break;
    }
}

static void on_event(void *user, const struct ppp_event *ev)
{
    struct peer *p = user;
    static const char *names[] = {"phase",     "lcp-up",      "lcp-down", "ipcp-up",    "ipcp-down",
                                  "ipv6cp-up", "ipv6cp-down", "echo-rtt", "ipcp-failed"};
    note_event(p, ev);
    if (ev->type == PPP_EV_PHASE)
        fprintf(stderr, "[%7.3f] event phase=%s cause=%s\n", since_start(p),
                ppp_phase_name(ev->u.phase.phase), ppp_cause_name(ev->u.phase.cause));
    else
        fprintf(stderr, "[%7.3f] event %s\n", since_start(p), names[ev->type]);
}

static void on_ip(void *user, int family, const struct ppp_offload *off, const uint8_t *pkt,
                  size_t len)
{
    (void)off; /* the peer is pppd: offload is never agreed */
    struct peer *p = user;
    uint16_t seq;
    if (family == 4 && p->ipcp_up &&
        ping4_is_reply(pkt, len, p->opt.ping_target, p->ipcp.u.ipcp.local, PING_ID, &seq) &&
        seq == p->ping4.seq && p->ping4.got < p->ping4.want) {
        p->ping4.got++;
        p->ping4.seq++;
        p->ping4.next = 0; /* send the next one now */
    } else if (family == 6 && p->ipv6cp_up &&
               ping6_is_reply(pkt, len, p->remote6, p->local6, PING_ID, &seq) &&
               seq == p->ping6.seq && p->ping6.got < p->ping6.want) {
        p->ping6.got++;
        p->ping6.seq++;
        p->ping6.next = 0;
    } else {
        p->rx_other_ip++;
    }
}

/* ---------------------------------------------------------------- stream */

static int connect_unix(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof sa.sun_path)
        return -1;
    strcpy(sa.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        fd = -1;
    }
    return fd;
}

static void flush_tx(struct peer *p)
{
    const uint8_t *data;
    size_t n;
    while ((n = ppp_link_tx_data(p->link, &data)) > 0) {
        ssize_t w = write(p->wfd, data, n);
        if (w < 0) {
            if (errno != EAGAIN && errno != EINTR)
                p->eof = true;
            return;
        }
        wire_tap_feed(&p->tap, WIRE_TX, data, (size_t)w);
        ppp_link_tx_consume(p->link, (size_t)w);
    }
}

static void read_rx(struct peer *p)
{
    uint8_t buf[4096];
    ssize_t n = read(p->rfd, buf, sizeof buf);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        p->eof = true;
        ppp_link_lower_down(p->link, now_ns());
        return;
    }
    if (n > 0) {
        wire_tap_feed(&p->tap, WIRE_RX, buf, (size_t)n);
        ppp_link_input(p->link, buf, (size_t)n, now_ns());
    }
}

/* ---------------------------------------------------------------- probes */

static void send_pings(struct peer *p, ppp_time now)
{
    uint8_t pkt[PING6_LEN];
    if (p->ipcp_up && p->ping4.got < p->ping4.want && p->ping4.sent < PING_MAX_SENT &&
        now >= p->ping4.next) {
        size_t n =
            ping4_request(pkt, p->ipcp.u.ipcp.local, p->opt.ping_target, PING_ID, p->ping4.seq);
        if (ppp_link_send_ip(p->link, pkt, n, now) == PPP_OK)
            p->ping4.sent++;
        p->ping4.next = now + PING_RETRY_MS * PPP_MS;
    }
    if (p->ipv6cp_up && p->ping6.got < p->ping6.want && p->ping6.sent < PING_MAX_SENT &&
        now >= p->ping6.next) {
        size_t n = ping6_request(pkt, p->local6, p->remote6, PING_ID, p->ping6.seq);
        if (ppp_link_send_ip(p->link, pkt, n, now) == PPP_OK)
            p->ping6.sent++;
        p->ping6.next = now + PING_RETRY_MS * PPP_MS;
    }
    if (p->lcp_up && p->echo_sent < p->opt.echoes && p->echo_replies == p->echo_sent &&
        now >= p->echo_next) {
        if (ppp_link_echo(p->link, now) == PPP_OK)
            p->echo_sent++;
        p->echo_next = now + 200 * PPP_MS;
    }
}

static bool goals_met(const struct peer *p)
{
    const struct ppp_settings *s = &p->opt.settings;
    return p->lcp_up && (!s->ipv4 || p->ipcp_up) && (p->ping6.want == 0 || p->ipv6cp_up) &&
           p->ping4.got == p->ping4.want && p->ping6.got == p->ping6.want &&
           p->echo_replies >= p->opt.echoes;
}

/* ---------------------------------------------------------------- main loop */

static int poll_timeout_ms(const struct peer *p, ppp_time now, ppp_time deadline)
{
    ppp_time wake = ppp_link_expiry(p->link);
    if (deadline < wake)
        wake = deadline;
    if (p->ping4.got < p->ping4.want && p->ping4.next < wake)
        wake = p->ping4.next;
    if (p->ping6.got < p->ping6.want && p->ping6.next < wake)
        wake = p->ping6.next;
    if (wake <= now)
        return 0;
    ppp_time ms = (wake - now + PPP_MS - 1) / PPP_MS;
    return ms > 100 ? 100 : (int)ms; /* also re-check probes and signals */
}

/* Run until done(p) or the deadline; returns done(p). */
static bool run_until(struct peer *p, bool (*done)(const struct peer *), ppp_time deadline)
{
    while (!done(p) && !p->eof && !stop_requested) {
        ppp_time now = now_ns();
        if (now >= deadline)
            break;
        if (now >= ppp_link_expiry(p->link))
            ppp_link_handle_expiry(p->link, now);
        send_pings(p, now);
        flush_tx(p);
        struct pollfd fds[2] = {{.fd = p->rfd, .events = POLLIN}, {.fd = p->wfd}};
        const uint8_t *pending;
        if (ppp_link_tx_data(p->link, &pending) > 0)
            fds[1].events = POLLOUT;
        if (poll(fds, fds[1].events ? 2 : 1, poll_timeout_ms(p, now, deadline)) < 0 &&
            errno != EINTR)
            break;
        if (fds[0].revents & (POLLIN | POLLHUP | POLLERR))
            read_rx(p);
    }
    flush_tx(p);
    return done(p);
}

static bool link_went_down(const struct peer *p)
{
    return !goals_met(p);
}

static bool link_dead(const struct peer *p)
{
    return ppp_link_phase(p->link) == PPP_PHASE_DEAD;
}

static void print_ipv4(const char *key, uint32_t a)
{
    struct in_addr in = {.s_addr = htonl(a)};
    printf(" %s=%s", key, inet_ntoa(in));
}

static void print_ipv6(const char *key, const uint8_t a[16])
{
    char text[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a, text, sizeof text);
    printf(" %s=%s", key, text);
}

/* The cause name as one key=value word ("closed by request" -> closed-by-request). */
static const char *cause_word(enum ppp_cause cause)
{
    static char word[64];
    snprintf(word, sizeof word, "%s", ppp_cause_name(cause));
    for (char *c = word; *c != '\0'; c++)
        if (*c == ' ')
            *c = '-';
    return word;
}

static void print_summary(const struct peer *p, bool ok, bool closed)
{
    printf("result=%s lcp=%s ipcp=%s ipv6cp=%s", ok && closed ? "ok" : "fail",
           p->lcp_was_up ? "opened" : "never", p->ever_ipcp ? "opened" : "never",
           p->ever_ipv6cp ? "opened" : "never");
    if (p->ever_ipcp) {
        print_ipv4("local", p->ipcp.u.ipcp.local);
        print_ipv4("remote", p->ipcp.u.ipcp.remote);
    }
    if (p->ever_ipv6cp) {
        print_ipv6("local6", p->local6);
        print_ipv6("remote6", p->remote6);
    }
    if (p->lcp_was_up)
        printf(" mru_tx=%u mru_rx=%u accm_tx=0x%08" PRIx32 " pfc_tx=%d acfc_tx=%d",
               p->lcp.u.lcp.mru_tx, p->lcp.u.lcp.mru_rx, p->lcp.u.lcp.accm_tx, p->lcp.u.lcp.pfc_tx,
               p->lcp.u.lcp.acfc_tx);
    printf(" ping=%u/%u ping_sent=%u ping6=%u/%u ping6_sent=%u echo=%u/%u", p->ping4.got,
           p->ping4.want, p->ping4.sent, p->ping6.got, p->ping6.want, p->ping6.sent,
           p->echo_replies, p->opt.echoes);
    printf(" up_at_end=%s term_ack_rx=%s term_ack_tx=%s close=%s cause=%s eof=%d elapsed=%.2f\n",
           ok ? "yes" : "no",
           (p->tap.dir[WIRE_RX].lcp_codes_seen & (1u << LCP_TERMINATE_ACK)) ? "yes" : "no",
           (p->tap.dir[WIRE_TX].lcp_codes_seen & (1u << LCP_TERMINATE_ACK)) ? "yes" : "no",
           closed ? "clean" : "no", cause_word(ppp_link_cause(p->link)), p->eof, since_start(p));
    const struct ppp_stats *s = ppp_link_stats(p->link);
    printf("stats rx_bytes=%" PRIu64 " tx_bytes=%" PRIu64 " rx_frames=%" PRIu64
           " tx_frames=%" PRIu64 " rx_ip=%" PRIu64 " tx_ip=%" PRIu64 " rx_bad_fcs=%" PRIu64
           " rx_runts=%" PRIu64 " rx_too_long=%" PRIu64 " rx_aborts=%" PRIu64
           " rx_outside_frames=%" PRIu64 " rx_unknown_protocol=%" PRIu64 " rx_dropped=%" PRIu64
           " tx_dropped_control=%" PRIu64 " echo_sent=%" PRIu64 " echo_replies=%" PRIu64
           " wire_rx_frames=%" PRIu64 " wire_tx_frames=%" PRIu64 " rx_other_ip=%lu\n",
           s->rx_bytes, s->tx_bytes, s->rx_frames, s->tx_frames, s->rx_ip_packets, s->tx_ip_packets,
           s->rx_bad_fcs, s->rx_runts, s->rx_too_long, s->rx_aborts, s->rx_bytes_outside_frames,
           s->rx_unknown_protocol, s->rx_dropped, s->tx_dropped_control, s->echo_sent,
           s->echo_replies, p->tap.dir[WIRE_RX].frames, p->tap.dir[WIRE_TX].frames, p->rx_other_ip);
    fflush(stdout);
}

/* ---------------------------------------------------------------- main */

static bool setup_stream(struct peer *p)
{
    if (p->opt.connect_path != NULL) {
        p->rfd = p->wfd = connect_unix(p->opt.connect_path);
        if (p->rfd < 0) {
            perror(p->opt.connect_path);
            return false;
        }
    } else {
        /* The stream owns stdout: move it aside; the summary goes to stderr. */
        p->rfd = STDIN_FILENO;
        p->wfd = dup(STDOUT_FILENO);
        if (p->wfd < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
            perror("dup");
            return false;
        }
    }
    fcntl(p->rfd, F_SETFL, fcntl(p->rfd, F_GETFL) | O_NONBLOCK);
    fcntl(p->wfd, F_SETFL, fcntl(p->wfd, F_GETFL) | O_NONBLOCK);
    return true;
}

int main(int argc, char **argv)
{
    static struct peer peer; /* holds two 70 kB frame buffers */
    struct peer *p = &peer;
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    p->start = now_ns();
    if (!parse_options(&p->opt, argc, argv))
        return 2;
    p->opt.settings.seed = p->start ^ (uint64_t)getpid();
    p->ping4.want = p->opt.ping_count;
    p->ping6.want = p->opt.ping6_count;
    if (!wire_tap_open(&p->tap, p->opt.pcap_path)) {
        perror(p->opt.pcap_path);
        return 2;
    }
    if (!setup_stream(p))
        return 2;
    struct ppp_callbacks cb = {.event = on_event, .ip_packet = on_ip, .log = on_log};
    int rc = ppp_link_new(&p->link, &p->opt.settings, &cb, p);
    if (rc != PPP_OK) {
        fprintf(stderr, "ppp_peer: ppp_link_new: %s\n", ppp_strerror(rc));
        return 2;
    }
    ppp_link_open(p->link, now_ns());
    bool ok = run_until(p, goals_met, p->start + (ppp_time)p->opt.timeout_s * 1000 * PPP_MS);
    if (ok && p->opt.hold_ms > 0) {
        /* Still up after the hold: nothing (an NCP giving up, keepalive) took it down. */
        run_until(p, link_went_down, now_ns() + p->opt.hold_ms * PPP_MS);
        ok = goals_met(p) && !p->eof && !stop_requested;
    }
    bool closed = false;
    if (p->opt.wait_peer_close) {
        /* The peer ends the link: we must answer its Terminate-Request. */
        ppp_time deadline = p->start + (ppp_time)p->opt.timeout_s * 1000 * PPP_MS;
        closed = run_until(p, link_dead, deadline) &&
                 ppp_link_cause(p->link) == PPP_CAUSE_PEER_TERMINATED &&
                 (p->tap.dir[WIRE_TX].lcp_codes_seen & (1u << LCP_TERMINATE_ACK));
    } else if (!p->eof) {
        ppp_link_close(p->link, now_ns(),
                       p->opt.close_reason ? p->opt.close_reason : "interop test done");
        closed = run_until(p, link_dead, now_ns() + CLOSE_GRACE_MS * PPP_MS) &&
                 (p->tap.dir[WIRE_RX].lcp_codes_seen & (1u << LCP_TERMINATE_ACK));
    }
    print_summary(p, ok, closed);
    ppp_link_del(p->link);
    wire_tap_close(&p->tap);
    return ok && closed ? 0 : 1;
}
