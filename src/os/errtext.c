/* errtext.c - the one-line error texts of src/os */
#include "errtext.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

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

/* CAP_NET_ADMIN in our effective set (root has it, unless dropped). */
static bool have_net_admin(void)
{
    struct __user_cap_header_struct head = {.version = _LINUX_CAPABILITY_VERSION_3};
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {{0}};
    if (syscall(SYS_capget, &head, data) < 0)
        return false;
    return data[CAP_TO_INDEX(CAP_NET_ADMIN)].effective & CAP_TO_MASK(CAP_NET_ADMIN);
}

/* A process that holds the capability was refused for another reason:
 * naming privilege would send the user hunting in the wrong place. */
const char *errtext_priv_hint(int code)
{
    if ((code == -EPERM || code == -EACCES) && !have_net_admin())
        return " (needs CAP_NET_ADMIN: run as root)";
    return "";
}
