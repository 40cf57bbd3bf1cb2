/* test_server_helper_configurator.c - configurator.h's requests as pppssh
 * helper's messages: what the helper hears for each, with the MTU only on
 * an up (the helper refuses a down or BYE that carries one).  The helper's
 * answers are queued on a socket pair before each request, so no second
 * process is needed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "configurator.h"
#include "helper_proto.h"

static int sv[2];

static int setup(void **state)
{
    (void)state;
    return socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv);
}

static int teardown(void **state)
{
    (void)state;
    close(sv[0]);
    close(sv[1]);
    return 0;
}

static void helper_answers_done(void)
{
    uint8_t msg[HELPER_ANSWER_LEN];
    struct helper_answer a = {.type = HELPER_DONE};
    assert_int_equal(helper_answer_encode(&a, msg), HELPER_ANSWER_LEN);
    assert_int_equal(send(sv[1], msg, sizeof(msg), 0), HELPER_ANSWER_LEN);
}

/* The request the helper heard, decoded as the helper decodes it. */
static struct helper_request helper_heard(void)
{
    uint8_t msg[HELPER_REQUEST_LEN + 1];
    struct helper_request r;
    ssize_t n = recv(sv[1], msg, sizeof(msg), 0);
    assert_int_equal(helper_request_decode(msg, (size_t)n, &r), HELPER_REQUEST_LEN);
    return r;
}

static void request(struct configurator *c, const struct cfg_request *rq)
{
    char why[256] = "";
    helper_answers_done();
    if (c->request(c, rq, why, sizeof(why)) != 0)
        fail_msg("request %d failed: %s", (int)rq->kind, why);
}

static void downs_and_bye_carry_no_mtu(void **state)
{
    (void)state;
    struct configurator *c = configurator_helper_new(sv[0]);
    assert_non_null(c);
    char why[256];
    assert_int_equal(
        c->request(c, &(struct cfg_request){.kind = CFG_LINK_UP, .mtu = 1500}, why, sizeof(why)),
        0);
    request(c, &(struct cfg_request){.kind = CFG_IPV4_UP});
    struct helper_request r = helper_heard();
    assert_int_equal(r.type, HELPER_IPV4_UP);
    assert_int_equal(r.mtu, 1500);
    request(c, &(struct cfg_request){.kind = CFG_DOWN, .family = AF_INET6});
    r = helper_heard();
    assert_int_equal(r.type, HELPER_IPV6_DOWN);
    assert_int_equal(r.mtu, 0);
    request(c, &(struct cfg_request){.kind = CFG_DOWN, .family = AF_INET});
    assert_int_equal(helper_heard().type, HELPER_IPV4_DOWN);
    request(c, &(struct cfg_request){.kind = CFG_UNDO_ALL});
    r = helper_heard();
    assert_int_equal(r.type, HELPER_BYE);
    assert_int_equal(r.mtu, 0);
    helper_answers_done();
    c->free(c); /* says BYE once more */
    assert_int_equal(helper_heard().type, HELPER_BYE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(downs_and_bye_carry_no_mtu, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
