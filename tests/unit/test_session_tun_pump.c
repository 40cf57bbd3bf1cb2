/* test_session_tun_pump.c - packets between a real TUN (in a network
 * namespace of the test's own, unshare) and the engine: the peer's packets
 * reach a local socket only while their NCP is open, a server drops a
 * client's spoofed sources, and a packet the kernel routes into the
 * interface crosses our queue and engine to a second engine on the far
 * end of the stream.  Skipped when not root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "engine_harness.h"
#include "netns.h"
#include "tunnel.h"

#define LOCAL "198.18.255.2"
#define PEER "198.18.255.1"
#define PORT 5353

static struct in_addr ip4(const char *text)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, text, &a), 1);
    return a;
}

struct bed {
    struct run_params p;
    struct tunnel t;
};

/* A tunnel of role whose TUN is up with LOCAL peer PEER (as IPCP up
 * leaves it), the NCP not yet open. */
static struct bed *bed_new(enum run_role role)
{
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    run_params_init(&b->p, role);
    b->p.net.antispoof = true;
    struct tunnel *t = &b->t;
    tunnel_init(t, &b->p);
    t->epfd = epoll_create1(EPOLL_CLOEXEC);
    assert_true(t->epfd >= 0);
    assert_int_equal(tun_start(t), 0);
    struct cfg_request link = {.kind = CFG_LINK_UP, .mtu = 1400};
    assert_int_equal(configure(t, &link), 0);
    t->mtu = 1400;
    t->iface_up = true;
    struct cfg_request pair = {.kind = CFG_IPV4_UP, .local = ip4(LOCAL), .peer = ip4(PEER)};
    assert_int_equal(configure(t, &pair), 0);
    t->spoof.peer4 = (struct os_ip){.family = AF_INET, .v4 = ip4(PEER)};
    return b;
}

static void bed_free(struct bed *b)
{
    b->t.cfg->free(b->t.cfg);
    tun_stop(&b->t);
    pace_stop(&b->t);
    close(b->t.pump.fd);
    close(b->t.epfd);
    free(b);
}

static uint16_t ip_checksum(const uint8_t *h, size_t len)
{
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)(h[i] << 8 | h[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* An IPv4 UDP packet src -> LOCAL:PORT carrying payload (UDP checksum 0:
 * none, RFC 768); its length. */
static size_t udp_packet(const char *src, const char *payload, uint8_t *pkt)
{
    size_t plen = strlen(payload), len = 20 + 8 + plen;
    struct in_addr s = ip4(src), d = ip4(LOCAL);
    memset(pkt, 0, 28);
    pkt[0] = 0x45;
    pkt[2] = (uint8_t)(len >> 8);
    pkt[3] = (uint8_t)len;
    pkt[8] = 64;
    pkt[9] = IPPROTO_UDP;
    memcpy(pkt + 12, &s, 4);
    memcpy(pkt + 16, &d, 4);
    uint16_t c = ip_checksum(pkt, 20);
    pkt[10] = (uint8_t)(c >> 8);
    pkt[11] = (uint8_t)c;
    pkt[20] = 0x30; /* source port 12345 */
    pkt[21] = 0x39;
    pkt[22] = PORT >> 8;
    pkt[23] = PORT & 0xff;
    pkt[24] = (uint8_t)((8 + plen) >> 8);
    pkt[25] = (uint8_t)(8 + plen);
    memcpy(pkt + 28, payload, plen);
    return len;
}

static int udp_socket(const char *addr, uint16_t port)
{
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port), .sin_addr = ip4(addr)};
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    return fd;
}

/* What arrives on fd within 200 ms ("" if nothing). */
static void received(int fd, char *out, size_t size)
{
    struct pollfd pfd = {.fd = fd, .events = POLLIN};
    out[0] = 0;
    if (poll(&pfd, 1, 200) != 1)
        return;
    ssize_t n = recv(fd, out, size - 1, 0);
    out[n > 0 ? n : 0] = 0;
}

static void the_peers_packets_reach_the_kernel_only_while_ipcp_is_open(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new(RUN_CLIENT);
    struct tunnel *t = &b->t;
    int s = udp_socket(LOCAL, PORT);
    uint8_t pkt[128];
    char got[64];

    tun_ip_packet(t, 4, NULL, pkt, udp_packet(PEER, "too early", pkt));
    received(s, got, sizeof(got));
    assert_string_equal(got, "");
    assert_int_equal(tun_filtered(t, PEER_NCP_CLOSED), 1);

    t->ipcp_up = true;
    tun_ip_packet(t, 4, NULL, pkt, udp_packet(PEER, "hello", pkt));
    received(s, got, sizeof(got));
    assert_string_equal(got, "hello");
    /* A client takes any source from its server (it routes the world). */
    tun_ip_packet(t, 4, NULL, pkt, udp_packet("198.19.9.9", "from afar", pkt));
    received(s, got, sizeof(got));
    assert_string_equal(got, "from afar");
    assert_int_equal(tun_filtered(t, PEER_SPOOFED), 0);
    close(s);
    bed_free(b);
}

static void a_server_drops_a_clients_spoofed_sources(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new(RUN_SERVER);
    struct tunnel *t = &b->t;
    int s = udp_socket(LOCAL, PORT);
    uint8_t pkt[128];
    char got[64];
    t->ipcp_up = true;
    tun_ip_packet(t, 4, NULL, pkt, udp_packet("198.18.255.9", "spoofed", pkt));
    received(s, got, sizeof(got));
    assert_string_equal(got, "");
    assert_int_equal(tun_filtered(t, PEER_SPOOFED), 1);
    tun_ip_packet(t, 4, NULL, pkt, udp_packet(PEER, "own", pkt));
    received(s, got, sizeof(got));
    assert_string_equal(got, "own");
    close(s);
    bed_free(b);
}

/* The far engine's packets. */
struct far {
    char payloads[512];
    size_t len;
};

static void far_ip(struct h_end *end, int family, const uint8_t *pkt, size_t len)
{
    struct far *f = end->ctx;
    if (family != 4 || len < 28 || pkt[9] != IPPROTO_UDP)
        return;
    size_t n =
        len - 28 < sizeof(f->payloads) - 1 - f->len ? len - 28 : sizeof(f->payloads) - 1 - f->len;
    memcpy(f->payloads + f->len, pkt + 28, n);
    f->len += n;
    f->payloads[f->len] = 0;
}

static void a_packet_into_the_interface_reaches_the_far_engine(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new(RUN_CLIENT);
    struct tunnel *t = &b->t;
    struct h_pair *pair = calloc(1, sizeof(*pair));
    struct far far = {0};
    struct ppp_settings sa, sb;
    assert_non_null(pair);
    h_pair_init(pair, 7);
    ppp_settings_default(&sa);
    sa.ipv6 = false;
    sa.local_ip = ntohl(ip4(LOCAL).s_addr);
    sa.remote_ip = ntohl(ip4(PEER).s_addr);
    sa.seed = 3;
    sb = sa;
    sb.seed = 4;
    sb.local_ip = sa.remote_ip;
    sb.remote_ip = sa.local_ip;
    assert_int_equal(h_end_new(&pair->a, "us", &sa, &pair->now), PPP_OK);
    assert_int_equal(h_end_new(&pair->b, "far", &sb, &pair->now), PPP_OK);
    pair->b.on_ip = far_ip;
    pair->b.ctx = &far;
    assert_int_equal(ppp_link_open(pair->a.link, pair->now), PPP_OK);
    assert_int_equal(ppp_link_open(pair->b.link, pair->now), PPP_OK);
    assert_true(h_run_until_up(pair, 10000 * PPP_MS));

    /* Our engine is the negotiated one; its stream is a socketpair. */
    int sp[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sp), 0);
    t->link = pair->a.link;
    t->now = pair->now;
    pace_setup(t); /* the pacer on the engine's clock */
    t->st.in_fd = t->st.out_fd = sp[0];
    tun_update_reading(t);
    assert_false(t->pump.reading); /* no NCP open: nothing to carry it */
    t->ipcp_up = true;
    tun_update_reading(t);
    assert_true(t->pump.reading);

    int s = udp_socket(LOCAL, 40000);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(PORT), .sin_addr = ip4(PEER)};
    const char *payload = "pppssh-pump-test";
    assert_int_equal(sendto(s, payload, strlen(payload), 0, (struct sockaddr *)&to, sizeof(to)),
                     (ssize_t)strlen(payload));
    struct pollfd pfd = {.fd = t->pump.fd, .events = POLLIN};
    for (int i = 0; i < 20 && !strstr(far.payloads, payload); i++) {
        t->now = pair->now += PPP_MS; /* the loop's next wake-up */
        if (poll(&pfd, 1, 100) == 1)
            tun_readable(t);
        tun_update_reading(t); /* as the loop does after each wake-up: pumps */
        uint8_t buf[4096];
        ssize_t n;
        while ((n = read(sp[1], buf, sizeof(buf))) > 0)
            ppp_link_input(pair->b.link, buf, (size_t)n, pair->now);
    }
    assert_non_null(strstr(far.payloads, payload));

    t->link = NULL;
    close(s);
    close(sp[0]);
    close(sp[1]);
    ppp_link_del(pair->a.link);
    ppp_link_del(pair->b.link);
    free(pair);
    bed_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_peers_packets_reach_the_kernel_only_while_ipcp_is_open),
        cmocka_unit_test(a_server_drops_a_clients_spoofed_sources),
        cmocka_unit_test(a_packet_into_the_interface_reaches_the_far_engine),
    };
    return cmocka_run_group_tests(tests, netns_enter, NULL);
}
