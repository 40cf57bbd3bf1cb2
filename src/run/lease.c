/*
 * lease.c - address leases as locked files.
 */
#include "lease.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "control.h"

#define POOL_MAX 65536 /* addresses scanned at most */

static int lease_dir(char *buf, size_t size, char *err, size_t errlen)
{
    int r = control_make_run_dir(err, errlen);
    if (r < 0)
        return r;
    snprintf(buf, size, "%s/leases", control_run_dir());
    if (mkdir(buf, 0700) < 0 && errno != EEXIST) {
        r = -errno;
        snprintf(err, errlen, "cannot create %s: %s", buf, strerror(-r));
        return r;
    }
    return 0;
}

static int lease_path(struct in_addr addr, char *buf, size_t size, char *err, size_t errlen)
{
    char dir[256], text[INET_ADDRSTRLEN];
    int r = lease_dir(dir, sizeof(dir), err, errlen);
    if (r < 0)
        return r;
    inet_ntop(AF_INET, &addr, text, sizeof(text));
    snprintf(buf, size, "%s/%s", dir, text);
    return 0;
}

/* The user recorded in a lease file ("" if none or unreadable). */
static void last_user(const char *path, char *user, size_t size)
{
    user[0] = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t n = read(fd, user, size - 1);
    close(fd);
    user[n > 0 ? n : 0] = 0;
    user[strcspn(user, "\n")] = 0;
}

/* Opens and locks; -EBUSY if another session holds it. */
static int try_lock(const char *path, const char *user)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        close(fd);
        return e == EWOULDBLOCK ? -EBUSY : -e;
    }
    if (ftruncate(fd, 0) == 0 && write(fd, user, strlen(user)) < 0) {
        /* the name is only a preference for next time: not fatal */
    }
    return fd;
}

int lease_take(struct in_addr addr, const char *user, char *err, size_t errlen)
{
    char path[512], text[INET_ADDRSTRLEN];
    int r = lease_path(addr, path, sizeof(path), err, errlen);
    if (r < 0)
        return r;
    r = try_lock(path, user);
    if (r == -EBUSY) {
        char holder[64];
        last_user(path, holder, sizeof(holder));
        snprintf(err, errlen, "address %s is in use by another session (user %s)",
                 inet_ntop(AF_INET, &addr, text, sizeof(text)), holder);
    } else if (r < 0) {
        snprintf(err, errlen, "cannot lock %s: %s", path, strerror(-r));
    }
    return r;
}

static bool skipped(uint32_t a, const struct in_addr *skip, size_t n_skip)
{
    for (size_t i = 0; i < n_skip; i++)
        if (ntohl(skip[i].s_addr) == a)
            return true;
    return false;
}

/* pass 0: leases last held by user; 1: never leased; 2: any free. */
static int scan(uint32_t first, uint32_t last, const struct in_addr *skip, size_t n_skip,
                const char *user, int pass, struct in_addr *addr, char *err, size_t errlen)
{
    for (uint32_t a = first; a <= last && a - first < POOL_MAX; a++) {
        struct in_addr candidate = {.s_addr = htonl(a)};
        char path[512], holder[64];
        if (skipped(a, skip, n_skip) || lease_path(candidate, path, sizeof(path), err, errlen) < 0)
            continue;
        bool exists = access(path, F_OK) == 0;
        last_user(path, holder, sizeof(holder));
        if ((pass == 0 && strcmp(holder, user) != 0) || (pass == 1 && exists))
            continue;
        int fd = try_lock(path, user);
        if (fd >= 0) {
            *addr = candidate;
            return fd;
        }
        if (a == UINT32_MAX)
            break;
    }
    return -ENOSPC;
}

int lease_from_pool(struct in_addr first, struct in_addr last, const struct in_addr *skip,
                    size_t n_skip, const char *user, struct in_addr *addr, char *err, size_t errlen)
{
    uint32_t lo = ntohl(first.s_addr), hi = ntohl(last.s_addr);
    for (int pass = 0; pass < 3; pass++) {
        int fd = scan(lo, hi, skip, n_skip, user, pass, addr, err, errlen);
        if (fd >= 0)
            return fd;
    }
    char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
    snprintf(err, errlen, "address pool %s-%s is exhausted",
             inet_ntop(AF_INET, &first, a, sizeof(a)), inet_ntop(AF_INET, &last, b, sizeof(b)));
    return -ENOSPC;
}
