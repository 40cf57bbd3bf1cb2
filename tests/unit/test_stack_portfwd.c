/* test_stack_portfwd.c - the userspace stack's inbound forwards as users
 * write them (tcp:8080, udp:5353, tcp:8080:80), and the request and
 * answer serve and pppssh-stack exchange when a session attaches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "portfwd.h"

static void reads_what_users_write(void **state)
{
    (void)state;
    struct portfwd f;
    char text[PORTFWD_TEXT_MAX];
    assert_int_equal(portfwd_parse("tcp:8080", &f), 0);
    assert_false(f.udp);
    assert_int_equal(f.host_port, 8080);
    assert_int_equal(f.client_port, 8080); /* the same port on the client */
    assert_string_equal(portfwd_format(&f, text, sizeof(text)), "tcp:8080:8080");
    assert_int_equal(portfwd_parse("udp:65535:1", &f), 0);
    assert_true(f.udp);
    assert_string_equal(portfwd_format(&f, text, sizeof(text)), "udp:65535:1");
    const char *bad[] = {"",        "tcp",         "tcp:",    "tcp:0",      "tcp:65536",
                         "tcp:80:", "tcp:80:0",    "tcp:-1",  "tcp:8o",     "icmp:8",
                         "TCP:80",  "tcp:80:80:1", "tcp: 80", "tcp:123456", "tcp:80x"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(portfwd_parse(bad[i], &f), -1);
}

static void request_carries_the_whole_list(void **state)
{
    (void)state;
    struct portfwd in[2], out[PORTFWD_MAX];
    size_t n = 99;
    char msg[PORTFWD_MSG_MAX];
    portfwd_parse("tcp:8080:80", &in[0]);
    portfwd_parse("udp:5353", &in[1]);
    size_t len = portfwd_request(in, 2, msg, sizeof(msg));
    assert_int_equal(msg[0], 0); /* never an IP packet: no IP version 0 */
    assert_int_equal(portfwd_request_parse((uint8_t *)msg, len, out, &n), 1);
    assert_int_equal(n, 2);
    assert_true(portfwd_equal(&in[0], &out[0]));
    assert_true(portfwd_equal(&in[1], &out[1]));
    /* None: the stack is to drop whatever it forwards. */
    len = portfwd_request(in, 0, msg, sizeof(msg));
    assert_int_equal(portfwd_request_parse((uint8_t *)msg, len, out, &n), 1);
    assert_int_equal(n, 0);
    /* An IP packet is no request; a garbled request is refused. */
    const uint8_t ip[] = {0x45, 0, 0, 20};
    assert_int_equal(portfwd_request_parse(ip, sizeof(ip), out, &n), 0);
    const uint8_t garbled[] = "\0forward tcp:99999";
    assert_int_equal(portfwd_request_parse(garbled, sizeof(garbled) - 1, out, &n), -1);
    const uint8_t other[] = "\0hello";
    assert_int_equal(portfwd_request_parse(other, sizeof(other) - 1, out, &n), -1);
}

static void answers_ok_or_why(void **state)
{
    (void)state;
    char msg[128], why[64];
    size_t len = portfwd_answer(NULL, msg, sizeof(msg));
    assert_int_equal(portfwd_answer_parse((uint8_t *)msg, len, why, sizeof(why)), 1);
    len = portfwd_answer("port 80: Permission denied", msg, sizeof(msg));
    assert_int_equal(portfwd_answer_parse((uint8_t *)msg, len, why, sizeof(why)), -1);
    assert_string_equal(why, "port 80: Permission denied");
    /* A packet for the client that comes before the answer is none. */
    const uint8_t ip[] = {0x60, 0, 0, 0};
    assert_int_equal(portfwd_answer_parse(ip, sizeof(ip), why, sizeof(why)), 0);
    /* A long reason is cut to the room given. */
    len = portfwd_answer("0123456789", msg, sizeof(msg));
    assert_int_equal(portfwd_answer_parse((uint8_t *)msg, len, why, 5), -1);
    assert_string_equal(why, "0123");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_what_users_write),
        cmocka_unit_test(request_carries_the_whole_list),
        cmocka_unit_test(answers_ok_or_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
