/*
 * strictmodes.h - sshd's StrictModes for the files pppssh trusts: a
 * configuration that can run commands, a hook script, the run directory
 * holding control sockets and address leases.  Whoever can write such a
 * file, or a directory above it, can make a root process run anything.
 *
 * A path passes when it and every directory above it up to / is owned by
 * root or by uid and is writable by neither group nor others.  One
 * exception, which sshd does not make: a directory *above* the path may
 * be world-writable if it is root-owned and sticky (/tmp), since nobody
 * else can then rename or remove the entry we rely on.
 */
#ifndef PPPSSH_OS_STRICTMODES_H
#define PPPSSH_OS_STRICTMODES_H

#include <stddef.h>
#include <sys/types.h>

/*
 * 0 if path (made absolute, symlinks resolved) passes; otherwise -EPERM
 * with err naming the offending file and the problem ("/etc/pppssh/x.conf:
 * writable by group or others (chmod go-w)"), or -errno if it cannot be
 * examined.
 */
int strictmodes_check(const char *path, uid_t uid, char *err, size_t errlen);

#endif
