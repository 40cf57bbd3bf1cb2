/* test_stack_net4.c - the stack's inner IPv4 network as serve passes it
 * to pppssh-stack (--network A.B.C.0/24): only a /24 with its host part
 * zero is taken, and it reads back as written. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>

#include "stack.h"

static void takes_a_24_and_formats_it_back(void **state)
{
    (void)state;
    uint32_t net = 0;
    char text[INET_ADDRSTRLEN];
    assert_int_equal(stack_net4_parse("198.18.254.0/24", &net), 0);
    assert_int_equal(net, 0xc612fe00u);
    assert_string_equal(stack_net4_format(net, text, sizeof(text)), "198.18.254.0");
    /* The default is one too: libslirp's conventional network. */
    assert_int_equal(stack_net4_parse(STACK_NET4_DEFAULT, &net), 0);
}

static void refuses_anything_else(void **state)
{
    (void)state;
    const char *bad[] = {"198.18.254.0",
                         "198.18.254.0/23",
                         "198.18.254.0/25",
                         "198.18.254.1/24",
                         "198.18.254/24",
                         "fd00::/24",
                         "198.18.254.0/24x",
                         "",
                         "/24"};
    uint32_t net = 7;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(stack_net4_parse(bad[i], &net), -1);
        assert_int_equal(net, 7); /* untouched */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(takes_a_24_and_formats_it_back),
        cmocka_unit_test(refuses_anything_else),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
