/*
 * config.c - the tunnel and server configuration files (INI, read by inih).
 *
 * inih hands us name=value pairs; we feed it the text line by line through
 * our own reader so that we know each pair's line number, catch section
 * headers (even of empty sections, like a bare "[User bob]"), and refuse
 * over-long lines instead of letting inih split them.
 */
#include "config_internal.h"

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
        else if (k->offset == S(stack_network))
            p->lines->stack_network = p->lineno;
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
        if (key_is_repeatable(k)) {
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
    snprintf(cfg->helper, sizeof(cfg->helper), "%s", CONFIG_HELPER_SOCKET);
    snprintf(cfg->mode, sizeof(cfg->mode), "auto");
    cfg->grace = CONFIG_GRACE_DEFAULT;
    os_prefix_parse(CONFIG_STACK_NETWORK_DEFAULT, &cfg->stack_network);
}

bool config_server_userspace(const struct server_config *cfg)
{
    return strcmp(cfg->mode, "userspace") == 0;
}

bool config_login_shell(const struct tunnel_config *cfg)
{
    return strcmp(cfg->remote_command, "none") == 0;
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
