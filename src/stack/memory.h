/*
 * memory.h - how pppssh-stack keeps its memory small (issue 14's target:
 * serve and the stack of a session together within 16 MB;
 * docs/userspace-stack.md, "Memory").
 */
#ifndef PPPSSH_STACK_MEMORY_H
#define PPPSSH_STACK_MEMORY_H

#include <stdint.h>

/* Before the stack allocates anything: libslirp's per-connection socket
 * buffers (128 KiB and more) come from and go back to the kernel
 * whole, instead of settling in the heap. */
void memory_setup(void);

/* Once a turn (NOW_MS: the monotonic clock): at most once a second, give
 * the heap's free pages back after a burst. */
void memory_trim(int64_t now_ms);

#endif
