/*
 * sockdiag.h - the TCP_INFO of a connection that another process holds,
 * found by its addresses through NETLINK_SOCK_DIAG (sock_diag(7)).
 *
 * This is how `pppssh serve` watches the SSH connection: sshd holds the
 * socket, but sshd tells its session where the connection runs
 * (SSH_CONNECTION), and the kernel answers inet_diag queries from any
 * user, as it does for ss(8).
 */
#ifndef PPPSSH_OS_SOCKDIAG_H
#define PPPSSH_OS_SOCKDIAG_H

#include <stddef.h>
#include <stdint.h>

struct tcp_info; /* <linux/tcp.h>, which clashes with <netinet/tcp.h> */

struct tcp_conn_id {
    int family;                       /* AF_INET or AF_INET6 */
    uint8_t local[16], remote[16];    /* network order; IPv4 in the first 4 */
    uint16_t local_port, remote_port; /* host order */
};

/* Parses sshd's SSH_CONNECTION ("CLIENT_IP CLIENT_PORT SERVER_IP
 * SERVER_PORT") into the server end's view: local = the server.
 * Returns 0, or -EINVAL for anything else. */
int tcp_conn_id_parse_ssh(const char *text, struct tcp_conn_id *out);

struct sock_diag {
    int fd;       /* NETLINK_SOCK_DIAG, or -1 */
    uint32_t seq; /* of the last query */
};

/* Opens the socket (close-on-exec).  0 or -errno. */
int sock_diag_open(struct sock_diag *d);
void sock_diag_close(struct sock_diag *d);

/* The connection's struct tcp_info, as much of it as the kernel has
 * (*len bytes, zero-filled beyond).  0, -ENOENT when no such connection
 * is established, or -errno. */
int sock_diag_tcp_info(struct sock_diag *d, const struct tcp_conn_id *id, struct tcp_info *out,
                       size_t *len);

#endif
