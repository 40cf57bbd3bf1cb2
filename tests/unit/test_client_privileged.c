/* test_client_privileged.c - privileged.h, the privileged part of a split
 * `up` beyond the interface: CONNECT starts the config's transport and
 * replies its stdio, its stderr and a pipe that carries its wait status
 * when it ends (the session cannot wait for another's child); KILL ends it
 * and replies the status; HOOK queues the config's hooks with the
 * request's addresses (the interface and tunnel name are its own) and
 * replies a pipe that closes once they have run, which is what the
 * session's remote hook runner (hooks_remote.h) waits for; every other
 * request goes to the inner configurator, whose resolvers' state
 * (dns_busy) it reads through; free() undoes through it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "privileged.h"
#include "tmpdir.h"

/* The inner configurator: counts requests and its free. */
struct inner {
    struct configurator ops;
    int requests, *freed;
    bool dns_busy;
};

static int inner_request(struct configurator *c, const struct cfg_request *rq, char *why,
                         size_t size)
{
    (void)rq;
    (void)why;
    (void)size;
    ((struct inner *)c)->requests++;
    return 0;
}

static void inner_poll(struct configurator *c, long long now_ms)
{
    (void)c;
    (void)now_ms;
}

static long long inner_expiry(const struct configurator *c)
{
    (void)c;
    return -1;
}

static bool inner_ipv6_off(const struct configurator *c, char *why, size_t size)
{
    (void)c;
    (void)why;
    (void)size;
    return false;
}

static bool inner_dns_busy(const struct configurator *c)
{
    return ((const struct inner *)c)->dns_busy;
}

static void inner_free(struct configurator *c)
{
    (*((struct inner *)c)->freed)++;
    free(c);
}

static struct inner *last_inner; /* the one inner_new() made last */

static struct configurator *inner_new(int *freed)
{
    struct inner *in = last_inner = calloc(1, sizeof(*in));
    in->ops = (struct configurator){.request = inner_request,
                                    .poll = inner_poll,
                                    .expiry = inner_expiry,
                                    .ipv6_off = inner_ipv6_off,
                                    .free = inner_free};
    in->freed = freed;
    return &in->ops;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Polls c (as configurator_serve does) until fd is readable or 5 s passed. */
static bool serve_until_readable(struct configurator *c, int fd)
{
    for (long long end = now_ms() + 5000; now_ms() < end;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 20) > 0)
            return true;
        c->poll(c, now_ms());
    }
    return false;
}

static struct privileged_setup setup_for(const char *command, const char *up_script)
{
    return (struct privileged_setup){
        .transport = {.shell_command = command},
        .run_hooks = true,
        .hooks = {.up_script = up_script, .dir = "/nonexistent-dir"},
        .ifname = "vpn0",
        .ipparam = "office",
    };
}

static void connect_replies_the_transport_and_its_end(void **state)
{
    (void)state;
    int freed = 0;
    struct privileged_setup s = setup_for("read line; echo \"got $line\"; echo oops >&2; exit 3",
                                          NULL);
    struct configurator *c = configurator_privileged_new(inner_new(&freed), &s);
    char why[256] = "";
    struct cfg_reply reply;
    struct cfg_request rq = {.kind = CFG_CONNECT};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    c->reply(c, &reply);
    assert_int_equal(reply.n_fds, 3);
    assert_true(reply.value > 0); /* its pid */
    int io = reply.fds[0], err = reply.fds[1], status = reply.fds[2];
    assert_int_equal(write(io, "hello\n", 6), 6);
    char buf[64] = "";
    assert_true(serve_until_readable(c, io));
    assert_true(read(io, buf, sizeof(buf) - 1) > 0);
    assert_string_equal(buf, "got hello\n");
    assert_true(serve_until_readable(c, err));
    memset(buf, 0, sizeof(buf));
    assert_true(read(err, buf, sizeof(buf) - 1) > 0);
    assert_string_equal(buf, "oops\n");
    /* Its end: the wait status, through the pipe, once polled. */
    assert_true(serve_until_readable(c, status));
    int st = -1;
    assert_int_equal(read(status, &st, sizeof(st)), sizeof(st));
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 3);
    assert_int_equal(read(status, &st, sizeof(st)), 0); /* then closed */
    close(io);
    close(err);
    close(status);
    c->free(c);
    assert_int_equal(freed, 1);
}

static void kill_ends_it_and_replies_its_status(void **state)
{
    (void)state;
    int freed = 0;
    struct privileged_setup s = setup_for("exec sleep 30", NULL);
    struct configurator *c = configurator_privileged_new(inner_new(&freed), &s);
    char why[256];
    struct cfg_reply reply;
    struct cfg_request rq = {.kind = CFG_CONNECT};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    c->reply(c, &reply);
    assert_int_equal(reply.n_fds, 3);
    pid_t pid = reply.value;
    long long t0 = now_ms();
    rq = (struct cfg_request){.kind = CFG_KILL};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    struct cfg_reply killed;
    c->reply(c, &killed);
    assert_true(now_ms() - t0 < 2000);
    assert_int_equal(killed.n_fds, 0);
    assert_true(WIFSIGNALED(killed.value) && WTERMSIG(killed.value) == SIGTERM);
    assert_int_equal(kill(pid, 0), -1); /* reaped */
    int st = -1;                        /* the session hears of it on the pipe too */
    assert_int_equal(read(reply.fds[2], &st, sizeof(st)), sizeof(st));
    assert_int_equal(st, killed.value);
    for (size_t i = 0; i < reply.n_fds; i++)
        close(reply.fds[i]);
    /* Other requests are the inner configurator's. */
    rq = (struct cfg_request){.kind = CFG_LINK_UP, .mtu = 1400};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    assert_int_equal(last_inner->requests, 1);
    c->free(c);
    assert_int_equal(freed, 1);
}

/* hooks_remote.h's side: the session's runner with this part behind it. */
static int remote(void *ctx, enum hook_kind kind, const struct hook_env *env)
{
    struct configurator *c = ctx;
    struct cfg_request rq = {.kind = CFG_HOOK,
                             .hook = kind == HOOK_IP_UP ? CFG_HOOK_UP : CFG_HOOK_DOWN,
                             .local = env->local,
                             .peer = env->remote,
                             .n_dns = 1,
                             .dns = {{.family = AF_INET, .v4 = env->dns1}}};
    char why[256];
    struct cfg_reply reply;
    int r = c->request(c, &rq, why, sizeof(why));
    c->reply(c, &reply);
    return r < 0 ? r : reply.fds[0];
}

static void hooks_run_here_and_the_session_waits_for_their_end(void **state)
{
    (void)state;
    char script[256], out[256], body[512];
    tmpdir_path(out, sizeof(out), "priv-hook.out");
    snprintf(body, sizeof(body), "sleep 0.3; echo \"$1 $4 $5 $6 $DNS1\" > %s", out);
    tmpdir_path(script, sizeof(script), "priv-up");
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    assert_int_equal(chmod(script, 0755), 0);
    int freed = 0;
    struct privileged_setup s = setup_for("true", script);
    struct configurator *c = configurator_privileged_new(inner_new(&freed), &s);
    char why[256];
    struct cfg_request pair = {.kind = CFG_HOOK, .hook = CFG_HOOK_UP};
    inet_pton(AF_INET, "198.18.0.2", &pair.local);
    inet_pton(AF_INET, "198.18.0.1", &pair.peer);
    /* Before the interface has these addresses, no hook is told them. */
    assert_int_equal(c->request(c, &pair, why, sizeof(why)), -EPERM);
    pair.kind = CFG_IPV4_UP;
    assert_int_equal(c->request(c, &pair, why, sizeof(why)), 0);

    struct hook_config hc = {.remote = remote, .remote_ctx = c};
    struct hook_runner r;
    hooks_init(&r, &hc);
    struct hook_env env = {.ifname = "not-this", .ipparam = "nor-this", .has_dns1 = true};
    inet_pton(AF_INET, "198.18.0.2", &env.local);
    inet_pton(AF_INET, "198.18.0.1", &env.remote);
    inet_pton(AF_INET, "198.18.0.53", &env.dns1);
    assert_int_equal(hooks_queue(&r, HOOK_IP_UP, &env, now_ms()), 0);
    assert_true(hooks_busy(&r)); /* the script sleeps */
    assert_true(hooks_expiry(&r) > 0);
    for (long long end = now_ms() + 5000; hooks_busy(&r) && now_ms() < end;) {
        c->poll(c, now_ms());      /* the privileged part's loop */
        hooks_poll(&r, now_ms()); /* the session's */
        usleep(10000);
    }
    assert_false(hooks_busy(&r));
    char got[256] = "";
    f = fopen(out, "r");
    assert_non_null(f);
    assert_non_null(fgets(got, sizeof(got), f));
    fclose(f);
    /* Its own interface and tunnel name, the request's addresses. */
    assert_string_equal(got, "vpn0 198.18.0.2 198.18.0.1 office 198.18.0.53\n");
    /* Other addresses than the interface's: refused. */
    struct cfg_request other = pair;
    other.kind = CFG_HOOK;
    inet_pton(AF_INET, "198.18.0.9", &other.local);
    assert_int_equal(c->request(c, &other, why, sizeof(why)), -EPERM);
    /* A job with no script closes its pipe at once. */
    assert_int_equal(hooks_queue(&r, HOOK_IP_DOWN, &env, now_ms()), 0);
    hooks_poll(&r, now_ms());
    assert_false(hooks_busy(&r));
    hooks_free(&r);
    c->free(c);
    assert_int_equal(freed, 1);
}

static void no_hooks_where_the_session_runs_them(void **state)
{
    (void)state;
    int freed = 0;
    struct privileged_setup s = setup_for("true", NULL);
    s.run_hooks = false;
    struct configurator *c = configurator_privileged_new(inner_new(&freed), &s);
    char why[256];
    struct cfg_request rq = {.kind = CFG_IPV4_UP, .local = {htonl(0xc6120002)},
                             .peer = {htonl(0xc6120001)}};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    rq.kind = CFG_HOOK;
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), -EPERM);
    c->free(c);
    assert_int_equal(freed, 1);
}

static void resolvers_are_read_through_from_the_inner_one(void **state)
{
    (void)state;
    int freed = 0;
    struct privileged_setup s = setup_for("true", NULL);
    struct configurator *c = configurator_privileged_new(inner_new(&freed), &s);
    assert_false(c->dns_busy(c)); /* an inner one without resolvers */
    last_inner->ops.dns_busy = inner_dns_busy;
    char why[256];
    struct cfg_request rq = {.kind = CFG_DNS, .n_dns = 1};
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), 0);
    assert_int_equal(last_inner->requests, 1);
    last_inner->dns_busy = true;
    assert_true(c->dns_busy(c));
    last_inner->dns_busy = false;
    assert_false(c->dns_busy(c));
    c->free(c);
    assert_int_equal(freed, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(connect_replies_the_transport_and_its_end),
        cmocka_unit_test(kill_ends_it_and_replies_its_status),
        cmocka_unit_test(hooks_run_here_and_the_session_waits_for_their_end),
        cmocka_unit_test(no_hooks_where_the_session_runs_them),
        cmocka_unit_test(resolvers_are_read_through_from_the_inner_one),
    };
    return cmocka_run_group_tests(tests, tmpdir_make, tmpdir_remove);
}
