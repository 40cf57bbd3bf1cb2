/*
 * lease.h - tunnel addresses held by live `pppssh serve` sessions.
 *
 * Each address in use has a file RUN_DIR/leases/A.B.C.D (opened with
 * O_NOFOLLOW, in a directory that passes strictmodes.h) locked with
 * flock(LOCK_EX) by the session that holds it; the lock dies with the
 * process, so a crashed session never leaks its address.  The file keeps
 * the name of the last user, so the pool gives a returning user the same
 * address again when it is free (stable assignment).
 *
 * File format, one item a line: the user; "PID START" of the holder (START
 * = its start time, field 22 of /proc/PID/stat, so a reused pid is never
 * mistaken for it); the interface name once known ("" before).  Only the
 * holder writes it, under its lock.
 */
#ifndef PPPSSH_RUN_LEASE_H
#define PPPSSH_RUN_LEASE_H

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Who holds (or last held) a lease, as its file says. */
struct lease_holder {
    char user[64];
    pid_t pid;                     /* 0 if not recorded */
    unsigned long long start_time; /* of pid, in clock ticks since boot */
    char ifname[IFNAMSIZ];         /* "" if not recorded */
};

/* Locks addr for user; returns the lock fd (keep it open for the session)
 * or -EBUSY (err: "address ... is in use by another session") / -errno. */
int lease_take(struct in_addr addr, const char *user, char *err, size_t errlen);

/* Picks an address in first..last (inclusive, host order compare) not in
 * skip[] (static addresses) and not locked: first one last held by user,
 * else one never leased, else any free one.  Returns the lock fd and sets
 * *addr, or -ENOSPC (err: "address pool ... is exhausted") / -errno. */
int lease_from_pool(struct in_addr first, struct in_addr last, const struct in_addr *skip,
                    size_t n_skip, const char *user, struct in_addr *addr, char *err,
                    size_t errlen);

/* Records our interface name in the lease we hold (fd from lease_take /
 * lease_from_pool), for a successor that must clean up after us.  0 or -errno. */
int lease_note_interface(int fd, const char *ifname);

/* The same for a session pppssh helper admitted: holder is the session's
 * process (it gets a copy of fd, so that a takeover can verify it). */
int lease_note_session(int fd, pid_t holder, const char *ifname);

/* Reads addr's lease file.  0, -ENOENT (never leased) or -errno. */
int lease_read_holder(struct in_addr addr, struct lease_holder *h);

/* 1 if some process holds addr's lock now, 0 if it is free, -errno. */
int lease_is_held(struct in_addr addr);

/* The first address in first..last whose lease is held now by user:
 * 1 and *addr set, or 0 if none (a stale session to take over). */
int lease_find_held(struct in_addr first, struct in_addr last, const char *user,
                    struct in_addr *addr);

/* How many addresses in first..last user's sessions hold now; the first
 * max of them (at most 64), oldest holder first, into out. */
size_t lease_list_held(struct in_addr first, struct in_addr last, const char *user,
                       struct in_addr *out, size_t max);

/*
 * Serialises finding and taking the leases of one user's sessions, so that
 * two sessions starting together cannot both see "nothing held" and take
 * two addresses: an exclusive flock on RUN_DIR/leases/user-USER.lock,
 * waited for up to timeout_ms.  Returns the fd (close it to unlock) or
 * -ETIMEDOUT / -errno with err set.
 */
int lease_lock_user(const char *user, int timeout_ms, char *err, size_t errlen);

/*
 * true only if h->pid is a live process (not a zombie) started at
 * h->start_time that has addr's lease file open: the process the lock
 * belongs to, so signalling it cannot hit an unrelated one.
 */
bool lease_holder_verified(struct in_addr addr, const struct lease_holder *h);

/* false once h->pid has exited (gone, zombie, or the pid reused). */
bool lease_holder_running(const struct lease_holder *h);

#endif
