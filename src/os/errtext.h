/*
 * errtext.h - (internal) writing the one-line error text every src/os
 * function leaves in its caller's buffer.
 */
#ifndef PPPSSH_OS_ERRTEXT_H
#define PPPSSH_OS_ERRTEXT_H

#include <stddef.h>

/* printf into err (if err is non-NULL and errlen > 0); returns -code, so a
 * failing path can end with `return errtext_set(-EINVAL, err, errlen, ...)`. */
int errtext_set(int code, char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* A hint for the common permission errors: " (needs CAP_NET_ADMIN: run as
 * root)" for -EPERM/-EACCES when the process lacks CAP_NET_ADMIN, else "". */
const char *errtext_priv_hint(int code);

#endif
