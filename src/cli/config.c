/*
 * config.c - the tunnel and server configuration files (INI, read by inih).
 *
 * inih hands us name=value pairs; we feed it the text line by line through
 * our own reader so that we know each pair's line number, catch section
 * headers (even of empty sections, like a bare "[User bob]"), and refuse
 * over-long lines instead of letting inih split them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

enum section_kind { SECTION_NONE, SECTION_TUNNEL, SECTION_SERVER, SECTION_USER };

enum value_type {
    V_STRING, /* char[size] */
    V_UINT,   /* unsigned, min..max */
    V_MTU,    /* unsigned, min..max, or "auto" = CONFIG_MTU_AUTO */
    V_BOOL,   /* bool */
    V_IPV4,   /* struct in_addr, with a has_ flag */
    V_ADDR6,  /* struct os_prefix: an IPv6 interface address with prefix length */
    V_ROUTE,  /* struct os_prefix[] network, repeatable */
    V_DNS,    /* struct os_ip[], repeatable */
    V_OPTION, /* char[][CONFIG_STR_MAX], repeatable */
    V_TTY,    /* enum config_tty */
    V_POOL,   /* struct in_addr first, last */
};

#define NO_FIELD SIZE_MAX

struct key_def {
    const char *name;
    enum value_type type;
    size_t offset;       /* of the value (of the array for repeatables) */
    size_t has_offset;   /* of a bool "has_" flag, or NO_FIELD */
    size_t count_offset; /* of the size_t count of a repeatable */
    unsigned min, max;   /* V_UINT range; capacity of a repeatable in max */
};

#define T(field) offsetof(struct tunnel_config, field)
#define S(field) offsetof(struct server_config, field)
#define U(field) offsetof(struct server_user, field)

static const struct key_def tunnel_keys[] = {
    {"Server", V_STRING, T(server), NO_FIELD, 0, 0, sizeof(((struct tunnel_config *)0)->server)},
    {"Port", V_UINT, T(port), NO_FIELD, 0, 1, 65535},
    {"IdentityFile", V_STRING, T(identity_file), NO_FIELD, 0, 0, CONFIG_STR_MAX},
    {"SSHOption", V_OPTION, T(ssh_options), NO_FIELD, T(n_ssh_options), 0, CONFIG_MAX_SSH_OPTIONS},
    {"RemoteCommand", V_STRING, T(remote_command), NO_FIELD, 0, 0, CONFIG_STR_MAX},
    {"Command", V_STRING, T(command), NO_FIELD, 0, 0, CONFIG_STR_MAX},
    {"SSHTTY", V_TTY, T(ssh_tty), NO_FIELD, 0, 0, 0},
    {"Interface", V_STRING, T(interface), NO_FIELD, 0, 0, IFNAMSIZ},
    {"LocalAddress", V_IPV4, T(local_address), T(has_local_address), 0, 0, 0},
    {"RemoteAddress", V_IPV4, T(remote_address), T(has_remote_address), 0, 0, 0},
    {"Address6", V_ADDR6, T(address6), T(has_address6), 0, 0, 0},
    {"Route", V_ROUTE, T(routes), NO_FIELD, T(n_routes), 0, CONFIG_MAX_ROUTES},
    {"MTU", V_MTU, T(mtu), NO_FIELD, 0, 576, 65535},
    {"DNS", V_DNS, T(dns), NO_FIELD, T(n_dns), 0, CONFIG_MAX_DNS},
    {"Offload", V_BOOL, T(offload), NO_FIELD, 0, 0, 0},
    {"KeepaliveInterval", V_UINT, T(keepalive_interval), NO_FIELD, 0, 0, 3600},
    {"KeepaliveFailures", V_UINT, T(keepalive_failures), NO_FIELD, 0, 1, 100},
    {"Persist", V_BOOL, T(persist), NO_FIELD, 0, 0, 0},
    {"MaxFail", V_UINT, T(max_fail), NO_FIELD, 0, 0, 1000000},
    {"Holdoff", V_UINT, T(holdoff), NO_FIELD, 0, 0, 86400},
    {"UpScript", V_STRING, T(up_script), NO_FIELD, 0, 0, CONFIG_STR_MAX},
    {"DownScript", V_STRING, T(down_script), NO_FIELD, 0, 0, CONFIG_STR_MAX},
};

static const struct key_def server_keys[] = {
    {"Address", V_IPV4, S(address), S(has_address), 0, 0, 0},
    {"Pool", V_POOL, S(pool_first), S(has_pool), 0, 0, 0},
    {"ProxyArp", V_BOOL, S(proxy_arp), NO_FIELD, 0, 0, 0},
    {"Offload", V_BOOL, S(offload), NO_FIELD, 0, 0, 0},
    {"DNS", V_DNS, S(dns), NO_FIELD, S(n_dns), 0, CONFIG_MAX_DNS},
    {"Address6", V_ADDR6, S(address6), S(has_address6), 0, 0, 0},
};

static const struct key_def user_keys[] = {
    {"Address", V_IPV4, U(address), U(has_address), 0, 0, 0},
    {"Route", V_ROUTE, U(routes), NO_FIELD, U(n_routes), 0, CONFIG_MAX_ROUTES},
    {"Address6", V_ADDR6, U(address6), U(has_address6), 0, 0, 0},
    {"MaxSessions", V_UINT, U(max_sessions), NO_FIELD, 0, 1, CONFIG_MAX_SESSIONS},
};

#define N_KEYS(a) (sizeof(a) / sizeof((a)[0]))

/* Where the server file set what the cross-checks compare (0 = not set),
 * so that their errors name the line; kept out of struct server_config,
 * which must not depend on the file's layout. */
struct server_lines {
    int address, pool;
    struct {
        int address, max_sessions;
        int routes[CONFIG_MAX_ROUTES];
    } users[CONFIG_MAX_USERS];
};

struct parser {
    const char *source; /* file name for messages */
    const char *text;
    size_t len, pos;
    int lineno; /* of the line last handed to inih */
    bool failed;
    char *err;
    size_t errlen;

    bool is_server;
    struct tunnel_config *tunnel;
    struct server_config *server;
    struct server_lines *lines; /* server only */

    enum section_kind section;
    char section_name[CONFIG_NAME_MAX + 8]; /* "Tunnel", "Server", "User bob" */
    void *base;                             /* struct the current section's keys fill */
    uint64_t seen;                          /* single keys set in the current section */
    bool seen_tunnel, seen_server;
    int first_line; /* of the first non-blank line: for file-level errors */
};

__attribute__((format(printf, 2, 3))) static void fail(struct parser *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (p->failed)
        return; /* the first error is the one to fix */
    p->failed = true;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->err && p->errlen)
        snprintf(p->err, p->errlen, "%s:%d: %s", p->source, p->lineno, msg);
}

/* fail() naming another line than the one being read (cross-checks). */
__attribute__((format(printf, 3, 4))) static void fail_at(struct parser *p, int line,
                                                          const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    p->lineno = line;
    fail(p, "%s", msg);
}

__attribute__((format(printf, 2, 3))) static void fail_file(struct parser *p, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    if (p->failed)
        return;
    p->failed = true;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (p->err && p->errlen)
        snprintf(p->err, p->errlen, "%s: %s", p->source, msg);
}

/* ---- value parsers: 0, or -1 after fail() ---- */

/* A decimal number within the key's range; false for anything else. */
static bool uint_in_range(const struct key_def *k, const char *v, unsigned *out)
{
    size_t n = strlen(v);

    if (n == 0 || n > 10 || strspn(v, "0123456789") != n)
        return false;
    unsigned long value = strtoul(v, NULL, 10);
    if (value < k->min || value > k->max)
        return false;
    *out = (unsigned)value;
    return true;
}

static int parse_uint(struct parser *p, const struct key_def *k, const char *v, unsigned *out)
{
    if (uint_in_range(k, v, out))
        return 0;
    fail(p, "'%s' must be %u..%u, not '%s'", k->name, k->min, k->max, v);
    return -1;
}

/* "auto" (CONFIG_MTU_AUTO) or a number in the key's range. */
static int parse_mtu(struct parser *p, const struct key_def *k, const char *v, unsigned *out)
{
    if (strcasecmp(v, "auto") == 0) {
        *out = CONFIG_MTU_AUTO;
        return 0;
    }
    if (uint_in_range(k, v, out))
        return 0;
    fail(p, "'%s' must be auto or %u..%u, not '%s'", k->name, k->min, k->max, v);
    return -1;
}

static int parse_bool(struct parser *p, const char *key, const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(v, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    fail(p, "'%s' must be yes or no, not '%s'", key, v);
    return -1;
}

static int parse_ipv4(struct parser *p, const char *key, const char *v, struct in_addr *out)
{
    if (inet_pton(AF_INET, v, out) != 1) {
        fail(p, "'%s' must be an IPv4 address like 198.18.255.2, not '%s'", key, v);
        return -1;
    }
    return 0;
}

static int parse_addr6(struct parser *p, const char *key, const char *v, struct os_prefix *out)
{
    if (os_prefix_parse(v, out) < 0 || out->ip.family != AF_INET6 || !strchr(v, '/') ||
        out->len == 0) {
        fail(p, "'%s' must be an IPv6 address with prefix length like fd00:5353::2/64, not '%s'",
             key, v);
        return -1;
    }
    return 0;
}

static int parse_route(struct parser *p, const char *key, const char *v, struct os_prefix *out)
{
    char net[OS_PREFIX_TEXT_MAX];
    if (os_prefix_parse(v, out) < 0) {
        fail(p, "bad CIDR '%s' for '%s' (expected like 198.19.0.0/24 or fd00:5353:1::/64)", v, key);
        return -1;
    }
    if (!os_prefix_is_network(out)) {
        struct os_prefix masked = *out;
        unsigned char *b = (unsigned char *)&masked.ip.v4;
        unsigned total = out->ip.family == AF_INET ? 32 : 128;
        for (unsigned bit = out->len; bit < total; bit++)
            b[bit / 8] &= (unsigned char)~(0x80 >> (bit % 8));
        fail(p, "bad CIDR '%s' for '%s': host bits set (did you mean %s?)", v, key,
             os_prefix_format(&masked, net, sizeof(net)));
        return -1;
    }
    return 0;
}

static int parse_tty(struct parser *p, const char *key, const char *v, enum config_tty *out)
{
    if (strcasecmp(v, "auto") == 0)
        *out = CONFIG_TTY_AUTO;
    else if (strcasecmp(v, "yes") == 0)
        *out = CONFIG_TTY_YES;
    else if (strcasecmp(v, "no") == 0)
        *out = CONFIG_TTY_NO;
    else {
        fail(p, "'%s' must be auto, yes or no, not '%s'", key, v);
        return -1;
    }
    return 0;
}

/* "A-B" (inclusive) or a CIDR (its network and broadcast addresses excluded). */
static int parse_pool(struct parser *p, const char *key, const char *v, struct in_addr *range)
{
    char first[INET_ADDRSTRLEN + 1];
    const char *dash = strchr(v, '-');
    struct os_prefix cidr;

    if (dash) {
        size_t n = (size_t)(dash - v);
        if (n >= sizeof(first))
            goto bad;
        memcpy(first, v, n);
        first[n] = '\0';
        if (inet_pton(AF_INET, first, &range[0]) != 1 ||
            inet_pton(AF_INET, dash + 1, &range[1]) != 1)
            goto bad;
    } else {
        if (os_prefix_parse(v, &cidr) < 0 || cidr.ip.family != AF_INET ||
            !os_prefix_is_network(&cidr))
            goto bad;
        uint32_t net = ntohl(cidr.ip.v4.s_addr);
        uint32_t size = cidr.len == 0 ? 0 : (uint32_t)1 << (32 - cidr.len);
        uint32_t lo = net, hi = net + size - 1;
        if (cidr.len < 31) { /* RFC 3021: /31 and /32 have no network/broadcast */
            lo++;
            hi--;
        }
        range[0].s_addr = htonl(lo);
        range[1].s_addr = htonl(hi);
    }
    if (ntohl(range[0].s_addr) > ntohl(range[1].s_addr)) {
        fail(p, "'%s' range '%s' is empty (first address after last)", key, v);
        return -1;
    }
    return 0;
bad:
    fail(p, "'%s' must be a range like 198.18.255.2-198.18.255.254 or an IPv4 CIDR, not '%s'", key,
         v);
    return -1;
}

/* ---- storing a key ---- */

static int store_repeat(struct parser *p, const struct key_def *k, const char *v, char *base)
{
    size_t *count = (size_t *)(base + k->count_offset);
    if (*count >= k->max) {
        fail(p, "too many '%s' lines (at most %u)", k->name, k->max);
        return -1;
    }
    size_t i = (*count);
    int rc = 0;
    switch (k->type) {
    case V_ROUTE:
        rc = parse_route(p, k->name, v, (struct os_prefix *)(base + k->offset) + i);
        break;
    case V_DNS:
        rc = os_ip_parse(v, (struct os_ip *)(base + k->offset) + i);
        if (rc < 0)
            fail(p, "'%s' must be an IPv4 or IPv6 address, not '%s'", k->name, v);
        break;
    default: /* V_OPTION */
        if (!strchr(v, '=') && !strchr(v, ' ')) {
            fail(p, "'%s' must be Key=Value as for ssh -o, not '%s'", k->name, v);
            return -1;
        }
        {
            char(*options)[CONFIG_STR_MAX] = (void *)(base + k->offset);
            snprintf(options[i], CONFIG_STR_MAX, "%s", v);
        }
        break;
    }
    if (rc < 0)
        return -1;
    (*count)++;
    return 0;
}

static int store_single(struct parser *p, const struct key_def *k, const char *v, char *base)
{
    void *field = base + k->offset;
    int rc = 0;
    switch (k->type) {
    case V_STRING:
        if (strlen(v) >= k->max) {
            fail(p, "'%s' is too long (at most %u characters)", k->name, k->max - 1);
            return -1;
        }
        if (!*v) {
            fail(p, "'%s' is empty", k->name);
            return -1;
        }
        snprintf(field, k->max, "%s", v);
        break;
    case V_UINT:
        rc = parse_uint(p, k, v, field);
        break;
    case V_MTU:
        rc = parse_mtu(p, k, v, field);
        break;
    case V_BOOL:
        rc = parse_bool(p, k->name, v, field);
        break;
    case V_IPV4:
        rc = parse_ipv4(p, k->name, v, field);
        break;
    case V_ADDR6:
        rc = parse_addr6(p, k->name, v, field);
        break;
    case V_TTY:
        rc = parse_tty(p, k->name, v, field);
        break;
    default: /* V_POOL */
        rc = parse_pool(p, k->name, v, field);
        break;
    }
    if (rc == 0 && k->has_offset != NO_FIELD)
        *(bool *)(base + k->has_offset) = true;
    return rc;
}

static bool is_repeatable(const struct key_def *k)
{
    return k->type == V_ROUTE || k->type == V_DNS || k->type == V_OPTION;
}

static void keys_of_section(enum section_kind kind, const struct key_def **keys, size_t *n)
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

/* Records where a server key was set, for the cross-checks. */
static void note_line(struct parser *p, const struct key_def *k, size_t slot)
{
    if (!p->lines)
        return;
    if (p->section == SECTION_SERVER) {
        if (k->offset == S(address))
            p->lines->address = p->lineno;
        else if (k->offset == S(pool_first))
            p->lines->pool = p->lineno;
        return;
    }
    size_t u = (size_t)((struct server_user *)p->base - p->server->users);
    if (p->section != SECTION_USER || u >= CONFIG_MAX_USERS)
        return;
    if (k->offset == U(address))
        p->lines->users[u].address = p->lineno;
    else if (k->offset == U(max_sessions))
        p->lines->users[u].max_sessions = p->lineno;
    else if (k->offset == U(routes) && slot < CONFIG_MAX_ROUTES)
        p->lines->users[u].routes[slot] = p->lineno;
}

static int handle_pair(void *user, const char *section, const char *name, const char *value)
{
    struct parser *p = user;
    const struct key_def *keys;
    size_t n;

    (void)section; /* we track sections ourselves, see read_line() */
    if (p->failed)
        return 1;
    if (p->section == SECTION_NONE) {
        fail(p, "key '%s' outside of any section (expected [%s] first)", name,
             p->is_server ? "Server" : "Tunnel");
        return 0;
    }
    /* "Key =;x" keeps ";x" but "Key = ;x" is a comment: refuse the former
     * rather than store a value that reads differently once spaced out. */
    if (value[0] == ';') {
        fail(p, "value of '%s' starts with ';' (a comment character)", name);
        return 0;
    }
    /* `pppssh config` writes "Key = Value": a line that fits only without
     * the spaces around '=' would not read back (found by fuzz_config). */
    if (strlen(name) + 3 + strlen(value) > CONFIG_LINE_MAX) {
        fail(p, "line too long (at most %d characters as '%s = value')", CONFIG_LINE_MAX, name);
        return 0;
    }
    keys_of_section(p->section, &keys, &n);
    for (size_t i = 0; i < n; i++) {
        const struct key_def *k = &keys[i];
        if (strcasecmp(k->name, name) != 0)
            continue;
        if (is_repeatable(k)) {
            size_t slot = k->count_offset ? *(size_t *)((char *)p->base + k->count_offset) : 0;
            if (store_repeat(p, k, value, p->base) < 0)
                return 0;
            note_line(p, k, slot);
            return 1;
        }
        if (p->seen & ((uint64_t)1 << i)) {
            fail(p, "duplicate key '%s' in [%s]", k->name, p->section_name);
            return 0;
        }
        p->seen |= (uint64_t)1 << i;
        if (store_single(p, k, value, p->base) < 0)
            return 0;
        note_line(p, k, 0);
        return 1;
    }
    fail(p, "unknown key '%s' in [%s]", name, p->section_name);
    return 0;
}

/* ---- sections, seen by the reader before inih parses the line ---- */

static bool valid_user_name(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n < CONFIG_NAME_MAX && name[0] != '-' &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@") == n;
}

static void open_user(struct parser *p, const char *name)
{
    struct server_config *s = p->server;
    if (!valid_user_name(name)) {
        fail(p, "bad user name '%s' in [User NAME] (letters, digits, _ . - @)", name);
        return;
    }
    if (config_find_user(s, name)) {
        fail(p, "duplicate section [User %s]", name);
        return;
    }
    if (s->n_users >= CONFIG_MAX_USERS) {
        fail(p, "too many [User] sections (at most %d)", CONFIG_MAX_USERS);
        return;
    }
    struct server_user *u = &s->users[s->n_users++];
    memset(u, 0, sizeof(*u));
    snprintf(u->name, sizeof(u->name), "%s", name);
    u->max_sessions = 1;
    p->section = SECTION_USER;
    p->base = u;
}

static void open_single(struct parser *p, enum section_kind kind, bool *seen, void *base)
{
    if (*seen) {
        fail(p, "duplicate section [%s]", p->section_name);
        return;
    }
    *seen = true;
    p->section = kind;
    p->base = base;
}

/* name: the text between '[' and ']', spaces trimmed. */
static void open_section(struct parser *p, const char *name)
{
    size_t len = strnlen(name, sizeof(p->section_name));

    /* inih allows longer names than any section we know: cut, the name is only for messages */
    if (len == sizeof(p->section_name))
        len--;
    memcpy(p->section_name, name, len);
    p->section_name[len] = '\0';
    p->seen = 0;
    p->section = SECTION_NONE;
    if (!p->is_server && strcasecmp(name, "Tunnel") == 0)
        open_single(p, SECTION_TUNNEL, &p->seen_tunnel, p->tunnel);
    else if (p->is_server && strcasecmp(name, "Server") == 0)
        open_single(p, SECTION_SERVER, &p->seen_server, p->server);
    else if (p->is_server && strncasecmp(name, "User", 4) == 0 &&
             (name[4] == ' ' || name[4] == '\t')) {
        const char *user = name + 5;
        user += strspn(user, " \t");
        open_user(p, user);
    } else
        fail(p, "unknown section [%s] (expected %s)", name,
             p->is_server ? "[Server] or [User NAME]" : "[Tunnel]");
}

/* A line starting with '[': check and open the section it names. */
static void section_line(struct parser *p, const char *line)
{
    char name[CONFIG_STR_MAX];
    const char *close = strchr(line, ']');
    if (!close) {
        fail(p, "syntax error: section header without ']'");
        return;
    }
    const char *rest = close + 1 + strspn(close + 1, " \t\r\n");
    if (*rest && *rest != ';' && *rest != '#') {
        fail(p, "syntax error: text after section header");
        return;
    }
    const char *start = line + 1 + strspn(line + 1, " \t");
    size_t n = (size_t)(close - start);
    while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
        n--;
    if (n >= sizeof(name) || n >= CONFIG_NAME_MAX + 6) {
        fail(p, "section name too long");
        return;
    }
    memcpy(name, start, n);
    name[n] = '\0';
    open_section(p, name);
}

/* inih's fgets-like reader: one whole line per call, or NULL at the end.
 * num is inih's line buffer size; it needs 3 bytes beyond the text. */
static char *read_line(char *str, int num, void *stream)
{
    struct parser *p = stream;
    if (p->pos >= p->len)
        return NULL;
    const char *start = p->text + p->pos;
    const char *nl = memchr(start, '\n', p->len - p->pos);
    size_t n = nl ? (size_t)(nl - start) + 1 : p->len - p->pos;
    size_t text_len = nl ? n - 1 : n;
    size_t max = (size_t)num - 3 < CONFIG_LINE_MAX ? (size_t)num - 3 : CONFIG_LINE_MAX;

    p->pos += n;
    p->lineno++;
    if (text_len > 0 && start[text_len - 1] == '\r')
        text_len--;
    if (memchr(start, '\0', text_len))
        fail(p, "NUL byte in line");
    else if (text_len > max)
        fail(p, "line too long (at most %zu characters)", max);
    if (p->failed) {
        str[0] = '\0'; /* keep feeding blank lines: inih just skips them */
        return str;
    }
    memcpy(str, start, text_len);
    str[text_len] = '\n';
    str[text_len + 1] = '\0';
    const char *first = str + strspn(str, " \t");
    if (*first != '\n' && *first != ';' && *first != '#' && p->first_line == 0)
        p->first_line = p->lineno;
    if (*first == '[')
        section_line(p, first);
    return str;
}

/* Runs inih over the text; 0 or -EINVAL with the message set. */
static int run_parser(struct parser *p)
{
    /* Python-configparser continuation lines would merge an indented
     * line into the previous value: a typo should be an error instead. */
    ini_allow_multiline = false;
    int rc = ini_parse_stream(read_line, p, handle_pair, p);
    if (rc != 0 && !p->failed) {
        p->lineno = rc > 0 ? rc : p->lineno;
        fail(p, "syntax error: expected 'Key = Value' or '[Section]'");
    }
    return p->failed ? -EINVAL : 0;
}

/* ---- defaults and whole-file checks ---- */

void config_tunnel_defaults(struct tunnel_config *cfg, const char *name)
{
    memset(cfg, 0, sizeof(*cfg));
    if (name)
        snprintf(cfg->name, sizeof(cfg->name), "%s", name);
    snprintf(cfg->remote_command, sizeof(cfg->remote_command), "pppssh serve");
    cfg->ssh_tty = CONFIG_TTY_AUTO;
    cfg->mtu = CONFIG_MTU_AUTO;
    cfg->keepalive_interval = 10;
    cfg->keepalive_failures = 3;
    cfg->holdoff = 1;
    cfg->persist = true;
    cfg->offload = true;
}

void config_server_defaults(struct server_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->offload = true;
}

bool config_login_shell(const struct tunnel_config *cfg)
{
    return strcmp(cfg->remote_command, "none") == 0;
}

/* Keys that only make sense for ssh, refused with Command. */
static const char *const ssh_only_keys[] = {"Port", "IdentityFile", "SSHOption", "RemoteCommand",
                                            "SSHTTY"};

static bool key_seen(const struct parser *p, const char *name)
{
    for (size_t i = 0; i < N_KEYS(tunnel_keys); i++) {
        if (strcmp(tunnel_keys[i].name, name) == 0)
            return is_repeatable(&tunnel_keys[i]) ? p->tunnel->n_ssh_options > 0
                                                  : (p->seen & ((uint64_t)1 << i)) != 0;
    }
    return false;
}

static void check_tunnel(struct parser *p)
{
    struct tunnel_config *c = p->tunnel;
    if (!p->seen_tunnel)
        return fail_file(p, "missing section [Tunnel]");
    if (!*c->server && !*c->command)
        return fail_file(p, "missing required key 'Server' (or 'Command')");
    if (*c->server && *c->command)
        return fail_file(p, "'Server' and 'Command' exclude each other: give one");
    if (*c->server && (c->server[0] == '-' || strpbrk(c->server, " \t")))
        return fail_file(p, "'Server' must be [user@]host, not '%s'", c->server);
    for (size_t i = 0; *c->command && i < N_KEYS(ssh_only_keys); i++) {
        if (key_seen(p, ssh_only_keys[i]))
            return fail_file(p, "'%s' has no effect with 'Command' (it is for ssh)",
                             ssh_only_keys[i]);
    }
    if (!*c->interface) {
        if (strlen(c->name) >= IFNAMSIZ || !*c->name)
            return fail_file(p, "tunnel name '%s' is not a valid interface name: set 'Interface'",
                             c->name);
        memcpy(c->interface, c->name, strlen(c->name) + 1);
    }
    if (strpbrk(c->interface, "/: \t"))
        return fail_file(p, "'Interface' '%s' has invalid characters", c->interface);
    if (c->has_address6 && c->mtu != CONFIG_MTU_AUTO && c->mtu < 1280)
        return fail_file(p, "'MTU' must be at least 1280 with 'Address6' (RFC 8200 section 5)");
}

/* Static user addresses: distinct, and none the server's own. */
static void check_user_addresses(struct parser *p)
{
    const struct server_config *s = p->server;
    char a[INET_ADDRSTRLEN];
    for (size_t i = 0; i < s->n_users && !p->failed; i++) {
        const struct server_user *u = &s->users[i];
        int line = p->lines->users[i].address;
        if (u->max_sessions > 1 && u->has_address)
            return fail_at(p, p->lines->users[i].max_sessions,
                           "[User %s] 'MaxSessions' above 1 needs addresses from the 'Pool', "
                           "not one static 'Address'",
                           u->name);
        if (!u->has_address)
            continue;
        inet_ntop(AF_INET, &u->address, a, sizeof(a));
        if (u->address.s_addr == s->address.s_addr)
            return fail_at(p, line, "[User %s] 'Address' %s is the server's own 'Address'", u->name,
                           a);
        for (size_t j = 0; j < i; j++) {
            if (s->users[j].has_address && s->users[j].address.s_addr == u->address.s_addr)
                return fail_at(p, line, "[User %s] 'Address' %s is already given to [User %s]",
                               u->name, a, s->users[j].name);
        }
    }
}

static bool pool_contains(const struct server_config *s, struct in_addr a)
{
    uint32_t x = ntohl(a.s_addr);
    return s->has_pool && x >= ntohl(s->pool_first.s_addr) && x <= ntohl(s->pool_last.s_addr);
}

/* A route covering any address of the pool (a CIDR overlapping the range). */
static bool route_covers_pool(const struct server_config *s, const struct os_prefix *r)
{
    if (!s->has_pool || r->ip.family != AF_INET)
        return false;
    uint32_t mask = r->len == 0 ? 0 : ~(uint32_t)0 << (32 - r->len);
    uint32_t lo = ntohl(r->ip.v4.s_addr) & mask, hi = lo | ~mask;
    return lo <= ntohl(s->pool_last.s_addr) && hi >= ntohl(s->pool_first.s_addr);
}

/* What a user's Route would take from others: every client's traffic
 * (a default route), the server's tunnel end, another user's address, the
 * pool.  A description of it into what, or false if nothing. */
static bool route_takes(const struct server_config *s, size_t self, const struct os_prefix *r,
                        char *what, size_t size)
{
    struct os_ip server = {.family = AF_INET, .v4 = s->address};
    char a[INET6_ADDRSTRLEN];
    if (r->len == 0) {
        snprintf(what, size, "every address (a default route)");
        return true;
    }
    if (os_prefix_contains(r, &server)) {
        snprintf(what, size, "the server's own 'Address' %s", os_ip_format(&server, a, sizeof(a)));
        return true;
    }
    for (size_t j = 0; j < s->n_users; j++) {
        const struct server_user *o = &s->users[j];
        struct os_ip v4 = {.family = AF_INET, .v4 = o->address};
        if (j == self)
            continue;
        if ((o->has_address && os_prefix_contains(r, &v4)) ||
            (o->has_address6 && os_prefix_contains(r, &o->address6.ip))) {
            snprintf(what, size, "the address of [User %s]", o->name);
            return true;
        }
    }
    if (route_covers_pool(s, r)) {
        snprintf(what, size, "addresses of the 'Pool'");
        return true;
    }
    return false;
}

/* A user's Route is its own networks only: traffic for others must never
 * go into its tunnel. */
static void check_user_routes(struct parser *p)
{
    const struct server_config *s = p->server;
    char net[OS_PREFIX_TEXT_MAX], what[128];
    for (size_t i = 0; i < s->n_users && !p->failed; i++) {
        const struct server_user *u = &s->users[i];
        for (size_t k = 0; k < u->n_routes && !p->failed; k++) {
            if (route_takes(s, i, &u->routes[k], what, sizeof(what)))
                fail_at(p, p->lines->users[i].routes[k],
                        "[User %s] 'Route' %s covers %s: a user's routes must hold only its "
                        "own networks",
                        u->name, os_prefix_format(&u->routes[k], net, sizeof(net)), what);
        }
    }
}

static void check_server(struct parser *p)
{
    struct server_config *s = p->server;
    char a[INET_ADDRSTRLEN];
    if (!p->seen_server)
        return fail_file(p, "missing section [Server]");
    if (!s->has_address)
        return fail_file(p, "missing required key 'Address' in [Server]");
    if (pool_contains(s, s->address))
        return fail_at(p, p->lines->pool,
                       "'Pool' contains the server's own 'Address' %s (line %d): start the pool "
                       "above it",
                       inet_ntop(AF_INET, &s->address, a, sizeof(a)), p->lines->address);
    check_user_addresses(p);
    check_user_routes(p);
}

/* ---- entry points ---- */

static void parser_init(struct parser *p, const char *text, size_t len, const char *source,
                        char *err, size_t errlen)
{
    memset(p, 0, sizeof(*p));
    p->text = text;
    p->len = len;
    p->source = source ? source : "(config)";
    p->err = err;
    p->errlen = errlen;
    if (err && errlen)
        err[0] = '\0';
}

int config_parse_tunnel(const char *text, size_t len, const char *source, const char *name,
                        struct tunnel_config *cfg, char *err, size_t errlen)
{
    struct parser p;
    parser_init(&p, text, len, source, err, errlen);
    config_tunnel_defaults(cfg, name);
    p.tunnel = cfg;
    if (run_parser(&p) == 0) {
        /* key_seen() needs the [Tunnel] section's key bits, which the
         * last section opened holds: [Tunnel] is the only section here. */
        check_tunnel(&p);
    }
    return p.failed ? -EINVAL : 0;
}

int config_parse_server(const char *text, size_t len, const char *source, struct server_config *cfg,
                        char *err, size_t errlen)
{
    struct parser p;
    parser_init(&p, text, len, source, err, errlen);
    config_server_defaults(cfg);
    p.is_server = true;
    p.server = cfg;
    p.lines = calloc(1, sizeof(*p.lines));
    if (!p.lines) {
        fail_file(&p, "out of memory");
        return -ENOMEM;
    }
    if (run_parser(&p) == 0)
        check_server(&p);
    free(p.lines);
    return p.failed ? -EINVAL : 0;
}

/* Reads the whole file (at most CONFIG_FILE_MAX bytes) into a new buffer. */
static int read_file(const char *path, char **text, size_t *len, char *err, size_t errlen)
{
    struct stat st;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot open: %s", path, strerror(e));
        return -e;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > CONFIG_FILE_MAX) {
        int e = errno && !S_ISREG(st.st_mode) ? errno : EFBIG;
        snprintf(err, errlen, "%s: not a regular file of at most %d bytes", path, CONFIG_FILE_MAX);
        close(fd);
        return -e;
    }
    char *buf = malloc((size_t)st.st_size + 1);
    ssize_t n = buf ? read(fd, buf, (size_t)st.st_size) : -1;
    int e = errno;
    close(fd);
    if (n < 0) {
        free(buf);
        snprintf(err, errlen, "%s: cannot read: %s", path, strerror(e));
        return -e;
    }
    buf[n] = '\0';
    *text = buf;
    *len = (size_t)n;
    return 0;
}

/* "/etc/pppssh/vpn.conf" -> "vpn" */
static void name_from_path(const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".conf") == 0)
        n -= 5;
    snprintf(name, size, "%.*s", (int)n, base);
}

int config_load_tunnel(const char *path, const char *name, struct tunnel_config *cfg, char *err,
                       size_t errlen)
{
    char derived[CONFIG_NAME_MAX];
    char *text;
    size_t len;
    int rc = read_file(path, &text, &len, err, errlen);
    if (rc < 0)
        return rc;
    if (!name) {
        name_from_path(path, derived, sizeof(derived));
        name = derived;
    }
    rc = config_parse_tunnel(text, len, path, name, cfg, err, errlen);
    free(text);
    return rc;
}

int config_load_server(const char *path, struct server_config *cfg, char *err, size_t errlen)
{
    char *text;
    size_t len;
    int rc = read_file(path, &text, &len, err, errlen);
    if (rc < 0)
        return rc;
    rc = config_parse_server(text, len, path, cfg, err, errlen);
    free(text);
    return rc;
}

int config_path_for_name(const char *name, char *buf, size_t size, char *err, size_t errlen)
{
    size_t n = strlen(name);
    if (n == 0 || n >= IFNAMSIZ || name[0] == '.' || name[0] == '-' ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n) {
        snprintf(err, errlen,
                 "bad tunnel name '%s' (1..%d of A-Z a-z 0-9 _ . -, not starting with . or -)",
                 name, IFNAMSIZ - 1);
        return -EINVAL;
    }
    snprintf(buf, size, "%s/%s.conf", CONFIG_DIR, name);
    return 0;
}

const struct server_user *config_find_user(const struct server_config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->n_users; i++) {
        if (strcmp(cfg->users[i].name, name) == 0)
            return &cfg->users[i];
    }
    return NULL;
}

/* ssh options whose value ssh runs or loads (ssh_config(5)). */
static bool option_runs_command(const char *option)
{
    static const char *const keys[] = {"ProxyCommand",   "LocalCommand",        "KnownHostsCommand",
                                       "PKCS11Provider", "SecurityKeyProvider", "Include"};
    for (size_t i = 0; i < N_KEYS(keys); i++) {
        size_t n = strlen(keys[i]);
        if (strncasecmp(option, keys[i], n) == 0 && strchr("= \t", option[n]))
            return true;
    }
    return false;
}

const char *config_runs_commands(const struct tunnel_config *cfg)
{
    if (cfg->command[0])
        return "Command";
    if (cfg->up_script[0])
        return "UpScript";
    if (cfg->down_script[0])
        return "DownScript";
    for (size_t i = 0; i < cfg->n_ssh_options; i++)
        if (option_runs_command(cfg->ssh_options[i]))
            return "SSHOption";
    return NULL;
}

int config_world_readable(const char *path, bool *world_readable, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) < 0) {
        int e = errno;
        snprintf(err, errlen, "%s: cannot stat: %s", path, strerror(e));
        return -e;
    }
    *world_readable = (st.st_mode & S_IROTH) != 0;
    return 0;
}

/* ---- printing the effective configuration ---- */

static void print_ip(FILE *out, const char *key, const struct os_ip *ip)
{
    char buf[INET6_ADDRSTRLEN];
    fprintf(out, "%s = %s\n", key, os_ip_format(ip, buf, sizeof(buf)));
}

static void print_v4(FILE *out, const char *key, struct in_addr a)
{
    struct os_ip ip = {.family = AF_INET, .v4 = a};
    print_ip(out, key, &ip);
}

static void print_prefix(FILE *out, const char *key, const struct os_prefix *p)
{
    char buf[OS_PREFIX_TEXT_MAX];
    fprintf(out, "%s = %s\n", key, os_prefix_format(p, buf, sizeof(buf)));
}

static void print_str(FILE *out, const char *key, const char *value)
{
    if (*value)
        fprintf(out, "%s = %s\n", key, value);
}

static const char *tty_text(enum config_tty t)
{
    return t == CONFIG_TTY_YES ? "yes" : t == CONFIG_TTY_NO ? "no" : "auto";
}

static void print_transport(FILE *out, const struct tunnel_config *c)
{
    if (*c->command) {
        print_str(out, "Command", c->command);
        return;
    }
    print_str(out, "Server", c->server);
    if (c->port)
        fprintf(out, "Port = %u\n", c->port);
    print_str(out, "IdentityFile", c->identity_file);
    for (size_t i = 0; i < c->n_ssh_options; i++)
        print_str(out, "SSHOption", c->ssh_options[i]);
    print_str(out, "RemoteCommand", c->remote_command);
    fprintf(out, "SSHTTY = %s\n", tty_text(c->ssh_tty));
}

void config_print_tunnel(FILE *out, const struct tunnel_config *c)
{
    fprintf(out, "[Tunnel]\n");
    print_transport(out, c);
    print_str(out, "Interface", c->interface);
    if (c->has_local_address)
        print_v4(out, "LocalAddress", c->local_address);
    if (c->has_remote_address)
        print_v4(out, "RemoteAddress", c->remote_address);
    if (c->has_address6)
        print_prefix(out, "Address6", &c->address6);
    for (size_t i = 0; i < c->n_routes; i++)
        print_prefix(out, "Route", &c->routes[i]);
    if (c->mtu == CONFIG_MTU_AUTO)
        fprintf(out, "MTU = auto\n");
    else
        fprintf(out, "MTU = %u\n", c->mtu);
    for (size_t i = 0; i < c->n_dns; i++)
        print_ip(out, "DNS", &c->dns[i]);
    fprintf(out, "Offload = %s\n", c->offload ? "yes" : "no");
    fprintf(out, "KeepaliveInterval = %u\nKeepaliveFailures = %u\n", c->keepalive_interval,
            c->keepalive_failures);
    fprintf(out, "Persist = %s\nMaxFail = %u\nHoldoff = %u\n", c->persist ? "yes" : "no",
            c->max_fail, c->holdoff);
    print_str(out, "UpScript", c->up_script);
    print_str(out, "DownScript", c->down_script);
}

void config_print_server(FILE *out, const struct server_config *s)
{
    fprintf(out, "[Server]\n");
    if (s->has_address)
        print_v4(out, "Address", s->address);
    if (s->has_pool) {
        char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
        fprintf(out, "Pool = %s-%s\n", inet_ntop(AF_INET, &s->pool_first, a, sizeof(a)),
                inet_ntop(AF_INET, &s->pool_last, b, sizeof(b)));
    }
    fprintf(out, "ProxyArp = %s\n", s->proxy_arp ? "yes" : "no");
    fprintf(out, "Offload = %s\n", s->offload ? "yes" : "no");
    for (size_t i = 0; i < s->n_dns; i++)
        print_ip(out, "DNS", &s->dns[i]);
    if (s->has_address6)
        print_prefix(out, "Address6", &s->address6);
    for (size_t i = 0; i < s->n_users; i++) {
        const struct server_user *u = &s->users[i];
        fprintf(out, "\n[User %s]\n", u->name);
        if (u->has_address)
            print_v4(out, "Address", u->address);
        if (u->has_address6)
            print_prefix(out, "Address6", &u->address6);
        for (size_t j = 0; j < u->n_routes; j++)
            print_prefix(out, "Route", &u->routes[j]);
        if (u->max_sessions != 1)
            fprintf(out, "MaxSessions = %u\n", u->max_sessions);
    }
}
