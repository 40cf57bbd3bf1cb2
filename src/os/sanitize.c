/* sanitize.c - peer-chosen text made printable (see sanitize.h) */
#include "sanitize.h"

#include <stdbool.h>

static bool printable(unsigned char c)
{
    return c >= 0x20 && c < 0x7f;
}

/* Length of in up to len bytes or its NUL, without trailing CR/LF. */
static size_t visible_length(const char *in, size_t len)
{
    size_t n = 0;
    while (n < len && in[n])
        n++;
    while (n && (in[n - 1] == '\n' || in[n - 1] == '\r'))
        n--;
    return n;
}

size_t text_sanitize(char *out, size_t size, const char *in, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    if (size == 0)
        return 0;
    len = in ? visible_length(in, len) : 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)in[i];
        if (printable(c)) {
            if (o + 1 >= size)
                break;
            out[o++] = (char)c;
            continue;
        }
        if (o + 4 >= size)
            break;
        out[o++] = '\\';
        out[o++] = 'x';
        out[o++] = hex[c >> 4];
        out[o++] = hex[c & 15];
    }
    out[o] = 0;
    return o;
}
