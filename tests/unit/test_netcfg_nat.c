/* test_netcfg_nat.c - Masquerade's nftables table: the JSON replaces only
 * a table of ours ("pppssh-IFNAME", add + delete + add in one
 * transaction) with one rule "oifname IF masquerade"; names that JSON or
 * nft would read as more than a name are refused; nft gets it on its
 * stdin, beside the link (started, polled, killed at its time); the
 * journal deletes our table when IPv4 goes down, not before;
 * requests that are not plain data are refused.  A fake nft
 * (nat_use_tool) records what it was given. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "configurator.h"
#include "nat.h"
#include "netcfg.h"
#include "tmpdir.h"

static char tool[256], out[256];

static void fake_nft(const char *body)
{
    tmpdir_script(tool, sizeof(tool), "nft", body);
    tmpdir_path(out, sizeof(out), "nft.out");
    nat_use_tool(tool);
}

static size_t read_out(char *buf, size_t size)
{
    FILE *f = fopen(out, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
    return n;
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p++)
        n++;
    return n;
}

static void masquerade_json_replaces_our_table_only(void **state)
{
    (void)state;
    char json[NAT_JSON_MAX], table[32];
    nat_table_name("office0", table, sizeof(table));
    assert_string_equal(table, "pppssh-office0");
    assert_true(nat_masquerade_json(table, "office0", json, sizeof(json)) > 0);
    /* add, delete, add: a stale table of ours goes, in the same transaction */
    const char *add =
        strstr(json, "{\"add\":{\"table\":{\"family\":\"inet\",\"name\":\"pppssh-office0\"}}}");
    const char *del =
        strstr(json, "{\"delete\":{\"table\":{\"family\":\"inet\",\"name\":\"pppssh-office0\"}}}");
    assert_non_null(add);
    assert_non_null(del);
    assert_true(add < del);
    assert_non_null(strstr(del, "{\"add\":{\"table\""));
    assert_non_null(strstr(json, "\"type\":\"nat\",\"hook\":\"postrouting\""));
    assert_non_null(strstr(json, "{\"meta\":{\"key\":\"oifname\"}},\"right\":\"office0\"}"));
    assert_int_equal(count(json, "{\"masquerade\":null}"), 1);
    /* never another table */
    assert_int_equal(count(json, "\"name\":\"") - count(json, "\"name\":\"pppssh-office0\"") -
                         count(json, "\"name\":\"postrouting\""),
                     0);
    assert_int_equal(count(json, "\"table\":\"pppssh-office0\""), 2);
    assert_true(nat_delete_json(table, json, sizeof(json)) > 0);
    assert_string_equal(json, "{\"nftables\":[{\"delete\":{\"table\":{\"family\":\"inet\",\"name\":"
                              "\"pppssh-office0\"}}}]}\n");
}

static void names_beyond_a_name_are_refused(void **state)
{
    (void)state;
    char json[NAT_JSON_MAX];
    assert_true(nat_ifname_ok("eth0"));
    assert_true(nat_ifname_ok("br-lan.10_x"));
    assert_false(nat_ifname_ok(""));
    assert_false(nat_ifname_ok("a\"b"));
    assert_false(nat_ifname_ok("a\\b"));
    assert_false(nat_ifname_ok("a b"));
    assert_false(nat_ifname_ok("0123456789abcdef")); /* 16: beyond IFNAMSIZ */
    assert_int_equal(nat_masquerade_json("pppssh-x", "e\"}]", json, sizeof(json)), -1);
    assert_int_equal(nat_masquerade_json("filter", "eth0", json, sizeof(json)), -1);
    assert_int_equal(nat_delete_json("nat", json, sizeof(json)), -1);
    assert_int_equal(nat_masquerade_json("pppssh-x", "eth0", json, 40), -1); /* does not fit */
}

static void nft_gets_the_json_on_stdin(void **state)
{
    (void)state;
    char err[256], got[2048];
    fake_nft("echo \"$*\" >\"$0.out\"; cat >>\"$0.out\"");
    assert_int_equal(nat_run("{\"nftables\":[]}\n", err, sizeof(err)), 0);
    read_out(got, sizeof(got));
    assert_string_equal(got, "-j -f -\n{\"nftables\":[]}\n");
    fake_nft("exit 1");
    assert_int_equal(nat_run("{}", err, sizeof(err)), -EIO);
    assert_non_null(strstr(err, "exited with status 1"));
    nat_use_tool("/nonexistent/nft");
    assert_true(nat_run("{}", err, sizeof(err)) < 0);
}

/* nft runs beside the link: poll until it is reaped (bounded, 2 s). */
static void settle(struct nat_job *j)
{
    for (int i = 0; i < 200 && j->pid; i++) {
        usleep(10000);
        nat_poll(j, 0);
    }
    assert_int_equal(j->pid, 0);
}

static void nft_runs_beside_the_link_and_is_killed_at_its_time(void **state)
{
    (void)state;
    char err[256], got[256];
    struct nat_job j = {0};
    assert_int_equal(nat_expiry(&j), -1);
    fake_nft("sleep 10; echo late >\"$0.out\"");
    assert_int_equal(nat_start(&j, "{}", 1000, err, sizeof(err)), 0); /* returns at once */
    assert_true(j.pid > 0);
    assert_int_equal(nat_expiry(&j), 1500); /* looked at again soon, SIGCHLD or not */
    nat_poll(&j, 2000);
    assert_true(j.pid > 0); /* still within its time */
    nat_poll(&j, 1000 + NAT_TIMEOUT_MS);
    assert_int_equal(j.pid, 0); /* killed */
    assert_int_equal(read_out(got, sizeof(got)), 0);
    fake_nft("exit 0");
    assert_int_equal(nat_start(&j, "{}", 0, err, sizeof(err)), 0);
    settle(&j);
    /* pppssh helper has no loop: it waits, bounded */
    fake_nft("sleep 0.1; echo done >\"$0.out\"");
    assert_int_equal(nat_start(&j, "{}", 0, err, sizeof(err)), 0);
    nat_finish(&j);
    assert_int_equal(j.pid, 0);
    assert_int_equal(read_out(got, sizeof(got)), 5);
}

static void the_ipv4_down_deletes_our_table(void **state)
{
    (void)state;
    char got[4096];
    struct netcfg nc;
    fake_nft("cat >>\"$0.out\"");
    netcfg_init(&nc, "office0", 0);
    assert_int_equal(netcfg_masquerade(&nc, "", 0), 0);
    settle(&nc.nat);
    read_out(got, sizeof(got));
    assert_non_null(strstr(got, "\"right\":\"office0\""));
    assert_int_equal(netcfg_masquerade(&nc, "eth1", 0), 0); /* replaces the same table */
    settle(&nc.nat);
    read_out(got, sizeof(got));
    assert_non_null(strstr(got, "\"right\":\"eth1\""));
    assert_int_equal(nc.n, 2);
    unlink(out);
    netcfg_undo(&nc, AF_INET6);
    assert_int_equal(read_out(got, sizeof(got)), 0); /* not IPv6's */
    netcfg_undo(&nc, AF_INET);
    read_out(got, sizeof(got));
    assert_int_equal(
        count(got, "{\"delete\":{\"table\":{\"family\":\"inet\",\"name\":\"pppssh-office0\"}}}"),
        2);
    assert_int_equal(count(got, "\"add\""), 0);
    assert_int_equal(nc.n, 0);
    /* nft failing: logged when reaped, and the table still deleted at down */
    fake_nft("echo ran >>\"$0.out\"; exit 1");
    assert_int_equal(netcfg_masquerade(&nc, "", 0), 0);
    settle(&nc.nat);
    assert_int_equal(nc.n, 1);
    unlink(out);
    netcfg_undo(&nc, AF_UNSPEC);
    assert_int_equal(read_out(got, sizeof(got)), 4);
    assert_int_equal(nc.n, 0);
    assert_int_equal(netcfg_masquerade(&nc, "bad\"name", 0), -EINVAL);
    assert_int_equal(netcfg_forward(&nc, AF_UNIX), -EINVAL);
    assert_int_equal(nc.n, 0);
}

static void requests_that_are_not_plain_data_are_refused(void **state)
{
    (void)state;
    char why[256];
    fake_nft("exit 0");
    struct configurator *c = configurator_local_new("pppssh-none0", 0);
    assert_non_null(c);
    struct cfg_request rq = {.kind = CFG_MASQUERADE};
    memset(rq.oif, 'a', sizeof(rq.oif)); /* no terminating NUL */
    assert_int_equal(c->request(c, &rq, why, sizeof(why)), -EINVAL);
    struct cfg_request fwd = {.kind = CFG_FORWARD, .family = 99};
    assert_int_equal(c->request(c, &fwd, why, sizeof(why)), -EINVAL);
    assert_string_equal(cfg_request_name(CFG_FORWARD), "forward");
    assert_string_equal(cfg_request_name(CFG_MASQUERADE), "masquerade");
    c->free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(masquerade_json_replaces_our_table_only),
        cmocka_unit_test(names_beyond_a_name_are_refused),
        cmocka_unit_test(nft_gets_the_json_on_stdin),
        cmocka_unit_test(nft_runs_beside_the_link_and_is_killed_at_its_time),
        cmocka_unit_test(the_ipv4_down_deletes_our_table),
        cmocka_unit_test(requests_that_are_not_plain_data_are_refused),
    };
    return cmocka_run_group_tests(tests, tmpdir_make, tmpdir_remove);
}
