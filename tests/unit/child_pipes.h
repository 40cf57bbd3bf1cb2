/*
 * child_pipes.h - a child process that tells the test it is ready over a
 * pipe, and talks over a second one.  Header-only; include it once, after
 * <cmocka.h>.
 */
#ifndef CHILD_PIPES_H
#define CHILD_PIPES_H

#include <unistd.h>

/* Two fresh pipes, then fork(): the child and the parent each close the
 * ends they do not use (else a read never sees end of file).  The pid, as
 * fork() returns it. */
static inline pid_t fork_with_pipes(int a[2], int b[2])
{
    assert_int_equal(pipe(a), 0);
    assert_int_equal(pipe(b), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    return pid;
}

/* The child's 'y' on fd (it got ready; anything else: it failed), then
 * fd closed. */
static inline void await_child_ready(int fd)
{
    char ok = 0;
    assert_int_equal(read(fd, &ok, 1), 1);
    assert_int_equal(ok, 'y');
    close(fd);
}

#endif
