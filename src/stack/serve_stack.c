/*
 * serve_stack.c - `pppssh serve` without root: the session's parameters
 * for ending the tunnel in the account's userspace stack (stack.h).
 */
#include "serve_stack.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "stack.h"

/* pppssh-stack beside this program (the build tree, or sbin). */
static int stack_program(char *path, size_t size)
{
    ssize_t n = readlink("/proc/self/exe", path, size - 1);
    if (n <= 0)
        return -1;
    path[n] = '\0';
    char *slash = strrchr(path, '/');
    if (!slash || (size_t)(slash - path) + 1 + sizeof(STACK_PROGRAM) > size)
        return -1;
    memcpy(slash + 1, STACK_PROGRAM, sizeof(STACK_PROGRAM));
    return 0;
}

int serve_stack_params(struct run_params *p, const struct stack_request *rq, uint64_t randomness,
                       char *err, size_t errsize)
{
    uint32_t net4 = rq->net4;
    char program[PATH_MAX];
    if (stack_program(program, sizeof(program)) < 0) {
        snprintf(err, errsize, "cannot find %s beside this program", STACK_PROGRAM);
        return -1;
    }
    int fd = stack_attach(program, rq, err, errsize);
    if (fd < 0)
        return -1;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    p->packet_fd = fd;
    struct ppp_settings *ps = &p->ppp;
    ps->local_ip = net4 + STACK_HOST4_HOST;
    ps->remote_ip = net4 + STACK_CLIENT4_HOST;
    ps->accept_local = ps->accept_remote = false;
    ps->dns[0] = net4 + STACK_DNS4_HOST; /* RFC 1877: libslirp forwards to our resolvers */
    ps->seed = randomness;
    ps->offload = false;
    /* Sources the client may use: its IPv4 address, and any of the
     * stack's IPv6 prefix (IPV6CP gives only link-local addresses; the
     * client picks its own, Address6).  No routes to its networks. */
    p->net.antispoof = true;
    struct os_prefix prefix6 = {.ip.family = AF_INET6, .len = STACK_PREFIX6_LEN};
    inet_pton(AF_INET6, STACK_PREFIX6, &prefix6.ip.v6);
    p->net.routes[p->net.n_routes++] = prefix6;
    p->net.mtu = STACK_MTU;
    return 0;
}
