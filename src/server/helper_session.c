/*
 * helper_session.c - one `pppssh serve` session as pppssh helper sees it
 * (helper_session.h).  What the session says is only a cue: the addresses,
 * routes and the interface are the ones admission decided from server.conf,
 * and the MTU is clamped (helper_proto.h).
 */
#include "helper_session.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "netlink.h"
#include "seqpacket.h"

struct helper_session *helper_session_new(int fd)
{
    struct ucred cred;
    socklen_t len = sizeof(cred);
    if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0) {
        close(fd);
        return NULL;
    }
    return helper_session_new_for(fd, cred.pid, cred.uid);
}

struct helper_session *helper_session_new_for(int fd, pid_t pid, uid_t uid)
{
    struct helper_session *s = calloc(1, sizeof(*s));
    if (!s) {
        close(fd);
        return NULL;
    }
    s->fd = fd;
    s->pid = pid;
    s->uid = uid;
    s->worker = -1;
    s->worker_fd = s->tun_fd = s->lease_fd = -1;
    return s;
}

static bool answer(struct helper_session *s, const struct helper_answer *a, const int *fds,
                   size_t n_fds)
{
    uint8_t msg[HELPER_ANSWER_LEN];
    if (helper_answer_encode(a, msg) < 0) {
        log_error("helper: cannot encode %s for pid %d", helper_type_name(a->type), (int)s->pid);
        return false;
    }
    /* A session that does not read its answers is not waited for. */
    return seqpacket_send(s->fd, msg, sizeof(msg), fds, n_fds) == 0;
}

static bool done(struct helper_session *s)
{
    struct helper_answer a = {.type = HELPER_DONE};
    return answer(s, &a, NULL, 0);
}

static bool failed(struct helper_session *s, const char *why)
{
    struct helper_answer a = {.type = HELPER_FAILED};
    snprintf(a.reason, sizeof(a.reason), "%s", why);
    for (char *c = a.reason; *c; c++)
        if (*c < 0x20 || *c > 0x7e)
            *c = '?';
    return answer(s, &a, NULL, 0);
}

static bool open_session(struct helper_session *s, const struct helper_request *r,
                         const char *config_path)
{
    memcpy(s->user, r->user, sizeof(s->user));
    s->worker = helper_admit_start(config_path, s->user, s->pid, s->uid, s->fixed, &s->worker_fd);
    if (s->worker < 0) {
        log_error("helper: cannot start admitting user %s: %s", s->user, strerror(-s->worker));
        s->worker = -1;
        return false;
    }
    s->state = HS_ADMITTING;
    return true;
}

static int iface_up(struct helper_session *s, uint32_t asked)
{
    if (s->iface_up)
        return 0;
    if (netcfg_mtu_up(s->nc, helper_clamp_mtu(asked)) < 0)
        return -1;
    s->iface_up = true;
    return 0;
}

static int routes_up(struct helper_session *s, int family)
{
    const struct run_net *net = &s->admitted.net;
    const struct os_ip none = {0};
    for (size_t i = 0; i < net->n_routes; i++)
        if (net->routes[i].ip.family == family && netcfg_route(s->nc, &net->routes[i], &none) < 0)
            return -1;
    return 0;
}

/* server.conf's Masquerade, while IPCP is up (the IPv4 down deletes it).
 * No loop polls nft here: waited for, bounded (nat.h). */
static void masquerade_up(struct helper_session *s)
{
    const struct run_net *net = &s->admitted.net;
    if (!net->masquerade)
        return;
    if (netcfg_masquerade(s->nc, net->masquerade_oif, 0) < 0)
        log_warn("Masquerade not applied: %s", s->nc->err);
    else
        nat_finish(&s->nc->nat);
}

/* IPCP is up: the addresses admission decided, the user's routes, proxy ARP. */
static bool ipv4_up(struct helper_session *s, const struct helper_request *r)
{
    const struct helper_grant *g = &s->admitted.answer.grant;
    if (netcfg_has_addr4(s->nc))
        return done(s);
    if (iface_up(s, r->mtu) < 0 || netcfg_addr4(s->nc, g->local, g->remote) < 0 ||
        routes_up(s, AF_INET) < 0) {
        bool ok = failed(s, s->nc->err);
        netcfg_undo(s->nc, AF_INET);
        return ok;
    }
    if (s->admitted.net.proxy_arp && netcfg_proxy_arp(s->nc, g->remote) < 0)
        log_warn("%s: the LAN must route the address to this server", s->nc->err);
    masquerade_up(s);
    return done(s);
}

/* IPV6CP is up: fe80::IFID (RFC 5072 section 5), the server's Address6
 * without its prefix route, the user's own IPv6 networks. */
static bool ipv6_up(struct helper_session *s, const struct helper_request *r)
{
    if (helper_clamp_mtu(r->mtu) < HELPER_MTU_IPV6_MIN)
        return failed(s, "the link MTU is below IPv6's minimum of 1280 (RFC 8200 section 5)");
    if (s->v6_up && !memcmp(s->ifid, r->ifid, 8))
        return done(s);
    if (s->v6_up)
        netcfg_undo(s->nc, AF_INET6);
    s->v6_up = false;
    struct os_prefix ll = {.ip.family = AF_INET6, .len = 64};
    ll.ip.v6.s6_addr[0] = 0xfe;
    ll.ip.v6.s6_addr[1] = 0x80;
    memcpy(&ll.ip.v6.s6_addr[8], r->ifid, 8);
    const struct run_net *net = &s->admitted.net;
    if (iface_up(s, r->mtu) < 0 || netcfg_addr6(s->nc, &ll, true) < 0 ||
        (net->has_address6 && netcfg_addr6(s->nc, &net->address6, false) < 0) ||
        routes_up(s, AF_INET6) < 0) {
        bool ok = failed(s, s->nc->err);
        netcfg_undo(s->nc, AF_INET6);
        return ok;
    }
    memcpy(s->ifid, r->ifid, 8);
    s->v6_up = true;
    return done(s);
}

/* Offloads (tun.h): the kernel cuts what it hands the session to fit the
 * peer's MRU.  Not journalled: it goes with the interface. */
static bool gso_max(struct helper_session *s, const struct helper_request *r)
{
    char err[256];
    uint32_t size = helper_clamp_mtu(r->mtu);
    if (nl_link_set_gso_max_size(s->nc->ifname, size, err, sizeof(err)) < 0)
        return failed(s, err);
    log_info("[#] ip link set %s gso_max_size %u", s->nc->ifname, (unsigned)size);
    return done(s);
}

static bool open_request(struct helper_session *s, const struct helper_request *r)
{
    switch (r->type) {
    case HELPER_IPV4_UP:
        return ipv4_up(s, r);
    case HELPER_IPV6_UP:
        return ipv6_up(s, r);
    case HELPER_IPV4_DOWN:
        netcfg_undo(s->nc, AF_INET);
        return done(s);
    case HELPER_IPV6_DOWN:
        netcfg_undo(s->nc, AF_INET6);
        s->v6_up = false;
        return done(s);
    case HELPER_GSO_MAX:
        return gso_max(s, r);
    case HELPER_BYE:
        netcfg_undo(s->nc, AF_UNSPEC);
        s->v6_up = false;
        return done(s);
    default:
        return false;
    }
}

bool helper_session_request(struct helper_session *s, const char *config_path)
{
    uint8_t msg[HELPER_REQUEST_LEN + 1];
    int fds[SEQPACKET_MAX_FDS];
    size_t n_fds;
    struct helper_request r;
    ssize_t n = seqpacket_recv(s->fd, msg, sizeof(msg), fds, &n_fds);
    if (n == -EAGAIN)
        return true;
    for (size_t i = 0; i < n_fds; i++)
        close(fds[i]); /* a session has no descriptor to give us */
    if (n <= 0 || n_fds || helper_request_decode(msg, (size_t)n, &r) < 0)
        return false;
    if (s->state == HS_NEW && r.type == HELPER_OPEN)
        return open_session(s, &r, config_path);
    if (s->state == HS_OPEN)
        return open_request(s, &r);
    return false; /* out of turn */
}

/* The lease file opened anew, read-only: the session holds the file (a
 * takeover verifies that, takeover.h) but not our locked open file
 * description, which an flock(LOCK_UN) of its own would release. */
static int lease_view(int lease_fd)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/fd/%d", lease_fd);
    return open(path, O_RDONLY | O_CLOEXEC); /* the magic link: this very file */
}

static void granted(struct helper_session *s)
{
    const struct helper_grant *g = &s->admitted.answer.grant;
    s->nc = malloc(sizeof(*s->nc));
    int fds[2] = {s->tun_fd, s->lease_fd >= 0 ? lease_view(s->lease_fd) : -1};
    size_t n_fds = s->lease_fd >= 0 ? 2 : 1; /* fixed addresses hold no lease */
    bool told = s->nc && (n_fds == 1 || fds[1] >= 0) && answer(s, &s->admitted.answer, fds, n_fds);
    if (fds[1] >= 0)
        close(fds[1]);
    if (!told) {
        s->state = HS_REFUSED; /* helper_session_end follows */
        return;
    }
    netcfg_init(s->nc, g->ifname, s->admitted.ifindex);
    s->state = HS_OPEN;
    log_info("helper: user %s (pid %d, uid %u) has %s", s->user, (int)s->pid, (unsigned)s->uid,
             g->ifname);
}

bool helper_session_admitted(struct helper_session *s)
{
    int r = helper_admit_take(s->worker_fd, &s->admitted, &s->tun_fd, &s->lease_fd);
    if (r == -EAGAIN)
        return true;
    close(s->worker_fd);
    s->worker_fd = -1;
    s->worker = -1; /* it exits by itself: reaped on SIGCHLD */
    if (r < 0) {
        s->admitted.answer = (struct helper_answer){.type = HELPER_REFUSED};
        snprintf(s->admitted.answer.reason, sizeof(s->admitted.answer.reason),
                 "pppssh helper could not admit the session");
    }
    if (s->admitted.answer.type == HELPER_GRANTED) {
        granted(s);
        return s->state == HS_OPEN;
    }
    log_info("helper: user %s (pid %d, uid %u) refused: %s", s->user, (int)s->pid, (unsigned)s->uid,
             s->admitted.answer.reason);
    s->state = HS_REFUSED;
    return answer(s, &s->admitted.answer, NULL, 0);
}

void helper_session_end(struct helper_session *s)
{
    if (s->worker > 0)
        kill(s->worker, SIGKILL); /* its TUN and lease go with it */
    if (s->worker_fd >= 0)
        close(s->worker_fd);
    if (s->nc)
        netcfg_undo(s->nc, AF_UNSPEC);
    if (s->tun_fd >= 0) {
        const char *ifname = s->admitted.answer.grant.ifname;
        char err[256];
        /* The session may still hold its copy: the interface goes now. */
        log_info("[#] ip link delete %s (user %s, pid %d)", ifname, s->user, (int)s->pid);
        if (nl_link_delete(ifname, err, sizeof(err)) < 0 && nl_link_exists(ifname))
            log_warn("%s", err);
        close(s->tun_fd);
    }
    if (s->lease_fd >= 0)
        close(s->lease_fd);
    close(s->fd);
    free(s->nc);
    free(s);
}
