/*
 * sdnotify.h - systemd's readiness protocol without libsystemd: one
 * datagram of "KEY=VALUE\n" lines to the AF_UNIX socket named by
 * $NOTIFY_SOCKET (a path, or '@' for the abstract namespace).
 * With NOTIFY_SOCKET unset every call is a no-op returning 0.
 */
#ifndef PPPSSH_OS_SDNOTIFY_H
#define PPPSSH_OS_SDNOTIFY_H

#include <sys/types.h>

/* Sends state ("READY=1\nSTATUS=link up") as one datagram.  Returns 1 if
 * sent, 0 if NOTIFY_SOCKET is unset, -errno on failure. */
int sd_notify_send(const char *state);

/* Convenience: "READY=1\nSTATUS=<status>" / "STOPPING=1\nSTATUS=..." /
 * "STATUS=..." / "MAINPID=<pid>".  status may be NULL. */
int sd_notify_ready(const char *status);
int sd_notify_stopping(const char *status);
int sd_notify_status(const char *status);
int sd_notify_mainpid(pid_t pid);

#endif
