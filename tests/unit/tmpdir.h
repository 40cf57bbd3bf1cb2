/*
 * tmpdir.h - a fresh directory under /tmp for tests of code that writes
 * files (pid files, leases, hook scripts): cmocka group setup/teardown
 * and files in it.  Header-only; include it once, after <cmocka.h>.
 */
#ifndef TMPDIR_H
#define TMPDIR_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[64];

/* cmocka setup: a new, empty tmpdir. */
static inline int tmpdir_make(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/pppssh-unit-test.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

/* cmocka teardown: tmpdir and everything in it. */
static inline int tmpdir_remove(void **state)
{
    char cmd[128];
    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd);
}

/* buf = tmpdir/name. */
static inline void tmpdir_path(char *buf, size_t size, const char *name)
{
    snprintf(buf, size, "%s/%s", tmpdir, name);
}

/* tmpdir/name's text into buf (at most size - 1 bytes, NUL-terminated);
 * false if there is no such file. */
static inline bool tmpdir_read(const char *name, char *buf, size_t size)
{
    char path[256];
    tmpdir_path(path, sizeof(path), name);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
    return true;
}

/* tmpdir/name holds text (created or replaced). */
static inline void tmpdir_write(const char *name, const char *text)
{
    char path[256];
    tmpdir_path(path, sizeof(path), name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* tmpdir/name is an executable shell script running body, its path in
 * path; tmpdir/name.out is removed (the fake tools of the tests write
 * what they were given there, as "$0.out"). */
static inline void tmpdir_script(char *path, size_t size, const char *name, const char *body)
{
    char out[256];
    tmpdir_path(path, size, name);
    snprintf(out, sizeof(out), "%s/%s.out", tmpdir, name);
    unlink(out);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
}

/* A fresh directory that is also the run directory (leases, sockets):
 * a group setup for the tests of serve's admission and leases. */
static inline int tmpdir_make_run_dir(void **state)
{
    tmpdir_make(state);
    setenv("PPPSSH_RUN_DIR", tmpdir, 1);
    return 0;
}

#endif
