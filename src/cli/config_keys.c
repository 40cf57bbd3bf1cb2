/*
 * config_keys.c - every key of the configuration files, described once:
 * its name, type, field and range.  The parser stores through this table,
 * `pppssh config` prints through it, the checks and the tests (every key
 * reads back, every key is in pppssh.conf(5)) walk it.  A new key is a
 * struct field, a line here and a paragraph in docs/pppssh.conf.5.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

/* In the order `pppssh config` prints them. */
static const struct key_def tunnel_keys[] = {
    {"Server", V_STRING, T(server), NO_FIELD, 0, 0, sizeof(((struct tunnel_config *)0)->server),
     false},
    {"Port", V_UINT, T(port), NO_FIELD, 0, 1, 65535, true},
    {"IdentityFile", V_STRING, T(identity_file), NO_FIELD, 0, 0, CONFIG_STR_MAX, true},
    {"SSHOption", V_OPTION, T(ssh_options), NO_FIELD, T(n_ssh_options), 0, CONFIG_MAX_SSH_OPTIONS,
     true},
    {"RemoteCommand", V_STRING, T(remote_command), NO_FIELD, 0, 0, CONFIG_STR_MAX, true},
    {"SSHTTY", V_TTY, T(ssh_tty), NO_FIELD, 0, 0, 0, true},
    {"Command", V_STRING, T(command), NO_FIELD, 0, 0, CONFIG_STR_MAX, false},
    {"Interface", V_STRING, T(interface), NO_FIELD, 0, 0, IFNAMSIZ, false},
    {"User", V_STRING, T(user), NO_FIELD, 0, 0, CONFIG_NAME_MAX, false},
    {"SessionUser", V_STRING, T(session_user), NO_FIELD, 0, 0, CONFIG_NAME_MAX, false},
    {"LocalAddress", V_IPV4, T(local_address), T(has_local_address), 0, 0, 0, false},
    {"RemoteAddress", V_IPV4, T(remote_address), T(has_remote_address), 0, 0, 0, false},
    {"Address6", V_ADDR6, T(address6), T(has_address6), 0, 0, 0, false},
    {"Route", V_ROUTE, T(routes), NO_FIELD, T(n_routes), 0, CONFIG_MAX_ROUTES, false},
    {"MTU", V_MTU, T(mtu), NO_FIELD, 0, 576, 65535, false},
    {"DNS", V_DNS, T(dns), NO_FIELD, T(n_dns), 0, CONFIG_MAX_DNS, false},
    {"UsePeerDNS", V_BOOL, T(use_peer_dns), NO_FIELD, 0, 0, 0, false},
    {"Offload", V_BOOL, T(offload), NO_FIELD, 0, 0, 0, false},
    {"Forward", V_BOOL, T(forward), NO_FIELD, 0, 0, 0, false},
    {"Masquerade", V_IFNAME, T(masquerade), NO_FIELD, 0, 0, IFNAMSIZ, false},
    {"KeepaliveInterval", V_UINT, T(keepalive_interval), NO_FIELD, 0, 0, 3600, false},
    {"KeepaliveFailures", V_UINT, T(keepalive_failures), NO_FIELD, 0, 1, 100, false},
    {"Persist", V_BOOL, T(persist), NO_FIELD, 0, 0, 0, false},
    {"MaxFail", V_UINT, T(max_fail), NO_FIELD, 0, 0, 1000000, false},
    {"Holdoff", V_UINT, T(holdoff), NO_FIELD, 0, 0, 86400, false},
    {"UpScript", V_STRING, T(up_script), NO_FIELD, 0, 0, CONFIG_STR_MAX, false},
    {"DownScript", V_STRING, T(down_script), NO_FIELD, 0, 0, CONFIG_STR_MAX, false},
};

static const struct key_def server_keys[] = {
    {"Address", V_IPV4, S(address), S(has_address), 0, 0, 0, false},
    {"Pool", V_POOL, S(pool_first), S(has_pool), 0, 0, 0, false},
    {"ProxyArp", V_BOOL, S(proxy_arp), NO_FIELD, 0, 0, 0, false},
    {"Masquerade", V_IFNAME, S(masquerade), NO_FIELD, 0, 0, IFNAMSIZ, false},
    {"Offload", V_BOOL, S(offload), NO_FIELD, 0, 0, 0, false},
    {"DNS", V_DNS, S(dns), NO_FIELD, S(n_dns), 0, CONFIG_MAX_DNS, false},
    {"Address6", V_ADDR6, S(address6), S(has_address6), 0, 0, 0, false},
    {"Helper", V_STRING, S(helper), NO_FIELD, 0, 0, CONFIG_STR_MAX, false},
    {"SessionUser", V_STRING, S(session_user), NO_FIELD, 0, 0, CONFIG_NAME_MAX, false},
    {"Mode", V_STRING, S(mode), NO_FIELD, 0, 0, 16, false},
    {"Grace", V_UINT, S(grace), NO_FIELD, 0, 0, 86400, false},
    {"StackNetwork", V_NET4, S(stack_network), NO_FIELD, 0, 0, 0, false},
    {"PortForward", V_PORTFWD, S(port_forwards), NO_FIELD, S(n_port_forwards), 0, PORTFWD_MAX,
     false},
};

static const struct key_def user_keys[] = {
    {"Address", V_IPV4, U(address), U(has_address), 0, 0, 0, false},
    {"Route", V_ROUTE, U(routes), NO_FIELD, U(n_routes), 0, CONFIG_MAX_ROUTES, false},
    {"Address6", V_ADDR6, U(address6), U(has_address6), 0, 0, 0, false},
    {"MaxSessions", V_UINT, U(max_sessions), NO_FIELD, 0, 1, CONFIG_MAX_SESSIONS, false},
    {"Account", V_STRING, U(account), NO_FIELD, 0, 0, CONFIG_NAME_MAX, false},
};

bool key_is_repeatable(const struct key_def *k)
{
    return k->type == V_ROUTE || k->type == V_DNS || k->type == V_OPTION || k->type == V_PORTFWD;
}

void keys_of_section(enum section_kind kind, const struct key_def **keys, size_t *n)
{
    switch (kind) {
    case SECTION_TUNNEL:
        *keys = tunnel_keys;
        *n = N_KEYS(tunnel_keys);
        break;
    case SECTION_SERVER:
        *keys = server_keys;
        *n = N_KEYS(server_keys);
        break;
    case SECTION_USER:
        *keys = user_keys;
        *n = N_KEYS(user_keys);
        break;
    default:
        *keys = NULL;
        *n = 0;
    }
}

const char *config_key_name(enum config_section section, size_t i)
{
    const struct key_def *keys;
    size_t n;
    keys_of_section((enum section_kind)section, &keys, &n);
    return i < n ? keys[i].name : NULL;
}

/* ---- printing: "Key = Value" in the file's own syntax ---- */

/* How many values k holds: a has_ flag, a repeatable's count, a string
 * that is set, a number within its range (below it, as Port = 0: unset). */
static size_t value_count(const struct key_def *k, const char *base)
{
    if (k->has_offset != NO_FIELD)
        return *(const bool *)(base + k->has_offset) ? 1 : 0;
    if (key_is_repeatable(k))
        return *(const size_t *)(base + k->count_offset);
    if (k->type == V_STRING || k->type == V_IFNAME)
        return base[k->offset] ? 1 : 0;
    if (k->type == V_UINT)
        return *(const unsigned *)(base + k->offset) >= k->min ? 1 : 0;
    return 1;
}

static const char *tty_text(enum config_tty t)
{
    return t == CONFIG_TTY_YES ? "yes" : t == CONFIG_TTY_NO ? "no" : "auto";
}

static void print_prefix(FILE *out, const char *key, const struct os_prefix *p)
{
    char buf[OS_PREFIX_TEXT_MAX];
    fprintf(out, "%s = %s\n", key, os_prefix_format(p, buf, sizeof(buf)));
}

static void print_number(FILE *out, const struct key_def *k, unsigned v)
{
    if (k->type == V_MTU && v == CONFIG_MTU_AUTO)
        fprintf(out, "%s = auto\n", k->name);
    else
        fprintf(out, "%s = %u\n", k->name, v);
}

static void print_v4(FILE *out, const char *key, const struct in_addr *a, size_t n)
{
    char text[2][INET_ADDRSTRLEN];
    for (size_t i = 0; i < n; i++)
        inet_ntop(AF_INET, &a[i], text[i], sizeof(text[i]));
    fprintf(out, n == 2 ? "%s = %s-%s\n" : "%s = %s\n", key, text[0], text[1]);
}

/* Value i of key k (i > 0 only for a repeatable). */
static void print_value(FILE *out, const struct key_def *k, const char *base, size_t i)
{
    const void *field = base + k->offset;
    char ip[INET6_ADDRSTRLEN];
    switch (k->type) {
    case V_STRING:
    case V_IFNAME:
        fprintf(out, "%s = %s\n", k->name, (const char *)field);
        break;
    case V_OPTION:
        fprintf(out, "%s = %s\n", k->name, ((const char(*)[CONFIG_STR_MAX])field)[i]);
        break;
    case V_UINT:
    case V_MTU:
        print_number(out, k, *(const unsigned *)field);
        break;
    case V_BOOL:
        fprintf(out, "%s = %s\n", k->name, *(const bool *)field ? "yes" : "no");
        break;
    case V_TTY:
        fprintf(out, "%s = %s\n", k->name, tty_text(*(const enum config_tty *)field));
        break;
    case V_IPV4:
    case V_POOL:
        print_v4(out, k->name, field, k->type == V_POOL ? 2 : 1);
        break;
    case V_ADDR6:
    case V_ROUTE:
    case V_NET4:
        print_prefix(out, k->name, (const struct os_prefix *)field + i);
        break;
    case V_DNS:
        fprintf(out, "%s = %s\n", k->name,
                os_ip_format((const struct os_ip *)field + i, ip, sizeof(ip)));
        break;
    case V_PORTFWD:
        fprintf(out, "%s = %s\n", k->name,
                portfwd_format((const struct portfwd *)field + i, ip, sizeof(ip)));
        break;
    }
}

void keys_print(FILE *out, enum section_kind kind, const void *base, bool skip_ssh)
{
    const struct key_def *keys;
    size_t n;
    keys_of_section(kind, &keys, &n);
    for (size_t k = 0; k < n; k++) {
        if (skip_ssh && keys[k].ssh_only)
            continue;
        size_t count = value_count(&keys[k], base);
        for (size_t i = 0; i < count; i++)
            print_value(out, &keys[k], base, i);
    }
}

void config_print_tunnel(FILE *out, const struct tunnel_config *c)
{
    fprintf(out, "[Tunnel]\n");
    keys_print(out, SECTION_TUNNEL, c, c->command[0] != '\0');
}

void config_print_server(FILE *out, const struct server_config *s)
{
    fprintf(out, "[Server]\n");
    keys_print(out, SECTION_SERVER, s, false);
    for (size_t i = 0; i < s->n_users; i++) {
        fprintf(out, "\n[User %s]\n", s->users[i].name);
        keys_print(out, SECTION_USER, &s->users[i], false);
    }
}
