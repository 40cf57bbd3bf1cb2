/*
 * sdnotify.c - sd_notify(3)'s datagram, sent without libsystemd.
 */
#include "sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int sd_notify_send(const char *state)
{
    const char *where = getenv("NOTIFY_SOCKET");
    if (!where || !*where)
        return 0;
    size_t len = strlen(where);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    if ((where[0] != '/' && where[0] != '@') || len >= sizeof(sa.sun_path))
        return -EINVAL;
    memcpy(sa.sun_path, where, len);
    if (where[0] == '@')
        sa.sun_path[0] = 0; /* abstract namespace: the name is not 0-terminated */
    socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);

    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    ssize_t n = sendto(fd, state, strlen(state), MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
    int e = errno;
    close(fd);
    if (n < 0)
        return -e;
    return 1;
}

static int send_with_status(const char *head, const char *status)
{
    char msg[512];
    if (head && status)
        snprintf(msg, sizeof(msg), "%s\nSTATUS=%s", head, status);
    else if (head)
        snprintf(msg, sizeof(msg), "%s", head);
    else
        snprintf(msg, sizeof(msg), "STATUS=%s", status ? status : "");
    return sd_notify_send(msg);
}

int sd_notify_ready(const char *status)
{
    return send_with_status("READY=1", status);
}

int sd_notify_stopping(const char *status)
{
    return send_with_status("STOPPING=1", status);
}

int sd_notify_status(const char *status)
{
    return send_with_status(NULL, status);
}

int sd_notify_mainpid(pid_t pid)
{
    char msg[32];
    snprintf(msg, sizeof(msg), "MAINPID=%d", (int)pid);
    return sd_notify_send(msg);
}
