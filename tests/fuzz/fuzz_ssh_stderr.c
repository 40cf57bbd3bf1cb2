/*
 * fuzz_ssh_stderr.c - arbitrary bytes as a transport's stderr, split into
 * lines as stream.c splits them, through ssh_stderr_add() (src/os/ssh.c):
 * the ranked choice of the line shown to the user, and text_sanitize().
 *
 * Oracles: the kept reason and failure line are each the sanitized form
 * of one input line, byte for byte as an independent escaper writes it;
 * they hold printable ASCII only; the kept rank and failure are what the
 * classifier says of the kept lines; and appending a usage trailer (pppd's
 * "See pppd(8) for more options.") changes neither, once a line is kept.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "ssh.h"

#define MAX_LINES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct line {
    const char *p;
    size_t len;
};

/* The reference: every byte printable or \xNN, cut before NUL, trailing
 * CR/LF dropped; then the longest prefix of whole escapes that fits. */
static void reference(const struct line *l, char *out, size_t size)
{
    size_t n = 0, o = 0;
    while (n < l->len && l->p[n])
        n++;
    while (n && (l->p[n - 1] == '\n' || l->p[n - 1] == '\r'))
        n--;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)l->p[i];
        char piece[5];
        size_t k = c >= 0x20 && c < 0x7f ? (size_t)snprintf(piece, sizeof(piece), "%c", c)
                                         : (size_t)snprintf(piece, sizeof(piece), "\\x%02x", c);
        if (o + k >= size)
            break;
        memcpy(out + o, piece, k);
        o += k;
    }
    out[o] = 0;
}

static void all_printable(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
            abort();
}

/* kept is "" or the reference form of one of the lines. */
static void is_one_of(const char *kept, const struct line *lines, size_t n)
{
    char ref[256];
    if (!kept[0])
        return;
    for (size_t i = 0; i < n; i++) {
        reference(&lines[i], ref, sizeof(ref));
        if (strcmp(ref, kept) == 0)
            return;
    }
    abort();
}

static size_t split(const uint8_t *data, size_t size, struct line *lines)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= size && n < MAX_LINES; i++) {
        if (i == size || data[i] == '\n') {
            lines[n++] = (struct line){(const char *)data + start, i - start};
            start = i + 1;
        }
    }
    return n;
}

static void feed(struct ssh_stderr *s, const struct line *lines, size_t n)
{
    ssh_stderr_init(s);
    for (size_t i = 0; i < n; i++)
        ssh_stderr_add(s, lines[i].p, lines[i].len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char trailer[] = "See pppd(8) for more options.";
    struct line lines[MAX_LINES + 1];
    struct ssh_stderr s, t;
    size_t n = split(data, size, lines);

    feed(&s, lines, n);
    all_printable(s.reason);
    all_printable(s.failure_line);
    is_one_of(s.reason, lines, n);
    is_one_of(s.failure_line, lines, n);
    if (s.reason[0] && ssh_rank_line(s.reason) != s.rank)
        abort();
    if (ssh_classify_line(s.failure_line) != s.failure)
        abort();

    lines[n] = (struct line){trailer, sizeof(trailer) - 1};
    feed(&t, lines, n + 1);
    if (s.reason[0] && (strcmp(s.reason, t.reason) != 0 || s.rank != t.rank))
        abort();
    if (s.failure != t.failure || strcmp(s.failure_line, t.failure_line) != 0)
        abort();
    return 0;
}
