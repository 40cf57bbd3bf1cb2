/* test_run_lease.c - address leases of pppssh serve sessions: locked while
 * held, never shared, stable per user, pool exhaustion reported. */
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

#include "lease.h"

static char dir[64];

static int make_dir(void **state)
{
    snprintf(dir, sizeof(dir), "/tmp/pppssh-lease-test.XXXXXX");
    assert_non_null(mkdtemp(dir));
    setenv("PPPSSH_RUN_DIR", dir, 1);
    return 0;
}

static int remove_dir(void **state)
{
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    return system(cmd);
}

static struct in_addr ip(const char *text)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, text, &a), 1);
    return a;
}

static void static_address_is_exclusive(void **state)
{
    char err[256];
    int a = lease_take(ip("198.18.255.2"), "alice", err, sizeof(err));
    assert_true(a >= 0);
    assert_int_equal(lease_take(ip("198.18.255.2"), "alice", err, sizeof(err)), -EBUSY);
    assert_non_null(strstr(err, "in use by another session (user alice)"));
    close(a); /* the session ends: the lock goes with it */
    int again = lease_take(ip("198.18.255.2"), "alice", err, sizeof(err));
    assert_true(again >= 0);
    close(again);
}

static int from_pool(const char *user, struct in_addr *got, char *err)
{
    struct in_addr skip = ip("198.18.255.101"); /* someone's static address */
    return lease_from_pool(ip("198.18.255.100"), ip("198.18.255.103"), &skip, 1, user, got, err,
                           256);
}

static void pool_is_stable_and_bounded(void **state)
{
    char err[256], text[INET_ADDRSTRLEN];
    struct in_addr a, b, c, d;
    int fa = from_pool("alice", &a, err);
    assert_true(fa >= 0);
    assert_string_equal(inet_ntop(AF_INET, &a, text, sizeof(text)), "198.18.255.100");
    close(fa);
    /* A newcomer gets a never-used address rather than alice's last one. */
    int fb = from_pool("bob", &b, err);
    assert_true(fb >= 0);
    assert_string_equal(inet_ntop(AF_INET, &b, text, sizeof(text)), "198.18.255.102");
    /* alice comes back to the same address. */
    fa = from_pool("alice", &a, err);
    assert_true(fa >= 0);
    assert_string_equal(inet_ntop(AF_INET, &a, text, sizeof(text)), "198.18.255.100");
    int fc = from_pool("carol", &c, err);
    assert_true(fc >= 0);
    assert_string_equal(inet_ntop(AF_INET, &c, text, sizeof(text)), "198.18.255.103");
    /* .101 is static, the rest are held: exhausted. */
    assert_int_equal(from_pool("dave", &d, err), -ENOSPC);
    assert_string_equal(err, "address pool 198.18.255.100-198.18.255.103 is exhausted");
    close(fa);
    close(fb);
    close(fc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(static_address_is_exclusive),
        cmocka_unit_test(pool_is_stable_and_bounded),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
