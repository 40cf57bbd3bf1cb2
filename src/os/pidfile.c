/*
 * pidfile.c - a locked pid file: the flock says who runs, the number says who.
 */
#include "pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define READ_RETRIES 50 /* x 2 ms: a holder that has locked but not yet written */

static int pid_path(const char *dir, const char *name, char *buf, size_t size)
{
    if ((size_t)snprintf(buf, size, "%s/%s.pid", dir, name) >= size)
        return -ENAMETOOLONG;
    return 0;
}

/* The number in an open pid file, 0 if none yet. */
static pid_t read_pid(int fd)
{
    char text[32];
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
    if (n <= 0)
        return 0;
    text[n] = 0;
    long v = strtol(text, NULL, 10);
    return v > 0 && v < (1L << 22) * 1024 ? (pid_t)v : 0;
}

/* The pid of whoever holds fd's lock (it is held): its number, once written. */
static pid_t holder_pid(int fd)
{
    for (int i = 0; i < READ_RETRIES; i++) {
        pid_t pid = read_pid(fd);
        if (pid > 0)
            return pid;
        struct timespec ts = {0, 2 * 1000000};
        nanosleep(&ts, NULL);
    }
    return 0;
}

static int write_pid(int fd, pid_t pid)
{
    char text[32];
    int len = snprintf(text, sizeof(text), "%d\n", (int)pid);
    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)len, 0) != len)
        return -errno;
    return 0;
}

/* LOCK_EX, retried for a moment: pidfile_running() holds a shared lock
 * for the instant it looks, which must not read as "running". */
static int lock_briefly(int fd)
{
    for (int i = 0; i < 5; i++) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if (errno != EWOULDBLOCK)
            return -1;
        struct timespec ts = {0, 2 * 1000000};
        nanosleep(&ts, NULL);
    }
    errno = EWOULDBLOCK;
    return -1;
}

/* true if path still names the inode fd has open (not unlinked or replaced
 * by a remover between our open and our lock). */
static bool same_file(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

int pidfile_create(struct pidfile *pf, const char *dir, const char *name, char *err, size_t errlen)
{
    pf->fd = -1;
    pf->path[0] = 0;
    if (pid_path(dir, name, pf->path, sizeof(pf->path)) < 0) {
        snprintf(err, errlen, "pid file name for %s is too long", name);
        return -ENAMETOOLONG;
    }
    for (int attempt = 0; attempt < 10; attempt++) {
        /* 0600: another account that could open it could hold its lock. */
        int fd = open(pf->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
        if (fd < 0) {
            int e = errno;
            snprintf(err, errlen, "cannot create %s: %s", pf->path, strerror(e));
            pf->path[0] = 0;
            return -e;
        }
        if (lock_briefly(fd) < 0) {
            int e = errno;
            pid_t pid = e == EWOULDBLOCK ? holder_pid(fd) : 0;
            close(fd);
            if (e != EWOULDBLOCK) {
                snprintf(err, errlen, "cannot lock %s: %s", pf->path, strerror(e));
                pf->path[0] = 0;
                return -e;
            }
            snprintf(err, errlen, "tunnel %s is already running (pid %d)", name, (int)pid);
            pf->path[0] = 0;
            return -EEXIST;
        }
        if (!same_file(fd, pf->path)) {
            close(fd); /* removed under us by the previous owner: start again */
            continue;
        }
        int r = write_pid(fd, getpid());
        if (r < 0) {
            close(fd);
            snprintf(err, errlen, "cannot write %s: %s", pf->path, strerror(-r));
            pf->path[0] = 0;
            return r;
        }
        pf->fd = fd;
        return 0;
    }
    snprintf(err, errlen, "cannot create %s: it keeps being replaced", pf->path);
    pf->path[0] = 0;
    return -EAGAIN;
}

pid_t pidfile_running(const char *dir, const char *name)
{
    char path[256];
    if (pid_path(dir, name, path, sizeof(path)) < 0)
        return -ENAMETOOLONG;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : -errno;
    pid_t pid = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) < 0) {
        if (errno == EWOULDBLOCK)
            pid = holder_pid(fd);
        else
            pid = -errno;
    } /* else: nobody holds it, a stale file */
    close(fd);
    return pid;
}

int pidfile_update(struct pidfile *pf, pid_t pid)
{
    if (pf->fd < 0)
        return -EBADF;
    return write_pid(pf->fd, pid);
}

int pidfile_claim(struct pidfile *pf, const char *dir, const char *name, pid_t owner)
{
    pf->fd = -1;
    pf->path[0] = 0;
    if (pid_path(dir, name, pf->path, sizeof(pf->path)) < 0)
        return -ENAMETOOLONG;
    int fd = open(pf->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        int e = errno;
        pf->path[0] = 0;
        return -e;
    }
    bool ours = flock(fd, LOCK_EX | LOCK_NB) == 0 ? same_file(fd, pf->path)
                                                  : errno == EWOULDBLOCK && holder_pid(fd) == owner;
    if (!ours) {
        close(fd);
        pf->path[0] = 0;
        return -EEXIST;
    }
    pf->fd = fd;
    return 0;
}

void pidfile_remove(struct pidfile *pf)
{
    if (pf->fd < 0)
        return;
    /* Unlink while still holding the lock: a starter that opened the old
     * inode sees it is no longer the path's and starts again. */
    unlink(pf->path);
    close(pf->fd);
    pf->fd = -1;
    pf->path[0] = 0;
}
