/*
 * show_format.c - show, dump, JSON and Prometheus text from the fields a
 * tunnel reports (show_format.h).
 */
#include "show_format.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

void show_parse(const char *answer, struct field_values *fv)
{
    field_values_clear(fv);
    for (const char *line = answer; *line;) {
        size_t len = strcspn(line, "\n");
        const char *eq = memchr(line, '=', len);
        int i = eq ? field_find(line, (size_t)(eq - line)) : -1;
        if (i >= 0) {
            size_t n = len - (size_t)(eq + 1 - line);
            if (n >= FIELD_VALUE_MAX)
                n = FIELD_VALUE_MAX - 1;
            memcpy(fv->v[i], eq + 1, n);
            fv->v[i][n] = 0;
        }
        line += len + (line[len] == '\n');
    }
}

static bool absent(const char *v)
{
    return strcmp(v, FIELD_ABSENT) == 0;
}

/* A whole decimal number, as the tunnel sends counters and gauges. */
static bool is_number(const char *v)
{
    char *end;
    if (!*v)
        return false;
    strtod(v, &end);
    return *end == 0;
}

static void print_human(FILE *out, const struct tunnel_field *f, const char *v)
{
    double x = strtod(v, NULL);
    unsigned long long s = strtoull(v, NULL, 10);
    switch (f->unit) {
    case FIELD_UNIT_SECONDS:
        fprintf(out, "%llud %02lluh %02llum %02llus", s / 86400, s / 3600 % 24, s / 60 % 60,
                s % 60);
        break;
    case FIELD_UNIT_MICROSECONDS:
        fprintf(out, "%.3f ms", x / 1e3);
        break;
    case FIELD_UNIT_BYTES:
        fprintf(out, "%s bytes", v);
        break;
    case FIELD_UNIT_BITS_PER_SECOND:
        fprintf(out, "%.1f Mbit/s", x / 1e6);
        break;
    default:
        fputs(v, out);
    }
}

/* For people, the value carries its unit ("1.500 ms"): the key without
 * it ("echo_rtt_us" -> "echo_rtt"). */
static const char *show_label(const char *key, char *buf, size_t size)
{
    size_t len = strlen(key);
    static const char *const suffixes[] = {"_us", "_bps"};
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        size_t n = strlen(suffixes[i]);
        if (len > n && strcmp(key + len - n, suffixes[i]) == 0)
            len -= n;
    }
    snprintf(buf, size, "%.*s", (int)len, key);
    return buf;
}

void show_print_block(FILE *out, const struct field_values *fv)
{
    char label[64];
    fprintf(out, "%s: %s\n", TUNNEL_FIELDS[FIELD_TUNNEL].key, fv->v[FIELD_TUNNEL]);
    for (int i = FIELD_TUNNEL + 1; i < FIELD_COUNT; i++) {
        if (absent(fv->v[i]))
            continue;
        fprintf(out, "  %s: ", show_label(TUNNEL_FIELDS[i].key, label, sizeof(label)));
        print_human(out, &TUNNEL_FIELDS[i], fv->v[i]);
        fputc('\n', out);
    }
}

void show_print_dump(FILE *out, const struct field_values *fv)
{
    for (int i = 0; i < FIELD_COUNT; i++)
        fprintf(out, "%s%c", fv->v[i], i + 1 < FIELD_COUNT ? '\t' : '\n');
}

void json_print_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else if (*c == '\t')
            fputs("\\t", out);
        else if (*c < 0x20 || *c == 0x7f)
            fprintf(out, "\\u%04x", *c); /* section 7: control characters escaped */
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void print_json_object(FILE *out, const struct field_values *fv)
{
    fputs("  {", out);
    for (int i = 0; i < FIELD_COUNT; i++) {
        const char *v = fv->v[i];
        fprintf(out, "%s\n    \"%s\": ", i ? "," : "", TUNNEL_FIELDS[i].key);
        if (absent(v))
            fputs("null", out);
        else if (TUNNEL_FIELDS[i].kind != FIELD_KIND_TEXT && is_number(v))
            fputs(v, out);
        else
            json_print_string(out, v);
    }
    fputs("\n  }", out);
}

void show_print_json(FILE *out, const struct field_values *fv, size_t n)
{
    fputc('[', out);
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ",\n" : "\n", out);
        print_json_object(out, &fv[i]);
    }
    fputs(n ? "\n]\n" : "]\n", out);
}

/* A label value: backslash, double quote and newline escaped (the text
 * exposition format's rule). */
static void print_label(FILE *out, const char *name, const char *v)
{
    fprintf(out, "%s=\"", name);
    for (const char *c = absent(v) ? "" : v; *c; c++) {
        if (*c == '\\' || *c == '"')
            fprintf(out, "\\%c", *c);
        else if (*c == '\n')
            fputs("\\n", out);
        else
            fputc(*c, out);
    }
    fputc('"', out);
}

static void print_header(FILE *out, const char *metric, const char *type, const char *help)
{
    fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", metric, help, metric, type);
}

/* pppssh_tunnel_info: the text fields as labels (not last_error: a label
 * that changes with every failure would make a new series each time). */
static void print_info(FILE *out, const struct field_values *fv, size_t n)
{
    print_header(out, "pppssh_tunnel_info", "gauge",
                 "a running tunnel; its state, interface and addresses as labels");
    for (size_t t = 0; t < n; t++) {
        fputs("pppssh_tunnel_info{", out);
        print_label(out, "tunnel", fv[t].v[FIELD_TUNNEL]);
        for (int i = FIELD_TUNNEL + 1; i < FIELD_COUNT; i++) {
            if (TUNNEL_FIELDS[i].kind != FIELD_KIND_TEXT || i == FIELD_LAST_ERROR)
                continue;
            fputc(',', out);
            print_label(out, TUNNEL_FIELDS[i].key, fv[t].v[i]);
        }
        fputs("} 1\n", out);
    }
    print_header(out, "pppssh_up", "gauge", "1 while the link is up, else 0");
    for (size_t t = 0; t < n; t++) {
        fputs("pppssh_up{", out);
        print_label(out, "tunnel", fv[t].v[FIELD_TUNNEL]);
        fprintf(out, "} %d\n", strcmp(fv[t].v[FIELD_STATE], "up") == 0);
    }
}

static void print_sample(FILE *out, const struct tunnel_field *f, const char *tunnel, const char *v)
{
    fprintf(out, "%s{", f->metric);
    print_label(out, "tunnel", tunnel);
    fputs("} ", out);
    if (f->unit == FIELD_UNIT_MICROSECONDS) /* base units: seconds */
        fprintf(out, "%.6f\n", strtod(v, NULL) / 1e6);
    else
        fprintf(out, "%s\n", v);
}

void show_print_metrics(FILE *out, const struct field_values *fv, size_t n)
{
    print_info(out, fv, n);
    for (int i = 0; i < FIELD_COUNT; i++) {
        const struct tunnel_field *f = &TUNNEL_FIELDS[i];
        if (!f->metric)
            continue;
        print_header(out, f->metric, f->kind == FIELD_KIND_COUNTER ? "counter" : "gauge", f->help);
        for (size_t t = 0; t < n; t++)
            if (!absent(fv[t].v[i]) && is_number(fv[t].v[i]))
                print_sample(out, f, fv[t].v[FIELD_TUNNEL], fv[t].v[i]);
    }
}
