/*
 * lease.c - address leases as locked files.
 */
#include "lease.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "strictmodes.h"

#define POOL_MAX 65536 /* addresses scanned at most */

/* Whoever can write the lease directory or one above it decides who gets
 * which address: it must pass sshd's StrictModes (checked once per
 * directory name and process: every lease path goes through here). */
static int lease_dir(char *buf, size_t size, char *err, size_t errlen)
{
    static char checked[256];
    int r = control_make_run_dir(err, errlen);
    if (r < 0)
        return r;
    snprintf(buf, size, "%s/leases", control_run_dir());
    if (strcmp(buf, checked) == 0)
        return 0;
    if (mkdir(buf, 0700) < 0 && errno != EEXIST) {
        r = -errno;
        snprintf(err, errlen, "cannot create %s: %s", buf, strerror(-r));
        return r;
    }
    struct stat st;
    if (lstat(buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s: not a directory (a symbolic link?)", buf);
        return -ENOTDIR;
    }
    r = strictmodes_check(buf, geteuid(), err, errlen);
    if (r == 0)
        snprintf(checked, sizeof(checked), "%s", buf);
    return r;
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
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return;
    ssize_t n = read(fd, user, size - 1);
    close(fd);
    user[n > 0 ? n : 0] = 0;
    user[strcspn(user, "\n")] = 0;
}

/* Field 22 of /proc/PID/stat, 0 if unreadable; *state gets field 3. */
static unsigned long long proc_start_time(pid_t pid, char *state)
{
    char path[64], buf[1024];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the name (field 2) may hold spaces */
    if (!p || p[1] != ' ')
        return 0;
    if (state)
        *state = p[2];
    p += 2;
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p)
            p++;
    }
    return p ? strtoull(p, NULL, 10) : 0;
}

/* "user\nPID START\nifname\n" (lease.h), rewritten under our lock. */
static int write_record(int fd, const char *user, pid_t holder, const char *ifname)
{
    char text[256];
    int len = snprintf(text, sizeof(text), "%s\n%d %llu\n%s\n", user, (int)holder,
                       proc_start_time(holder, NULL), ifname);
    if (len < 0 || (size_t)len >= sizeof(text))
        return -ENAMETOOLONG;
    if (ftruncate(fd, 0) < 0 || pwrite(fd, text, (size_t)len, 0) != len)
        return -errno;
    return 0;
}

/* Opens and locks; -EBUSY if another session holds it. */
static int try_lock(const char *path, const char *user)
{
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return -errno;
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        close(fd);
        return e == EWOULDBLOCK ? -EBUSY : -e;
    }
    if (write_record(fd, user, getpid(), "") < 0) {
        /* the record is a preference for next time and a hint for a
         * successor: not fatal */
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
    } else if (r == -ELOOP) {
        snprintf(err, errlen, "%s is a symbolic link: refused", path);
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

int lease_note_session(int fd, pid_t holder, const char *ifname)
{
    char text[256];
    ssize_t n = pread(fd, text, sizeof(text) - 1, 0);
    text[n > 0 ? n : 0] = 0;
    text[strcspn(text, "\n")] = 0;
    return write_record(fd, text, holder, ifname);
}

int lease_note_interface(int fd, const char *ifname)
{
    return lease_note_session(fd, getpid(), ifname);
}

int lease_read_holder(struct in_addr addr, struct lease_holder *h)
{
    char path[512], err[256], text[512];
    memset(h, 0, sizeof(*h));
    int r = lease_path(addr, path, sizeof(path), err, sizeof(err));
    if (r < 0)
        return r;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return -errno;
    ssize_t n = read(fd, text, sizeof(text) - 1);
    close(fd);
    text[n > 0 ? n : 0] = 0;
    char *line2 = strchr(text, '\n');
    size_t ulen = line2 ? (size_t)(line2 - text) : strlen(text);
    snprintf(h->user, sizeof(h->user), "%.*s", (int)ulen, text);
    if (!line2)
        return 0;
    int pid = 0;
    if (sscanf(line2 + 1, "%d %llu", &pid, &h->start_time) == 2 && pid > 0)
        h->pid = pid;
    char *line3 = strchr(line2 + 1, '\n');
    if (line3) {
        line3++;
        size_t ilen = strcspn(line3, "\n");
        if (ilen < IFNAMSIZ)
            snprintf(h->ifname, sizeof(h->ifname), "%.*s", (int)ilen, line3);
    }
    return 0;
}

static int held_at(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return errno == ENOENT ? 0 : -errno;
    int held = 0;
    if (flock(fd, LOCK_SH | LOCK_NB) < 0)
        held = errno == EWOULDBLOCK ? 1 : -errno;
    close(fd); /* drops our shared probe lock, if we got it */
    return held;
}

int lease_is_held(struct in_addr addr)
{
    char path[512], err[256];
    int r = lease_path(addr, path, sizeof(path), err, sizeof(err));
    return r < 0 ? r : held_at(path);
}

/* The holders of user's leases in first..last, oldest first. */
struct held {
    struct in_addr addr;
    unsigned long long start_time;
};

static int older_first(const void *a, const void *b)
{
    const struct held *x = a, *y = b;
    return x->start_time < y->start_time ? -1 : x->start_time > y->start_time;
}

size_t lease_list_held(struct in_addr first, struct in_addr last, const char *user,
                       struct in_addr *out, size_t max)
{
    enum { MAX_HELD = 64 };
    struct held found[MAX_HELD];
    size_t n = 0, total = 0;
    uint32_t lo = ntohl(first.s_addr), hi = ntohl(last.s_addr);
    for (uint32_t a = lo; a <= hi && a - lo < POOL_MAX; a++) {
        struct in_addr candidate = {.s_addr = htonl(a)};
        char path[512], err[256], holder[64];
        if (lease_path(candidate, path, sizeof(path), err, sizeof(err)) == 0) {
            last_user(path, holder, sizeof(holder));
            if (strcmp(holder, user) == 0 && held_at(path) == 1) {
                struct lease_holder h;
                total++;
                if (n < MAX_HELD && lease_read_holder(candidate, &h) == 0)
                    found[n++] = (struct held){candidate, h.start_time};
            }
        }
        if (a == UINT32_MAX)
            break;
    }
    qsort(found, n, sizeof(found[0]), older_first);
    for (size_t i = 0; i < n && i < max; i++)
        out[i] = found[i].addr;
    return total;
}

int lease_find_held(struct in_addr first, struct in_addr last, const char *user,
                    struct in_addr *addr)
{
    return lease_list_held(first, last, user, addr, 1) > 0;
}

int lease_lock_user(const char *user, int timeout_ms, char *err, size_t errlen)
{
    char dir[256], path[512];
    if (!*user || strchr(user, '/')) {
        snprintf(err, errlen, "bad user name '%s'", user);
        return -EINVAL;
    }
    int r = lease_dir(dir, sizeof(dir), err, errlen);
    if (r < 0)
        return r;
    snprintf(path, sizeof(path), "%s/user-%s.lock", dir, user);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        r = -errno;
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(-r));
        return r;
    }
    /* flock has no timeout: poll, bounded (a takeover inside the lock
     * takes at most TAKEOVER_TERM_MS + TAKEOVER_KILL_MS). */
    for (int waited = 0;; waited += 20) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return fd;
        r = errno == EWOULDBLOCK ? -ETIMEDOUT : -errno;
        if (r != -ETIMEDOUT || waited >= timeout_ms)
            break;
        struct timespec ts = {0, 20 * 1000000};
        nanosleep(&ts, NULL);
    }
    snprintf(err, errlen, "%s: %s", path,
             r == -ETIMEDOUT ? "other sessions of this user keep it locked" : strerror(-r));
    close(fd);
    return r;
}

bool lease_holder_running(const struct lease_holder *h)
{
    char state = 0;
    if (h->pid <= 0)
        return false;
    unsigned long long start = proc_start_time(h->pid, &state);
    return start != 0 && start == h->start_time && state != 'Z' && state != 'X';
}

/* true if pid has the file at path open (same device and inode). */
static bool has_open(pid_t pid, const char *path)
{
    struct stat want;
    if (stat(path, &want) < 0)
        return false;
    char dir[64];
    snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
    DIR *d = opendir(dir);
    if (!d)
        return false;
    bool found = false;
    struct dirent *e;
    while (!found && (e = readdir(d)) != NULL) {
        struct stat st;
        if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, 0) == 0)
            found = st.st_dev == want.st_dev && st.st_ino == want.st_ino;
    }
    closedir(d);
    return found;
}

bool lease_holder_verified(struct in_addr addr, const struct lease_holder *h)
{
    char path[512], err[256];
    if (!lease_holder_running(h) || lease_path(addr, path, sizeof(path), err, sizeof(err)) < 0)
        return false;
    return has_open(h->pid, path);
}
