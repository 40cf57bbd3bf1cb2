/*
 * config_check.c - what a configuration file must satisfy as a whole,
 * once every line was read: required keys, keys that exclude each other,
 * and the server's addresses, pool and user routes not overlapping.
 * Errors name the line at fault.
 */
#include <arpa/inet.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>

#include "config_internal.h"

/* Whether the file set key k of [Tunnel] (not only its default). */
static bool key_seen(const struct parser *p, size_t i)
{
    const struct key_def *keys;
    size_t n;
    keys_of_section(SECTION_TUNNEL, &keys, &n);
    if (key_is_repeatable(&keys[i]))
        return *(const size_t *)((const char *)p->tunnel + keys[i].count_offset) > 0;
    return (p->seen & ((uint64_t)1 << i)) != 0;
}

/* Keys that only make sense for ssh (ssh_only in the table) with Command. */
static const char *ssh_key_with_command(const struct parser *p)
{
    const struct key_def *keys;
    size_t n;
    keys_of_section(SECTION_TUNNEL, &keys, &n);
    for (size_t i = 0; i < n; i++)
        if (keys[i].ssh_only && key_seen(p, i))
            return keys[i].name;
    return NULL;
}

static bool unix_name(const char *a)
{
    return strspn(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@") ==
               strlen(a) &&
           a[0] != '-';
}

void check_tunnel(struct parser *p)
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
    const char *ssh_key = *c->command ? ssh_key_with_command(p) : NULL;
    if (ssh_key)
        return fail_file(p, "'%s' has no effect with 'Command' (it is for ssh)", ssh_key);
    if (!*c->interface) {
        if (strlen(c->name) >= IFNAMSIZ || !*c->name)
            return fail_file(p, "tunnel name '%s' is not a valid interface name: set 'Interface'",
                             c->name);
        memcpy(c->interface, c->name, strlen(c->name) + 1);
    }
    if (strpbrk(c->interface, "/: \t"))
        return fail_file(p, "'Interface' '%s' has invalid characters", c->interface);
    if (*c->user) {
        const struct passwd *pw = getpwnam(c->user);
        if (!pw)
            return fail_file(p, "'User' '%s' is not a local account", c->user);
        if (pw->pw_uid == 0)
            return fail_file(p, "'User' must not be root: it is the account that parses the "
                                "server's bytes");
    }
    if (*c->session_user && *c->user)
        return fail_file(p, "'SessionUser' has no effect with 'User' (the session runs as User)");
    if (*c->session_user && (!unix_name(c->session_user) || !strcmp(c->session_user, "root")))
        return fail_file(p, "'SessionUser' '%s' is not a Unix account name other than root",
                         c->session_user);
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


/* Helper is a socket path the helper binds and serve connects to; Account
 * names a Unix account, compared with the caller's (pppssh-helper(8));
 * SessionUser one a privileged serve's session runs as (pppssh(8)). */
static void check_helper_keys(struct parser *p)
{
    const struct server_config *s = p->server;
    if (s->helper[0] != '/')
        return fail_file(p, "'Helper' '%s' must be an absolute path", s->helper);
    if (!unix_name(s->session_user) || !strcmp(s->session_user, "root"))
        return fail_file(p, "'SessionUser' '%s' is not a Unix account name other than root",
                         s->session_user);
    for (size_t i = 0; i < s->n_users; i++) {
        const char *a = s->users[i].account;
        if (!unix_name(a))
            return fail_file(p, "[User %s] 'Account' '%s' is not a Unix account name",
                             s->users[i].name, a);
    }
}

/* The userspace stack's inner network is its own: the server's Address
 * or Pool inside it would be two networks with the same addresses. */
static void check_stack_network(struct parser *p)
{
    const struct server_config *s = p->server;
    char net[OS_PREFIX_TEXT_MAX];
    uint32_t lo = ntohl(s->stack_network.ip.v4.s_addr), hi = lo + 0xff;
    if (p->failed || !p->lines->stack_network)
        return;
    os_prefix_format(&s->stack_network, net, sizeof(net));
    uint32_t a = ntohl(s->address.s_addr);
    if (s->has_address && a >= lo && a <= hi)
        return fail_at(p, p->lines->stack_network,
                       "'StackNetwork' %s contains the server's own 'Address' (line %d)", net,
                       p->lines->address);
    if (s->has_pool && ntohl(s->pool_first.s_addr) <= hi && ntohl(s->pool_last.s_addr) >= lo)
        return fail_at(p, p->lines->stack_network, "'StackNetwork' %s overlaps 'Pool' (line %d)",
                       net, p->lines->pool);
}

void check_server(struct parser *p)
{
    struct server_config *s = p->server;
    char a[INET_ADDRSTRLEN];
    if (!p->seen_server)
        return fail_file(p, "missing section [Server]");
    if (strcmp(s->mode, "auto") && strcmp(s->mode, "userspace"))
        return fail_file(p, "'Mode' must be auto or userspace, not '%s'", s->mode);
    if (!s->has_address && !config_server_userspace(s))
        return fail_file(p, "missing required key 'Address' in [Server]");
    if (pool_contains(s, s->address))
        return fail_at(p, p->lines->pool,
                       "'Pool' contains the server's own 'Address' %s (line %d): start the pool "
                       "above it",
                       inet_ntop(AF_INET, &s->address, a, sizeof(a)), p->lines->address);
    check_stack_network(p);
    check_user_addresses(p);
    check_user_routes(p);
    if (!p->failed)
        check_helper_keys(p);
}
