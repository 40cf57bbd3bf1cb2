/*
 * serve_split.c - a privileged `pppssh serve` as a one-session helper and
 * an unprivileged session (serve_split.h).
 */
#include "serve_split.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errtext.h"
#include "helper.h"
#include "sandbox.h"

/* Looked up before the fork: a missing account is the administrator's to
 * hear of, in the session's error, not a child that dies quietly.  A serve
 * that is not root (CAP_NET_ADMIN alone) cannot change its uid: the
 * session keeps the account's own, with every capability dropped. */
int split_account_find(const char *want, const char *key, struct split_account *a, char *err,
                       size_t errlen)
{
    if (geteuid() != 0) {
        struct passwd *self = getpwuid(getuid());
        a->uid = getuid();
        a->gid = getgid();
        snprintf(a->name, sizeof(a->name), "%s", self ? self->pw_name : "");
        return 0;
    }
    const char *name = want && *want ? want : SERVE_SPLIT_ACCOUNT;
    struct passwd *pw = getpwnam(name);
    if (!pw && !(want && *want)) {
        name = SERVE_SPLIT_FALLBACK;
        pw = getpwnam(name);
    }
    if (!pw)
        return errtext_set(-ENOENT, err, errlen,
                           "no account %s for the session to run as (%s)", name, key);
    if (pw->pw_uid == 0)
        return errtext_set(-EINVAL, err, errlen,
                           "%s %s is root: the session must not be", key, name);
    a->uid = pw->pw_uid;
    a->gid = pw->pw_gid;
    snprintf(a->name, sizeof(a->name), "%s", pw->pw_name);
    return 0;
}

/* The parent never reads the client's bytes: the stream is the child's. */
static void give_up_stream(void)
{
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0)
        return;
    dup2(null, STDIN_FILENO);
    dup2(null, STDOUT_FILENO);
    close(null);
}

int serve_split(const char *config_path, const char *account, const struct admission_request *fixed,
                int *sock, int *status, char *err, size_t errlen)
{
    struct split_account a;
    sigset_t forwarded, old;
    int sv[2];
    if (split_account_find(account, "[Server] SessionUser", &a, err, errlen) < 0)
        return -1;
    /* Blocked before the fork: a TERM that comes before the parent
     * listens for it still reaches the session. */
    sigemptyset(&forwarded);
    sigaddset(&forwarded, SIGTERM);
    sigaddset(&forwarded, SIGINT);
    sigaddset(&forwarded, SIGHUP);
    sigaddset(&forwarded, SIGCHLD);
    sigprocmask(SIG_BLOCK, &forwarded, &old);
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        sigprocmask(SIG_SETMASK, &old, NULL);
        return errtext_set(-errno, err, errlen, "socketpair: %s", strerror(errno));
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return errtext_set(-e, err, errlen, "fork: %s", strerror(e));
    }
    if (pid == 0) {
        close(sv[0]);
        sigprocmask(SIG_SETMASK, &old, NULL);
        if (sandbox_drop_privileges(a.uid, a.gid, a.name, err, errlen) < 0)
            return -1;
        *sock = sv[1];
        return SERVE_SPLIT_SESSION;
    }
    close(sv[1]);
    fcntl(sv[0], F_SETFL, O_NONBLOCK); /* a session that does not read is not waited for */
    give_up_stream();
    *status = helper_serve_one(sv[0], pid, config_path, fixed, &forwarded);
    return SERVE_SPLIT_PARENT;
}

/* dir made (or found) as root, a real directory (not a link) owned by
 * uid:gid with mode. */
static int owned_dir(const char *dir, uid_t uid, gid_t gid, mode_t mode, char *err, size_t errlen)
{
    struct stat st;
    if (mkdir(dir, mode) < 0 && errno != EEXIST)
        return errtext_set(-errno, err, errlen, "cannot make %s: %s", dir, strerror(errno));
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
        return errtext_set(-ENOTDIR, err, errlen, "%s is not a directory", dir);
    if (lchown(dir, uid, gid) < 0 || chmod(dir, mode) < 0)
        return errtext_set(-errno, err, errlen, "cannot give %s to uid %u: %s", dir,
                           (unsigned)uid, strerror(errno));
    return 0;
}

int serve_split_userspace(const char *account, const char *run_dir, const char *vpn_user,
                          char *err, size_t errlen)
{
    struct split_account a;
    char dir[256], user_dir[256];
    if (split_account_find(account, "[Server] SessionUser", &a, err, errlen) < 0)
        return -1;
    /* The name becomes a path component: nothing that could leave dir. */
    if (!*vpn_user || *vpn_user == '.' || strchr(vpn_user, '/'))
        return errtext_set(-EINVAL, err, errlen, "user name '%s' cannot name a directory",
                           vpn_user);
    if (snprintf(dir, sizeof(dir), "%s/userspace", run_dir) >= (int)sizeof(dir) ||
        snprintf(user_dir, sizeof(user_dir), "%s/%s", dir, vpn_user) >= (int)sizeof(user_dir))
        return errtext_set(-ENAMETOOLONG, err, errlen, "the run directory's name is too long");
    if (mkdir(run_dir, 0711) < 0 && errno != EEXIST) /* an existing one is left as it is */
        return errtext_set(-errno, err, errlen, "cannot make %s: %s", run_dir, strerror(errno));
    if (owned_dir(dir, 0, 0, 0711, err, errlen) < 0 ||
        owned_dir(user_dir, a.uid, a.gid, 0700, err, errlen) < 0)
        return -1;
    if (setenv("XDG_RUNTIME_DIR", user_dir, 1) < 0)
        return errtext_set(-errno, err, errlen, "setenv: %s", strerror(errno));
    return sandbox_drop_privileges(a.uid, a.gid, a.name, err, errlen);
}
