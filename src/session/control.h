/*
 * control.h - the control socket of a running tunnel, /run/pppssh/NAME.sock
 * (mode 0600 in a directory only root may list; see control_run_dir()).  The
 * protocol is one request line from the client, "status", "fields",
 * "check", "reset" or "down", answered by text lines ("fields": one
 * "key=value" line per entry of fields.h's table); the tunnel closes
 * the connection when it has answered, and for "down" only once the
 * tunnel is gone, so that `pppssh down` returns when everything is
 * removed.
 */
#ifndef PPPSSH_RUN_CONTROL_H
#define PPPSSH_RUN_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#define CONTROL_MAX_CLIENTS 4

#define CONTROL_RUN_DIR "/run/pppssh"

/* The run directory: the one given to control_use_run_dir() (`serve`
 * --run-dir, never the environment, which sshd may let a client set), else
 * $PPPSSH_RUN_DIR (`up`, whose user runs it), else /run/pppssh.  strict:
 * control_make_run_dir() also checks owner and mode (strictmodes.h). */
void control_use_run_dir(const char *dir, bool strict);
const char *control_run_dir(void);
/* Creates the run directory 0711 if missing.  Returns 0 or -errno (-EPERM
 * when strict and its owner or mode is unsafe; err says which). */
int control_make_run_dir(char *err, size_t errlen);
int control_socket_path(const char *name, char *buf, size_t size);

/* Binds and listens on NAME's socket; -EADDRINUSE (err: "tunnel NAME is
 * already running") if a live tunnel answers there; a stale socket file is
 * replaced.  Returns the listening fd (non-blocking, cloexec) or -errno. */
int control_listen(const char *name, char *err, size_t errlen);
void control_unlink(const char *name);

/* Client side: sends request to NAME's tunnel and copies the answer to out
 * until the tunnel closes the connection (at most timeout_ms).  Returns 0,
 * -ENOENT/-ECONNREFUSED (err: "no tunnel NAME is running") or -errno. */
int control_request(const char *name, const char *request, int out_fd, int timeout_ms, char *err,
                    size_t errlen);

/* A request on the control socket: one line, "status", "fields", "check",
 * "reset" or "down".  CTL_REQ_INCOMPLETE while no newline has come and there is
 * room for more; a line that fills the buffer is read as it is. */
enum ctl_request {
    CTL_REQ_INCOMPLETE,
    CTL_REQ_STATUS,
    CTL_REQ_FIELDS,
    CTL_REQ_CHECK,
    CTL_REQ_RESET,
    CTL_REQ_DOWN,
    CTL_REQ_UNKNOWN,
};
enum ctl_request control_parse_request(const char *buf, size_t len, size_t cap);

#endif
