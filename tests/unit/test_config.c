/* test_config.c - the tunnel and server configuration parser */
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
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "config_fixtures.h"

static char err[512];

static int tunnel(const char *text, struct tunnel_config *cfg)
{
    return config_parse_tunnel(text, strlen(text), "vpn.conf", "vpn", cfg, err, sizeof(err));
}

static int server(const char *text, struct server_config *cfg)
{
    return config_parse_server(text, strlen(text), "server.conf", cfg, err, sizeof(err));
}

/* The parse fails with exactly this message. */
static void tunnel_fails_with(const char *text, const char *message)
{
    struct tunnel_config *cfg = malloc(sizeof(*cfg));
    assert_int_equal(tunnel(text, cfg), -EINVAL);
    assert_string_equal(err, message);
    free(cfg);
}

static void server_fails_with(const char *text, const char *message)
{
    struct server_config *cfg = malloc(sizeof(*cfg));
    assert_int_equal(server(text, cfg), -EINVAL);
    assert_string_equal(err, message);
    free(cfg);
}

static uint32_t v4(const char *text)
{
    struct in_addr a;
    assert_int_equal(inet_pton(AF_INET, text, &a), 1);
    return a.s_addr;
}

/* full_tunnel: config_fixtures.h */

static void parses_every_tunnel_key(void **state)
{
    struct tunnel_config *c = malloc(sizeof(*c));
    char buf[OS_PREFIX_TEXT_MAX];

    assert_int_equal(tunnel(full_tunnel, c), 0);
    assert_string_equal(c->name, "vpn");
    assert_string_equal(c->server, "vpn@198.18.0.2");
    assert_int_equal(c->port, 2222);
    assert_string_equal(c->identity_file, "/etc/pppssh/id_ed25519");
    assert_int_equal(c->n_ssh_options, 2);
    assert_string_equal(c->ssh_options[1], "ConnectTimeout=10");
    assert_string_equal(c->remote_command, "sudo /usr/sbin/pppd nodetach notty noauth");
    assert_int_equal(c->ssh_tty, CONFIG_TTY_YES);
    assert_string_equal(c->interface, "office0");
    assert_true(c->has_local_address && c->has_remote_address);
    assert_int_equal(c->local_address.s_addr, v4("198.18.255.2"));
    assert_int_equal(c->remote_address.s_addr, v4("198.18.255.1"));
    assert_true(c->has_address6);
    assert_string_equal(os_prefix_format(&c->address6, buf, sizeof(buf)), "fd00:5353::2/64");
    assert_int_equal(c->n_routes, 2);
    assert_string_equal(os_prefix_format(&c->routes[0], buf, sizeof(buf)), "198.19.0.0/24");
    assert_string_equal(os_prefix_format(&c->routes[1], buf, sizeof(buf)), "fd00:5353:1::/64");
    assert_int_equal(c->mtu, 1400);
    assert_int_equal(c->n_dns, 2);
    assert_int_equal(c->dns[1].family, AF_INET6);
    assert_false(c->offload);
    assert_int_equal(c->keepalive_interval, 5);
    assert_int_equal(c->keepalive_failures, 4);
    assert_false(c->persist);
    assert_int_equal(c->max_fail, 10);
    assert_int_equal(c->holdoff, 30);
    assert_string_equal(c->up_script, "/etc/pppssh/up.sh");
    assert_string_equal(c->down_script, "/etc/pppssh/down.sh");
    free(c);
}

static void minimal_tunnel_gets_defaults(void **state)
{
    struct tunnel_config *c = malloc(sizeof(*c));
    assert_int_equal(tunnel("[Tunnel]\nServer = host\n", c), 0);
    assert_string_equal(c->interface, "vpn");
    assert_string_equal(c->remote_command, "pppssh serve");
    assert_int_equal(c->port, 0);
    assert_int_equal(c->mtu, CONFIG_MTU_AUTO);
    assert_int_equal(c->ssh_tty, CONFIG_TTY_AUTO);
    assert_int_equal(c->keepalive_interval, 10);
    assert_int_equal(c->keepalive_failures, 3);
    assert_true(c->persist);
    assert_true(c->offload);
    assert_int_equal(c->holdoff, 1);
    assert_false(c->has_local_address);
    assert_false(c->has_remote_address);
    assert_int_equal(c->n_routes, 0);
    free(c);
}

static void command_transport(void **state)
{
    struct tunnel_config *c = malloc(sizeof(*c));
    assert_int_equal(tunnel("[tunnel]\ncommand = socat - /dev/ttyS0,raw\n", c), 0);
    assert_string_equal(c->command, "socat - /dev/ttyS0,raw");
    assert_string_equal(c->server, "");
    free(c);
}

/* RemoteCommand = none: the login shell runs; printed back as none. */
static void remote_command_none(void **state)
{
    struct tunnel_config *c = malloc(sizeof(*c));
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(tunnel("[Tunnel]\nServer = vpn@h\n", c), 0);
    assert_false(config_login_shell(c));
    assert_int_equal(tunnel("[Tunnel]\nServer = vpn@h\nRemoteCommand = none\n", c), 0);
    assert_true(config_login_shell(c));
    FILE *out = open_memstream(&text, &len);
    config_print_tunnel(out, c);
    fclose(out);
    assert_non_null(strstr(text, "RemoteCommand = none\n"));
    assert_int_equal(tunnel(text, c), 0);
    assert_true(config_login_shell(c));
    free(text);
    free(c);
}

static void reports_unknown_key_with_line(void **state)
{
    tunnel_fails_with("[Tunnel]\n\n; comment\nServr = host\n",
                      "vpn.conf:4: unknown key 'Servr' in [Tunnel]");
}

/* Masquerade's name goes to nft as it is: nothing else than a name. */
static void reports_bad_masquerade_interface(void **state)
{
    tunnel_fails_with("[Tunnel]\nServer = h\nMasquerade = eth0\"}\n",
                      "vpn.conf:3: 'Masquerade' must be an interface name (letters, digits, "
                      "'_', '.', '-'), not 'eth0\"}'");
    tunnel_fails_with("[Tunnel]\nServer = h\nMasquerade = 0123456789abcdef\n",
                      "vpn.conf:3: 'Masquerade' is too long (at most 15 characters)");
    struct tunnel_config *c = calloc(1, sizeof(*c));
    assert_int_equal(tunnel("[Tunnel]\nServer = h\nForward = yes\nMasquerade = br-lan.10\n", c), 0);
    assert_true(c->forward);
    assert_string_equal(c->masquerade, "br-lan.10");
    free(c);
}

static void reports_bad_numbers(void **state)
{
    tunnel_fails_with("[Tunnel]\nServer = h\nMTU = 100\n",
                      "vpn.conf:3: 'MTU' must be auto or 576..65535, not '100'");
    tunnel_fails_with("[Tunnel]\nServer = h\nMTU = 15OO\n",
                      "vpn.conf:3: 'MTU' must be auto or 576..65535, not '15OO'");
    tunnel_fails_with("[Tunnel]\nServer = h\nMTU = 65536\n",
                      "vpn.conf:3: 'MTU' must be auto or 576..65535, not '65536'");
    tunnel_fails_with("[Tunnel]\nServer = h\nMTU = automatic\n",
                      "vpn.conf:3: 'MTU' must be auto or 576..65535, not 'automatic'");
    tunnel_fails_with("[Tunnel]\nServer = h\nPort = 0\n",
                      "vpn.conf:3: 'Port' must be 1..65535, not '0'");
    tunnel_fails_with("[Tunnel]\nServer = h\nPort = -22\n",
                      "vpn.conf:3: 'Port' must be 1..65535, not '-22'");
    tunnel_fails_with("[Tunnel]\nServer = h\nKeepaliveFailures = 99999999999\n",
                      "vpn.conf:3: 'KeepaliveFailures' must be 1..100, not '99999999999'");
}

static void reports_missing_server(void **state)
{
    tunnel_fails_with("[Tunnel]\nMTU = 1400\n",
                      "vpn.conf: missing required key 'Server' (or 'Command')");
    tunnel_fails_with("", "vpn.conf: missing section [Tunnel]");
    tunnel_fails_with("[Tunnel]\nServer = h\nCommand = cat\n",
                      "vpn.conf: 'Server' and 'Command' exclude each other: give one");
    tunnel_fails_with("[Tunnel]\nCommand = cat\nPort = 22\n",
                      "vpn.conf: 'Port' has no effect with 'Command' (it is for ssh)");
    tunnel_fails_with("[Tunnel]\nServer = -oProxyCommand=x\n",
                      "vpn.conf: 'Server' must be [user@]host, not '-oProxyCommand=x'");
    /* The session's account: never root, and only where User does not name it. */
    tunnel_fails_with("[Tunnel]\nServer = h\nSessionUser = root\n",
                      "vpn.conf: 'SessionUser' 'root' is not a Unix account name other than root");
    tunnel_fails_with("[Tunnel]\nServer = h\nSessionUser = -x\n",
                      "vpn.conf: 'SessionUser' '-x' is not a Unix account name other than root");
    tunnel_fails_with("[Tunnel]\nServer = h\nUser = nobody\nSessionUser = nobody\n",
                      "vpn.conf: 'SessionUser' has no effect with 'User' (the session runs as User)");
}

static void reports_duplicates(void **state)
{
    tunnel_fails_with("[Tunnel]\nServer = a\nMTU = 1400\nmtu = 1300\n",
                      "vpn.conf:4: duplicate key 'MTU' in [Tunnel]");
    tunnel_fails_with("[Tunnel]\nServer = a\n[Tunnel]\n", "vpn.conf:3: duplicate section [Tunnel]");
}

static void reports_bad_addresses(void **state)
{
    tunnel_fails_with("[Tunnel]\nServer = a\nRoute = 198.19.0.1/24\n",
                      "vpn.conf:3: bad CIDR '198.19.0.1/24' for 'Route': host bits set "
                      "(did you mean 198.19.0.0/24?)");
    tunnel_fails_with("[Tunnel]\nServer = a\nRoute = 198.19.0.0/33\n",
                      "vpn.conf:3: bad CIDR '198.19.0.0/33' for 'Route' (expected like "
                      "198.19.0.0/24 or fd00:5353:1::/64)");
    tunnel_fails_with("[Tunnel]\nServer = a\nLocalAddress = 198.18.255\n",
                      "vpn.conf:3: 'LocalAddress' must be an IPv4 address like 198.18.255.2, "
                      "not '198.18.255'");
    tunnel_fails_with("[Tunnel]\nServer = a\nAddress6 = 198.18.0.1/24\n",
                      "vpn.conf:3: 'Address6' must be an IPv6 address with prefix length like "
                      "fd00:5353::2/64, not '198.18.0.1/24'");
    tunnel_fails_with("[Tunnel]\nServer = a\nDNS = resolver\n",
                      "vpn.conf:3: 'DNS' must be an IPv4 or IPv6 address, not 'resolver'");
}

static void reports_bad_bool_and_tty(void **state)
{
    tunnel_fails_with("[Tunnel]\nServer = a\nPersist = sometimes\n",
                      "vpn.conf:3: 'Persist' must be yes or no, not 'sometimes'");
    tunnel_fails_with("[Tunnel]\nServer = a\nSSHTTY = maybe\n",
                      "vpn.conf:3: 'SSHTTY' must be auto, yes or no, not 'maybe'");
}

static void reports_sections_and_syntax(void **state)
{
    tunnel_fails_with("[Tunel]\nServer = a\n",
                      "vpn.conf:1: unknown section [Tunel] (expected [Tunnel])");
    tunnel_fails_with("Server = a\n[Tunnel]\n",
                      "vpn.conf:1: key 'Server' outside of any section (expected [Tunnel] first)");
    tunnel_fails_with("[Tunnel]\nServer a\n",
                      "vpn.conf:2: syntax error: expected 'Key = Value' or '[Section]'");
    tunnel_fails_with("[Tunnel\nServer = a\n",
                      "vpn.conf:1: syntax error: section header without ']'");
    tunnel_fails_with("[Tunnel]\nServer =;x\n",
                      "vpn.conf:2: value of 'Server' starts with ';' (a comment character)");
    /* An indented line is not a continuation of the previous value. */
    tunnel_fails_with("[Tunnel]\nServer = a\n  b\n",
                      "vpn.conf:3: syntax error: expected 'Key = Value' or '[Section]'");
}

static void enforces_bounds(void **state)
{
    char text[8192] = "[Tunnel]\nServer = a\n";
    for (int i = 0; i <= CONFIG_MAX_ROUTES; i++)
        snprintf(text + strlen(text), sizeof(text) - strlen(text), "Route = 198.19.%d.0/24\n", i);
    char expected[128];
    snprintf(expected, sizeof(expected), "vpn.conf:%d: too many 'Route' lines (at most %d)",
             CONFIG_MAX_ROUTES + 3, CONFIG_MAX_ROUTES);
    tunnel_fails_with(text, expected);

    char longline[400] = "[Tunnel]\nServer = ";
    memset(longline + strlen(longline), 'x', 250);
    snprintf(expected, sizeof(expected), "vpn.conf:2: line too long (at most %d characters)",
             CONFIG_LINE_MAX);
    tunnel_fails_with(longline, expected);

    /* Fits as "SSHOption =v" but not as "SSHOption = v", the form that
     * `pppssh config` prints: refused, so printing always reads back. */
    char tight[400] = "[Tunnel]\nServer = a\nSSHOption =";
    size_t used = strlen("SSHOption =");
    memset(tight + strlen(tight), 'y', CONFIG_LINE_MAX - used);
    snprintf(expected, sizeof(expected),
             "vpn.conf:3: line too long (at most %d characters as 'SSHOption = value')",
             CONFIG_LINE_MAX);
    tunnel_fails_with(tight, expected);
}

static void interface_name_must_fit(void **state)
{
    struct tunnel_config *c = malloc(sizeof(*c));
    const char *text = "[Tunnel]\nServer = a\n";
    assert_int_equal(config_parse_tunnel(text, strlen(text), "x.conf", "averyveryverylongname", c,
                                         err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "x.conf: tunnel name 'averyveryverylongname' is not a valid "
                             "interface name: set 'Interface'");
    free(c);
}

static void printed_config_parses_back(void **state)
{
    struct tunnel_config *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
    char *text = NULL;
    size_t len = 0;

    assert_int_equal(tunnel(full_tunnel, a), 0);
    FILE *out = open_memstream(&text, &len);
    config_print_tunnel(out, a);
    fclose(out);
    assert_int_equal(tunnel(text, b), 0);
    assert_memory_equal(a, b, sizeof(*a));
    assert_non_null(strstr(text, "Route = fd00:5353:1::/64\n"));
    free(text);
    free(a);
    free(b);
}

/* MTU = auto is the default, is accepted spelled out, passes the IPv6
 * minimum check (the peer's MRU decides) and is printed back as auto. */
static void mtu_auto_default_and_round_trip(void **state)
{
    struct tunnel_config *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
    char *text = NULL;
    size_t len = 0;

    assert_int_equal(tunnel("[Tunnel]\nServer = h\nMTU = auto\nAddress6 = fd00:5353::2/64\n", a),
                     0);
    assert_int_equal(a->mtu, CONFIG_MTU_AUTO);
    FILE *out = open_memstream(&text, &len);
    config_print_tunnel(out, a);
    fclose(out);
    assert_non_null(strstr(text, "MTU = auto\n"));
    assert_int_equal(tunnel(text, b), 0);
    assert_int_equal(b->mtu, CONFIG_MTU_AUTO);
    assert_int_equal(tunnel("[Tunnel]\nServer = h\nMTU = 9000\n", b), 0);
    assert_int_equal(b->mtu, 9000);
    free(text);
    free(a);
    free(b);
}

static const char full_server[] = "[Server]\n"
                                  "Address = 198.18.255.1\n"
                                  "Pool = 198.18.255.100-198.18.255.200\n"
                                  "ProxyArp = yes\n"
                                  "Offload = no\n"
                                  "DNS = 198.19.0.53\n"
                                  "Address6 = fd00:5353::1/64\n"
                                  "\n"
                                  "[User alice]\n"
                                  "Address = 198.18.255.2\n"
                                  "Route = 198.19.1.0/24\n"
                                  "Route = 198.19.2.0/24\n"
                                  "Address6 = fd00:5353::2/64\n"
                                  "[User bob]\n";

static void parses_server_config(void **state)
{
    struct server_config *s = malloc(sizeof(*s));
    assert_int_equal(server(full_server, s), 0);
    assert_int_equal(s->address.s_addr, v4("198.18.255.1"));
    assert_true(s->has_pool);
    assert_int_equal(s->pool_first.s_addr, v4("198.18.255.100"));
    assert_int_equal(s->pool_last.s_addr, v4("198.18.255.200"));
    assert_true(s->proxy_arp);
    assert_false(s->offload);
    assert_int_equal(s->n_dns, 1);
    assert_true(s->has_address6);
    assert_int_equal(s->n_users, 2);
    const struct server_user *alice = config_find_user(s, "alice");
    assert_non_null(alice);
    assert_int_equal(alice->address.s_addr, v4("198.18.255.2"));
    assert_int_equal(alice->n_routes, 2);
    assert_true(alice->has_address6);
    /* An empty [User] section admits the user, addressed from the pool. */
    const struct server_user *bob = config_find_user(s, "bob");
    assert_non_null(bob);
    assert_false(bob->has_address);
    assert_null(config_find_user(s, "mallory"));

    char *text = NULL;
    size_t len = 0;
    struct server_config *t = malloc(sizeof(*t));
    FILE *out = open_memstream(&text, &len);
    config_print_server(out, s);
    fclose(out);
    assert_int_equal(server(text, t), 0);
    assert_memory_equal(s, t, sizeof(*s));
    free(text);
    free(t);
    free(s);
}

static void pool_as_cidr(void **state)
{
    struct server_config *s = malloc(sizeof(*s));
    assert_int_equal(server("[Server]\nAddress = 198.18.254.1\nPool = 198.18.255.0/24\n", s), 0);
    assert_int_equal(s->pool_first.s_addr, v4("198.18.255.1"));
    assert_int_equal(s->pool_last.s_addr, v4("198.18.255.254"));
    assert_true(s->offload); /* the default */
    free(s);
}

static void server_errors(void **state)
{
    server_fails_with("[Server]\nPool = 198.18.255.2-198.18.255.9\n",
                      "server.conf: missing required key 'Address' in [Server]");
    server_fails_with("[Server]\nAddress = 198.18.255.1\nPool = 198.18.255.9-198.18.255.2\n",
                      "server.conf:3: 'Pool' range '198.18.255.9-198.18.255.2' is empty "
                      "(first address after last)");
    server_fails_with("[Server]\nAddress = 198.18.255.1\nPool = lots\n",
                      "server.conf:3: 'Pool' must be a range like 198.18.255.2-198.18.255.254 "
                      "or an IPv4 CIDR, not 'lots'");
    server_fails_with("[Server]\nAddress = 198.18.255.1\nProxyArp = si\n",
                      "server.conf:3: 'ProxyArp' must be yes or no, not 'si'");
    server_fails_with("[Server]\nAddress = 198.18.255.1\n[User a]\nRoute = 198.19.0.0/33\n",
                      "server.conf:4: bad CIDR '198.19.0.0/33' for 'Route' (expected like "
                      "198.19.0.0/24 or fd00:5353:1::/64)");
    server_fails_with("[Server]\nAddress = 198.18.255.1\n[User a]\n[User a]\n",
                      "server.conf:4: duplicate section [User a]");
    server_fails_with(
        "[Server]\nAddress = 198.18.255.1\n[User a/b]\n",
        "server.conf:3: bad user name 'a/b' in [User NAME] (letters, digits, _ . - @)");
    server_fails_with("[Server]\nAddress = 198.18.255.1\n[Tunnel]\n",
                      "server.conf:3: unknown section [Tunnel] (expected [Server] or [User NAME])");
    server_fails_with(
        "[Server]\nAddress = 198.18.255.1\n[User a]\nPool = 198.18.255.4-198.18.255.5\n",
        "server.conf:4: unknown key 'Pool' in [User a]");
    server_fails_with(
        "[Server]\nAddress = 198.18.255.1\n[User a]\nAddress = 198.18.255.5\n"
        "[User b]\nAddress = 198.18.255.5\n",
        "server.conf:6: [User b] 'Address' 198.18.255.5 is already given to [User a]");
    server_fails_with(
        "[Server]\nAddress = 198.18.255.1\n[User a]\nAddress = 198.18.255.1\n",
        "server.conf:4: [User a] 'Address' 198.18.255.1 is the server's own 'Address'");
    /* Issue 13: pppssh helper's socket and the account that may serve a user. */
    server_fails_with("[Server]\nAddress = 198.18.255.1\nHelper = run/helper.sock\n",
                      "server.conf: 'Helper' 'run/helper.sock' must be an absolute path");
    server_fails_with("[Server]\nAddress = 198.18.255.1\n[User a]\nAccount = vpn a\n",
                      "server.conf: [User a] 'Account' 'vpn a' is not a Unix account name");
    /* Issue 14: the userspace stack. */
    server_fails_with("[Server]\nAddress = 198.18.255.1\nMode = tun\n",
                      "server.conf: 'Mode' must be auto or userspace, not 'tun'");
    server_fails_with("[Server]\nMode = auto\n",
                      "server.conf: missing required key 'Address' in [Server]");
    /* The stack's inner network: a /24 of its own. */
    server_fails_with("[Server]\nMode = userspace\nStackNetwork = 198.18.254.0/25\n",
                      "server.conf:3: 'StackNetwork' must be an IPv4 /24 network like "
                      "198.18.254.0/24, not '198.18.254.0/25'");
    server_fails_with("[Server]\nMode = userspace\nStackNetwork = fd00::/24\n",
                      "server.conf:3: 'StackNetwork' must be an IPv4 /24 network like "
                      "198.18.254.0/24, not 'fd00::/24'");
    server_fails_with("[Server]\nMode = userspace\nStackNetwork = 198.18.254.2/24\n",
                      "server.conf:3: bad CIDR '198.18.254.2/24' for 'StackNetwork': host bits "
                      "set (did you mean 198.18.254.0/24?)");
    server_fails_with("[Server]\nAddress = 198.18.254.1\nStackNetwork = 198.18.254.0/24\n",
                      "server.conf:3: 'StackNetwork' 198.18.254.0/24 contains the server's own "
                      "'Address' (line 2)");
    server_fails_with("[Server]\nAddress = 198.18.255.100\nPool = 198.18.254.200-198.18.255.9\n"
                      "StackNetwork = 198.18.254.0/24\n",
                      "server.conf:4: 'StackNetwork' 198.18.254.0/24 overlaps 'Pool' (line 3)");
    /* Inbound forwards: the line of a bad one, each port once. */
    server_fails_with("[Server]\nMode = userspace\nPortForward = tcp:8080\nPortForward = sctp:9\n",
                      "server.conf:4: 'PortForward' must be tcp:PORT or udp:PORT, or "
                      "PROTO:SERVERPORT:CLIENTPORT (1-65535), not 'sctp:9'");
    server_fails_with("[Server]\nMode = userspace\nPortForward = tcp:0\n",
                      "server.conf:3: 'PortForward' must be tcp:PORT or udp:PORT, or "
                      "PROTO:SERVERPORT:CLIENTPORT (1-65535), not 'tcp:0'");
    server_fails_with("[Server]\nMode = userspace\nPortForward = tcp:8080:65536\n",
                      "server.conf:3: 'PortForward' must be tcp:PORT or udp:PORT, or "
                      "PROTO:SERVERPORT:CLIENTPORT (1-65535), not 'tcp:8080:65536'");
    server_fails_with("[Server]\nMode = userspace\nPortForward = tcp:8080\n"
                      "PortForward = tcp:8080:80\n",
                      "server.conf:4: 'PortForward' tcp:8080 is forwarded twice");
}

/* Mode = userspace needs no Address; Mode, Grace and StackNetwork have
 * defaults (StackNetwork libslirp's conventional network). */
static void userspace_keys(void **state)
{
    (void)state;
    struct server_config *s = malloc(sizeof(*s));
    assert_int_equal(server("[Server]\nAddress = 198.18.255.1\n", s), 0);
    assert_false(config_server_userspace(s));
    assert_int_equal(s->grace, 120);
    char net[OS_PREFIX_TEXT_MAX];
    assert_string_equal(os_prefix_format(&s->stack_network, net, sizeof(net)),
                        CONFIG_STACK_NETWORK_DEFAULT);
    assert_int_equal(
        server("[Server]\nMode = userspace\nGrace = 7\nStackNetwork = 198.18.254.0/24\n", s), 0);
    assert_true(config_server_userspace(s));
    assert_int_equal(s->grace, 7);
    assert_string_equal(os_prefix_format(&s->stack_network, net, sizeof(net)), "198.18.254.0/24");
    assert_int_equal(s->n_port_forwards, 0);
    /* The same port may be forwarded once for TCP and once for UDP. */
    assert_int_equal(server("[Server]\nMode = userspace\nPortForward = tcp:8080:80\n"
                            "PortForward = udp:8080\n",
                            s),
                     0);
    assert_int_equal(s->n_port_forwards, 2);
    assert_false(s->port_forwards[0].udp);
    assert_int_equal(s->port_forwards[0].host_port, 8080);
    assert_int_equal(s->port_forwards[0].client_port, 80);
    assert_true(s->port_forwards[1].udp);
    assert_int_equal(s->port_forwards[1].client_port, 8080);
    free(s);
}

/* The helper's socket has a default; Account defaults to none (the user's
 * own name is used). */
static void helper_keys(void **state)
{
    struct server_config *s = malloc(sizeof(*s));
    assert_int_equal(server("[Server]\nAddress = 198.18.255.1\n[User a]\n[User b]\n"
                            "Account = vpn\n",
                            s),
                     0);
    assert_string_equal(s->helper, "/run/pppssh/helper.sock");
    assert_string_equal(s->users[0].account, "");
    assert_string_equal(s->users[1].account, "vpn");
    free(s);
}

/* Issue 11: what one user's lines could take from others is an error
 * naming the line, found by `pppssh serve --check`. */
static void server_cross_checks(void **state)
{
    server_fails_with("[Server]\nPool = 198.18.255.0/24\nAddress = 198.18.255.1\n",
                      "server.conf:2: 'Pool' contains the server's own 'Address' 198.18.255.1 "
                      "(line 3): start the pool above it");
    server_fails_with("[Server]\nAddress = 198.18.255.1\n[User a]\nRoute = 0.0.0.0/0\n",
                      "server.conf:4: [User a] 'Route' 0.0.0.0/0 covers every address (a default "
                      "route): a user's routes must hold only its own networks");
    server_fails_with("[Server]\nAddress = 198.18.255.1\n[User a]\n\nRoute = ::/0\n",
                      "server.conf:5: [User a] 'Route' ::/0 covers every address (a default "
                      "route): a user's routes must hold only its own networks");
    server_fails_with("[Server]\nAddress = 198.18.255.1\n[User a]\nRoute = 198.19.1.0/24\n"
                      "Route = 198.18.255.0/28\n[User b]\nAddress = 198.18.255.9\n",
                      "server.conf:5: [User a] 'Route' 198.18.255.0/28 covers the server's own "
                      "'Address' 198.18.255.1: a user's routes must hold only its own networks");
    server_fails_with("[Server]\nAddress = 198.18.254.1\n[User a]\nRoute = 198.18.255.0/28\n"
                      "[User b]\nAddress = 198.18.255.9\n",
                      "server.conf:4: [User a] 'Route' 198.18.255.0/28 covers the address of "
                      "[User b]: a user's routes must hold only its own networks");
    server_fails_with("[Server]\nAddress = 198.18.254.1\n[User a]\nRoute = fd00:5353::/64\n"
                      "[User b]\nAddress6 = fd00:5353::2/64\n",
                      "server.conf:4: [User a] 'Route' fd00:5353::/64 covers the address of "
                      "[User b]: a user's routes must hold only its own networks");
    server_fails_with("[Server]\nAddress = 198.18.254.1\nPool = 198.18.255.2-198.18.255.9\n"
                      "[User a]\nRoute = 198.18.255.8/29\n",
                      "server.conf:5: [User a] 'Route' 198.18.255.8/29 covers addresses of the "
                      "'Pool': a user's routes must hold only its own networks");
    server_fails_with("[Server]\nAddress = 198.18.254.1\n[User a]\nAddress = 198.18.255.2\n"
                      "MaxSessions = 2\n",
                      "server.conf:5: [User a] 'MaxSessions' above 1 needs addresses from the "
                      "'Pool', not one static 'Address'");
    server_fails_with("[Server]\nAddress = 198.18.254.1\n[User a]\nMaxSessions = 0\n",
                      "server.conf:4: 'MaxSessions' must be 1..64, not '0'");
    /* A user's own address and networks are fine, and MaxSessions reads back. */
    struct server_config *s = malloc(sizeof(*s));
    assert_int_equal(server("[Server]\nAddress = 198.18.254.1\nPool = 198.18.255.2-198.18.255.9\n"
                            "[User a]\nAddress = 198.18.254.2\nRoute = 198.18.254.2/32\n"
                            "Route = 198.19.1.0/24\n[User b]\nMaxSessions = 3\n",
                            s),
                     0);
    assert_int_equal(config_find_user(s, "a")->max_sessions, 1);
    assert_int_equal(config_find_user(s, "b")->max_sessions, 3);
    char *text = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&text, &len);
    config_print_server(out, s);
    fclose(out);
    assert_non_null(strstr(text, "[User b]\nMaxSessions = 3\n"));
    free(text);
    free(s);
}

static void loads_files_and_checks_mode(void **state)
{
    char dir[] = "/tmp/pppssh-config-XXXXXX";
    char path[64], text[] = "[Tunnel]\nServer = h\n";
    struct tunnel_config *c = malloc(sizeof(*c));
    bool readable;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/office.conf", dir);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    assert_int_equal(config_load_tunnel(path, NULL, c, err, sizeof(err)), 0);
    assert_string_equal(c->name, "office");
    assert_string_equal(c->interface, "office");

    chmod(path, 0644);
    assert_int_equal(config_world_readable(path, &readable, err, sizeof(err)), 0);
    assert_true(readable);
    chmod(path, 0600);
    assert_int_equal(config_world_readable(path, &readable, err, sizeof(err)), 0);
    assert_false(readable);

    unlink(path);
    assert_int_equal(config_load_tunnel(path, NULL, c, err, sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, "cannot open: No such file or directory"));
    rmdir(dir);
    free(c);
}

static void names_map_to_paths(void **state)
{
    char path[128];
    assert_int_equal(config_path_for_name("office", path, sizeof(path), err, sizeof(err)), 0);
    assert_string_equal(path, "/etc/pppssh/office.conf");
    assert_int_equal(config_path_for_name("../etc/passwd", path, sizeof(path), err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(config_path_for_name("", path, sizeof(path), err, sizeof(err)), -EINVAL);
    assert_int_equal(config_path_for_name("a/b", path, sizeof(path), err, sizeof(err)), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_every_tunnel_key),
        cmocka_unit_test(minimal_tunnel_gets_defaults),
        cmocka_unit_test(mtu_auto_default_and_round_trip),
        cmocka_unit_test(command_transport),
        cmocka_unit_test(remote_command_none),
        cmocka_unit_test(reports_unknown_key_with_line),
        cmocka_unit_test(reports_bad_numbers),
        cmocka_unit_test(reports_bad_masquerade_interface),
        cmocka_unit_test(reports_missing_server),
        cmocka_unit_test(reports_duplicates),
        cmocka_unit_test(reports_bad_addresses),
        cmocka_unit_test(reports_bad_bool_and_tty),
        cmocka_unit_test(reports_sections_and_syntax),
        cmocka_unit_test(enforces_bounds),
        cmocka_unit_test(interface_name_must_fit),
        cmocka_unit_test(printed_config_parses_back),
        cmocka_unit_test(parses_server_config),
        cmocka_unit_test(pool_as_cidr),
        cmocka_unit_test(server_errors),
        cmocka_unit_test(helper_keys),
        cmocka_unit_test(userspace_keys),
        cmocka_unit_test(server_cross_checks),
        cmocka_unit_test(loads_files_and_checks_mode),
        cmocka_unit_test(names_map_to_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
