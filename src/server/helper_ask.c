/* helper_ask.c - the session's side of pppssh helper (helper_ask.h) */
#include "helper_ask.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "errtext.h"
#include "seqpacket.h"

static int connect_to(const char *path, char *err, size_t errlen)
{
    struct sockaddr_un sun = {.sun_family = AF_UNIX};
    if (strlen(path) >= sizeof(sun.sun_path))
        return errtext_set(-ENAMETOOLONG, err, errlen, "helper socket path %s is too long", path);
    memcpy(sun.sun_path, path, strlen(path) + 1);
    int s = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (s < 0)
        return errtext_set(-errno, err, errlen, "socket: %s", strerror(errno));
    if (connect(s, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
        int e = errno;
        close(s);
        return errtext_set(-e, err, errlen, "cannot reach pppssh helper at %s: %s", path,
                           strerror(e));
    }
    return s;
}

/* Sends r and waits up to timeout_ms for the answer (and its descriptors). */
static int round_trip(int sock, const struct helper_request *r, int timeout_ms,
                      struct helper_answer *a, int fds[SEQPACKET_MAX_FDS], size_t *n_fds, char *err,
                      size_t errlen)
{
    uint8_t req[HELPER_REQUEST_LEN], ans[HELPER_ANSWER_LEN + 1];
    *n_fds = 0;
    if (helper_request_encode(r, req) < 0)
        return errtext_set(-EINVAL, err, errlen, "invalid %s request", helper_type_name(r->type));
    int e = seqpacket_send(sock, req, sizeof(req), NULL, 0);
    if (e < 0)
        return errtext_set(e, err, errlen, "pppssh helper: %s", strerror(-e));
    struct pollfd p = {.fd = sock, .events = POLLIN};
    int ready;
    do {
        ready = poll(&p, 1, timeout_ms);
    } while (ready < 0 && errno == EINTR);
    if (ready == 0)
        return errtext_set(-ETIMEDOUT, err, errlen, "pppssh helper did not answer %s",
                           helper_type_name(r->type));
    ssize_t n = seqpacket_recv(sock, ans, sizeof(ans), fds, n_fds);
    if (n <= 0)
        return errtext_set(-EPIPE, err, errlen, "pppssh helper hung up on %s",
                           helper_type_name(r->type));
    if (helper_answer_decode(ans, (size_t)n, a) < 0) {
        for (size_t i = 0; i < *n_fds; i++)
            close(fds[i]);
        *n_fds = 0;
        return errtext_set(-EPROTO, err, errlen, "pppssh helper's answer is not understood");
    }
    return 0;
}

int helper_ask_connect(const char *path, const char *user, char *err, size_t errlen)
{
    if (!helper_user_valid(user))
        return errtext_set(-EINVAL, err, errlen, "user name '%s' is not one the helper serves",
                           user);
    return connect_to(path, err, errlen);
}

int helper_ask_open(const char *path, const char *user, struct helper_grant *g, int *tun_fd,
                    int *lease_fd, char *err, size_t errlen)
{
    int s = helper_ask_connect(path, user, err, errlen);
    if (s < 0)
        return s;
    return helper_ask_open_on(s, user, g, tun_fd, lease_fd, err, errlen);
}

int helper_ask_open_on(int s, const char *user, struct helper_grant *g, int *tun_fd, int *lease_fd,
                       char *err, size_t errlen)
{
    struct helper_request r = {.type = HELPER_OPEN};
    struct helper_answer a;
    int fds[SEQPACKET_MAX_FDS];
    size_t n_fds = 0;
    snprintf(r.user, sizeof(r.user), "%s", user);
    int e = helper_user_valid(user)
                ? round_trip(s, &r, HELPER_ASK_OPEN_MS, &a, fds, &n_fds, err, errlen)
                : errtext_set(-EINVAL, err, errlen, "user name '%s' is not one the helper serves",
                              user);
    if (e == 0 && a.type == HELPER_GRANTED && (n_fds == 1 || n_fds == 2)) {
        *g = a.grant;
        *tun_fd = fds[0];
        *lease_fd = n_fds == 2 ? fds[1] : -1; /* none for --local/--remote (helper.h) */
        return s;
    }
    for (size_t i = 0; i < n_fds; i++)
        close(fds[i]);
    close(s);
    if (e < 0)
        return e;
    if (a.type == HELPER_REFUSED)
        return errtext_set(-EACCES, err, errlen, "%s", a.reason);
    return errtext_set(-EPROTO, err, errlen, "pppssh helper answered OPEN with %s",
                       helper_type_name(a.type));
}

int helper_ask(int sock, enum helper_type type, uint32_t mtu, const uint8_t *ifid, char *err,
               size_t errlen)
{
    struct helper_request r = {.type = type, .mtu = mtu};
    struct helper_answer a;
    int fds[SEQPACKET_MAX_FDS];
    size_t n_fds;
    if (ifid)
        memcpy(r.ifid, ifid, 8);
    if (round_trip(sock, &r, HELPER_ASK_MS, &a, fds, &n_fds, err, errlen) < 0)
        return -1;
    for (size_t i = 0; i < n_fds; i++)
        close(fds[i]);
    if (a.type == HELPER_DONE)
        return 0;
    if (a.type == HELPER_FAILED)
        snprintf(err, errlen, "pppssh helper: %s", a.reason);
    else
        snprintf(err, errlen, "pppssh helper answered %s with %s", helper_type_name(type),
                 helper_type_name(a.type));
    return -1;
}

int helper_ask_late(int sock)
{
    uint8_t ans[HELPER_ANSWER_LEN + 1];
    int fds[SEQPACKET_MAX_FDS];
    size_t n_fds;
    ssize_t n = seqpacket_recv(sock, ans, sizeof(ans), fds, &n_fds);
    for (size_t i = 0; i < n_fds; i++)
        close(fds[i]);
    if (n > 0 || n == -EMSGSIZE)
        return 1; /* an answer, even one we cannot read, is not a hang-up */
    return n == -EAGAIN ? 1 : 0;
}
