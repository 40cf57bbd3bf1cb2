/*
 * report.h - pppd's `updetach` for `pppssh up`: the process forks early;
 * the parent waits on a pipe and exits 0 only when the child writes "UP"
 * (link up, addresses and routes in place), or prints the child's one
 * error line and exits with its status.  No sleeps: the parent blocks in
 * read() until the child reports or dies.
 *
 * Wire format, one line: "UP\n" or "ERR <status> <message>\n".
 */
#ifndef PPPSSH_RUN_REPORT_H
#define PPPSSH_RUN_REPORT_H

#include <signal.h>

/* The signals that stop a tunnel or act on its link (INT, TERM, HUP,
 * USR1).  A process that forks the one handling them blocks them first:
 * one sent before the child's handlers exist then waits for them
 * (loop.c reads them through signalfd) instead of killing the child. */
void report_stop_signals(sigset_t *set);

/* Forks.  Returns in the child only, with *fd the write end (close-on-exec),
 * after the child became a session leader, and with report_stop_signals
 * blocked; the parent never returns: it exits with the reported status.
 * Returns -errno if fork failed. */
int report_detach(int *fd);

/* Both close fd and are no-ops for fd < 0. */
void report_up(int fd);
void report_error(int fd, int status, const char *message);

#endif
