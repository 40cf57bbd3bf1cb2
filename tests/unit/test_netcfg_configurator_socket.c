/* test_netcfg_configurator_socket.c - configurator_socket.h: the requests
 * of the unprivileged end cross a SOCK_SEQPACKET socket to a served
 * configurator in another process (a recording stand-in for the one that
 * changes the kernel: test_netcfg_configurator reads that one back);
 * what the tunnel's configuration names goes through and its answer comes
 * back, anything else (a route or address it does not name, too many
 * resolvers, proxy ARP on a client, a kind outside the list, a short
 * message) is refused without reaching it, and the end of the socket,
 * however the other end died, undoes everything.  A split `up` without
 * User = may also ask for its transport and hooks (CONNECT, KILL, HOOK),
 * whose replies carry descriptors; without it (transport, hooks off) they
 * are refused like any request outside the list.  The resolvers of a DNS
 * request are applied beside the link: the unprivileged end reads them
 * busy (dns_busy, what `up` waits for) until the served side's job ends. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "configurator.h"
#include "configurator_socket.h"

/* The stand-in writes one byte per request it carries out ('a' + kind)
 * and 'F' when freed, to a pipe the test reads after it exits. */
struct recorder {
    struct configurator ops;
    int log_fd;
    long long dns_until_ms; /* the stand-in's resolver job runs until then */
};

/* How long the stand-in's resolver job of a DNS request runs (0: none). */
static int rec_dns_ms;

static void record(struct configurator *c, char what)
{
    assert_int_equal(write(((struct recorder *)c)->log_fd, &what, 1), 1);
}

static int rec_request(struct configurator *c, const struct cfg_request *rq, char *why, size_t size)
{
    record(c, (char)('a' + rq->kind));
    if (rq->kind == CFG_DNS)
        ((struct recorder *)c)->dns_until_ms = os_clock_ms() + rec_dns_ms;
    if (rq->kind == CFG_LINK_UP && rq->mtu == 1234) {
        snprintf(why, size, "kernel said no");
        return -ENETDOWN;
    }
    return 0;
}

static void rec_poll(struct configurator *c, long long now_ms)
{
    (void)c;
    (void)now_ms;
}

static bool rec_dns_busy(const struct configurator *c)
{
    return os_clock_ms() < ((const struct recorder *)c)->dns_until_ms;
}

static long long rec_expiry(const struct configurator *c)
{
    return rec_dns_busy(c) ? ((const struct recorder *)c)->dns_until_ms : -1;
}

static bool rec_ipv6_off(const struct configurator *c, char *why, size_t size)
{
    (void)c;
    snprintf(why, size, "disable_ipv6 is 1");
    return true;
}

/* CONNECT's reply: three pipes, each with its index to read, and a pid. */
static void rec_reply(struct configurator *c, struct cfg_reply *out)
{
    (void)c;
    memset(out, 0, sizeof(*out));
    out->value = 4242;
    for (int i = 0; i < CFG_REPLY_FDS; i++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        char byte = (char)('0' + i);
        assert_int_equal(write(p[1], &byte, 1), 1);
        close(p[1]);
        out->fds[out->n_fds++] = p[0];
    }
}

static void rec_free(struct configurator *c)
{
    record(c, 'F');
    free(c);
}

static struct os_prefix prefix(const char *text)
{
    struct os_prefix p;
    assert_int_equal(os_prefix_parse(text, &p), 0);
    return p;
}

static struct cfg_policy policy(void)
{
    struct cfg_policy p = {.max_dns = 2, .has_address6 = true, .forward = true,
                           .masquerade = true, .masquerade_oif = "eth9"};
    p.routes[p.n_routes++] = prefix("198.18.50.0/24");
    p.routes[p.n_routes++] = prefix("0.0.0.0/0");
    p.address6 = prefix("fd00:5353::2/64");
    return p;
}

struct served {
    pid_t pid;
    int sock;   /* the unprivileged end */
    int log_fd; /* what the stand-in did */
};

static struct served serve_with(struct cfg_policy p, bool replies)
{
    int sv[2], log[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
    assert_int_equal(pipe(log), 0);
    struct served s = {.pid = fork()};
    assert_true(s.pid >= 0);
    if (s.pid == 0) {
        close(sv[0]);
        close(log[0]);
        struct recorder *r = calloc(1, sizeof(*r));
        r->ops = (struct configurator){.request = rec_request,
                                       .poll = rec_poll,
                                       .expiry = rec_expiry,
                                       .ipv6_off = rec_ipv6_off,
                                       .dns_busy = rec_dns_busy,
                                       .free = rec_free,
                                       .reply = replies ? rec_reply : NULL};
        r->log_fd = log[1];
        _exit(configurator_serve(sv[1], &r->ops, &p, NULL) == 0 ? 0 : 1);
    }
    close(sv[1]);
    close(log[1]);
    s.sock = sv[0];
    s.log_fd = log[0];
    return s;
}

static struct served serve(void)
{
    return serve_with(policy(), false);
}

/* Waits for the served end to finish; returns what the stand-in did. */
static char *finish(struct served *s, char *out, size_t size)
{
    int status;
    assert_int_equal(waitpid(s->pid, &status, 0), s->pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    ssize_t n = read(s->log_fd, out, size - 1);
    assert_true(n >= 0);
    out[n] = '\0';
    close(s->log_fd);
    return out;
}

static void allowed_requests_are_carried_out_and_answered(void **state)
{
    (void)state;
    struct served s = serve();
    struct configurator *c = configurator_socket_new(s.sock);
    char why[256] = "", did[64];
    struct cfg_request rq = {.kind = CFG_LINK_UP, .mtu = 1400};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    rq = (struct cfg_request){.kind = CFG_LINK_UP, .mtu = 1234};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), -ENETDOWN);
    assert_string_equal(why, "kernel said no");
    rq = (struct cfg_request){.kind = CFG_IPV4_UP};
    inet_pton(AF_INET, "198.18.7.2", &rq.local);
    inet_pton(AF_INET, "198.18.7.1", &rq.peer);
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    rq = (struct cfg_request){.kind = CFG_ROUTE, .prefix = prefix("198.18.50.0/24")};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    rq = (struct cfg_request){.kind = CFG_IPV6_UP, .prefix = prefix("fe80::1234/64")};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    rq = (struct cfg_request){.kind = CFG_IPV6_UP, .prefix = prefix("fd00:5353::2/64")};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    rq = (struct cfg_request){.kind = CFG_DNS, .n_dns = 2};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    rq = (struct cfg_request){.kind = CFG_FORWARD, .family = AF_INET};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    rq = (struct cfg_request){.kind = CFG_MASQUERADE, .oif = "eth9"};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    rq = (struct cfg_request){.kind = CFG_DOWN, .family = AF_INET6};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    /* The served side's reading of the interface comes back with it. */
    assert_true(c->ipv6_off(c, why, sizeof(why)));
    assert_string_equal(why, "disable_ipv6 is 1");
    c->free(c);
    assert_string_equal(finish(&s, did, sizeof(did)), "aaceddfhijkF");
}

/* free returns only once the served end has ended and closed: the
 * privileged parent removes the tunnel's name before it closes
 * (up_split.c), so `pppssh down`, answered after free, finds it gone. */
static void free_returns_once_the_served_end_closed(void **state)
{
    (void)state;
    struct served s = serve();
    struct configurator *c = configurator_socket_new(s.sock);
    c->free(c);
    char did[64];
    assert_int_equal(fcntl(s.log_fd, F_SETFL, O_NONBLOCK), 0);
    ssize_t n = read(s.log_fd, did, sizeof(did) - 1); /* no wait: it is there now */
    assert_true(n > 0);
    did[n] = '\0';
    assert_string_equal(did, "kF"); /* UNDO_ALL carried out, then the stand-in freed */
    finish(&s, did, sizeof(did));
}

static void requests_outside_the_configuration_never_reach_it(void **state)
{
    (void)state;
    struct served s = serve();
    struct configurator *c = configurator_socket_new(s.sock);
    char why[256], did[64];
    struct cfg_request refused[] = {
        {.kind = CFG_ROUTE, .prefix = prefix("198.18.60.0/24")}, /* not a Route */
        {.kind = CFG_ROUTE, .prefix = prefix("198.18.50.0/23")}, /* wider than one */
        {.kind = CFG_IPV6_UP, .prefix = prefix("fd00:6666::2/64")},
        {.kind = CFG_IPV4_UP}, /* 0.0.0.0 */
        {.kind = CFG_DNS, .n_dns = 3},
        {.kind = CFG_PROXY_ARP, .peer = {htonl(0xc6120701)}},
        {.kind = CFG_LINK_UP, .mtu = 70000},
        {.kind = CFG_DOWN, .family = AF_UNIX},
        {.kind = CFG_FORWARD, .family = AF_UNIX},
        {.kind = CFG_MASQUERADE, .oif = "eth0"}, /* not Masquerade's interface */
        {.kind = CFG_CONNECT}, /* User =: the session runs its own ssh */
        {.kind = CFG_KILL},
        {.kind = CFG_HOOK, .hook = CFG_HOOK_UP},
        {.kind = (enum cfg_request_kind)77},
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        why[0] = '\0';
        assert_int_equal(c->request(c, &refused[i], why, sizeof(why)), -EPERM);
        assert_non_null(strstr(why, "outside the tunnel's configuration"));
    }
    /* A message that is not a whole request. */
    struct cfg_request rq = {.kind = CFG_UNDO_ALL};
    assert_int_equal(send(s.sock, &rq, 3, 0), 3);
    char answer[512];
    assert_true(recv(s.sock, answer, sizeof(answer), 0) > 0);
    int result;
    memcpy(&result, answer, sizeof(result));
    assert_int_equal(result, -EINVAL);
    c->free(c);
    assert_string_equal(finish(&s, did, sizeof(did)), "kF");
}

static void transport_and_hooks_cross_with_their_descriptors(void **state)
{
    (void)state;
    struct cfg_policy p = policy();
    p.transport = p.hooks = true;
    struct served s = serve_with(p, true);
    struct configurator *c = configurator_socket_new(s.sock);
    char why[256] = "", did[64];
    struct cfg_reply reply;
    struct cfg_request rq = {.kind = CFG_CONNECT};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    c->reply(c, &reply);
    assert_int_equal(reply.value, 4242);
    assert_int_equal(reply.n_fds, CFG_REPLY_FDS);
    for (size_t i = 0; i < reply.n_fds; i++) { /* each the one sent, in order */
        char byte = 0;
        assert_int_equal(read(reply.fds[i], &byte, 1), 1);
        assert_int_equal(byte, '0' + (int)i);
        close(reply.fds[i]);
    }
    c->reply(c, &reply); /* taken once */
    assert_int_equal(reply.n_fds, 0);
    struct in_addr local = {htonl(0xc6120702)}, peer = {htonl(0xc6120701)};
    rq = (struct cfg_request){
        .kind = CFG_HOOK, .hook = CFG_HOOK_DOWN, .local = local, .peer = peer, .n_dns = 2};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    struct cfg_request refused[] = {
        {.kind = CFG_HOOK, .hook = 2, .local = local, .peer = peer}, /* neither up nor down */
        {.kind = CFG_HOOK, .hook = CFG_HOOK_UP, .local = local, .peer = peer, .n_dns = 3},
        {.kind = CFG_HOOK, .hook = CFG_HOOK_UP, .peer = peer}, /* 0.0.0.0 */
    };
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        assert_int_equal(c->request(c, &refused[i], why, sizeof(why)), -EPERM);
    rq = (struct cfg_request){.kind = CFG_KILL};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    c->free(c); /* replies not taken are closed, not leaked */
    char expect[] = {(char)('a' + CFG_CONNECT), (char)('a' + CFG_HOOK), (char)('a' + CFG_KILL),
                     'a' + CFG_UNDO_ALL, 'F', 0};
    assert_string_equal(finish(&s, did, sizeof(did)), expect);
}

/* Polls c as the session's loop does (at its expiry) until its resolvers
 * are applied, at most 3 s; the time that took, in ms. */
static long long until_resolved(struct configurator *c)
{
    long long t0 = os_clock_ms();
    while (c->dns_busy(c) && os_clock_ms() - t0 < 3000) {
        long long due = c->expiry(c);
        assert_true(due >= 0); /* busy: the loop is woken to look again */
        long long wait = due - os_clock_ms();
        if (wait > 0)
            usleep((useconds_t)(wait * 1000));
        c->poll(c, os_clock_ms());
    }
    return os_clock_ms() - t0;
}

static void resolvers_are_busy_until_the_served_job_ends(void **state)
{
    (void)state;
    rec_dns_ms = 300;
    struct served s = serve();
    rec_dns_ms = 0;
    struct configurator *c = configurator_socket_new(s.sock);
    char why[256], did[64];
    assert_false(c->dns_busy(c));
    assert_int_equal(c->expiry(c), -1);
    struct cfg_request rq = {.kind = CFG_DNS, .n_dns = 2, .now_ms = os_clock_ms()};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    assert_true(c->dns_busy(c));
    long long took = until_resolved(c);
    assert_false(c->dns_busy(c));
    assert_true(took >= 250 && took < 1500);
    assert_int_equal(c->expiry(c), -1);
    /* A refused request starts nothing to wait for. */
    rq.n_dns = 3;
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), -EPERM);
    assert_false(c->dns_busy(c));
    c->free(c);
    char expect[] = {(char)('a' + CFG_DNS), 'a' + CFG_UNDO_ALL, 'F', 0};
    assert_string_equal(finish(&s, did, sizeof(did)), expect);
}

/* A configurator that applies no resolvers beside the link (none busy):
 * the pipe closes at once. */
static void resolvers_applied_at_once_are_not_waited_for(void **state)
{
    (void)state;
    struct served s = serve();
    struct configurator *c = configurator_socket_new(s.sock);
    char why[256], did[64];
    struct cfg_request rq = {.kind = CFG_DNS, .n_dns = 1, .now_ms = os_clock_ms()};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    assert_true(until_resolved(c) < 500);
    assert_false(c->dns_busy(c));
    c->free(c);
    char expect[] = {(char)('a' + CFG_DNS), 'a' + CFG_UNDO_ALL, 'F', 0};
    assert_string_equal(finish(&s, did, sizeof(did)), expect);
}

/* A killed unprivileged end closes its socket like any other: the served
 * side undoes everything. */
static void a_killed_client_leaves_nothing(void **state)
{
    (void)state;
    struct served s = serve();
    pid_t client = fork();
    assert_true(client >= 0);
    if (client == 0) {
        struct configurator *c = configurator_socket_new(s.sock);
        char why[256];
        struct cfg_request rq = {.kind = CFG_LINK_UP, .mtu = 1400};
        if (c->request(c, &rq, why, sizeof(why)) != 0)
            _exit(1);
        pause();
        _exit(0);
    }
    close(s.sock);
    char did[64];
    /* The request was carried out before the kill: its byte is first. */
    assert_int_equal(read(s.log_fd, did, 1), 1);
    assert_int_equal(did[0], 'a');
    assert_int_equal(kill(client, SIGKILL), 0);
    assert_int_equal(waitpid(client, NULL, 0), client);
    assert_string_equal(finish(&s, did, sizeof(did)), "F");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allowed_requests_are_carried_out_and_answered),
        cmocka_unit_test(free_returns_once_the_served_end_closed),
        cmocka_unit_test(requests_outside_the_configuration_never_reach_it),
        cmocka_unit_test(a_killed_client_leaves_nothing),
        cmocka_unit_test(transport_and_hooks_cross_with_their_descriptors),
        cmocka_unit_test(resolvers_are_busy_until_the_served_job_ends),
        cmocka_unit_test(resolvers_applied_at_once_are_not_waited_for),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
