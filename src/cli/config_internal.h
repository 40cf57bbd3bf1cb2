/*
 * config_internal.h - what the configuration reader's files share: the
 * key tables (config_keys.c), the parser state and its errors
 * (config_values.c), the whole-file checks (config_check.c).  Not for use
 * outside src/cli/config*.c.
 */
#ifndef PPPSSH_CLI_CONFIG_INTERNAL_H
#define PPPSSH_CLI_CONFIG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"

enum section_kind {
    SECTION_NONE,
    SECTION_TUNNEL = CONFIG_SECTION_TUNNEL,
    SECTION_SERVER = CONFIG_SECTION_SERVER,
    SECTION_USER = CONFIG_SECTION_USER,
};

enum value_type {
    V_STRING,  /* char[size] */
    V_IFNAME,  /* char[IFNAMSIZ]: an interface name of [A-Za-z0-9_.-] (nft takes it as is) */
    V_UINT,    /* unsigned, min..max */
    V_MTU,     /* unsigned, min..max, or "auto" = CONFIG_MTU_AUTO */
    V_BOOL,    /* bool */
    V_IPV4,    /* struct in_addr, with a has_ flag */
    V_ADDR6,   /* struct os_prefix: an IPv6 interface address with prefix length */
    V_ROUTE,   /* struct os_prefix[] network, repeatable */
    V_DNS,     /* struct os_ip[], repeatable */
    V_OPTION,  /* char[][CONFIG_STR_MAX], repeatable */
    V_TTY,     /* enum config_tty */
    V_POOL,    /* struct in_addr first, last */
    V_NET4,    /* struct os_prefix: an IPv4 /24 network */
    V_PORTFWD, /* struct portfwd[], repeatable: tcp:8080[:80] */
};

#define NO_FIELD SIZE_MAX

struct key_def {
    const char *name;
    enum value_type type;
    size_t offset;       /* of the value (of the array for repeatables) */
    size_t has_offset;   /* of a bool "has_" flag, or NO_FIELD */
    size_t count_offset; /* of the size_t count of a repeatable */
    unsigned min, max;   /* V_UINT range; capacity of a repeatable in max */
    bool ssh_only;       /* refused with Command, and not printed then */
};

#define T(field) offsetof(struct tunnel_config, field)
#define S(field) offsetof(struct server_config, field)
#define U(field) offsetof(struct server_user, field)
#define N_KEYS(a) (sizeof(a) / sizeof((a)[0]))

/* config_keys.c: every key of a section, the one description of it that
 * parsing, printing, the checks and the tests read. */
void keys_of_section(enum section_kind kind, const struct key_def **keys, size_t *n);
bool key_is_repeatable(const struct key_def *k);
/* The section's keys that hold a value, as "Key = Value" lines; with
 * skip_ssh, not the ssh_only ones. */
void keys_print(FILE *out, enum section_kind kind, const void *base, bool skip_ssh);

/* Where the server file set what the cross-checks compare (0 = not set),
 * so that their errors name the line; kept out of struct server_config,
 * which must not depend on the file's layout. */
struct server_lines {
    int address, pool, stack_network;
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

/* config_values.c: errors (the first one counts) and storing a value. */
__attribute__((format(printf, 2, 3))) void fail(struct parser *p, const char *fmt, ...);
/* fail() naming another line than the one being read (cross-checks). */
__attribute__((format(printf, 3, 4))) void fail_at(struct parser *p, int line, const char *fmt,
                                                   ...);
__attribute__((format(printf, 2, 3))) void fail_file(struct parser *p, const char *fmt, ...);
int store_repeat(struct parser *p, const struct key_def *k, const char *v, char *base);
int store_single(struct parser *p, const struct key_def *k, const char *v, char *base);

/* config_check.c: the whole file, once read. */
void check_tunnel(struct parser *p);
void check_server(struct parser *p);

#endif
