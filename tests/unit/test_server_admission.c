/* test_server_admission.c - what a `pppssh serve` session of a user gets
 * from server.conf, or is refused: a user without a [User] section is
 * refused (removing it revokes the key even with a Pool), a user with no
 * Address and no Pool too; a static Address is leased and the user's
 * routes, Address6 and the resolvers for IPCP fill the session's
 * parameters; --local/--remote need no config and no lease. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admission.h"
#include "tmpdir.h"

static struct in_addr ip(const char *text)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, text, &a), 1);
    return a;
}

static struct server_config *server(void)
{
    static struct server_config cfg;
    config_server_defaults(&cfg);
    cfg.has_address = true;
    cfg.address = ip("198.18.255.1");
    cfg.dns[0] = (struct os_ip){.family = AF_INET, .v4 = ip("198.19.0.53")};
    cfg.n_dns = 1;
    struct server_user *alice = &cfg.users[cfg.n_users++];
    strcpy(alice->name, "alice");
    alice->has_address = true;
    alice->address = ip("198.18.255.7");
    alice->max_sessions = 1;
    /* An IPv6 network: no IPv4 forwarding needed on the test machine. */
    alice->routes[0].ip.family = AF_INET6;
    inet_pton(AF_INET6, "fd00:7::", &alice->routes[0].ip.v6);
    alice->routes[0].len = 64;
    alice->n_routes = 1;
    struct server_user *bob = &cfg.users[cfg.n_users++];
    strcpy(bob->name, "bob"); /* no Address, and the server has no Pool */
    bob->max_sessions = 1;
    return &cfg;
}

static void a_static_address_is_leased_with_the_users_routes(void **state)
{
    (void)state;
    struct run_params p;
    run_params_init(&p, RUN_SERVER);
    struct admission_request r = {
        .cfg = server(), .config_path = "server.conf", .user = "alice", .seed = 7};
    char err[512] = "";
    int lease = -1;
    assert_int_equal(admission_decide(&r, &p, &lease, err, sizeof(err)), 0);
    assert_true(lease >= 0);
    assert_int_equal(p.ppp.local_ip, 0xc612ff01);  /* 198.18.255.1 */
    assert_int_equal(p.ppp.remote_ip, 0xc612ff07); /* 198.18.255.7 */
    assert_false(p.ppp.accept_remote);             /* another address gets Nak'd */
    assert_int_equal(p.ppp.dns[0], 0xc6130035);    /* 198.19.0.53 */
    assert_int_equal(p.net.n_routes, 1);
    assert_int_equal(p.net.routes[0].len, 64);
    assert_true(p.net.antispoof);
    /* A second session of alice (MaxSessions 1) would take this one over;
     * another user may not have her address: the lease is exclusive. */
    close(lease);
}

static void a_user_without_a_section_is_refused(void **state)
{
    (void)state;
    struct run_params p;
    run_params_init(&p, RUN_SERVER);
    struct admission_request r = {.cfg = server(), .config_path = "server.conf", .user = "mallory"};
    char err[512] = "";
    int lease = -1;
    assert_int_equal(admission_decide(&r, &p, &lease, err, sizeof(err)), -1);
    assert_int_equal(lease, -1);
    assert_string_equal(err, "user mallory has no [User mallory] section in server.conf: refused");
}

static void a_user_without_address_or_pool_is_refused(void **state)
{
    (void)state;
    struct run_params p;
    run_params_init(&p, RUN_SERVER);
    struct admission_request r = {.cfg = server(), .config_path = "server.conf", .user = "bob"};
    char err[512] = "";
    int lease = -1;
    assert_int_equal(admission_decide(&r, &p, &lease, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "no address for user bob"));
}

static void local_and_remote_need_no_config(void **state)
{
    (void)state;
    struct run_params p;
    run_params_init(&p, RUN_SERVER);
    struct admission_request r = {
        .user = "x", .local = "198.18.255.1", .remote = "198.18.255.9", .no_offload = true};
    char err[512] = "";
    int lease = 5;
    assert_int_equal(admission_decide(&r, &p, &lease, err, sizeof(err)), 0);
    assert_int_equal(p.ppp.remote_ip, 0xc612ff09);
    assert_false(p.ppp.offload);
    assert_int_equal(p.net.n_routes, 0);
    r.remote = "198.18.255.999";
    assert_int_equal(admission_decide(&r, &p, &lease, err, sizeof(err)), -1);
    assert_string_equal(err, "--remote 198.18.255.999 is not an IPv4 address");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_static_address_is_leased_with_the_users_routes),
        cmocka_unit_test(a_user_without_a_section_is_refused),
        cmocka_unit_test(a_user_without_address_or_pool_is_refused),
        cmocka_unit_test(local_and_remote_need_no_config),
    };
    return cmocka_run_group_tests(tests, tmpdir_make_run_dir, tmpdir_remove);
}
