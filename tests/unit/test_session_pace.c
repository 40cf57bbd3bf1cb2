/* test_session_pace.c - what steers the pacer: the mode PPPSSH_PACE (up)
 * or --pace (serve) chooses, an unpaced pacer when nothing can steer it,
 * TCP_INFO of a real TCP connection (loopback of a network namespace of
 * the test's own) feeding the pacer's base RTT and deliveries, and echo
 * RTTs counting only in echo mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netlink.h"
#include "tunnel.h"

#define SEC ((ppp_time)1000000000)

struct bed {
    struct run_params p;
    struct tunnel t;
};

static struct bed *bed_new(enum run_role role)
{
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    run_params_init(&b->p, role);
    tunnel_init(&b->t, &b->p);
    struct fq_config fc;
    fq_config_default(&fc);
    assert_int_equal(fq_new(&b->t.pump.fq, &fc), 0);
    return b;
}

static void bed_free(struct bed *b)
{
    pace_stream_stop(&b->t);
    pace_stop(&b->t);
    fq_del(b->t.pump.fq);
    free(b);
}

/* pace_setup() for a client with PPPSSH_PACE = env (NULL: unset). */
static struct bed *client_with(const char *env, const char *fdpass_name)
{
    if (env)
        setenv("PPPSSH_PACE", env, 1);
    else
        unsetenv("PPPSSH_PACE");
    struct bed *b = bed_new(RUN_CLIENT);
    b->p.fdpass_name = fdpass_name;
    pace_setup(&b->t);
    unsetenv("PPPSSH_PACE");
    return b;
}

static bool unpaced(const struct bed *b)
{
    return b->t.pace.pacer.rate >= 1e12;
}

static void the_client_reads_pppssh_pace(void **state)
{
    (void)state;
    struct bed *b = client_with("0", "pppssh-test-fdpass");
    assert_int_equal(b->t.pace.mode, PACE_OFF);
    assert_true(unpaced(b));
    assert_string_equal(pace_signal_name(&b->t), "off");
    bed_free(b);

    b = client_with("1", "pppssh-test-fdpass");
    assert_int_equal(b->t.pace.mode, PACE_ECHO);
    assert_false(unpaced(b));
    assert_string_equal(pace_signal_name(&b->t), "LCP echo probes");
    bed_free(b);

    /* The default: by TCP_INFO when ssh hands us the connection ... */
    b = client_with(NULL, "pppssh-test-fdpass");
    assert_int_equal(b->t.pace.mode, PACE_TCP);
    assert_true(unpaced(b)); /* until the copy arrives */
    bed_free(b);

    /* ... and off when it cannot (a Command, the user's ProxyCommand). */
    b = client_with(NULL, NULL);
    assert_int_equal(b->t.pace.mode, PACE_OFF);
    assert_true(unpaced(b));
    bed_free(b);
}

static void serve_takes_its_option_not_the_environment(void **state)
{
    (void)state;
    setenv("PPPSSH_PACE", "1", 1); /* sshd may let a client set it */
    struct bed *b = bed_new(RUN_SERVER);
    b->p.pace = RUN_PACE_OFF;
    pace_setup(&b->t);
    assert_int_equal(b->t.pace.mode, PACE_OFF);
    bed_free(b);

    b = bed_new(RUN_SERVER);
    setenv("PPPSSH_PACE", "0", 1);
    b->p.pace = RUN_PACE_ECHO;
    pace_setup(&b->t);
    assert_int_equal(b->t.pace.mode, PACE_ECHO);
    bed_free(b);

    /* Auto with no SSH_CONNECTION to ask the kernel about: off. */
    b = bed_new(RUN_SERVER);
    b->p.pace = RUN_PACE_AUTO;
    pace_setup(&b->t);
    assert_int_equal(b->t.pace.mode, PACE_OFF);
    assert_true(unpaced(b));
    bed_free(b);
    unsetenv("PPPSSH_PACE");
}

static void echo_rtts_steer_only_in_echo_mode(void **state)
{
    (void)state;
    struct bed *b = client_with("1", NULL);
    uint64_t before = b->t.pace.pacer.samples;
    pace_echo_rtt(&b->t, 30 * SEC / 1000);
    assert_int_equal(b->t.pace.pacer.samples, before + 1);
    assert_int_equal(b->t.pace.pacer.min_rtt, 30 * SEC / 1000);
    bed_free(b);

    b = client_with(NULL, "pppssh-test-fdpass");
    before = b->t.pace.pacer.samples;
    pace_echo_rtt(&b->t, 30 * SEC / 1000);
    assert_int_equal(b->t.pace.pacer.samples, before);
    bed_free(b);
}

/* A TCP connection over the loopback of a namespace of our own: the
 * client end in *client, its accepted peer in *server. */
static bool loopback_pair(int *client, int *server)
{
    char err[256];
    if (geteuid() != 0 || unshare(CLONE_NEWNET) != 0 ||
        nl_link_set_up("lo", true, err, sizeof(err)) != 0)
        return false;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(a);
    int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(l >= 0);
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(listen(l, 1), 0);
    assert_int_equal(getsockname(l, (struct sockaddr *)&a, &len), 0);
    *client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_int_equal(connect(*client, (struct sockaddr *)&a, sizeof(a)), 0);
    *server = accept(l, NULL, NULL);
    assert_true(*server >= 0);
    close(l);
    return true;
}

static void tcp_info_of_our_copy_steers_the_pacer(void **state)
{
    (void)state;
    int client, server;
    if (!loopback_pair(&client, &server)) {
        fprintf(stderr, "test_session_pace: not root or no unshare(CLONE_NEWNET): skipped\n");
        skip();
    }
    struct bed *b = client_with(NULL, "pppssh-test-fdpass");
    struct tunnel *t = &b->t;
    ppp_time later = t->now + 10 * SEC;

    /* No connection yet: nothing to read, a retry an interval later. */
    pace_probe(t, later);
    assert_int_equal(t->pace.pacer.samples, 0);
    assert_int_equal(t->pace.pacer.last_probe, later);

    /* The copy arrived (as pace_stream_readable keeps it) and 100 kB went. */
    t->pace.tcp_fd = client;
    static char data[100000];
    size_t sent = 0;
    while (sent < sizeof(data)) {
        ssize_t n = write(client, data + sent, sizeof(data) - sent);
        assert_true(n > 0);
        sent += (size_t)n;
    }
    for (size_t got = 0; got < sent;) {
        ssize_t n = read(server, data, sizeof(data));
        assert_true(n > 0);
        got += (size_t)n;
    }
    usleep(20000); /* the last ACK */
    later += 10 * SEC;
    pace_probe(t, later);
    assert_int_equal(t->pace.pacer.samples, 1);
    assert_int_equal(t->pace.pacer.last_probe, later);
    assert_true(t->pace.acked >= sent);       /* the connection's bytes_acked */
    assert_true(t->pace.delivered >= sent / 2); /* scaled by at most a half */
    assert_true(t->pace.pacer.min_rtt > 0);   /* the loopback's min_rtt */
    assert_true(t->pace.pacer.min_rtt < SEC);
    assert_string_equal(pace_signal_name(t), "TCP_INFO of the SSH connection (ours)");

    /* The stream's end closes the copy and leaves the pacer unpaced. */
    pace_stream_stop(t);
    assert_int_equal(t->pace.tcp_fd, -1);
    assert_true(unpaced(b));
    assert_int_equal(t->pace.acked, 0);
    close(server);
    bed_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_client_reads_pppssh_pace),
        cmocka_unit_test(serve_takes_its_option_not_the_environment),
        cmocka_unit_test(echo_rtts_steer_only_in_echo_mode),
        cmocka_unit_test(tcp_info_of_our_copy_steers_the_pacer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
