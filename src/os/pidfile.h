/*
 * pidfile.h - DIR/NAME.pid (/run/pppssh/NAME.pid) for one running tunnel.
 *
 * The file is created and flock(LOCK_EX)ed and keeps the lock for the life
 * of the process: the lock, not the number, says whether the tunnel runs,
 * so a pid reused by another process after a crash never blocks a start
 * (stale detection), and no two processes can both believe they own it
 * (the creator re-checks after locking that the path still names the
 * inode it locked, so a concurrent remove cannot split the lock).  The
 * number is written under the lock; a reader that finds the file locked
 * but still empty retries for a moment.
 */
#ifndef PPPSSH_OS_PIDFILE_H
#define PPPSSH_OS_PIDFILE_H

#include <stddef.h>
#include <sys/types.h>

struct pidfile {
    int fd; /* the locked file, -1 if none; cloexec */
    char path[256];
};

/*
 * Creates dir/name.pid holding our pid, locked.  A stale file (no lock
 * held) is replaced.  -EEXIST if a live process holds it (err: "tunnel
 * NAME is already running (pid N)"), other -errno with err set.
 */
int pidfile_create(struct pidfile *pf, const char *dir, const char *name, char *err, size_t errlen);

/*
 * The pid of the process running tunnel name, if one holds the lock;
 * 0 if none runs (no file, or a stale one), -errno on error.
 */
pid_t pidfile_running(const char *dir, const char *name);

/* Writes another pid (after a fork: the daemon's) into our locked file. */
int pidfile_update(struct pidfile *pf, pid_t pid);

/*
 * For the parent that removes an ended tunnel's name: takes dir/name.pid
 * into pf unless a process other than owner holds it (a tunnel of that
 * name started meanwhile).  0 (then pidfile_remove(pf) removes it),
 * -EEXIST if another process holds it, -ENOENT if there is none.
 */
int pidfile_claim(struct pidfile *pf, const char *dir, const char *name, pid_t owner);

/* Unlinks and closes it (on exit).  Safe on a pidfile never created. */
void pidfile_remove(struct pidfile *pf);

#endif
