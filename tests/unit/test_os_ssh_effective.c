/* test_os_ssh_effective.c - reading `ssh -G` output: where ssh would
 * connect, and whether it connects by itself (ProxyCommand, ProxyJump,
 * BindAddress, BindInterface) so that we must not hand it a socket. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "ssh.h"

/* The head of what OpenSSH 9.2 prints for `ssh -G 198.18.0.2`, without
 * any configuration: the keys we read, among others we do not. */
#define SSH_G_HEAD                                                                                 \
    "host 198.18.0.2\n"                                                                            \
    "user root\n"                                                                                  \
    "hostname 198.18.0.2\n"                                                                        \
    "port 22\n"                                                                                    \
    "addressfamily any\n"                                                                          \
    "batchmode no\n"                                                                               \
    "proxyusefdpass no\n"                                                                          \
    "identityfile ~/.ssh/id_ed25519\n"                                                             \
    "globalknownhostsfile /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2\n"                    \
    "sendenv LC_*\n"

static struct ssh_effective eff;

/* Fills eff with garbage first, so that a field the parser forgot to
 * reset shows. */
static int parse(const char *text)
{
    memset(&eff, 0xA5, sizeof(eff));
    return ssh_parse_effective(text, &eff);
}

static void reads_defaults(void **state)
{
    assert_int_equal(parse(SSH_G_HEAD "connecttimeout none\n"
                                      "tunneldevice any:any\n"
                                      "syslogfacility USER"),
                     0);
    assert_string_equal(eff.hostname, "198.18.0.2");
    assert_int_equal(eff.port, 22);
    assert_int_equal(eff.family, AF_UNSPEC);
    assert_int_equal(eff.connect_timeout, 0);
    assert_false(eff.own_route);
}

static void reads_port_family_and_timeout(void **state)
{
    /* ssh -G -p 2222 -o AddressFamily=inet6 -o ConnectTimeout=7 h */
    assert_int_equal(parse("host h\nhostname h\nport 2222\naddressfamily inet6\n"
                           "connecttimeout 7\n"),
                     0);
    assert_string_equal(eff.hostname, "h");
    assert_int_equal(eff.port, 2222);
    assert_int_equal(eff.family, AF_INET6);
    assert_int_equal(eff.connect_timeout, 7);
    assert_false(eff.own_route);

    assert_int_equal(parse("hostname h\nport 65535\naddressfamily inet\n"), 0);
    assert_int_equal(eff.port, 65535);
    assert_int_equal(eff.family, AF_INET);

    /* Anything but inet and inet6 lets either family be tried. */
    assert_int_equal(parse("hostname h\nport 22\naddressfamily inet7\n"), 0);
    assert_int_equal(eff.family, AF_UNSPEC);
}

static void connect_timeout_none_is_zero(void **state)
{
    assert_int_equal(parse("hostname h\nport 22\nconnecttimeout 30\n"), 0);
    assert_int_equal(eff.connect_timeout, 30);
    assert_int_equal(parse("hostname h\nport 22\nconnecttimeout none\n"), 0);
    assert_int_equal(eff.connect_timeout, 0);
    /* ConnectTimeout=4w, as ssh -G prints it. */
    assert_int_equal(parse("hostname h\nport 22\nconnecttimeout 2419200\n"), 0);
    assert_int_equal(eff.connect_timeout, 2419200);
}

static void own_route_keys(void **state)
{
    static const char *const routed[] = {
        "proxycommand nc %h %p",
        "proxycommand /usr/bin/pppssh fdpass x 198.18.0.2 22 0 any",
        "proxyjump jump@[198.18.0.9]:2200",
        "bindaddress 198.18.0.1",
        "bindinterface eth0",
    };
    char text[256];
    for (size_t i = 0; i < sizeof(routed) / sizeof(routed[0]); i++) {
        snprintf(text, sizeof(text), "hostname h\nport 22\n%s\nconnecttimeout none\n", routed[i]);
        assert_int_equal(parse(text), 0);
        if (!eff.own_route)
            fail_msg("'%s' did not make ssh connect by itself", routed[i]);
    }
}

static void none_is_no_route_of_its_own(void **state)
{
    assert_int_equal(parse("hostname h\nport 22\nproxycommand none\nproxyjump none\n"
                           "bindaddress none\nbindinterface none\n"),
                     0);
    assert_false(eff.own_route);
    /* proxyusefdpass is not a route; neither is a key that only starts
     * like one. */
    assert_int_equal(parse("hostname h\nport 22\nproxyusefdpass yes\nproxycommands x\n"), 0);
    assert_false(eff.own_route);
    /* A later "none" does not undo an earlier route. */
    assert_int_equal(parse("hostname h\nport 22\nproxyjump j\nproxycommand none\n"), 0);
    assert_true(eff.own_route);
}

static void lines_in_any_order(void **state)
{
    assert_int_equal(parse("proxyjump j\nconnecttimeout 5\naddressfamily inet\n"
                           "port 2200\nhostname fd00::2\nhost alias"),
                     0);
    assert_string_equal(eff.hostname, "fd00::2");
    assert_int_equal(eff.port, 2200);
    assert_int_equal(eff.family, AF_INET);
    assert_int_equal(eff.connect_timeout, 5);
    assert_true(eff.own_route);
    /* "host" is the name typed, "hostname" the one connected to. */
    assert_int_equal(parse("hostname 198.18.0.3\nhost alias\nport 22\n"), 0);
    assert_string_equal(eff.hostname, "198.18.0.3");
}

static void missing_hostname_or_port(void **state)
{
    assert_int_equal(parse("host h\nport 22\n"), -EINVAL);
    assert_int_equal(parse("hostname h\n"), -EINVAL);
    assert_int_equal(parse("hostname \nport 22\n"), -EINVAL);
    assert_int_equal(parse("hostname h\nport 0\n"), -EINVAL);
    assert_int_equal(parse("hostname h\nport none\n"), -EINVAL);
    assert_int_equal(parse("hostname h\nport 65536\n"), -EINVAL);
    assert_int_equal(parse(""), -EINVAL);
    /* The result is reset, not left from a previous parse. */
    assert_int_equal(eff.port, 0);
    assert_string_equal(eff.hostname, "");
    assert_false(eff.own_route);
}

static void garbage_lines_are_skipped(void **state)
{
    assert_int_equal(parse("\n\n"
                           "hostname h\n"
                           "port 22\n"
                           "hostname\n" /* no value */
                           "port\n"     /* no value */
                           "\x01\xff\x7f\n"
                           "HostName upper.example\n" /* ssh -G prints keys in lower case */
                           "Port 23\n"
                           " hostname leading.space\n"
                           "\tport 24\n"
                           "garbage with spaces in it\n"
                           "\n"),
                     0);
    assert_string_equal(eff.hostname, "h");
    assert_int_equal(eff.port, 22);
    assert_false(eff.own_route);
}

static void long_lines_stay_one_line(void **state)
{
    /* A 2000-byte ProxyCommand: still a route of its own, and no part of
     * it is read as a line of its own, even where a 512-byte chunk would
     * start. */
    static char text[4096];
    size_t n = (size_t)snprintf(text, sizeof(text), "hostname h\nport 22\n");
    size_t line = n;
    n += (size_t)snprintf(text + n, sizeof(text) - n, "proxycommand ");
    while (n - line < 2000) {
        size_t at = n - line;
        const char *word = at == 511 ? "hostname evil " : at == 1023 ? "port 99 " : "x";
        n += (size_t)snprintf(text + n, sizeof(text) - n, "%s", word);
    }
    n += (size_t)snprintf(text + n, sizeof(text) - n, "\nconnecttimeout 3\n");
    assert_int_equal(parse(text), 0);
    assert_true(eff.own_route);
    assert_string_equal(eff.hostname, "h");
    assert_int_equal(eff.port, 22);
    assert_int_equal(eff.connect_timeout, 3);
}

static void longest_hostname_fits(void **state)
{
    /* 255 characters: the most the field holds. */
    static char text[512];
    char name[256];
    memset(name, 'a', 255);
    name[255] = 0;
    snprintf(text, sizeof(text), "hostname %s\nport 22\n", name);
    assert_int_equal(parse(text), 0);
    assert_string_equal(eff.hostname, name);
}

static void too_long_hostname_is_refused(void **state)
{
    /* Cut to 255 characters it would name another host: none is
     * better, ssh then connects by itself.  (DNS names are at most 255
     * octets, RFC 1035 2.3.4, so no real one is lost.) */
    static char text[1024];
    char name[700];
    for (size_t len = 256; len < sizeof(name); len += 300) {
        memset(name, 'a', len);
        name[len] = 0;
        snprintf(text, sizeof(text), "hostname %s\nport 22\n", name);
        if (parse(text) != -EINVAL)
            fail_msg("a %zu-character hostname was read as '%.20s...'", len, eff.hostname);
    }
}

static void numbers_must_be_whole(void **state)
{
    /* 2^32 + 22 would wrap to port 22 in an unsigned. */
    static const char *const ports[] = {
        "4294967318", "18446744073709551638", "22x", "-22", "+22", " 22", "0x16"};
    char text[128];
    for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
        snprintf(text, sizeof(text), "hostname h\nport %s\n", ports[i]);
        if (parse(text) != -EINVAL)
            fail_msg("port '%s' was read as %u", ports[i], eff.port);
    }
    /* A timeout that does not parse is no timeout, not a wrapped one. */
    assert_int_equal(parse("hostname h\nport 22\nconnecttimeout 4294967297\n"), 0);
    assert_int_equal(eff.connect_timeout, 0);
    assert_int_equal(parse("hostname h\nport 22\nconnecttimeout 4294967295\n"), 0);
    assert_int_equal(eff.connect_timeout, 4294967295u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_defaults),
        cmocka_unit_test(reads_port_family_and_timeout),
        cmocka_unit_test(connect_timeout_none_is_zero),
        cmocka_unit_test(own_route_keys),
        cmocka_unit_test(none_is_no_route_of_its_own),
        cmocka_unit_test(lines_in_any_order),
        cmocka_unit_test(missing_hostname_or_port),
        cmocka_unit_test(garbage_lines_are_skipped),
        cmocka_unit_test(long_lines_stay_one_line),
        cmocka_unit_test(longest_hostname_fits),
        cmocka_unit_test(too_long_hostname_is_refused),
        cmocka_unit_test(numbers_must_be_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
