/*
 * options.c - Configure option lists: a bounds-checked reader and writer.
 */
#include "options.h"

#include <string.h>

#include "wire.h"

void opt_iter_init(struct opt_iter *it, const uint8_t *opts, size_t len)
{
    it->p = opts;
    it->end = len ? opts + len : opts; /* NULL + 0 is undefined in C */
}

int opt_next(struct opt_iter *it, struct opt *o)
{
    size_t left = (size_t)(it->end - it->p);

    if (left == 0)
        return 0;
    /* RFC 1661 section 6: Length counts Type and Length, so it is >= 2 */
    if (left < 2 || it->p[1] < 2 || it->p[1] > left)
        return -1;
    o->type = it->p[0];
    o->len = (uint8_t)(it->p[1] - 2);
    o->data = it->p + 2;
    o->raw = it->p;
    it->p += it->p[1];
    return 1;
}

bool opts_valid(const uint8_t *opts, size_t len)
{
    struct opt_iter it;
    struct opt o;
    int r;

    opt_iter_init(&it, opts, len);
    while ((r = opt_next(&it, &o)) > 0)
        ;
    return r == 0;
}

void opt_writer_init(struct opt_writer *w, uint8_t *buf, size_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
    w->overflow = false;
}

void opt_put(struct opt_writer *w, uint8_t type, const uint8_t *data, size_t len)
{
    if (len > 253 || w->cap - w->len < len + 2) {
        w->overflow = true;
        return;
    }
    w->buf[w->len] = type;
    w->buf[w->len + 1] = (uint8_t)(len + 2);
    if (len)
        memcpy(w->buf + w->len + 2, data, len);
    w->len += len + 2;
}

void opt_put_raw(struct opt_writer *w, const struct opt *o)
{
    opt_put(w, o->type, o->data, o->len);
}

void opt_put16(struct opt_writer *w, uint8_t type, uint16_t value)
{
    uint8_t b[2];

    put16(b, value);
    opt_put(w, type, b, sizeof(b));
}

void opt_put32(struct opt_writer *w, uint8_t type, uint32_t value)
{
    uint8_t b[4];

    put32(b, value);
    opt_put(w, type, b, sizeof(b));
}

bool opts_subset_in_order(const uint8_t *sub, size_t sub_len, const uint8_t *of, size_t of_len)
{
    struct opt_iter subs, ofs;
    struct opt s, o;

    if (!opts_valid(sub, sub_len))
        return false;
    opt_iter_init(&ofs, of, of_len);
    opt_iter_init(&subs, sub, sub_len);
    while (opt_next(&subs, &s) > 0) {
        bool found = false;

        while (!found && opt_next(&ofs, &o) > 0)
            found = o.len == s.len && memcmp(o.raw, s.raw, (size_t)s.len + 2) == 0;
        if (!found)
            return false;
    }
    return true;
}
