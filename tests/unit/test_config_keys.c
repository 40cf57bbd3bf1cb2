/* test_config_keys.c - the key table is the one description of the
 * configuration: every key of it reads back from `pppssh config`'s output
 * to the same struct, and pppssh.conf(5) documents every key. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "config_fixtures.h"

static char err[256];

/* The other transport: ssh's own keys are refused with it. */
static const char command_tunnel[] = "[Tunnel]\n"
                                     "Command = pty-redir ssh -t vpn@198.18.0.2\n"
                                     "SessionUser = vpn-session\n"
                                     "MTU = auto\n"
                                     "Route = 198.19.0.0/24\n";

static const char full_server[] = "[Server]\n"
                                  "Address = 198.18.254.1\n"
                                  "Pool = 198.18.255.0/24\n"
                                  "ProxyArp = yes\n"
                                  "Masquerade = eth0\n"
                                  "Offload = no\n"
                                  "DNS = 198.19.0.53\n"
                                  "DNS = fd00:5353:1::53\n"
                                  "Address6 = fd00:5353::1/64\n"
                                  "Helper = /run/pppssh-test/helper.sock\n"
                                  "SessionUser = vpn-session\n"
                                  "Mode = userspace\n"
                                  "Grace = 30\n"
                                  "StackNetwork = 198.18.253.0/24\n"
                                  "PortForward = tcp:8080:80\n"
                                  "PortForward = udp:5353\n"
                                  "[User alice]\n"
                                  "Address = 198.18.254.2\n"
                                  "Route = 198.19.7.0/24\n"
                                  "Route = fd00:5353:7::/64\n"
                                  "Address6 = fd00:5353::2/64\n"
                                  "Account = vpn-alice\n"
                                  "[User bob]\n"
                                  "MaxSessions = 4\n";

/* What print (config_print_tunnel or _server) writes for cfg, into text. */
#define PRINT_TO(text, print, cfg)                                                                 \
    do {                                                                                           \
        size_t len_ = 0;                                                                           \
        FILE *out_ = open_memstream(&(text), &len_);                                               \
        print(out_, (cfg));                                                                        \
        fclose(out_);                                                                              \
    } while (0)

/* "\nKey = " somewhere in text (every printed line follows a header). */
static bool has_key_line(const char *text, const char *key)
{
    char needle[64];
    snprintf(needle, sizeof(needle), "\n%s = ", key);
    return strstr(text, needle) != NULL;
}

/* parse -> print -> parse gives the same struct; returns the printout. */
static char *tunnel_round_trip(const char *text)
{
    struct tunnel_config *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
    assert_int_equal(
        config_parse_tunnel(text, strlen(text), "vpn.conf", "vpn", a, err, sizeof(err)), 0);
    char *printed = NULL;
    PRINT_TO(printed, config_print_tunnel, a);
    if (config_parse_tunnel(printed, strlen(printed), "out", "vpn", b, err, sizeof(err)) < 0)
        fail_msg("%s does not read back:\n%s", err, printed);
    assert_memory_equal(a, b, sizeof(*a));
    free(a);
    free(b);
    return printed;
}

static void every_tunnel_key_round_trips(void **state)
{
    char *ssh = tunnel_round_trip(full_tunnel);
    char *command = tunnel_round_trip(command_tunnel);
    const char *key;
    for (size_t i = 0; (key = config_key_name(CONFIG_SECTION_TUNNEL, i)); i++) {
        if (!has_key_line(ssh, key) && !has_key_line(command, key))
            fail_msg("key '%s' is not printed", key);
    }
    assert_true(has_key_line(ssh, "SSHOption")); /* both, in their order */
    assert_non_null(strstr(ssh, "SSHOption = StrictHostKeyChecking=yes\nSSHOption = Conn"));
    assert_false(has_key_line(command, "SSHTTY")); /* ssh's keys: not with Command */
    assert_false(has_key_line(command, "RemoteCommand"));
    free(ssh);
    free(command);
}

static void every_server_key_round_trips(void **state)
{
    struct server_config *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
    assert_int_equal(
        config_parse_server(full_server, strlen(full_server), "server.conf", a, err, sizeof(err)),
        0);
    char *printed = NULL;
    PRINT_TO(printed, config_print_server, a);
    if (config_parse_server(printed, strlen(printed), "out", b, err, sizeof(err)) < 0)
        fail_msg("%s does not read back:\n%s", err, printed);
    assert_memory_equal(a, b, sizeof(*a));
    const char *key;
    for (size_t i = 0; (key = config_key_name(CONFIG_SECTION_SERVER, i)); i++)
        assert_true(has_key_line(printed, key));
    const char *users = strstr(printed, "[User alice]");
    assert_non_null(users);
    for (size_t i = 0; (key = config_key_name(CONFIG_SECTION_USER, i)); i++)
        assert_true(has_key_line(users, key));
    assert_non_null(strstr(printed, "Pool = 198.18.255.1-198.18.255.254\n"));
    free(printed);
    free(a);
    free(b);
}

static char *read_text(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    static char buf[1 << 17];
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    assert_true(n < sizeof(buf) - 1);
    buf[n] = '\0';
    return buf;
}

/* pppssh.conf(5) has a paragraph headed `.BI "Key = "` (or .BR) for every
 * key of every section. */
static void the_man_page_documents_every_key(void **state)
{
    const char *man = read_text(PPPSSH_SOURCE_DIR "/docs/pppssh.conf.5");
    for (int s = CONFIG_SECTION_TUNNEL; s <= CONFIG_SECTION_USER; s++) {
        const char *key;
        for (size_t i = 0; (key = config_key_name((enum config_section)s, i)); i++) {
            char bi[80], br[80];
            snprintf(bi, sizeof(bi), "\n.BI \"%s = \"", key);
            snprintf(br, sizeof(br), "\n.BR \"%s = \"", key);
            if (!strstr(man, bi) && !strstr(man, br))
                fail_msg("docs/pppssh.conf.5 does not document '%s'", key);
        }
    }
    assert_null(config_key_name(CONFIG_SECTION_USER, 100));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_tunnel_key_round_trips),
        cmocka_unit_test(every_server_key_round_trips),
        cmocka_unit_test(the_man_page_documents_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
