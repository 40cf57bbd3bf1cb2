/*
 * netns.h - unit tests that change interfaces, addresses and routes run as
 * root in a network namespace of their own (unshare), so that nothing
 * touches the host's; skipped otherwise.  netns_enter() is the group
 * setup; NEED_NAMESPACE() starts each such test.  Header-only; each test
 * program includes it once.
 */
#ifndef NETNS_H
#define NETNS_H

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool in_namespace;

static inline int netns_enter(void **state)
{
    (void)state;
    if (geteuid() == 0 && unshare(CLONE_NEWNET) == 0)
        in_namespace = true;
    else
        fprintf(stderr, "not root or no unshare(CLONE_NEWNET): tests of the kernel's view "
                        "skipped\n");
    return 0;
}

#define NEED_NAMESPACE()                                                                           \
    do {                                                                                           \
        if (!in_namespace)                                                                         \
            skip();                                                                                \
    } while (0)

/* Whether the kernel has an address of family on ifname, and if want is
 * not NULL, whether want (as text) is among them. */
static inline bool netns_has_addr(const char *ifname, int family, const char *want)
{
    struct ifaddrs *all, *a;
    char text[INET6_ADDRSTRLEN];
    bool found = false;
    if (getifaddrs(&all) != 0)
        return false;
    for (a = all; a && !found; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != family || strcmp(a->ifa_name, ifname))
            continue;
        const void *bytes = family == AF_INET
                                ? (const void *)&((struct sockaddr_in *)a->ifa_addr)->sin_addr
                                : (const void *)&((struct sockaddr_in6 *)a->ifa_addr)->sin6_addr;
        inet_ntop(family, bytes, text, sizeof(text));
        found = !want || !strcmp(text, want);
    }
    freeifaddrs(all);
    return found;
}

#endif
