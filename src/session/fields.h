/*
 * fields.h - what a running tunnel reports about itself, defined once.
 * The control socket's "fields" request answers one "key=value" line per
 * entry of TUNNEL_FIELDS (ctl_fields.c fills the values); `pppssh show`,
 * `dump`, `--json` and `metrics` (src/cli/show_format.c) print the same
 * entries in the same order.  New fields go at the end: `dump`'s columns
 * are a stable interface (pppssh(8), FIELDS).
 */
#ifndef PPPSSH_SESSION_FIELDS_H
#define PPPSSH_SESSION_FIELDS_H

enum field_index {
    FIELD_TUNNEL,
    FIELD_STATE,
    FIELD_INTERFACE,
    FIELD_PID,
    FIELD_LOCAL4,
    FIELD_PEER4,
    FIELD_LOCAL6,
    FIELD_PEER6,
    FIELD_ADDRESS6,
    FIELD_UPTIME,
    FIELD_TX_BYTES,
    FIELD_TX_PACKETS,
    FIELD_RX_BYTES,
    FIELD_RX_PACKETS,
    FIELD_ECHO_RTT,
    FIELD_QUEUE_PACKETS,
    FIELD_QUEUE_DELAY_MAX,
    FIELD_QUEUE_DROPS,
    FIELD_PATH_QUEUE_DELAY,
    FIELD_PACER_RATE,
    FIELD_RECONNECTS,
    FIELD_LAST_ERROR,
    FIELD_COUNT
};

enum field_kind {
    FIELD_KIND_TEXT,    /* a JSON string; a label of pppssh_tunnel_info */
    FIELD_KIND_GAUGE,   /* a number that goes up and down */
    FIELD_KIND_COUNTER, /* a number that only grows while the tunnel runs */
};

enum field_unit {
    FIELD_UNIT_NONE,
    FIELD_UNIT_SECONDS,
    FIELD_UNIT_MICROSECONDS, /* Prometheus gets seconds */
    FIELD_UNIT_BYTES,
    FIELD_UNIT_BITS_PER_SECOND,
};

struct tunnel_field {
    const char *key; /* answer key, dump column, JSON member */
    enum field_kind kind;
    enum field_unit unit;
    const char *metric; /* Prometheus name; NULL: not a metric of its own */
    const char *help;   /* HELP line and pppssh(8) */
};

extern const struct tunnel_field TUNNEL_FIELDS[FIELD_COUNT];

/* A value as text; FIELD_ABSENT where the tunnel has none (no address of
 * that family, no echo reply yet, unlimited pacing): JSON null, no sample. */
#define FIELD_VALUE_MAX 320
#define FIELD_ABSENT "-"

struct field_values {
    char v[FIELD_COUNT][FIELD_VALUE_MAX];
};

/* Every value FIELD_ABSENT. */
void field_values_clear(struct field_values *fv);
/* The entry whose key is key[0..len), or -1. */
int field_find(const char *key, size_t len);

#endif
