/* pty.c - pseudo-terminal pairs and raw mode */
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "errtext.h"

int pty_set_raw(int fd, char *err, size_t errlen)
{
    struct termios tio;

    if (tcgetattr(fd, &tio) < 0)
        return errtext_set(-errno, err, errlen, "cannot read terminal settings: %s",
                           strerror(errno));
    /* PPP frames are binary: no echo, no CR/LF mapping, no ^C/^S handling. */
    cfmakeraw(&tio);
    tio.c_cc[VMIN] = 1;
    tio.c_cc[VTIME] = 0;
    if (tcsetattr(fd, TCSANOW, &tio) < 0)
        return errtext_set(-errno, err, errlen, "cannot set terminal to raw mode: %s",
                           strerror(errno));
    return 0;
}

static int open_master(char *err, size_t errlen)
{
    int fd = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return errtext_set(-errno, err, errlen, "cannot open a pty: %s", strerror(errno));
    if (grantpt(fd) < 0 || unlockpt(fd) < 0) {
        int e = errno;
        close(fd);
        return errtext_set(-e, err, errlen, "cannot unlock the pty: %s", strerror(e));
    }
    return fd;
}

int pty_open(int *master, int *slave, char *slave_name, size_t namelen, char *err, size_t errlen)
{
    char name[64];
    int m = open_master(err, errlen);
    if (m < 0)
        return m;
    if (ptsname_r(m, name, sizeof(name)) != 0) {
        int e = errno;
        close(m);
        return errtext_set(-e, err, errlen, "cannot name the pty: %s", strerror(e));
    }
    int s = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s < 0) {
        int e = errno;
        close(m);
        return errtext_set(-e, err, errlen, "cannot open %s: %s", name, strerror(e));
    }
    int rc = pty_set_raw(s, err, errlen);
    if (rc < 0) {
        close(s);
        close(m);
        return rc;
    }
    if (slave_name && namelen > 0)
        snprintf(slave_name, namelen, "%s", name);
    *master = m;
    *slave = s;
    return 0;
}
