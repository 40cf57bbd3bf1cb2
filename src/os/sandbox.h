/*
 * sandbox.h - what a process that parses the peer's bytes may still do:
 * no root, no capability, no way back to them (no_new_privs), and, once
 * its setup is done, only the system calls a running session makes
 * (seccomp, through libseccomp).  docs/architecture.md, "The sandbox".
 */
#ifndef PPPSSH_OS_SANDBOX_H
#define PPPSSH_OS_SANDBOX_H

#include <stddef.h>
#include <sys/types.h>

/*
 * Becomes uid/gid for good: supplementary groups those of user (NULL:
 * none; a caller that is not root keeps its own), then the gid, then the
 * uid (real, effective and saved), every capability set emptied
 * (effective, permitted, inheritable, ambient, and the bounding set while
 * we may still drop from it) and no_new_privs set, so that no setuid file
 * or file capability gives any of it back.  Checks that it took:
 * setuid(0) must fail.  uid 0 is refused.  Returns 0, or -errno with err
 * naming the step that failed; a process that gets an error must not go
 * on to parse anything.
 */
int sandbox_drop_privileges(uid_t uid, gid_t gid, const char *user, char *err, size_t errlen);

/* Flags of sandbox_restrict_syscalls(). */
enum {
    /* A call outside the list is allowed and logged by the kernel
     * (SECCOMP_RET_LOG, in the audit log or dmesg) instead of refused:
     * for finding what a new code path needs, never for production. */
    SANDBOX_LOG_ONLY = 1u << 0,
    /* `up`'s session, whose privileged part runs ssh: each connect
     * listens again for the copy of the SSH connection (fdpass.h): a
     * unix socket (AF_UNIX only), SO_PASSCRED on it, bind to its name. */
    SANDBOX_FDPASS = 1u << 1,
};

/*
 * Sets no_new_privs and loads the session's seccomp filter: what a tunnel
 * session does once every descriptor it needs is open (the stream, the
 * TUN, the loop's epoll, timerfd and signalfd, the control socket, the
 * sock_diag socket, the syslog socket).  A call that only a hijacked
 * process makes (execve, ptrace, a new network socket, mount, a kernel
 * module, bpf...) kills the process; any other call outside the list fails
 * with EPERM, which libc and our own code report as an error.  The filter
 * holds for the process and every child it would start, and cannot be
 * lifted.  Names are resolved by libseccomp for the architecture we run
 * on.  Returns 0, or -errno with err set.
 */
int sandbox_restrict_syscalls(unsigned flags, char *err, size_t errlen);

/*
 * The same for pppssh-stack once it listens: the session's list (no
 * execve, ptrace, mount, bpf...: killed) and what a userspace network
 * stack must still do, which a session never does: open sockets of the
 * account (IPv4, IPv6, Unix; no other family), connect, bind and listen
 * (inbound forwards come at any time), their options, FIONREAD, and open
 * files read-only (libslirp re-reads /etc/resolv.conf).  0, or -errno
 * with err set.
 */
int sandbox_restrict_stack_syscalls(unsigned flags, char *err, size_t errlen);

#endif
