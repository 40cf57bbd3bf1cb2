/*
 * fdpass.h - handing the SSH server's TCP connection to ssh while keeping
 * a copy of it, so that the pacer can read the connection's own state
 * (tcpstate.h) instead of guessing it from inside the stream.
 *
 * ssh closes every inherited descriptor above 2 at start, so the socket
 * travels through its ProxyCommand: `pppssh fdpass` connects to the
 * server, sends the socket to us (a datagram on an abstract unix socket
 * whose name only we and ssh's command line know) and to ssh on its
 * stdout (what ProxyUseFdpass=yes expects), then exits.  Both transfers
 * are SCM_RIGHTS (unix(7)).
 */
#ifndef PPPSSH_OS_FDPASS_H
#define PPPSSH_OS_FDPASS_H

#include <stddef.h>
#include <sys/types.h>

#define FDPASS_NAME_MAX 64

/* Sends fd (one byte of payload carries it) over the connected or, with
 * name non-NULL, unconnected-datagram unix socket sock.  Returns 0 or -errno. */
int fdpass_send(int sock, int fd, const char *name);

/* A non-blocking, close-on-exec datagram socket bound to the abstract
 * name, that asks for the sender's credentials.  Returns it or -errno. */
int fdpass_listen(const char *name, char *err, size_t errlen);

/* Takes one descriptor that arrived on a fdpass_listen() socket from a
 * process of user from (ssh's: ours, or the account a split `up` runs
 * ssh as; others' are closed and skipped).  Returns it (close-on-exec),
 * -EAGAIN if none is waiting, or -errno. */
int fdpass_take(int sock, uid_t from);

/* Connects to host:port (family AF_UNSPEC, AF_INET or AF_INET6), giving
 * up after timeout_s seconds (0: the kernel's own limit).  Returns the
 * blocking, connected socket (TCP_NODELAY set), or -errno with err set in ssh's own words
 * ("connect to host H port P: Connection refused"), so that the same
 * classifier (ssh.h) reads it. */
int fdpass_connect(const char *host, unsigned port, int family, unsigned timeout_s, char *err,
                   size_t errlen);

#endif
