/* errtext.c - the one-line error texts of src/os */
#include "errtext.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

int errtext_set(int code, char *err, size_t errlen, const char *fmt, ...)
{
    if (err && errlen > 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return code;
}

const char *errtext_priv_hint(int code)
{
    if (code == -EPERM || code == -EACCES)
        return " (needs CAP_NET_ADMIN: run as root)";
    return "";
}
