/* test_netcfg_dns.c - resolvers applied beside the link: starting never
 * waits for the tool, the loop's polls run resolvectl's two commands in
 * order (dns, then domain ~.), a tool that fails stops the rest, one that
 * hangs is killed at its time, resolvconf gets the nameservers on its
 * stdin, and with neither tool installed nothing starts.  Fake tools
 * (dns_use_tools) record their arguments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "dns.h"
#include "tmpdir.h"

static struct dns_apply_job job;
static char tool[256], out[256];

static void fake_tool(const char *body)
{
    tmpdir_script(tool, sizeof(tool), "tool", body);
    tmpdir_path(out, sizeof(out), "tool.out");
}

static char *recorded(void)
{
    static char buf[1024];
    return tmpdir_read("tool.out", buf, sizeof(buf)) ? buf : "";
}

static struct os_ip v4(const char *text)
{
    struct os_ip ip = {.family = AF_INET};
    assert_int_equal(inet_pton(AF_INET, text, &ip.v4), 1);
    return ip;
}

/* Polls as the loop does until the job is done; the time it took. */
static long long poll_until_idle(long long limit_ms)
{
    long long t0 = os_clock_ms();
    while (dns_apply_busy(&job) && os_clock_ms() - t0 < limit_ms) {
        os_sleep_ms(20);
        dns_apply_poll(&job, os_clock_ms());
    }
    return os_clock_ms() - t0;
}

static void resolvectl_runs_beside_the_loop_in_order(void **state)
{
    (void)state;
    char body[1024];
    tmpdir_path(out, sizeof(out), "tool.out");
    snprintf(body, sizeof(body), "sleep 0.3; echo \"$*\" >> %s", out);
    fake_tool(body);
    dns_use_tools(tool, NULL);
    struct os_ip dns[2] = {v4("198.18.0.53"), v4("198.18.0.54")};
    char err[256];
    long long t0 = os_clock_ms();
    assert_int_equal(dns_apply_start(&job, "vpn0", dns, 2, 0, t0, err, sizeof(err)), 0);
    assert_true(os_clock_ms() - t0 < 200); /* the tool sleeps on */
    assert_true(dns_apply_busy(&job));
    assert_true(dns_apply_expiry(&job) <= t0 + 500);
    assert_true(poll_until_idle(5000) < 3000);
    assert_string_equal(recorded(), "dns vpn0 198.18.0.53 198.18.0.54\ndomain vpn0 ~.\n");
    assert_int_equal(dns_apply_expiry(&job), -1);
}

static void a_failing_step_stops_the_rest(void **state)
{
    (void)state;
    char body[1024];
    tmpdir_path(out, sizeof(out), "tool.out");
    snprintf(body, sizeof(body), "echo \"$*\" >> %s; exit 1", out);
    fake_tool(body);
    dns_use_tools(tool, NULL);
    struct os_ip dns = v4("198.18.0.53");
    char err[256];
    assert_int_equal(dns_apply_start(&job, "vpn0", &dns, 1, 0, os_clock_ms(), err, sizeof(err)), 0);
    poll_until_idle(3000);
    assert_false(dns_apply_busy(&job));
    assert_string_equal(recorded(), "dns vpn0 198.18.0.53\n"); /* no "domain" */
}

static void a_hanging_tool_is_killed_at_its_time(void **state)
{
    (void)state;
    fake_tool("sleep 30");
    dns_use_tools(tool, NULL);
    struct os_ip dns = v4("198.18.0.53");
    char err[256];
    long long t0 = os_clock_ms();
    assert_int_equal(dns_apply_start(&job, "vpn0", &dns, 1, 300, t0, err, sizeof(err)), 0);
    pid_t pid = job.pid;
    assert_true(pid > 0);
    long long took = poll_until_idle(3000);
    assert_false(dns_apply_busy(&job));
    assert_true(took >= 250 && took < 2000);
    assert_int_equal(kill(pid, 0), -1); /* killed and reaped */
}

static void resolvconf_reads_the_nameservers(void **state)
{
    (void)state;
    char body[1024];
    tmpdir_path(out, sizeof(out), "tool.out");
    snprintf(body, sizeof(body), "echo \"$*\" > %s; cat >> %s", out, out);
    fake_tool(body);
    dns_use_tools(NULL, tool);
    struct os_ip dns[2] = {v4("198.18.0.53"), v4("198.18.0.54")};
    char err[256];
    assert_int_equal(dns_apply_start(&job, "vpn0", dns, 2, 0, os_clock_ms(), err, sizeof(err)), 0);
    poll_until_idle(3000);
    assert_string_equal(recorded(),
                        "-a tun.vpn0 -m 0 -x\nnameserver 198.18.0.53\nnameserver 198.18.0.54\n");
}

static void resolvconf_removes_the_same_entry(void **state)
{
    (void)state;
    char body[1024];
    tmpdir_path(out, sizeof(out), "tool.out");
    snprintf(body, sizeof(body), "echo \"$*\" > %s", out);
    fake_tool(body);
    dns_use_tools(NULL, tool);
    char err[256];
    assert_int_equal(dns_remove("vpn0", err, sizeof(err)), 0);
    assert_string_equal(recorded(), "-d tun.vpn0 -f\n");
}

static void without_a_tool_nothing_starts(void **state)
{
    (void)state;
    dns_use_tools(NULL, NULL);
    struct os_ip dns = v4("198.18.0.53");
    char err[256];
    assert_int_equal(dns_apply_start(&job, "vpn0", &dns, 1, 0, os_clock_ms(), err, sizeof(err)),
                     -ENOENT);
    assert_false(dns_apply_busy(&job));
    assert_non_null(strstr(err, "neither resolvectl nor resolvconf"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resolvectl_runs_beside_the_loop_in_order),
        cmocka_unit_test(a_failing_step_stops_the_rest),
        cmocka_unit_test(a_hanging_tool_is_killed_at_its_time),
        cmocka_unit_test(resolvconf_reads_the_nameservers),
        cmocka_unit_test(resolvconf_removes_the_same_entry),
        cmocka_unit_test(without_a_tool_nothing_starts),
    };
    return cmocka_run_group_tests(tests, tmpdir_make, tmpdir_remove);
}
