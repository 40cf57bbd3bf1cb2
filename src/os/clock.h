/*
 * clock.h - the one clock of the program: CLOCK_MONOTONIC.  The event
 * loop reads it once per wake-up and passes the time in; the few blocking
 * helpers (bounded waits) read it to know when to give up.
 */
#ifndef PPPSSH_OS_CLOCK_H
#define PPPSSH_OS_CLOCK_H

#include <stdint.h>

/* Nanoseconds since an arbitrary point (the engine's ppp_time). */
uint64_t os_clock_ns(void);
/* The same clock in milliseconds. */
long long os_clock_ms(void);
/* Sleeps ms milliseconds (a bounded poll step). */
void os_sleep_ms(int ms);

#endif
