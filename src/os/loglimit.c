/* loglimit.c - rate-limit and deduplicate peer-triggered log lines */
#include "loglimit.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

void log_limit_init(struct log_limit *l, log_limit_emit_fn *emit, void *ctx)
{
    memset(l, 0, sizeof(*l));
    l->emit = emit;
    l->ctx = ctx;
    l->other.shape = 1; /* never compared: only to mark it in use */
}

static bool is_word_char(char c)
{
    return isalnum((unsigned char)c) || c == '_';
}

static uint64_t fnv1a(uint64_t h, char c)
{
    return (h ^ (unsigned char)c) * 0x100000001b3ull;
}

/* The line with every word that holds a digit (a code, an id, an
 * address, a count) taken as one '#', hashed (FNV-1a). */
static uint64_t shape_of(const char *line)
{
    uint64_t h = 0xcbf29ce484222325ull;
    const char *p = line;

    while (*p) {
        if (!is_word_char(*p)) {
            h = fnv1a(h, *p++);
            continue;
        }
        const char *start = p;
        bool digit = false;
        for (; is_word_char(*p); p++)
            digit = digit || isdigit((unsigned char)*p);
        if (digit)
            h = fnv1a(h, '#');
        else
            for (const char *q = start; q < p; q++)
                h = fnv1a(h, *q);
    }
    return h < 2 ? h + 2 : h; /* 0 marks a free slot, 1 the "other" one */
}

static void summarize(struct log_limit *l, struct log_limit_slot *s)
{
    char line[sizeof(s->last) + 48];

    if (s->held == 0)
        return;
    snprintf(line, sizeof(line), "%s ... repeated %" PRIu64 " times", s->last, s->held);
    s->held = 0;
    l->emit(l->ctx, s->level, line);
}

static bool window_over(const struct log_limit_slot *s, uint64_t now)
{
    return now - s->window_start >= LOG_LIMIT_WINDOW;
}

/* The shape's slot; else a free one or one whose window is over (its
 * summary written first); else the shared "other" slot. */
static struct log_limit_slot *slot_for(struct log_limit *l, uint64_t shape, uint64_t now)
{
    struct log_limit_slot *reuse = NULL;

    for (size_t i = 0; i < LOG_LIMIT_SLOTS; i++) {
        struct log_limit_slot *s = &l->slots[i];
        if (s->shape == shape)
            return s;
        if (!reuse && (s->shape == 0 || window_over(s, now)))
            reuse = s;
    }
    if (!reuse)
        return &l->other;
    summarize(l, reuse);
    memset(reuse, 0, sizeof(*reuse));
    reuse->shape = shape;
    reuse->window_start = now;
    return reuse;
}

void log_limit_line(struct log_limit *l, uint64_t now, enum log_level level, const char *line)
{
    if (!log_enabled(level))
        return; /* not written anyway: it must not use up the budget */
    struct log_limit_slot *s = slot_for(l, shape_of(line), now);
    if (window_over(s, now)) {
        summarize(l, s);
        s->window_start = now;
        s->written = 0;
    }
    s->last_at = now;
    if (s->written < LOG_LIMIT_BURST) {
        s->written++;
        l->emit(l->ctx, level, line);
        return;
    }
    s->held++;
    l->held_total++;
    s->level = level;
    snprintf(s->last, sizeof(s->last), "%s", line);
}

static uint64_t slot_due(const struct log_limit_slot *s)
{
    if (s->held == 0)
        return LOG_LIMIT_NEVER;
    uint64_t quiet = s->last_at + LOG_LIMIT_QUIET;
    uint64_t end = s->window_start + LOG_LIMIT_WINDOW;
    return quiet < end ? quiet : end;
}

uint64_t log_limit_expiry(const struct log_limit *l)
{
    uint64_t when = slot_due(&l->other);

    for (size_t i = 0; i < LOG_LIMIT_SLOTS; i++) {
        uint64_t due = slot_due(&l->slots[i]);
        if (due < when)
            when = due;
    }
    return when;
}

void log_limit_tick(struct log_limit *l, uint64_t now)
{
    for (size_t i = 0; i < LOG_LIMIT_SLOTS; i++)
        if (slot_due(&l->slots[i]) <= now)
            summarize(l, &l->slots[i]);
    if (slot_due(&l->other) <= now)
        summarize(l, &l->other);
}

void log_limit_flush(struct log_limit *l)
{
    log_limit_tick(l, LOG_LIMIT_NEVER);
}
