/* test_client_hooks.c - ip-up / ip-down hooks: pppd's arguments and
 * environment (nothing else), run-parts order, exit status reported, a
 * hanging hook killed at the timeout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hooks.h"
#include "tmpdir.h"

static void write_script(const char *name, const char *body, mode_t mode)
{
    char path[256];
    tmpdir_path(path, sizeof(path), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static char *slurp(const char *name)
{
    static char buf[8192];
    return tmpdir_read(name, buf, sizeof(buf)) ? buf : NULL;
}

static struct hook_env sample_env(void)
{
    struct hook_env e = {.ifname = "vpn0", .ipparam = "office"};
    inet_pton(AF_INET, "198.18.0.2", &e.local);
    inet_pton(AF_INET, "198.18.0.1", &e.remote);
    e.has_dns1 = true;
    inet_pton(AF_INET, "198.18.0.53", &e.dns1);
    return e;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void up_script_gets_pppd_arguments_and_environment(void **state)
{
    char out[256], script[256], err[256];
    tmpdir_path(out, sizeof(out), "up.out");
    char body[1024];
    /* The script's own initial environment, exactly as exec'd. */
    snprintf(body, sizeof(body),
             "for a in \"$@\"; do echo \"arg=$a\"; done > %s\n"
             "tr '\\0' '\\n' < /proc/$$/environ | sort >> %s",
             out, out);
    write_script("up", body, 0755);
    tmpdir_path(script, sizeof(script), "up");
    setenv("PPPSSH_SECRET_OF_OURS", "leak", 1);

    struct hook_env e = sample_env();
    struct hook_config c = {.up_script = script, .dir = tmpdir, .timeout_ms = 5000};
    assert_int_equal(hooks_run(HOOK_IP_UP, &e, &c, err, sizeof(err)), 0);
    assert_string_equal(slurp("up.out"), "arg=vpn0\n"
                                         "arg=/dev/null\n"
                                         "arg=0\n"
                                         "arg=198.18.0.2\n"
                                         "arg=198.18.0.1\n"
                                         "arg=office\n"
                                         "DEVICE=/dev/null\n"
                                         "DNS1=198.18.0.53\n"
                                         "IFNAME=vpn0\n"
                                         "IPLOCAL=198.18.0.2\n"
                                         "IPREMOTE=198.18.0.1\n"
                                         "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/"
                                         "bin:/sbin:/bin\n"
                                         "PPP_IFACE=vpn0\n"
                                         "PPP_IPPARAM=office\n"
                                         "PPP_LOCAL=198.18.0.2\n"
                                         "PPP_REMOTE=198.18.0.1\n"
                                         "PPP_SPEED=0\n"
                                         "PPP_TTY=/dev/null\n"
                                         "SPEED=0\n");
    unsetenv("PPPSSH_SECRET_OF_OURS");
}

static void down_runs_down_script_and_dir_in_lexical_order(void **state)
{
    char out[256], script[256], body[1024], err[256], d[256];
    tmpdir_path(out, sizeof(out), "order.out");
    tmpdir_path(d, sizeof(d), "ip-down.d");
    assert_int_equal(mkdir(d, 0755), 0);
    snprintf(body, sizeof(body), "echo down:$PPP_IFACE >> %s", out);
    write_script("down", body, 0755);
    const char *names[] = {"ip-down.d/20-b", "ip-down.d/10-a", "ip-down.d/30-c.bak",
                           "ip-down.d/15-noexec", "ip-down.d/B-upper"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(body, sizeof(body), "echo %s:$5 >> %s", strchr(names[i], '/') + 1, out);
        write_script(names[i], body, strstr(names[i], "noexec") ? 0644 : 0755);
    }
    tmpdir_path(script, sizeof(script), "down");
    struct hook_env e = sample_env();
    struct hook_config c = {.up_script = "/nonexistent-up", .down_script = script, .dir = tmpdir};
    assert_int_equal(hooks_run(HOOK_IP_DOWN, &e, &c, err, sizeof(err)), 0);
    /* strcmp order ('1' < 'B'), the .bak name and the non-executable skipped. */
    assert_string_equal(slurp("order.out"), "down:vpn0\n10-a:198.18.0.1\n20-b:198.18.0.1\n"
                                            "B-upper:198.18.0.1\n");
}

static void failing_and_missing_hooks_are_counted(void **state)
{
    char err[256], d[256];
    tmpdir_path(d, sizeof(d), "ip-up.d");
    mkdir(d, 0755);
    write_script("ip-up.d/10-fails", "exit 3", 0755);
    write_script("ip-up.d/20-ok", "exit 0", 0755);
    struct hook_env e = sample_env();
    struct hook_config c = {.up_script = "/nonexistent/up", .dir = tmpdir};
    assert_int_equal(hooks_run(HOOK_IP_UP, &e, &c, err, sizeof(err)), 2);
    assert_string_equal(err, "hook /nonexistent/up cannot be run (exited with status 126)");

    c.up_script = NULL;
    assert_int_equal(hooks_run(HOOK_IP_UP, &e, &c, err, sizeof(err)), 1);
    assert_non_null(strstr(err, "ip-up.d/10-fails exited with status 3"));

    /* No directory, no script: nothing to do, no error. */
    struct hook_config none = {.dir = "/nonexistent-dir"};
    assert_int_equal(hooks_run(HOOK_IP_UP, &e, &none, err, sizeof(err)), 0);
}

/* Issue 11: a hook someone else could have written is not run. */
static void writable_hook_is_not_run(void **state)
{
    char err[512], d[256];
    tmpdir_path(d, sizeof(d), "ip-down.d");
    mkdir(d, 0755);
    write_script("ip-down.d/10-open", "touch \"$(dirname \"$0\")/../ran.out\"", 0775);
    struct hook_env e = sample_env();
    struct hook_config c = {.dir = tmpdir};
    assert_int_equal(hooks_run(HOOK_IP_DOWN, &e, &c, err, sizeof(err)), 1);
    assert_non_null(strstr(err, "writable by group or others"));
    assert_null(slurp("ran.out"));
    char path[256];
    tmpdir_path(path, sizeof(path), "ip-down.d/10-open");
    assert_int_equal(chmod(path, 0755), 0);
    assert_int_equal(hooks_run(HOOK_IP_DOWN, &e, &c, err, sizeof(err)), 0);
    assert_non_null(slurp("ran.out"));
}

static bool gone(pid_t pid)
{
    char path[64], stat_line[256];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return true;
    bool zombie = fgets(stat_line, sizeof(stat_line), f) && strstr(stat_line, ") Z ");
    fclose(f);
    return zombie;
}

static void hanging_hook_is_killed_at_the_timeout(void **state)
{
    char out[256], body[1024], script[256], err[256];
    tmpdir_path(out, sizeof(out), "hang.pid");
    /* Its own child (the sleep) must die with it: the whole group goes. */
    snprintf(body, sizeof(body), "sleep 30 & echo $! > %s\nwait", out);
    write_script("hang", body, 0755);
    tmpdir_path(script, sizeof(script), "hang");
    struct hook_env e = sample_env();
    struct hook_config c = {.up_script = script, .dir = "/nonexistent-dir", .timeout_ms = 300};
    long long t0 = now_ms();
    assert_int_equal(hooks_run(HOOK_IP_UP, &e, &c, err, sizeof(err)), 1);
    long long took = now_ms() - t0;
    assert_true(took >= 300);
    assert_true(took < 2000);
    assert_non_null(strstr(err, "timed out after 300 ms: killed"));

    pid_t sleeper = (pid_t)atoi(slurp("hang.pid"));
    assert_true(sleeper > 0);
    bool dead = false;
    for (int i = 0; i < 100 && !dead; i++) {
        dead = gone(sleeper);
        if (!dead)
            usleep(10000);
    }
    assert_true(dead);
}

/* Polls the runner as the loop does (every 20 ms here) until it is idle
 * or limit_ms have passed; returns the time it took. */
static long long poll_until_idle(struct hook_runner *r, long long limit_ms)
{
    long long t0 = now_ms();
    while (hooks_busy(r) && now_ms() - t0 < limit_ms) {
        usleep(20000);
        hooks_poll(r, now_ms());
    }
    return now_ms() - t0;
}

/* Issue 12: queueing a hook never waits for it; the loop's polls see it
 * end, and the next job starts only then. */
static void runner_never_waits_and_keeps_order(void **state)
{
    (void)state;
    char up[256], down[256], order[256], body[512];
    tmpdir_path(order, sizeof(order), "async.order");
    snprintf(body, sizeof(body), "sleep 0.5; echo up >> %s", order);
    write_script("async-up", body, 0755);
    snprintf(body, sizeof(body), "echo down >> %s", order);
    write_script("async-down", body, 0755);
    tmpdir_path(up, sizeof(up), "async-up");
    tmpdir_path(down, sizeof(down), "async-down");
    struct hook_config c = {.up_script = up, .down_script = down, .dir = "/nonexistent-dir"};
    struct hook_env e = sample_env();
    struct hook_runner r;
    hooks_init(&r, &c);

    long long t0 = now_ms();
    assert_int_equal(hooks_queue(&r, HOOK_IP_UP, &e, t0), 0);
    assert_int_equal(hooks_queue(&r, HOOK_IP_DOWN, &e, now_ms()), 0);
    assert_true(now_ms() - t0 < 200); /* the 0.5 s script runs on */
    assert_true(hooks_busy(&r));
    long long next = hooks_expiry(&r);
    assert_true(next > t0 && next <= now_ms() + HOOKS_POLL_MS);
    assert_null(slurp("async.order")); /* down waits for up */

    long long took = poll_until_idle(&r, 5000);
    assert_false(hooks_busy(&r));
    assert_true(took < 3000);
    assert_int_equal(hooks_expiry(&r), -1);
    assert_string_equal(slurp("async.order"), "up\ndown\n");
    assert_int_equal(r.failed, 0);
    hooks_free(&r);
}

static void runner_kills_at_the_timeout_when_polled(void **state)
{
    (void)state;
    char script[256];
    write_script("async-hang", "sleep 30", 0755);
    tmpdir_path(script, sizeof(script), "async-hang");
    struct hook_config c = {.up_script = script, .dir = "/nonexistent-dir", .timeout_ms = 300};
    struct hook_env e = sample_env();
    struct hook_runner r;
    hooks_init(&r, &c);
    long long t0 = now_ms();
    assert_int_equal(hooks_queue(&r, HOOK_IP_UP, &e, t0), 0);
    assert_true(hooks_expiry(&r) <= t0 + 300);
    pid_t pid = r.pid;
    assert_true(pid > 0);
    long long took = poll_until_idle(&r, 3000);
    assert_false(hooks_busy(&r));
    assert_true(took >= 250 && took < 2000);
    assert_int_equal(r.failed, 1);
    assert_non_null(strstr(r.first_err, "timed out after 300 ms: killed"));
    assert_int_equal(kill(pid, 0), -1); /* reaped, not left a zombie */
    hooks_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(up_script_gets_pppd_arguments_and_environment),
        cmocka_unit_test(down_runs_down_script_and_dir_in_lexical_order),
        cmocka_unit_test(failing_and_missing_hooks_are_counted),
        cmocka_unit_test(writable_hook_is_not_run),
        cmocka_unit_test(hanging_hook_is_killed_at_the_timeout),
        cmocka_unit_test(runner_never_waits_and_keeps_order),
        cmocka_unit_test(runner_kills_at_the_timeout_when_polled),
    };
    return cmocka_run_group_tests(tests, tmpdir_make, tmpdir_remove);
}
