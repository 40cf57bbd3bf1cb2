/*
 * cmd_keygen.c - `pppssh keygen NAME [--server USER@HOST]`: the client's
 * key, /etc/pppssh/NAME.key, made by ssh-keygen, and the lines to paste
 * on the server: the authorized_keys line that forces `pppssh serve
 * --user NAME` (with restrict: no pty, no forwarding) and the [User NAME]
 * section of server.conf.  With --server, also the client's NAME.conf.
 * Nothing existing is overwritten.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "child.h"
#include "commands.h"
#include "config.h"
#include "exitcode.h"

#define KEYGEN_TIMEOUT_MS 30000
#define KNOWN_HOSTS CONFIG_DIR "/known_hosts"

struct keygen_paths {
    char key[CONFIG_NAME_MAX + 32], pub[CONFIG_NAME_MAX + 40], conf[PATH_MAX];
};

static int make_paths(const char *name, struct keygen_paths *p)
{
    char err[256];
    if (config_path_for_name(name, p->conf, sizeof(p->conf), err, sizeof(err)) < 0) {
        fprintf(stderr, "pppssh keygen: %s\n", err);
        return -1;
    }
    snprintf(p->key, sizeof(p->key), "%s/%s.key", CONFIG_DIR, name);
    snprintf(p->pub, sizeof(p->pub), "%s.pub", p->key);
    return 0;
}

static bool refuse_existing(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0 && errno == ENOENT)
        return false;
    fprintf(stderr, "pppssh keygen: %s exists; not overwriting it\n", path);
    return true;
}

/* prog in $PATH (child_program_start runs a path as it is). */
static bool find_program(const char *prog, char *buf, size_t size)
{
    const char *path = getenv("PATH");
    if (!path || !*path)
        path = "/usr/bin:/bin";
    for (const char *dir = path; *dir;) {
        size_t len = strcspn(dir, ":");
        snprintf(buf, size, "%.*s/%s", (int)len, dir, prog);
        if (len && access(buf, X_OK) == 0)
            return true;
        dir += len + (dir[len] == ':');
    }
    return false;
}

/* ssh-keygen through the one spawn path; 0 or -1 with the reason printed. */
static int run_ssh_keygen(const char *name, const char *key)
{
    char prog[PATH_MAX], host[256] = "localhost", comment[512], err[256];
    if (!find_program("ssh-keygen", prog, sizeof(prog))) {
        fprintf(stderr,
                "pppssh keygen: ssh-keygen not found in PATH (apt install openssh-client)\n");
        return -1;
    }
    gethostname(host, sizeof(host) - 1);
    snprintf(comment, sizeof(comment), "pppssh-%s@%s", name, host);
    char *argv[] = {prog, "-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", (char *)key, NULL};
    struct child_program cp = {.path = prog, .argv = argv};
    pid_t pid = child_program_start(&cp, err, sizeof(err));
    int status = 0;
    if (pid < 0) {
        fprintf(stderr, "pppssh keygen: %s\n", err);
        return -1;
    }
    if (child_program_wait(pid, KEYGEN_TIMEOUT_MS, &status) != 1 || status != 0) {
        fprintf(stderr, "pppssh keygen: ssh-keygen %s\n",
                spawn_describe_status(status, err, sizeof(err)));
        return -1;
    }
    return 0;
}

static int read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    bool ok = f && fgets(buf, (int)size, f);
    if (f)
        fclose(f);
    if (!ok) {
        fprintf(stderr, "pppssh keygen: cannot read %s\n", path);
        return -1;
    }
    buf[strcspn(buf, "\n")] = 0;
    return 0;
}

/* The client's tunnel: the server, the key, and a known_hosts of its own
 * (ssh under systemd has no user to ask about a new host key). */
static int write_conf(const struct keygen_paths *p, const char *server)
{
    int fd = open(p->conf, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        fprintf(stderr, "pppssh keygen: cannot create %s: %s\n", p->conf, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    fprintf(f, "[Tunnel]\nServer = %s\nIdentityFile = %s\nSSHOption = UserKnownHostsFile=%s\n",
            server, p->key, KNOWN_HOSTS);
    return fclose(f) == 0 ? 0 : -1;
}

/* What the server needs, as lines that are comments or paste as they are. */
static void print_server_lines(const char *name, const char *pub)
{
    char self[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    self[n > 0 ? n : 0] = 0;
    printf("# On the server, in the authorized_keys of the account the tunnel logs in as:\n");
    printf("restrict,command=\"%s serve --user %s\" %s\n", n > 0 ? self : "/usr/sbin/pppssh", name,
           pub);
    printf("# and in the server's /etc/pppssh/server.conf (Address = to give it a fixed one):\n");
    printf("[User %s]\n", name);
}

static bool server_ok(const char *s)
{
    if (!*s || *s == '-')
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || *s == 0x7f)
            return false;
    return true;
}

int cmd_keygen(int argc, char **argv)
{
    const char *server = NULL;
    if (argc == 4 && strcmp(argv[2], "--server") == 0 && server_ok(argv[3]))
        server = argv[3];
    else if (argc != 2 || argv[1][0] == '-') {
        fprintf(stderr, "Usage: pppssh keygen NAME [--server USER@HOST]\n");
        return RUN_EXIT_CONFIG;
    }
    struct keygen_paths p;
    if (make_paths(argv[1], &p) < 0)
        return RUN_EXIT_CONFIG;
    if (refuse_existing(p.key) || refuse_existing(p.pub) || (server && refuse_existing(p.conf)))
        return RUN_EXIT_CONFIG;
    if (mkdir(CONFIG_DIR, 0755) < 0 && errno != EEXIST) {
        fprintf(stderr, "pppssh keygen: cannot create %s: %s\n", CONFIG_DIR, strerror(errno));
        return RUN_EXIT_FATAL;
    }
    char pub[1024];
    if (run_ssh_keygen(argv[1], p.key) < 0 || chmod(p.key, 0600) < 0 ||
        read_line(p.pub, pub, sizeof(pub)) < 0)
        return RUN_EXIT_FATAL;
    if (server && write_conf(&p, server) < 0)
        return RUN_EXIT_FATAL;
    printf("# %s written%s%s\n", p.key, server ? ", and " : "", server ? p.conf : "");
    if (server)
        printf("# check the server's host key: ssh-keyscan -t ed25519 %s >>%s\n",
               strchr(server, '@') ? strchr(server, '@') + 1 : server, KNOWN_HOSTS);
    print_server_lines(argv[1], pub);
    return 0;
}
