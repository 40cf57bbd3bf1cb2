/*
 * epoll_set.c - the loop's epoll set: the only calls to epoll_ctl.  The
 * other files of the session say what they want watched, the loop waits.
 */
#include "tunnel.h"

#include <errno.h>
#include <sys/epoll.h>

int loop_watch(struct tunnel *t, int fd, uint32_t tag, uint32_t events)
{
    struct epoll_event ev = {.events = events, .data.u32 = tag};
    if (epoll_ctl(t->epfd, EPOLL_CTL_MOD, fd, &ev) == 0)
        return 0;
    if (errno == ENOENT && epoll_ctl(t->epfd, EPOLL_CTL_ADD, fd, &ev) == 0)
        return 0;
    return -errno;
}

void loop_unwatch(struct tunnel *t, int fd)
{
    if (fd >= 0 && t->epfd >= 0)
        epoll_ctl(t->epfd, EPOLL_CTL_DEL, fd, NULL);
}
