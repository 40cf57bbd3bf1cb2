/*
 * loglimit.h - rate-limit and deduplicate log lines a peer can trigger.
 *
 * A hostile peer decides how often the engine says "peer rejected code 9":
 * 100,000 Code-Rejects were 50,000 lines, enough for journald's rate limit
 * to drop what came after them, the session's accounting line among them.
 * Lines go in with the current time (no clock is read here); each shape of
 * line (its text with every word that holds a digit blanked, so "code 9"
 * and "code 12" are one shape) may write LOG_LIMIT_BURST lines per
 * LOG_LIMIT_WINDOW.  What it sends beyond that is counted, and one summary
 * ("<its last line> ... repeated N times") is written when the burst ends
 * (LOG_LIMIT_QUIET without one) or the window passes, whichever is first,
 * and at log_limit_flush().  Only peer-triggered lines belong here: the
 * caller writes its own lines (state changes, its own errors) directly.
 *
 * Bound: at most (LOG_LIMIT_SLOTS + 1) shapes x (LOG_LIMIT_BURST +
 * WINDOW/QUIET summaries) lines per window, whatever the peer sends.
 */
#ifndef PPPSSH_OS_LOGLIMIT_H
#define PPPSSH_OS_LOGLIMIT_H

#include <stdint.h>

#include "log.h"

#define LOG_LIMIT_SLOTS 16
#define LOG_LIMIT_BURST 5
#define LOG_LIMIT_WINDOW (10 * 1000000000ull) /* ns */
#define LOG_LIMIT_QUIET (2 * 1000000000ull)   /* ns: a burst has ended */
#define LOG_LIMIT_NEVER UINT64_MAX

/* Writes one line (the limiter's verdict, or a summary). */
typedef void log_limit_emit_fn(void *ctx, enum log_level level, const char *line);

struct log_limit_slot {
    uint64_t shape; /* 0: free */
    uint64_t window_start, last_at;
    unsigned written;     /* lines written in this window */
    uint64_t held;        /* lines held back since the last summary */
    enum log_level level; /* of the latest held-back line */
    char last[200];       /* the latest held-back line */
};

struct log_limit {
    struct log_limit_slot slots[LOG_LIMIT_SLOTS];
    struct log_limit_slot other; /* every shape that found no slot */
    log_limit_emit_fn *emit;
    void *ctx;
    uint64_t held_total; /* lines never written, for the curious */
};

void log_limit_init(struct log_limit *l, log_limit_emit_fn *emit, void *ctx);
/* One peer-triggered line at time now (ns, any monotonic origin). */
void log_limit_line(struct log_limit *l, uint64_t now, enum log_level level, const char *line);
/* When log_limit_tick() has a summary to write; LOG_LIMIT_NEVER if none. */
uint64_t log_limit_expiry(const struct log_limit *l);
/* Writes the summaries that are due at now. */
void log_limit_tick(struct log_limit *l, uint64_t now);
/* Writes every pending summary now: before the session's last lines. */
void log_limit_flush(struct log_limit *l);

#endif
