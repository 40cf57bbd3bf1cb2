/* test_os_addr.c - addresses and CIDR prefixes */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>

#include "addr.h"

static void parses_and_formats(void **state)
{
    struct os_prefix p;
    char buf[OS_PREFIX_TEXT_MAX];

    assert_int_equal(os_prefix_parse("198.19.0.0/24", &p), 0);
    assert_int_equal(p.ip.family, AF_INET);
    assert_int_equal(p.len, 24);
    assert_true(os_prefix_is_network(&p));
    assert_string_equal(os_prefix_format(&p, buf, sizeof(buf)), "198.19.0.0/24");

    assert_int_equal(os_prefix_parse("fd00:5353::2/64", &p), 0);
    assert_int_equal(p.ip.family, AF_INET6);
    assert_false(os_prefix_is_network(&p));
    assert_int_equal(os_prefix_parse("198.18.0.2", &p), 0);
    assert_int_equal(p.len, 32);
    assert_int_equal(os_prefix_parse("0.0.0.0/0", &p), 0);
    assert_true(os_prefix_is_network(&p));
}

static void rejects_malformed(void **state)
{
    static const char *const bad[] = {"",
                                      "/24",
                                      "198.19.0.0/",
                                      "198.19.0.0/33",
                                      "198.19.0.0/024",
                                      "198.19.0.0/+4",
                                      "fd00::/129",
                                      "198.19.0/24",
                                      "host/24",
                                      "198.19.0.0/24/1"};
    struct os_prefix p;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        if (os_prefix_parse(bad[i], &p) != -EINVAL)
            fail_msg("'%s' accepted", bad[i]);
    }
}

static void contains(void **state)
{
    struct os_prefix net;
    struct os_ip in, out, v6;
    assert_int_equal(os_prefix_parse("198.19.0.0/23", &net), 0);
    assert_int_equal(os_ip_parse("198.19.1.200", &in), 0);
    assert_int_equal(os_ip_parse("198.19.2.1", &out), 0);
    assert_int_equal(os_ip_parse("fd00::1", &v6), 0);
    assert_true(os_prefix_contains(&net, &in));
    assert_false(os_prefix_contains(&net, &out));
    assert_false(os_prefix_contains(&net, &v6));
    assert_false(os_ip_equal(&in, &out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_and_formats),
        cmocka_unit_test(rejects_malformed),
        cmocka_unit_test(contains),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
