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
#include <time.h>
#include <unistd.h>

#include "lease.h"
#include "log.h"
#include "netlink.h"
#include "proxyarp.h"

#define POLL_MS 20

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* Waits until the holder has exited (so its descriptors, TUN included,
 * are closed) and the lock is free: then takes it.  The fd or -ETIMEDOUT. */
static int wait_and_take(struct in_addr addr, const char *user, const struct lease_holder *h,
                         int timeout_ms)
{
    char err[256];
    long long deadline = now_ms() + timeout_ms;
    do {
        if (!lease_holder_running(h)) {
            int fd = lease_take(addr, user, err, sizeof(err));
            if (fd != -EBUSY)
                return fd;
        }
        sleep_ms(POLL_MS);
    } while (now_ms() < deadline);
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

static int signal_holder(const struct lease_holder *h, int sig)
{
    union sigval v = {.sival_int = TAKEOVER_SIGVAL};
    if (sigqueue(h->pid, sig, v) == 0 || errno == ESRCH)
        return 0;
    return -errno;
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
    if (!lease_holder_verified(addr, &h)) {
        snprintf(err, errlen,
                 "address %s is held by a session of %s (pid %d) that cannot be verified: "
                 "not replacing it",
                 text, user, (int)h.pid);
        return -EBUSY;
    }
    log_info("replacing the stale session of %s (pid %d, address %s, interface %s)", user,
             (int)h.pid, text, h.ifname[0] ? h.ifname : "?");
    if ((r = signal_holder(&h, SIGTERM)) < 0) {
        snprintf(err, errlen, "cannot stop the stale session (pid %d): %s", (int)h.pid,
                 strerror(-r));
        return r;
    }
    /* The first TERM closes the link politely (LCP Terminate-Request, as
     * `pppssh down` does); a client that is really gone never Acks it, and
     * a second TERM makes the session stop without waiting for the peer. */
    int polite = term_ms < TAKEOVER_POLITE_MS ? term_ms / 2 : TAKEOVER_POLITE_MS;
    int fd = wait_and_take(addr, user, &h, polite);
    if (fd == -ETIMEDOUT && lease_holder_verified(addr, &h)) {
        signal_holder(&h, SIGTERM);
        fd = wait_and_take(addr, user, &h, term_ms - polite);
    }
    if (fd == -ETIMEDOUT && lease_holder_verified(addr, &h)) {
        log_warn("stale session pid %d did not stop within %d ms: SIGKILL", (int)h.pid, term_ms);
        signal_holder(&h, SIGKILL);
        fd = wait_and_take(addr, user, &h, TAKEOVER_KILL_MS);
        if (fd >= 0)
            remove_leftovers(addr, &h);
    }
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
