/*
 * sandbox_syscalls.c - the seccomp filter of a running tunnel session
 * (sandbox.h).  The list is what `strace -f` saw `pppssh serve` and the
 * session of `pppssh up` call between the loop's first epoll_wait and
 * exit, less what configures the network (docs/architecture.md, "The
 * sandbox", has the measurement).  libseccomp turns the names into this
 * architecture's numbers and kills a call made through another ABI
 * (i386 or x32 on x86_64: SCMP_FLTATR_ACT_BADARCH).
 */
#include "sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "errtext.h"

/* clang-format off */
/* Allowed whatever their arguments: each acts only on a descriptor the
 * session already holds, on its own memory, or on nothing. */
static const char *const allowed[] = {
    /* the stream to ssh (pipes, a socketpair, sshd's pipes), the TUN
     * (readv/writev: the virtio-net header and the packet), log lines on
     * stderr, the control socket's clients, timerfd and signalfd reads;
     * `up` once it is up: stdio onto a /dev/null opened before */
    "read", "write", "readv", "writev", "close", "shutdown", "dup2", "dup3",
    /* the loop */
    "epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl", "poll", "ppoll",
    "timerfd_settime", "timerfd_gettime",
    /* the control socket (already listening) and the descriptor the
     * ProxyCommand hands over (fdpass.h); sock_diag's queries (sockdiag.c)
     * and syslog(3) on its connected socket */
    "accept4", "recvfrom", "recvmsg", "sendto", "sendmsg", "getsockname", "getpeername",
    "getsockopt", /* TCP_INFO (tcpstate.c), SO_PEERCRED */
    /* time: the vDSO answers, these are its fallbacks */
    "clock_gettime", "clock_getres", "gettimeofday", "time",
    /* memory (mmap and mprotect below, without PROT_EXEC) */
    "brk", "munmap", "mremap", "madvise",
    /* signals: a restarted call, the mask put back at teardown; the
     * sanitizers' check of the signal stack (the ASan build) */
    "rt_sigprocmask", "rt_sigreturn", "restart_syscall", "sigaltstack",
    /* libc: syslog's LOG_PID, a contended lock; a child's exit status and
     * the bounded wait for it at the end (stream.c); who we are */
    "getpid", "gettid", "futex", "wait4", "waitid", "nanosleep", "clock_nanosleep",
    "getuid", "geteuid", "getgid", "getegid",
    "exit", "exit_group",
};

/* Killed: nothing in pppssh makes these once set up, and each is a step
 * of an exploit (run a program, read or write another process, leave the
 * mount or network namespace, reach the kernel through bpf, io_uring,
 * modules or keys).  Dying at once is the only safe answer: an attacker
 * learns nothing from an error and gets no second try. */
static const char *const killed[] = {
    "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev",
    "mount", "umount2", "pivot_root", "chroot", "unshare", "setns",
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "bpf", "perf_event_open", "userfaultfd", "keyctl", "add_key", "request_key",
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "open_by_handle_at", "name_to_handle_at", "iopl", "ioperm", "reboot", "swapon", "swapoff",
};
/* clang-format on */

/* clang-format off */
/* pppssh-stack's calls besides those (sandbox_restrict_stack_syscalls):
 * what `strace -f` saw it call through test-userspace once it listened.
 * It opens the account's sockets for the client's connections, listens
 * for its inbound forwards at any time, and libslirp re-reads
 * /etc/resolv.conf when it changes. */
static const char *const stack_allowed[] = {
    "connect", "bind", "listen", "accept",
    "fstat", "newfstatat", "stat", "statx", "lseek", "pread64",
    /* its socket, removed on the way out; "ready", then stderr on /dev/null */
    "unlink", "dup2", "dup3",
    /* glib */
    "getrandom", "rt_sigaction",
};
/* clang-format on */

/* A name this libseccomp does not know is skipped (an older library on a
 * newer kernel); one it knows that this architecture lacks (epoll_wait on
 * arm64) resolves to a negative pseudo-number, which the rule ignores. */
static int add_names(scmp_filter_ctx ctx, uint32_t action, const char *const *names, size_t n,
                     char *err, size_t errlen)
{
    for (size_t i = 0; i < n; i++) {
        int nr = seccomp_syscall_resolve_name(names[i]);
        if (nr == __NR_SCMP_ERROR)
            continue;
        int r = seccomp_rule_add(ctx, action, nr, 0);
        if (r < 0)
            return errtext_set(r, err, errlen, "seccomp rule for %s: %s", names[i], strerror(-r));
    }
    return 0;
}

/*
 * Allowed with these arguments only:
 * - mmap and mprotect without PROT_EXEC: no new code after setup;
 * - ioctl TUNSETOFFLOAD: offloads follow what LCP negotiated (tun.c);
 * - fcntl reading or setting the file status flags (O_NONBLOCK on a new
 *   stream) or close-on-exec, nothing else (no locks, owners, leases);
 * - setsockopt at the TCP level: TCP_NOTSENT_LOWAT and TCP_QUICKACK on
 *   the SSH connection (tcpstate.c).
 */
static int add_argument_rules(scmp_filter_ctx ctx, char *err, size_t errlen)
{
    struct {
        const char *name;
        uint32_t action;
        struct scmp_arg_cmp cmp;
    } rules[] = {
        {"mmap", SCMP_ACT_ALLOW, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)},
        {"mprotect", SCMP_ACT_ALLOW, SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0)},
        {"ioctl", SCMP_ACT_ALLOW, SCMP_A1(SCMP_CMP_EQ, TUNSETOFFLOAD, 0)},
        {"setsockopt", SCMP_ACT_ALLOW, SCMP_A1(SCMP_CMP_EQ, IPPROTO_TCP, 0)},
        {"fcntl", SCMP_ACT_ALLOW, SCMP_A1(SCMP_CMP_EQ, F_GETFL, 0)},
        {"fcntl", SCMP_ACT_ALLOW, SCMP_A1(SCMP_CMP_EQ, F_SETFL, 0)},
        {"fcntl", SCMP_ACT_ALLOW, SCMP_A1(SCMP_CMP_EQ, F_GETFD, 0)},
        {"fcntl", SCMP_ACT_ALLOW, SCMP_A1(SCMP_CMP_EQ, F_SETFD, 0)},
    };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        int r = seccomp_rule_add(ctx, rules[i].action, seccomp_syscall_resolve_name(rules[i].name),
                                 1, rules[i].cmp);
        if (r < 0)
            return errtext_set(r, err, errlen, "seccomp rule for %s: %s", rules[i].name,
                               strerror(-r));
    }
    return 0;
}

/*
 * pppssh-stack's, with arguments: sockets of the families it carries (and
 * Unix ones, syslog's; any other family is refused), options at the
 * socket, IP, IPv6 and TCP levels, FIONREAD, files opened read-only
 * (/etc/resolv.conf), and a signal to itself only (abort()).
 */
static int add_stack_argument_rules(scmp_filter_ctx ctx, char *err, size_t errlen)
{
    struct {
        const char *name;
        struct scmp_arg_cmp cmp;
    } rules[] = {
        {"socket", SCMP_A0(SCMP_CMP_EQ, AF_UNIX, 0)},
        {"socket", SCMP_A0(SCMP_CMP_EQ, AF_INET, 0)},
        {"socket", SCMP_A0(SCMP_CMP_EQ, AF_INET6, 0)},
        {"setsockopt", SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET, 0)},
        {"setsockopt", SCMP_A1(SCMP_CMP_EQ, IPPROTO_IP, 0)},
        {"setsockopt", SCMP_A1(SCMP_CMP_EQ, IPPROTO_IPV6, 0)},
        {"ioctl", SCMP_A1(SCMP_CMP_EQ, FIONREAD, 0)},
        {"openat", SCMP_A2(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT, O_RDONLY)},
        {"open", SCMP_A1(SCMP_CMP_MASKED_EQ, O_ACCMODE | O_CREAT, O_RDONLY)},
        {"tgkill", SCMP_A0(SCMP_CMP_EQ, (scmp_datum_t)getpid(), 0)},
    };
    for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
        int nr = seccomp_syscall_resolve_name(rules[i].name);
        if (nr == __NR_SCMP_ERROR)
            continue;
        int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 1, rules[i].cmp);
        if (r < 0)
            return errtext_set(r, err, errlen, "seccomp rule for %s: %s", rules[i].name,
                               strerror(-r));
    }
    return add_names(ctx, SCMP_ACT_ALLOW, stack_allowed,
                     sizeof(stack_allowed) / sizeof(stack_allowed[0]), err, errlen);
}

/* SANDBOX_FDPASS: socket() of AF_UNIX (others are killed below), bind,
 * and SO_PASSCRED, the one socket option at the socket level. */
static int add_fdpass_rules(scmp_filter_ctx ctx, char *err, size_t errlen)
{
    int r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name("socket"), 1,
                             SCMP_A0(SCMP_CMP_EQ, AF_UNIX, 0));
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name("bind"), 0);
    if (r == 0)
        r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, seccomp_syscall_resolve_name("setsockopt"), 2,
                             SCMP_A1(SCMP_CMP_EQ, SOL_SOCKET, 0),
                             SCMP_A2(SCMP_CMP_EQ, SO_PASSCRED, 0));
    if (r < 0)
        return errtext_set(r, err, errlen, "seccomp rules for fdpass: %s", strerror(-r));
    return 0;
}

/* A socket of any family but AF_UNIX is killed too: the session never
 * opens one after setup, and a network socket is what a hijacked process
 * wants.  AF_UNIX gets the default EPERM: glibc's syslog() tries to
 * reconnect to /dev/log when a send fails, and must be told no, not
 * killed. */
static int add_socket_kill_rule(scmp_filter_ctx ctx, char *err, size_t errlen)
{
    int r = seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, seccomp_syscall_resolve_name("socket"), 1,
                             SCMP_A0(SCMP_CMP_NE, AF_UNIX, 0));
    if (r < 0)
        return errtext_set(r, err, errlen, "seccomp rule for socket: %s", strerror(-r));
    return 0;
}

static int restrict_syscalls(unsigned flags, bool stack, char *err, size_t errlen)
{
    /* Also set by seccomp_load() (SCMP_FLTATR_CTL_NNP), but it must hold
     * even if the filter cannot be built. */
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return errtext_set(-errno, err, errlen, "PR_SET_NO_NEW_PRIVS: %s", strerror(errno));
    /* EPERM, not death, for the rest: a call we did not list is most
     * likely libc probing or an error path, which reports EPERM as an
     * error and carries on (or ends the session cleanly). */
    bool log_only = flags & SANDBOX_LOG_ONLY;
    scmp_filter_ctx ctx = seccomp_init(log_only ? SCMP_ACT_LOG : SCMP_ACT_ERRNO(EPERM));
    if (!ctx)
        return errtext_set(-ENOMEM, err, errlen, "cannot set up the seccomp filter");
    int r =
        add_names(ctx, SCMP_ACT_ALLOW, allowed, sizeof(allowed) / sizeof(allowed[0]), err, errlen);
    if (r == 0)
        r = add_argument_rules(ctx, err, errlen);
    if (r == 0 && (flags & SANDBOX_FDPASS))
        r = add_fdpass_rules(ctx, err, errlen);
    if (r == 0 && stack)
        r = add_stack_argument_rules(ctx, err, errlen);
    /* Logging only, the calls to kill are logged like any other
     * (libseccomp takes no rule whose action is the default's). */
    if (r == 0 && !log_only)
        r = add_names(ctx, SCMP_ACT_KILL_PROCESS, killed, sizeof(killed) / sizeof(killed[0]), err,
                      errlen);
    if (r == 0 && !log_only && !stack)
        r = add_socket_kill_rule(ctx, err, errlen);
    if (r == 0) {
        r = seccomp_load(ctx);
        if (r < 0)
            errtext_set(r, err, errlen, "cannot load the seccomp filter: %s", strerror(-r));
    }
    seccomp_release(ctx);
    return r;
}

int sandbox_restrict_syscalls(unsigned flags, char *err, size_t errlen)
{
    return restrict_syscalls(flags, false, err, errlen);
}

int sandbox_restrict_stack_syscalls(unsigned flags, char *err, size_t errlen)
{
    return restrict_syscalls(flags, true, err, errlen);
}
