/*
 * takeover.c - ending a stale session of the same user and taking its lease.
 */
#include "takeover.h"

#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "lease.h"
#include "log.h"
#include "netlink.h"
#include "proxyarp.h"

#define POLL_MS 20

/* Waits until the holder has exited (so its descriptors, TUN included,
 * are closed) and the lock is free: then takes it.  The fd or -ETIMEDOUT. */
static int wait_and_take(struct in_addr addr, const char *user, const struct lease_holder *h,
                         int timeout_ms)
{
    char err[256];
    long long deadline = os_clock_ms() + timeout_ms;
    do {
        if (!lease_holder_running(h)) {
            int fd = lease_take(addr, user, err, sizeof(err));
            if (fd != -EBUSY)
                return fd;
        }
        os_sleep_ms(POLL_MS);
    } while (os_clock_ms() < deadline);
    return -ETIMEDOUT;
}

/* What a SIGKILLed session could not remove itself. */
static void remove_leftovers(struct in_addr addr, const struct lease_holder *h)
{
    char err[256], lan[IFNAMSIZ];
    if (!h->ifname[0])
        return; /* not a session that got as far as its interface */
    if (nl_link_exists(h->ifname)) {
        log_info("[#] ip link delete %s (left by pid %d)", h->ifname, (int)h->pid);
        if (nl_link_delete(h->ifname, err, sizeof(err)) < 0)
            log_warn("%s", err);
    }
    if (proxyarp_find_lan(addr, h->ifname, lan, err, sizeof(err)) == 0)
        proxyarp_del(lan, addr, err, sizeof(err)); /* a missing entry is fine */
}

/* A descriptor for the holder's process, opened *before* it is verified
 * (again): a signal through it reaches that process or none, even if the
 * pid is reused between the check and the signal.  -1 on a kernel
 * without pidfds (before 5.3): signals then go by pid, as before. */
static int holder_pidfd(const struct lease_holder *h)
{
#ifdef SYS_pidfd_open
    int fd = (int)syscall(SYS_pidfd_open, h->pid, 0);
    if (fd >= 0 || errno != ENOSYS)
        return fd >= 0 ? fd : -2; /* -2: the process is gone already */
#endif
    return -1;
}

static int signal_holder(const struct lease_holder *h, int pidfd, int sig)
{
    union sigval v = {.sival_int = TAKEOVER_SIGVAL};
#ifdef SYS_pidfd_send_signal
    if (pidfd >= 0) {
        siginfo_t info;
        memset(&info, 0, sizeof(info));
        info.si_signo = sig;
        info.si_code = SI_QUEUE; /* as sigqueue(): the value says "replaced" */
        info.si_pid = getpid();
        info.si_uid = getuid();
        info.si_value = v;
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, &info, 0) == 0 || errno == ESRCH)
            return 0;
        if (errno != ENOSYS)
            return -errno;
    }
#endif
    if (pidfd == -2)
        return 0; /* it exited before we could open it */
    if (sigqueue(h->pid, sig, v) == 0 || errno == ESRCH)
        return 0;
    return -errno;
}

/* TERM, a second TERM, then KILL, each only while it still holds the
 * lease; then the lease is ours.  The fd, or -errno. */
static int end_holder(struct in_addr addr, const char *user, const struct lease_holder *h,
                      int pidfd, int term_ms)
{
    int r = signal_holder(h, pidfd, SIGTERM);
    if (r < 0) {
        log_warn("cannot stop the stale session (pid %d): %s", (int)h->pid, strerror(-r));
        return r;
    }
    /* The first TERM closes the link politely (LCP Terminate-Request, as
     * `pppssh down` does); a client that is really gone never Acks it, and
     * a second TERM makes the session stop without waiting for the peer. */
    int polite = term_ms < TAKEOVER_POLITE_MS ? term_ms / 2 : TAKEOVER_POLITE_MS;
    int fd = wait_and_take(addr, user, h, polite);
    if (fd == -ETIMEDOUT && lease_holder_verified(addr, h)) {
        signal_holder(h, pidfd, SIGTERM);
        fd = wait_and_take(addr, user, h, term_ms - polite);
    }
    if (fd == -ETIMEDOUT && lease_holder_verified(addr, h)) {
        log_warn("stale session pid %d did not stop within %d ms: SIGKILL", (int)h->pid, term_ms);
        signal_holder(h, pidfd, SIGKILL);
        fd = wait_and_take(addr, user, h, TAKEOVER_KILL_MS);
        if (fd >= 0)
            remove_leftovers(addr, h);
    }
    return fd;
}

/* The lease is held by someone: end it if it is a stale session of user. */
static int replace(struct in_addr addr, const char *user, int term_ms, char *err, size_t errlen)
{
    char text[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr, text, sizeof(text));
    struct lease_holder h;
    int r = lease_read_holder(addr, &h);
    if (r < 0 || strcmp(h.user, user) != 0) {
        snprintf(err, errlen, "address %s is in use by another session (user %s)", text,
                 r < 0 ? "?" : h.user);
        return -EBUSY;
    }
    int pidfd = holder_pidfd(&h);
    if (pidfd == -2) /* gone since it held the lock: free now, or someone else's */
        return lease_take(addr, user, err, errlen);
    if (!lease_holder_verified(addr, &h)) {
        if (pidfd >= 0)
            close(pidfd);
        snprintf(err, errlen,
                 "address %s is held by a session of %s (pid %d) that cannot be verified: "
                 "not replacing it",
                 text, user, (int)h.pid);
        return -EBUSY;
    }
    log_info("replacing the stale session of %s (pid %d, address %s, interface %s)", user,
             (int)h.pid, text, h.ifname[0] ? h.ifname : "?");
    int fd = end_holder(addr, user, &h, pidfd, term_ms);
    if (pidfd >= 0)
        close(pidfd);
    if (fd == -ETIMEDOUT)
        snprintf(err, errlen, "the stale session of %s (pid %d) holding %s does not end", user,
                 (int)h.pid, text);
    else if (fd < 0)
        snprintf(err, errlen, "cannot take address %s: %s", text, strerror(-fd));
    return fd;
}

int takeover_lease(struct in_addr addr, const char *user, int term_ms, char *err, size_t errlen)
{
    int fd = lease_take(addr, user, err, errlen);
    if (fd != -EBUSY)
        return fd;
    return replace(addr, user, term_ms > 0 ? term_ms : TAKEOVER_TERM_MS, err, errlen);
}
