/*
 * show_format.h - printing what tunnels report (the control socket's
 * "fields" answer, session/fields.h) for `pppssh show`, `dump`, `--json`
 * and `metrics`.  Pure: text in, text out, so that every format is
 * tested without a tunnel.
 */
#ifndef PPPSSH_CLI_SHOW_FORMAT_H
#define PPPSSH_CLI_SHOW_FORMAT_H

#include <stddef.h>
#include <stdio.h>

#include "fields.h"

/* A "fields" answer into fv: unknown keys (a newer tunnel) are skipped,
 * fields the answer lacks stay FIELD_ABSENT. */
void show_parse(const char *answer, struct field_values *fv);

/* `show`: a block per tunnel, wg show style, absent fields left out. */
void show_print_block(FILE *out, const struct field_values *fv);
/* `dump`: one line, the fields in table order, separated by tabs. */
void show_print_dump(FILE *out, const struct field_values *fv);
/* `--json`: a JSON array of n objects, a member per field; numbers as
 * numbers, absent values null. */
void show_print_json(FILE *out, const struct field_values *fv, size_t n);
/* `metrics`: the Prometheus text exposition format (version 0.0.4) for n
 * tunnels, each sample labelled tunnel="NAME". */
void show_print_metrics(FILE *out, const struct field_values *fv, size_t n);

/* s as a JSON string, quotes included (RFC 8259 section 7). */
void json_print_string(FILE *out, const char *s);

#endif
