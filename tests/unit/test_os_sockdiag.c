/* test_os_sockdiag.c - sshd's SSH_CONNECTION read as a connection's
 * addresses, and a real connection's TCP_INFO asked of the kernel by
 * those addresses.  The live cases run in a network namespace of their
 * own (loopback only), so they need root; without it they are skipped. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <linux/netlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "sockdiag.h"
#include "tcpstate.h"

static void ssh_connection_v4_is_read_from_the_server_side(void **state)
{
    (void)state;
    struct tcp_conn_id id;
    assert_int_equal(tcp_conn_id_parse_ssh("198.18.0.1 51234 198.18.0.2 22", &id), 0);
    assert_int_equal(id.family, AF_INET);
    /* SSH_CONNECTION lists the client first; locally we are the server. */
    const uint8_t client[4] = {198, 18, 0, 1}, server[4] = {198, 18, 0, 2};
    assert_memory_equal(id.remote, client, 4);
    assert_memory_equal(id.local, server, 4);
    assert_int_equal(id.remote_port, 51234);
    assert_int_equal(id.local_port, 22);
}

static void ssh_connection_v6(void **state)
{
    (void)state;
    struct tcp_conn_id id;
    assert_int_equal(tcp_conn_id_parse_ssh("fd00::1 40000 fd00::2 2222", &id), 0);
    assert_int_equal(id.family, AF_INET6);
    uint8_t want[16];
    inet_pton(AF_INET6, "fd00::2", want);
    assert_memory_equal(id.local, want, 16);
    assert_int_equal(id.local_port, 2222);
}

static void ssh_connection_garbage_is_refused(void **state)
{
    (void)state;
    struct tcp_conn_id id;
    const char *bad[] = {
        NULL,
        "",
        "198.18.0.1 51234 198.18.0.2",          /* three fields */
        "198.18.0.1 51234 198.18.0.2 22 extra", /* five */
        "198.18.0.1 51234 fd00::2 22",          /* families differ */
        "198.18.0.1 0 198.18.0.2 22",           /* port 0 */
        "198.18.0.1 65536 198.18.0.2 22",       /* port too big */
        "198.18.0.1 22x 198.18.0.2 22",         /* not a number */
        "host.example 51234 198.18.0.2 22",     /* a name, not an address */
        "198.18.0.1 -1 198.18.0.2 22",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(tcp_conn_id_parse_ssh(bad[i], &id), -EINVAL);
}

/* A namespace of our own with loopback up, or false (not root). */
static bool private_loopback(void)
{
    if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0)
        return false;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strcpy(ifr.ifr_name, "lo");
    bool ok = s >= 0 && ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
    ifr.ifr_flags |= IFF_UP;
    ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
    if (s >= 0)
        close(s);
    return ok;
}

struct conn {
    int listener, client, server;
    struct tcp_conn_id id; /* as the server end sees it */
};

static void connect_pair(struct conn *c)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    c->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(c->listener >= 0);
    assert_int_equal(bind(c->listener, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(c->listener, 1), 0);
    assert_int_equal(getsockname(c->listener, (struct sockaddr *)&a, &len), 0);
    c->client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(connect(c->client, (struct sockaddr *)&a, sizeof(a)), 0);
    c->server = accept(c->listener, NULL, NULL);
    assert_true(c->server >= 0);
    struct sockaddr_in peer;
    len = sizeof(peer);
    assert_int_equal(getpeername(c->server, (struct sockaddr *)&peer, &len), 0);
    char text[128];
    snprintf(text, sizeof(text), "127.0.0.1 %u 127.0.0.1 %u", ntohs(peer.sin_port),
             ntohs(a.sin_port));
    assert_int_equal(tcp_conn_id_parse_ssh(text, &c->id), 0);
}

static void close_pair(struct conn *c)
{
    close(c->client);
    close(c->server);
    close(c->listener);
}

/* A connected pair on a private loopback and a diag socket, or false
 * (not root: the caller skips). */
static bool live_start(struct conn *c, struct sock_diag *d)
{
    if (!private_loopback())
        return false;
    connect_pair(c);
    assert_int_equal(sock_diag_open(d), 0);
    return true;
}

/* What the server end sent and had acknowledged is what the kernel tells
 * a stranger asking by address, byte for byte. */
static void live_connection_state_by_address(void **state)
{
    (void)state;
    struct conn c;
    struct sock_diag d;
    if (!live_start(&c, &d))
        skip();
    char data[3000], sink[4096];
    memset(data, 'x', sizeof(data));
    assert_int_equal(write(c.server, data, sizeof(data)), (ssize_t)sizeof(data));
    size_t got = 0;
    while (got < sizeof(data)) {
        ssize_t n = read(c.client, sink, sizeof(sink));
        assert_true(n > 0);
        got += (size_t)n;
    }
    struct tcp_state s, own;
    /* The ACK may still be on its way: the same answer both ways, once
     * the kernel has it (bounded). */
    for (int i = 0; i < 100; i++) {
        assert_int_equal(tcp_state_read_diag(&d, &c.id, &s), 0);
        assert_int_equal(tcp_state_read(c.server, &own), 0);
        if (s.bytes_acked == own.bytes_acked && own.bytes_acked >= sizeof(data))
            break;
        usleep(1000);
    }
    assert_int_equal(s.bytes_acked, own.bytes_acked);
    assert_true(s.bytes_acked >= sizeof(data));
    assert_true(s.min_rtt_us > 0);
    /* The client end is another connection, with nothing sent. */
    struct tcp_conn_id other = c.id;
    memcpy(other.local, c.id.remote, 16);
    memcpy(other.remote, c.id.local, 16);
    other.local_port = c.id.remote_port;
    other.remote_port = c.id.local_port;
    assert_int_equal(tcp_state_read_diag(&d, &other, &s), 0);
    assert_true(s.bytes_acked <= 1);
    sock_diag_close(&d);
    close_pair(&c);
}

/* An answer left unread on the socket (here: the kernel's reply to a
 * stray request) does not make every later query read the wrong one. */
static void a_stale_answer_is_skipped(void **state)
{
    (void)state;
    struct conn c;
    struct sock_diag d;
    if (!live_start(&c, &d))
        skip();
    struct nlmsghdr stray = {.nlmsg_len = sizeof(stray),
                             .nlmsg_type = NLMSG_NOOP,
                             .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK,
                             .nlmsg_seq = 4242};
    assert_int_equal(send(d.fd, &stray, sizeof(stray), 0), (ssize_t)sizeof(stray));
    struct tcp_state s;
    for (int i = 0; i < 3; i++)
        assert_int_equal(tcp_state_read_diag(&d, &c.id, &s), 0);
    sock_diag_close(&d);
    close_pair(&c);
}

/* A connection that is not there is -ENOENT, and so is one that ended. */
static void missing_connection_is_enoent(void **state)
{
    (void)state;
    struct conn c;
    struct sock_diag d;
    if (!live_start(&c, &d))
        skip();
    struct tcp_state s;
    struct tcp_conn_id wrong = c.id;
    wrong.remote_port = (uint16_t)(c.id.remote_port + 1);
    assert_int_equal(tcp_state_read_diag(&d, &wrong, &s), -ENOENT);
    close_pair(&c);
    assert_int_equal(tcp_state_read_diag(&d, &c.id, &s), -ENOENT);
    sock_diag_close(&d);
    assert_int_equal(d.fd, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ssh_connection_v4_is_read_from_the_server_side),
        cmocka_unit_test(ssh_connection_v6),
        cmocka_unit_test(ssh_connection_garbage_is_refused),
        cmocka_unit_test(live_connection_state_by_address),
        cmocka_unit_test(missing_connection_is_enoent),
        cmocka_unit_test(a_stale_answer_is_skipped),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
