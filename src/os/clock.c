/* clock.c - CLOCK_MONOTONIC, read in one place */
#include "clock.h"

#include <time.h>

uint64_t os_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

long long os_clock_ms(void)
{
    return (long long)(os_clock_ns() / 1000000u);
}

void os_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}
