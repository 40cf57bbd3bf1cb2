/*
 * sshd_parent.c - whether sshd started us, from /proc.
 */
#include "sshd_parent.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The parent of pid, from /proc, or 0. */
static pid_t parent_of(pid_t pid)
{
    char path[64], line[512];
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    char *ok = fgets(line, sizeof(line), f);
    fclose(f);
    const char *close_paren = ok ? strrchr(line, ')') : NULL; /* comm may hold spaces */
    int ppid = 0;
    if (!close_paren || sscanf(close_paren + 1, " %*c %d", &ppid) != 1)
        return 0;
    return (pid_t)ppid;
}

static bool is_sshd(pid_t pid)
{
    char path[64], comm[32] = "";
    snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return false;
    bool ok = fgets(comm, sizeof(comm), f) != NULL;
    fclose(f);
    return ok && strncmp(comm, "sshd", 4) == 0;
}

/* SSH_CONNECTION names our session's connection only when sshd started
 * us (directly or through the user's shell): a serve run from a login
 * shell inherits it from a session it has nothing to do with. */
bool sshd_started_us(void)
{
    pid_t parent = getppid();
    return is_sshd(parent) || is_sshd(parent_of(parent));
}
