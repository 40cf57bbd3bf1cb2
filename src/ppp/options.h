/*
 * options.h - reading and writing the Type-Length-Value option lists of
 * Configure packets (RFC 1661 section 6).
 */
#ifndef PPPSSH_OPTIONS_H
#define PPPSSH_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct opt {
    uint8_t type;
    uint8_t len; /* of data, i.e. the Length field minus 2 */
    const uint8_t *data;
    const uint8_t *raw; /* the whole option, Type first: for copying into a reply */
};

struct opt_iter {
    const uint8_t *p, *end;
};

void opt_iter_init(struct opt_iter *it, const uint8_t *opts, size_t len);
/* Next option: 1 and *o filled, 0 at the end, -1 if the list is malformed
 * (a Length below 2 or past the end). */
int opt_next(struct opt_iter *it, struct opt *o);
/* Every option well-formed, to the last byte. */
bool opts_valid(const uint8_t *opts, size_t len);
/* Every option of `sub` (well-formed) stands, unchanged, in `of`, in the
 * same order: what RFC 1661 section 5.4 asks of a Configure-Reject against
 * our last request. */
bool opts_subset_in_order(const uint8_t *sub, size_t sub_len, const uint8_t *of, size_t of_len);

struct opt_writer {
    uint8_t *buf;
    size_t cap, len;
    bool overflow; /* a put did not fit; len stays as it was before it */
};

void opt_writer_init(struct opt_writer *w, uint8_t *buf, size_t cap);
void opt_put(struct opt_writer *w, uint8_t type, const uint8_t *data, size_t len);
void opt_put_raw(struct opt_writer *w, const struct opt *o); /* copy an option verbatim */
void opt_put16(struct opt_writer *w, uint8_t type, uint16_t value);
void opt_put32(struct opt_writer *w, uint8_t type, uint32_t value);

#endif
