/*
 * sanitize.h - text the peer chose (ssh's and the remote's stderr, LCP
 * Terminate reasons, a refusal line) made safe to log and print: a
 * terminal or a log viewer must never see the peer's escape sequences.
 */
#ifndef PPPSSH_OS_SANITIZE_H
#define PPPSSH_OS_SANITIZE_H

#include <stddef.h>

/* Copies len bytes of in (or up to a NUL, whichever comes first) to out
 * as printable ASCII: control characters, DEL and bytes above 0x7f become
 * "\xNN"; everything else is kept.  A trailing CR/LF is dropped.  out is
 * always NUL-terminated (size > 0) and holds whole escapes only; returns
 * the length written. */
size_t text_sanitize(char *out, size_t size, const char *in, size_t len);

/* text_sanitize() of a NUL-terminated string (out and in must not overlap). */
#define text_sanitize_str(out, size, in) text_sanitize((out), (size), (in), (size_t)-1)

#endif
