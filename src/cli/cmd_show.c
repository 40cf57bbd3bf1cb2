/*
 * cmd_show.c - `pppssh show|dump|metrics [NAME|-c FILE]`: what every
 * running tunnel reports (or one), found by its control socket in the run
 * directory, asked with the "fields" request and printed by show_format.c.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "control.h"
#include "exitcode.h"
#include "show_format.h"

#define FIELDS_TIMEOUT_MS 5000
#define SHOW_MAX_TUNNELS 256

enum show_format { SHOW_BLOCKS, SHOW_DUMP, SHOW_JSON, SHOW_METRICS };

struct show_args {
    enum show_format format;
    const char *output; /* metrics --output FILE */
    char *name_argv[3]; /* the verb and NAME or -c FILE, for cli_tunnel_name() */
    int name_argc;
};

/* NAME's fields into fv; 0, or -errno with err set. */
static int ask(const char *name, struct field_values *fv, char *err, size_t errlen)
{
    int fd = memfd_create("pppssh-fields", MFD_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "memfd_create: %s", strerror(errno));
        return -errno;
    }
    char answer[FIELD_COUNT * (FIELD_VALUE_MAX + 24)];
    int r = control_request(name, "fields", fd, FIELDS_TIMEOUT_MS, err, errlen);
    ssize_t n = r == 0 ? pread(fd, answer, sizeof(answer) - 1, 0) : 0;
    answer[n > 0 ? n : 0] = 0;
    close(fd);
    if (r == 0)
        show_parse(answer, fv);
    return r;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct field_values *)a)->v[FIELD_TUNNEL],
                  ((const struct field_values *)b)->v[FIELD_TUNNEL]);
}

/* Every tunnel whose socket in the run directory answers (a stale
 * socket of a tunnel that died is skipped), sorted by name; -1 (said
 * why) if the directory cannot be read, 0 if there is none. */
static ssize_t ask_all(struct field_values *fv, size_t max)
{
    DIR *dir = opendir(control_run_dir());
    if (!dir && errno == ENOENT)
        return 0; /* no tunnel has run since boot */
    if (!dir) {
        fprintf(stderr, "pppssh: cannot read %s: %s\n", control_run_dir(), strerror(errno));
        return -1;
    }
    size_t n = 0;
    const struct dirent *e;
    while (n < max && (e = readdir(dir))) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || len >= CONFIG_NAME_MAX + 5 || strcmp(e->d_name + len - 5, ".sock") != 0)
            continue;
        char name[CONFIG_NAME_MAX], err[256];
        snprintf(name, sizeof(name), "%.*s", (int)(len - 5), e->d_name);
        if (ask(name, &fv[n], err, sizeof(err)) == 0)
            n++;
    }
    closedir(dir);
    qsort(fv, n, sizeof(fv[0]), by_name);
    return n;
}

static void print(FILE *out, enum show_format format, const struct field_values *fv, size_t n)
{
    if (format == SHOW_JSON)
        show_print_json(out, fv, n);
    else if (format == SHOW_METRICS)
        show_print_metrics(out, fv, n);
    for (size_t i = 0; i < n && format == SHOW_BLOCKS; i++) {
        if (i)
            fputc('\n', out);
        show_print_block(out, &fv[i]);
    }
    for (size_t i = 0; i < n && format == SHOW_DUMP; i++)
        show_print_dump(out, &fv[i]);
}

/* A node_exporter textfile collector reads the file at any moment: it
 * sees the old one or the new one, never half of one (rename(2)). */
static int write_atomically(const char *path, enum show_format format,
                            const struct field_values *fv, size_t n)
{
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!out) {
        fprintf(stderr, "pppssh metrics: cannot write %s: %s\n", tmp, strerror(errno));
        if (fd >= 0)
            close(fd);
        return RUN_EXIT_FATAL;
    }
    print(out, format, fv, n);
    bool ok = fchmod(fd, 0644) == 0 && fflush(out) == 0 && fsync(fd) == 0;
    ok = fclose(out) == 0 && ok;
    if (!ok || rename(tmp, path) < 0) {
        fprintf(stderr, "pppssh metrics: cannot write %s: %s\n", path, strerror(errno));
        unlink(tmp);
        return RUN_EXIT_FATAL;
    }
    return 0;
}

static int parse_args(int argc, char **argv, struct show_args *a)
{
    a->name_argv[0] = argv[0];
    a->name_argc = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0 && a->format != SHOW_METRICS)
            a->format = SHOW_JSON;
        else if (strcmp(argv[i], "--output") == 0 && a->format == SHOW_METRICS && i + 1 < argc)
            a->output = argv[++i];
        else if (strcmp(argv[i], "-c") == 0 && a->name_argc == 1 && i + 1 < argc) {
            a->name_argv[a->name_argc++] = argv[i];
            a->name_argv[a->name_argc++] = argv[++i];
        } else if (argv[i][0] != '-' && a->name_argc == 1)
            a->name_argv[a->name_argc++] = argv[i];
        else
            return -1;
    }
    return 0;
}

static int show(int argc, char **argv, enum show_format format)
{
    struct show_args a = {.format = format};
    if (parse_args(argc, argv, &a) < 0) {
        fprintf(stderr, "Usage: pppssh %s [NAME|-c FILE] %s\n", argv[0],
                format == SHOW_METRICS ? "[--output FILE]" : "[--json]");
        return RUN_EXIT_CONFIG;
    }
    static struct field_values fv[SHOW_MAX_TUNNELS];
    size_t n = 0;
    if (a.name_argc > 1) {
        char name[CONFIG_NAME_MAX], err[256];
        if (cli_tunnel_name(a.name_argc, a.name_argv, name, sizeof(name)) < 0)
            return RUN_EXIT_CONFIG;
        if (ask(name, &fv[0], err, sizeof(err)) < 0) {
            fprintf(stderr, "pppssh %s: %s\n", argv[0], err);
            return RUN_EXIT_FATAL;
        }
        n = 1;
    } else {
        ssize_t all = ask_all(fv, SHOW_MAX_TUNNELS);
        if (all < 0)
            return RUN_EXIT_FATAL;
        n = (size_t)all;
    }
    if (a.output)
        return write_atomically(a.output, a.format, fv, n);
    print(stdout, a.format, fv, n);
    return fflush(stdout) == 0 ? 0 : RUN_EXIT_FATAL;
}

int cmd_show(int argc, char **argv)
{
    return show(argc, argv, SHOW_BLOCKS);
}

int cmd_dump(int argc, char **argv)
{
    return show(argc, argv, SHOW_DUMP);
}

int cmd_metrics(int argc, char **argv)
{
    return show(argc, argv, SHOW_METRICS);
}
