/*
 * memory.c - see memory.h.
 */
#include "memory.h"

#include <malloc.h>

/* Above libslirp's mbufs (STACK_MTU and a header, kept on its free list),
 * below its TCP socket buffers (128 KiB rounded up to whole segments).
 * A fixed threshold also stops glibc from raising it after the first
 * such buffer is freed, which would put every later one in the heap. */
#define MMAP_THRESHOLD (64 * 1024)
/* Free heap worth a trim. */
#define TRIM_SLACK (256 * 1024)
#define TRIM_EVERY_MS 1000

void memory_setup(void)
{
    /* One arena: the stack is one thread (no arena per thread to fill). */
    mallopt(M_ARENA_MAX, 1);
    mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
}

void memory_trim(int64_t now_ms)
{
    static int64_t last_ms;
    if (now_ms - last_ms < TRIM_EVERY_MS)
        return;
    last_ms = now_ms;
    struct mallinfo2 mi = mallinfo2();
    if (mi.fordblks >= TRIM_SLACK)
        malloc_trim(0);
}
