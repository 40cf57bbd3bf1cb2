/* sandbox.c - dropping root and every capability for good (sandbox.h) */
#include "sandbox.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "errtext.h"

/* The bounding set limits what an execve() can ever grant (capabilities(7)).
 * Dropping from it needs CAP_SETPCAP, so this comes before the uid change;
 * a caller without it (not root) has nothing to drop that no_new_privs
 * would not already keep from it.  The last capability is found by trial:
 * PR_CAPBSET_READ fails with EINVAL past the kernel's last one. */
static int drop_bounding_set(char *err, size_t errlen)
{
    for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) >= 0; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
            continue;
        if (errno == EPERM && cap == 0)
            return 0; /* no CAP_SETPCAP: leave the set alone */
        return errtext_set(-errno, err, errlen,
                           "cannot drop capability %d from the bounding set: %s", cap,
                           strerror(errno));
    }
    return 0;
}

/* Only root may set them; a process that is not root keeps its own
 * user's, which are all it can have. */
static int set_groups(gid_t gid, const char *user, char *err, size_t errlen)
{
    if (geteuid() != 0)
        return 0;
    int r = user ? initgroups(user, gid) : setgroups(0, NULL);
    if (r < 0)
        return errtext_set(-errno, err, errlen, "%s: %s", user ? "initgroups" : "setgroups",
                           strerror(errno));
    return 0;
}

static int set_ids(uid_t uid, gid_t gid, char *err, size_t errlen)
{
    if (setresgid(gid, gid, gid) < 0)
        return errtext_set(-errno, err, errlen, "setresgid(%u): %s", (unsigned)gid,
                           strerror(errno));
    if (setresuid(uid, uid, uid) < 0)
        return errtext_set(-errno, err, errlen, "setresuid(%u): %s", (unsigned)uid,
                           strerror(errno));
    return 0;
}

/* Leaving uid 0 already empties the permitted and effective sets unless
 * PR_SET_KEEPCAPS or a securebit says otherwise; emptying them ourselves
 * does not depend on how we were started.  Ambient first: capset() with an
 * empty permitted set would clear it too, but only on kernels that know it. */
static int clear_capabilities(char *err, size_t errlen)
{
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return errtext_set(-errno, err, errlen, "cannot clear the ambient capabilities: %s",
                           strerror(errno));
    struct __user_cap_header_struct hdr = {.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    memset(data, 0, sizeof(data));
    if (syscall(SYS_capset, &hdr, data) < 0)
        return errtext_set(-errno, err, errlen, "capset: %s", strerror(errno));
    return 0;
}

/* What must now be impossible: root again, by any of the three ids. */
static int check_dropped(uid_t uid, gid_t gid, char *err, size_t errlen)
{
    uid_t r, e, s;
    gid_t rg, eg, sg;
    if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0)
        return errtext_set(-errno, err, errlen, "getresuid: %s", strerror(errno));
    if (r != uid || e != uid || s != uid || rg != gid || eg != gid || sg != gid)
        return errtext_set(-EPERM, err, errlen, "the ids did not change to %u:%u", (unsigned)uid,
                           (unsigned)gid);
    if (setuid(0) == 0 || (gid != 0 && setgid(0) == 0))
        return errtext_set(-EPERM, err, errlen, "root is still reachable after the drop");
    return 0;
}

int sandbox_drop_privileges(uid_t uid, gid_t gid, const char *user, char *err, size_t errlen)
{
    if (uid == 0)
        return errtext_set(-EINVAL, err, errlen, "will not drop privileges to uid 0");
    int r = drop_bounding_set(err, errlen);
    if (r == 0)
        r = set_groups(gid, user, err, errlen);
    if (r == 0)
        r = set_ids(uid, gid, err, errlen);
    if (r == 0)
        r = clear_capabilities(err, errlen);
    if (r == 0)
        r = check_dropped(uid, gid, err, errlen);
    if (r == 0 && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        r = errtext_set(-errno, err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
    return r;
}
