/*
 * pty.h - pseudo-terminal pairs and raw mode.
 */
#ifndef PPPSSH_OS_PTY_H
#define PPPSSH_OS_PTY_H

#include <stddef.h>

/*
 * Opens a new pty pair: *master and *slave are close-on-exec descriptors,
 * neither becomes our controlling terminal (O_NOCTTY), the slave is
 * already in raw mode (8-bit clean: PPP frames pass unchanged).  The
 * slave's path ("/dev/pts/5") is written to slave_name if it is not NULL.
 * Returns 0 or -errno with err set.
 */
int pty_open(int *master, int *slave, char *slave_name, size_t namelen, char *err, size_t errlen);

/* Puts the terminal fd into raw mode (cfmakeraw: no echo, no line
 * editing, no CR/NL mapping, no signals, 8 data bits).  0 or -errno. */
int pty_set_raw(int fd, char *err, size_t errlen);

#endif
