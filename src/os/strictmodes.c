/*
 * strictmodes.c - owner and mode of a trusted path and the directories
 * above it (sshd's StrictModes, see strictmodes.h).
 */
#include "strictmodes.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One path component: 0, or -EPERM with err set. */
static int check_one(const char *path, const struct stat *st, uid_t uid, bool above, char *err,
                     size_t errlen)
{
    if (st->st_uid != 0 && st->st_uid != uid) {
        snprintf(err, errlen, "%s: owned by uid %u, not by root%s", path, (unsigned)st->st_uid,
                 uid ? " or the user running pppssh" : "");
        return -EPERM;
    }
    if ((st->st_mode & (S_IWGRP | S_IWOTH)) == 0)
        return 0;
    /* /tmp: others may add entries but never replace ours. */
    if (above && S_ISDIR(st->st_mode) && st->st_uid == 0 && (st->st_mode & S_ISVTX))
        return 0;
    snprintf(err, errlen, "%s: writable by group or others (chmod go-w %s)", path, path);
    return -EPERM;
}

int strictmodes_check(const char *path, uid_t uid, char *err, size_t errlen)
{
    char real[PATH_MAX];
    if (!realpath(path, real)) {
        int e = errno;
        snprintf(err, errlen, "%s: %s", path, strerror(e));
        return -e;
    }
    bool above = false;
    for (;;) {
        struct stat st;
        if (stat(real, &st) < 0) {
            int e = errno;
            snprintf(err, errlen, "%s: %s", real, strerror(e));
            return -e;
        }
        int r = check_one(real, &st, uid, above, err, errlen);
        if (r < 0)
            return r;
        if (strcmp(real, "/") == 0)
            return 0;
        char *slash = strrchr(real, '/');
        if (slash == real)
            slash[1] = '\0'; /* "/etc" -> "/" */
        else
            *slash = '\0';
        above = true;
    }
}
