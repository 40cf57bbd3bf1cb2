/*
 * child.h - running the transport child (ssh, or a `Command` line) with
 * its stdin/stdout on one descriptor we keep and its stderr on a pipe we
 * read, so that its error lines can be classified (see ssh.h).
 */
#ifndef PPPSSH_OS_CHILD_H
#define PPPSSH_OS_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define SPAWN_GROUPS_MAX 64

/* An account the child becomes before exec (pppssh.conf(5) User): its
 * groups, gid and uid, and HOME, USER and LOGNAME naming it.  Looked up
 * before the fork (spawn_account_find), so the child only calls set*id. */
struct spawn_account {
    uid_t uid;
    gid_t gid;
    gid_t groups[SPAWN_GROUPS_MAX];
    int n_groups;
    char name[64];
    char home[256];
};

/* Fills a from the password and group files: 0, or -ENOENT (no such
 * account) / -E2BIG (more groups than SPAWN_GROUPS_MAX: the first kept). */
int spawn_account_find(const char *name, struct spawn_account *a);

struct spawn_request {
    /* Exactly one of argv (NULL-terminated, argv[0] searched in PATH) and
     * shell_command (run as `/bin/sh -c shell_command`). */
    const char *const *argv;
    const char *shell_command;
    /* false: stdin/stdout are one end of a socketpair.  true: they are a
     * pty slave in raw mode that is the child's controlling terminal
     * (for children that insist on a tty). */
    bool use_pty;
    /* NULL: the child runs as we do.  Else it becomes that account (only
     * a process that is root can start one as another account). */
    const struct spawn_account *account;
};

struct spawn_child {
    pid_t pid;
    int io_fd;     /* our end: socketpair end or pty master; non-blocking, cloexec */
    int stderr_fd; /* read end of the child's stderr pipe; non-blocking, cloexec */
};

/*
 * Starts the child in its own session (so its own process group, and a
 * terminal signal for us never reaches it), with PR_SET_PDEATHSIG SIGTERM
 * so it dies with us, and no descriptor of ours but its three stdio.
 * Returns 0 once the program is executing, or -errno with err set when it
 * could not be started at all (e.g. "cannot run 'ssh': No such file or
 * directory"): exec failure is reported through a close-on-exec pipe, so a
 * 0 return means exec succeeded.  On failure nothing is left open or running.
 */
int spawn_start(const struct spawn_request *req, struct spawn_child *child, char *err,
                size_t errlen);

/*
 * Non-blocking reap.  Returns 1 and *status (as from waitpid) if the child
 * has exited, 0 if it is still running, -errno on error (-ECHILD: not our
 * child or already reaped).
 */
int spawn_reap(pid_t pid, int *status);

/*
 * Stops the child: SIGTERM to its process group, waits up to timeout_ms
 * for it to exit, then SIGKILL and reaps it.  Returns 0 with *status set
 * (status may be NULL), or -errno.  A child already gone is 0.
 */
int spawn_terminate(pid_t pid, int timeout_ms, int *status);

/* Closes the descriptors of a child (io_fd, stderr_fd; -1 ones skipped)
 * and sets them to -1. */
void spawn_close(struct spawn_child *child);

/* One line describing a wait status: "exited with status 255",
 * "killed by signal 9 (Killed)". */
const char *spawn_describe_status(int status, char *buf, size_t size);

/* ---- helper programs: hooks and resolvers ---- */

#define CHILD_EXIT_CANNOT_RUN 126 /* the helper's exec failed (the shell's number) */
#define CHILD_INPUT_MAX 4096      /* what fits in a pipe before the fork */

struct child_program {
    const char *path;  /* run as is, not searched in PATH */
    char *const *argv; /* NULL-terminated */
    char *const *envp; /* NULL: ours */
    const char *input; /* NULL: stdin is /dev/null; else written to its stdin */
};

/*
 * Starts a helper in its own process group, with default signals, stdout
 * and stderr on /dev/null and no descriptor of ours: the pid, or -errno
 * with err set.  Never waits: the caller reaps it (spawn_reap) and kills
 * it (child_program_kill) when its time is up.  An exec failure is the
 * helper's exit status CHILD_EXIT_CANNOT_RUN.
 */
pid_t child_program_start(const struct child_program *prog, char *err, size_t errlen);
/* SIGKILL to its process group, then reap it. */
void child_program_kill(pid_t pid);
/* Blocking use, where nothing else waits: up to timeout_ms for the exit
 * (1, *status set), else killed (0); -errno if it cannot be waited for. */
int child_program_wait(pid_t pid, int timeout_ms, int *status);

#endif
