/* test_server_refuse.c - a refused session's reason, written by `pppssh
 * serve` as an LCP Terminate-Request, is what the client's engine reports
 * as the peer's reason (issue 11). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ppp.h"
#include "refuse.h"

/* The client's side: a link fed with what refuse_in_band wrote. */
static void client_hears(const char *reason, char *heard, size_t size)
{
    int pipe_fds[2];
    assert_int_equal(pipe(pipe_fds), 0);
    refuse_in_band(pipe_fds[1], reason);
    close(pipe_fds[1]);
    uint8_t bytes[4096];
    ssize_t n = read(pipe_fds[0], bytes, sizeof(bytes));
    close(pipe_fds[0]);
    assert_true(n > 0);

    struct ppp_settings s;
    struct ppp_callbacks cb = {0};
    struct ppp_link *link;
    ppp_settings_default(&s);
    assert_int_equal(ppp_link_new(&link, &s, &cb, NULL), PPP_OK);
    assert_int_equal(ppp_link_open(link, 0), PPP_OK);
    assert_int_equal(ppp_link_input(link, bytes, (size_t)n, 0), PPP_OK);
    snprintf(heard, size, "%s", ppp_link_peer_reason(link));
    ppp_link_del(link);
}

static void reason_reaches_the_client_engine(void **state)
{
    (void)state;
    char heard[PPP_REASON_MAX + 1];
    client_hears("address pool 198.18.255.100-198.18.255.110 is exhausted", heard,
                 sizeof(heard));
    assert_string_equal(heard, "address pool 198.18.255.100-198.18.255.110 is exhausted");
}

static void long_reason_is_cut_not_lost(void **state)
{
    (void)state;
    char reason[300], heard[PPP_REASON_MAX + 1];
    memset(reason, 'r', sizeof(reason) - 1);
    reason[sizeof(reason) - 1] = '\0';
    client_hears(reason, heard, sizeof(heard));
    assert_int_equal(strlen(heard), PPP_REASON_MAX);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reason_reaches_the_client_engine),
        cmocka_unit_test(long_reason_is_cut_not_lost),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
