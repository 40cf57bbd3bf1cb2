/* test_netcfg_journal.c - the journal of changes a tunnel makes, read back
 * from the kernel: each family's addresses and routes undone apart, the
 * wg-quick trio of a default route installed and removed, a failed change
 * left out of the journal, sysctls restored newest first, and a full
 * journal refusing more.  Runs as root in a network namespace of its own
 * (unshare), as test_os_netlink does; skipped otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netcfg.h"
#include "netlink.h"
#include "netns.h"
#include "tun.h"

struct bed {
    int tun_fd;
    char name[IFNAMSIZ];
    struct netcfg nc;
};

static struct bed *bed_new(void)
{
    char err[256];
    unsigned ifindex;
    struct bed *b = calloc(1, sizeof(*b));
    assert_non_null(b);
    b->tun_fd = tun_open("nctest0", b->name, err, sizeof(err));
    assert_true(b->tun_fd >= 0);
    assert_int_equal(nl_link_index(b->name, &ifindex, err, sizeof(err)), 0);
    (void)nl_link_no_ipv6_autoconf(b->name, err, sizeof(err));
    netcfg_init(&b->nc, b->name, ifindex);
    assert_int_equal(netcfg_mtu_up(&b->nc, 1400), 0);
    return b;
}

static void bed_free(struct bed *b)
{
    netcfg_undo(&b->nc, AF_UNSPEC);
    close(b->tun_fd);
    free(b);
}

static struct os_prefix prefix(const char *text)
{
    struct os_prefix p;
    assert_int_equal(os_prefix_parse(text, &p), 0);
    return p;
}

static struct in_addr ip4(const char *text)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, text, &a), 1);
    return a;
}

/* Routes of family we installed on the interface, in any table. */
static size_t routes(const struct netcfg *nc, int family)
{
    char err[256];
    struct nl_route out[8];
    size_t n = 0;
    assert_int_equal(nl_route_list(nc->ifindex, family, out, 8, &n, err, sizeof(err)), 0);
    return n;
}

/* What `ip -4 rule show` prints. */
static void rules4(char *out, size_t size)
{
    FILE *p = popen("ip -4 rule show", "r");
    assert_non_null(p);
    size_t n = fread(out, 1, size - 1, p);
    pclose(p);
    out[n] = 0;
}

static void each_family_is_undone_apart(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new();
    struct os_prefix a6 = prefix("fd00:5353::2/64"), r4 = prefix("198.19.1.0/24"),
                     r6 = prefix("fd00:5353:1::/64");
    assert_int_equal(netcfg_addr4(&b->nc, ip4("198.18.255.2"), ip4("198.18.255.1")), 0);
    assert_int_equal(netcfg_route(&b->nc, &r4, NULL), 0);
    assert_int_equal(netcfg_addr6(&b->nc, &a6, true), 0);
    assert_int_equal(netcfg_route(&b->nc, &r6, NULL), 0);
    assert_true(netcfg_has_addr4(&b->nc));
    assert_true(netns_has_addr(b->name, AF_INET, "198.18.255.2"));
    assert_true(netns_has_addr(b->name, AF_INET6, "fd00:5353::2"));
    assert_int_equal(routes(&b->nc, AF_INET), 1);
    assert_int_equal(routes(&b->nc, AF_INET6), 1);

    /* IPV6CP down: IPv4 stays as it was. */
    netcfg_undo(&b->nc, AF_INET6);
    assert_false(netns_has_addr(b->name, AF_INET6, "fd00:5353::2"));
    assert_int_equal(routes(&b->nc, AF_INET6), 0);
    assert_true(netns_has_addr(b->name, AF_INET, "198.18.255.2"));
    assert_int_equal(routes(&b->nc, AF_INET), 1);
    assert_int_equal(b->nc.n, 2);

    netcfg_undo(&b->nc, AF_INET);
    assert_false(netns_has_addr(b->name, AF_INET, "198.18.255.2"));
    assert_int_equal(routes(&b->nc, AF_INET), 0);
    assert_false(netcfg_has_addr4(&b->nc));
    assert_int_equal(b->nc.n, 0);
    bed_free(b);
}

static void a_failed_change_is_not_journalled(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new();
    struct os_prefix r4 = prefix("198.19.1.0/24");
    assert_int_equal(netcfg_route(&b->nc, &r4, NULL), 0);
    size_t n = b->nc.n;
    assert_int_equal(netcfg_route(&b->nc, &r4, NULL), -EEXIST);
    assert_true(b->nc.err[0] != 0);
    assert_int_equal(b->nc.n, n);
    assert_int_equal(netcfg_sysctl(&b->nc, "net/ipv4/no_such_key", "1"), -ENOENT);
    assert_non_null(strstr(b->nc.err, "no_such_key"));
    assert_int_equal(b->nc.n, n);
    bed_free(b);
}

static void a_default_route_goes_in_its_own_table_with_three_rules(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new();
    char out[4096], want[64];
    struct os_prefix def = prefix("0.0.0.0/0");
    struct os_ip server;
    assert_int_equal(os_ip_parse("198.18.7.7", &server), 0);
    assert_int_equal(netcfg_addr4(&b->nc, ip4("198.18.255.2"), ip4("198.18.255.1")), 0);
    assert_int_equal(netcfg_route(&b->nc, &def, &server), 0);
    uint32_t prio = netcfg_rule_priority(b->nc.ifindex), table = netcfg_table(b->nc.ifindex);
    rules4(out, sizeof(out));
    snprintf(want, sizeof(want), "%u:\tfrom all to 198.18.7.7 lookup main", prio);
    assert_non_null(strstr(out, want));
    snprintf(want, sizeof(want), "%u:\tfrom all lookup main suppress_prefixlength 0", prio + 1);
    assert_non_null(strstr(out, want));
    snprintf(want, sizeof(want), "%u:\tfrom all lookup %u", prio + 2, table);
    assert_non_null(strstr(out, want));
    char err[256];
    struct nl_route r[4];
    size_t n = 0;
    assert_int_equal(nl_route_list(b->nc.ifindex, AF_INET, r, 4, &n, err, sizeof(err)), 0);
    assert_int_equal(n, 1);
    assert_int_equal(r[0].table, table);
    assert_int_equal(r[0].dst.len, 0);

    netcfg_undo(&b->nc, AF_INET);
    rules4(out, sizeof(out));
    assert_null(strstr(out, "198.18.7.7"));
    assert_null(strstr(out, "suppress_prefixlength"));
    snprintf(want, sizeof(want), "lookup %u", table);
    assert_null(strstr(out, want));
    assert_int_equal(routes(&b->nc, AF_INET), 0);
    bed_free(b);
}

static void read_proc(const char *path, char *out, size_t size)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    assert_non_null(fgets(out, (int)size, f));
    fclose(f);
    out[strcspn(out, "\n")] = 0;
}

static void sysctls_are_restored_newest_first(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new();
    char key[96], path[128], value[16];
    snprintf(key, sizeof(key), "net/ipv4/conf/%s/forwarding", b->name);
    snprintf(path, sizeof(path), "/proc/sys/%s", key);
    read_proc(path, value, sizeof(value));
    assert_string_equal(value, "0"); /* a new namespace's */
    assert_int_equal(netcfg_sysctl(&b->nc, key, "1"), 0);
    read_proc(path, value, sizeof(value));
    assert_string_equal(value, "1");
    /* The second change remembers "1": only newest first ends on "0". */
    assert_int_equal(netcfg_sysctl(&b->nc, key, "1"), 0);
    netcfg_undo(&b->nc, AF_UNSPEC);
    read_proc(path, value, sizeof(value));
    assert_string_equal(value, "0");
    bed_free(b);
}

static void a_full_journal_refuses_more(void **state)
{
    (void)state;
    NEED_NAMESPACE();
    struct bed *b = bed_new();
    char key[96], path[128], value[16];
    snprintf(key, sizeof(key), "net/ipv4/conf/%s/forwarding", b->name);
    snprintf(path, sizeof(path), "/proc/sys/%s", key);
    for (size_t i = 0; i < NETCFG_MAX_CHANGES; i++)
        assert_int_equal(netcfg_sysctl(&b->nc, key, "1"), 0);
    /* Untracked, it could never be undone: not made at all. */
    struct os_prefix r4 = prefix("198.19.1.0/24");
    assert_int_equal(netcfg_route(&b->nc, &r4, NULL), -ENOSPC);
    assert_non_null(strstr(b->nc.err, "too many changes"));
    assert_int_equal(routes(&b->nc, AF_INET), 0);
    netcfg_undo(&b->nc, AF_UNSPEC);
    read_proc(path, value, sizeof(value));
    assert_string_equal(value, "0");
    bed_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_family_is_undone_apart),
        cmocka_unit_test(a_failed_change_is_not_journalled),
        cmocka_unit_test(a_default_route_goes_in_its_own_table_with_three_rules),
        cmocka_unit_test(sysctls_are_restored_newest_first),
        cmocka_unit_test(a_full_journal_refuses_more),
    };
    return cmocka_run_group_tests(tests, netns_enter, NULL);
}
